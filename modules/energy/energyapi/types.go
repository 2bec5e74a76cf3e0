package energyapi

import (
	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/tx"
)

// Records.

// Tariff is a zone's prices from an interval on, fen per kWh.
type Tariff struct {
	From        string `json:"from"`
	RetailFen   int64  `json:"retail_fen"`
	FeedInFen   int64  `json:"feed_in_fen"`
	WheelingFen int64  `json:"wheeling_fen"`
}

// Zone is a trading zone.
type Zone struct {
	Zone            string   `json:"zone"`
	Name            string   `json:"name"`
	Operator        string   `json:"operator"`
	IntervalMinutes int      `json:"interval_minutes"`
	PriceCapFen     int64    `json:"price_cap_fen"`
	Tariffs         []Tariff `json:"tariffs" doc:"in order of their first interval"`
	Meters          int      `json:"meters" doc:"active meters"`
	Opened          Stamp    `json:"opened"`
}

// TariffAt is the tariff in force for interval.
func (z *Zone) TariffAt(interval string) Tariff {
	t := z.Tariffs[0]
	for _, x := range z.Tariffs {
		if x.From <= interval {
			t = x
		}
	}
	return t
}

// Meter is a registered smart meter.
type Meter struct {
	Meter      string       `json:"meter"`
	Zone       string       `json:"zone"`
	Org        string       `json:"org"`
	PublicKey  tx.PublicKey `json:"public_key"`
	CapacityW  int64        `json:"capacity_w"`
	Active     bool         `json:"active"`
	Retired    string       `json:"retired,omitempty" doc:"why and when it was retired"`
	Readings   int64        `json:"readings"`
	Last       string       `json:"last,omitempty" doc:"the latest interval read"`
	Registered Stamp        `json:"registered"`
}

// StoredReading is a reading as the chain keeps it.
type StoredReading struct {
	Reading
	Org    string `json:"org"`
	Zone   string `json:"zone"`
	Height int64  `json:"height"`
}

// Order is a bid or an ask.
type Order struct {
	ID         string `json:"id"`
	Zone       string `json:"zone"`
	Interval   string `json:"interval"`
	Seq        int    `json:"seq" doc:"its place in the book: time priority"`
	Org        string `json:"org"`
	Side       string `json:"side"`
	QuantityWh int64  `json:"quantity_wh"`
	PriceFen   int64  `json:"price_fen"`
	Status     string `json:"status" doc:"open or cancelled"`
	Placed     Stamp  `json:"placed"`
}

// Book is an interval's order book.
type Book struct {
	Zone     string `json:"zone"`
	Interval string `json:"interval"`
	Orders   int    `json:"orders" doc:"orders placed, cancelled ones included"`
	Open     int    `json:"open"`
	BuyWh    int64  `json:"buy_wh" doc:"open bids"`
	SellWh   int64  `json:"sell_wh" doc:"open asks"`
	Status   string `json:"status" doc:"open, cleared or settled"`
}

// Position is what a participant ordered in an interval (one side only).
type Position struct {
	Org       string   `json:"org"`
	Side      string   `json:"side"`
	OrderedWh int64    `json:"ordered_wh"`
	Orders    []string `json:"orders"`
}

// Clearing is an interval's auction result.
type Clearing struct {
	Zone     string `json:"zone"`
	Interval string `json:"interval"`
	PriceFen int64  `json:"price_fen"`
	VolumeWh int64  `json:"volume_wh"`
	// The marginal bid's and ask's prices, whose mean (rounded down) is
	// the clearing price; 0 when nothing traded.
	MarginalBidFen int64 `json:"marginal_bid_fen"`
	MarginalAskFen int64 `json:"marginal_ask_fen"`
	Bids           int   `json:"bids"`
	Asks           int   `json:"asks"`
	BidWh          int64 `json:"bid_wh"`
	AskWh          int64 `json:"ask_wh"`
	Participants   int   `json:"participants" doc:"organisations with a fill"`
	Stamp
}

// OrderFill is one order's part of the volume.
type OrderFill struct {
	Order    string `json:"order"`
	FilledWh int64  `json:"filled_wh"`
}

// Fill is a participant's cleared position in an interval.
type Fill struct {
	Org       string      `json:"org"`
	Side      string      `json:"side"`
	OrderedWh int64       `json:"ordered_wh"`
	FilledWh  int64       `json:"filled_wh"`
	Orders    []OrderFill `json:"orders"`
}

// Metered is what a participant's meters read in an interval.
type Metered struct {
	Org      string `json:"org"`
	ImportWh int64  `json:"import_wh"`
	ExportWh int64  `json:"export_wh"`
	Readings int    `json:"readings"`
}

// Line is a participant's settlement of an interval, in fen: positive is
// owed to the participant, negative owed by it.
type Line struct {
	Org          string `json:"org"`
	SoldWh       int64  `json:"sold_wh"`
	BoughtWh     int64  `json:"bought_wh"`
	ImportWh     int64  `json:"import_wh"`
	ExportWh     int64  `json:"export_wh"`
	Readings     int    `json:"readings"`
	Meters       int    `json:"meters"`
	Missing      bool   `json:"missing,omitempty" doc:"some meter had no reading: counted as zero"`
	TradeFen     int64  `json:"trade_fen" doc:"received for energy sold, or (negative) paid for energy bought, at the clearing price"`
	WheelingFen  int64  `json:"wheeling_fen" doc:"the network charge on energy bought (negative)"`
	ImbalanceWh  int64  `json:"imbalance_wh" doc:"metered net delivery less the cleared net position: positive delivered more, negative took more"`
	ImbalanceFen int64  `json:"imbalance_fen" doc:"the imbalance at the feed-in tariff (positive) or the retail tariff (negative)"`
	NetFen       int64  `json:"net_fen"`
}

// Settlement is an interval's settlement totals. The participants' net
// amounts and the grid's add up to zero.
type Settlement struct {
	Zone         string `json:"zone"`
	Interval     string `json:"interval"`
	PriceFen     int64  `json:"price_fen"`
	Tariff       Tariff `json:"tariff"`
	TradeFen     int64  `json:"trade_fen" doc:"what buyers paid sellers"`
	WheelingFen  int64  `json:"wheeling_fen"`
	ChargesFen   int64  `json:"charges_fen" doc:"imbalance charges the grid received"`
	CreditsFen   int64  `json:"credits_fen" doc:"imbalance credits the grid paid"`
	GridFen      int64  `json:"grid_fen" doc:"the grid's net: wheeling + charges - credits"`
	Participants int    `json:"participants"`
	Missing      int    `json:"missing"`
	Stamp
}

// Answers.

// ZoneParams name a zone.
type ZoneParams struct {
	Zone   string `path:"zone"`
	Height int64  `query:"height"`
}

// IntervalParams name an interval of a zone.
type IntervalParams struct {
	Zone     string `path:"zone"`
	Interval string `path:"interval"`
	Height   int64  `query:"height"`
}

// MarketParams name a zone's intervals.
type MarketParams struct {
	Zone   string `path:"zone"`
	Before string `query:"before" doc:"intervals before this one (YYYYMMDDhhmm); the latest when absent"`
	Count  int    `query:"count" doc:"how many intervals, at most 96 (a day of 15-minute intervals); 48 when absent"`
}

// OrgParams name a participant.
type OrgParams struct {
	Org    string `path:"org"`
	Zone   string `query:"zone"`
	Height int64  `query:"height"`
}

// MeterParams name a meter's readings.
type MeterParams struct {
	Meter string `path:"meter"`
	From  string `query:"from" doc:"first interval (YYYYMMDDhhmm)"`
	To    string `query:"to" doc:"last interval (YYYYMMDDhhmm)"`
}

// HeightParams name a state version.
type HeightParams struct {
	Height int64 `query:"height"`
}

// ZoneView is a zone with its current tariff and the intervals awaiting
// clearing or settlement.
type ZoneView struct {
	Height  int64  `json:"height"`
	Zone    Zone   `json:"zone"`
	Current string `json:"current" doc:"the interval under way at the latest block"`
	Tariff  Tariff `json:"tariff" doc:"the tariff in force now"`
	Due     []Book `json:"due" doc:"books with orders not yet settled, oldest first"`
}

// IntervalView is an interval of a zone as the caller may see it: the
// book's totals and the clearing for every member; the caller's own
// orders, fill and settlement line; every line for the zone's operator
// and those who oversee.
type IntervalView struct {
	Height     int64       `json:"height"`
	Book       Book        `json:"book"`
	Clearing   *Clearing   `json:"clearing,omitempty"`
	Settlement *Settlement `json:"settlement,omitempty"`
	Orders     []Order     `json:"orders"`
	Fills      []Fill      `json:"fills"`
	Lines      []Line      `json:"lines"`
}

// MarketPoint is one interval of a zone's market.
type MarketPoint struct {
	Interval string `json:"interval"`
	Status   string `json:"status"`
	PriceFen int64  `json:"price_fen"`
	VolumeWh int64  `json:"volume_wh"`
	BidWh    int64  `json:"bid_wh"`
	AskWh    int64  `json:"ask_wh"`
}

// Market is a zone's intervals with orders, oldest first.
type Market struct {
	Height int64         `json:"height"`
	Zone   string        `json:"zone"`
	Points []MarketPoint `json:"points"`
}

// Statement is a participant's meters, orders and settlement lines in a
// zone, newest first.
type Statement struct {
	Height int64      `json:"height"`
	Org    string     `json:"org"`
	Meters []Meter    `json:"meters"`
	Orders []Order    `json:"orders" doc:"the latest 100"`
	Lines  []StmtLine `json:"lines" doc:"the latest 100 settled intervals"`
	NetFen int64      `json:"net_fen" doc:"the lines' total"`
}

// StmtLine is a settlement line with its interval.
type StmtLine struct {
	Zone     string `json:"zone"`
	Interval string `json:"interval"`
	PriceFen int64  `json:"price_fen"`
	Line
}

// The read endpoints: every one is for members; the handlers narrow
// orders, readings, fills and lines to their parties, the zone's
// operator and those who oversee.
var (
	Zones       = api.Query[HeightParams, api.Page[Zone]]{Path: "/v1/energy/zones", Doc: "The trading zones"}
	GetZone     = api.Query[ZoneParams, ZoneView]{Path: "/v1/energy/zones/{zone}", Doc: "A zone, its tariff and the intervals waiting to be cleared or settled"}
	GetInterval = api.Query[IntervalParams, IntervalView]{Path: "/v1/energy/zones/{zone}/intervals/{interval}", Doc: "A delivery interval: book, clearing, settlement, and the caller's orders, fill and line (all of them for the operator and overseers)"}
	GetMarket   = api.Query[MarketParams, Market]{Path: "/v1/energy/zones/{zone}/market", Doc: "Prices and volumes of a zone's recent intervals"}
	GetStmt     = api.Query[OrgParams, Statement]{Path: "/v1/energy/participants/{org}", Doc: "A participant's meters, orders and settlement lines (for it, the zones' operators and those who oversee)"}
	GetReadings = api.Query[MeterParams, api.Page[StoredReading]]{Path: "/v1/energy/meters/{meter}/readings", Doc: "A meter's readings (for its participant, the zone's operator and those who oversee)"}
)

// Participant is a participant's active meters in a zone.
type Participant struct {
	Org       string `json:"org"`
	Zone      string `json:"zone"`
	Meters    int    `json:"meters"`
	CapacityW int64  `json:"capacity_w"`
}
