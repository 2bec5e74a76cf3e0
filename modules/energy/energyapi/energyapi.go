// Package energyapi is the energy module's wire (分布式电力交易): the roles
// it declares, its signed actions with their bodies and results, its
// records, and the answers of its read endpoints: smart meters and their
// signed interval readings, bids and asks per delivery interval, the
// uniform-price clearing of each interval and its settlement in fen.
package energyapi

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Name is the module name used in transactions and keys.
const Name = "energy"

// The roles the module declares. The strings are stored on chain: never
// rename.
const (
	// GridOperator is the distribution grid company (电网企业): it opens a
	// trading zone (a distribution area, e.g. one substation's), sets its
	// tariffs, registers the smart meters' keys, clears each delivery
	// interval's auction and settles it against the metered delivery.
	GridOperator role.Role = "grid_operator"
	// Prosumer is a market participant of a zone (分布式交易主体): a
	// prosumer with rooftop solar or a consumer, with smart meters; it
	// posts bids and asks.
	Prosumer role.Role = "prosumer"
)

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: GridOperator, ZH: "电网企业", EN: "Grid operator"},
	{Role: Prosumer, ZH: "分布式交易用户", EN: "Prosumer"},
}

// The actions of the module.
var (
	OpenZone     = api.Action[ZoneBody, IDResult]{Module: Name, Name: "open_zone", Doc: "open a trading zone (a distribution area) with its interval length, tariffs in fen per kWh and price cap"}
	SetTariff    = api.Action[TariffBody, IDResult]{Module: Name, Name: "set_tariff", Doc: "change a zone's tariffs from a delivery interval whose trading is still open"}
	RegisterMtr  = api.Action[MeterBody, IDResult]{Module: Name, Name: "register_meter", Doc: "register a smart meter of a participant in a zone, with the meter's own public key and its rated capacity"}
	RetireMtr    = api.Action[RetireMeterBody, IDResult]{Module: Name, Name: "retire_meter", Doc: "retire a meter (replaced or removed): its readings are refused from then on"}
	PostReadings = api.Action[ReadingsBody, ReadingsResult]{Module: Name, Name: "post_readings", Doc: "post interval readings (Wh imported and exported), each signed by its meter's key; batches of up to 250, from the grid operator's head-end system or the participant"}
	PlaceOrder   = api.Action[OrderBody, IDResult]{Module: Name, Name: "place_order", Doc: "bid to buy or ask to sell energy (Wh) in a delivery interval at a limit price (fen per kWh), until the interval's gate closes"}
	CancelOrder  = api.Action[IDBody, IDResult]{Module: Name, Name: "cancel_order", Doc: "withdraw an order before its interval's gate closes"}
	ClearInt     = api.Action[IntervalBody, ClearResult]{Module: Name, Name: "clear_interval", Doc: "clear an interval's bids and asks once its gate closed: a double auction at one uniform price"}
	SettleInt    = api.Action[IntervalBody, SettleResult]{Module: Name, Name: "settle_interval", Doc: "settle a cleared interval in fen against the metered delivery, imbalances at the grid tariffs"}
)

// Sides of an order.
const (
	Buy  = "buy"
	Sell = "sell"
)

// Sides lists the sides.
var Sides = []string{Buy, Sell}

// Order and book statuses.
const (
	OrderOpen      = "open"
	OrderCancelled = "cancelled"
	BookOpen       = "open"
	BookCleared    = "cleared"
	BookSettled    = "settled"
)

// Limits and defaults.
const (
	// DefaultIntervalMinutes is a zone's delivery interval unless it says
	// otherwise: 15 minutes, as China's spot markets settle.
	DefaultIntervalMinutes = 15
	// DefaultPriceCapFen is the highest price a bid or ask may name unless
	// the zone says otherwise: 2 yuan per kWh.
	DefaultPriceCapFen = 200
	// MaxPriceFen bounds tariffs and price caps: 100 yuan per kWh.
	MaxPriceFen = 10_000
	// MaxReadings is the most readings one post_readings carries: the 64
	// KiB transaction holds 250 with SM2 signatures (DER, about 72 bytes)
	// and 32-character meter ids.
	MaxReadings = 250
	// MaxBookOrders is the most orders an interval's book takes.
	MaxBookOrders = 20_000
	// MaxTariffs is the most tariff changes a zone keeps.
	MaxTariffs = 100
	// SettleGraceMinutes is how long after an interval ends its settlement
	// waits for missing readings; without them the missing meters count
	// as zero delivery.
	SettleGraceMinutes = 60
	// ReadingDomain separates meter reading signatures from every other
	// signature.
	ReadingDomain = "dengta/energy/reading/v1"
)

// IntervalLengths are the interval lengths a zone may choose, in minutes.
// One minute is for tests and demonstrations.
var IntervalLengths = []int{1, 5, 15, 30, 60}

// CST is China Standard Time, in which interval ids are written.
var CST = time.FixedZone("CST", 8*3600)

// IntervalID writes the delivery interval starting at t: its start in
// China Standard Time, YYYYMMDDhhmm.
func IntervalID(t time.Time) string { return t.In(CST).Format("200601021504") }

// ParseInterval reads an interval id and checks that it starts on a
// boundary of minutes-long intervals (counted from midnight, CST).
func ParseInterval(id string, minutes int) (time.Time, error) {
	if len(id) != 12 {
		return time.Time{}, fmt.Errorf("interval %q is not written YYYYMMDDhhmm", id)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return time.Time{}, fmt.Errorf("interval %q is not written YYYYMMDDhhmm", id)
		}
	}
	t, err := time.ParseInLocation("200601021504", id, CST)
	if err != nil || IntervalID(t) != id {
		return time.Time{}, fmt.Errorf("interval %q is not a time YYYYMMDDhhmm", id)
	}
	if m := t.Hour()*60 + t.Minute(); minutes > 0 && m%minutes != 0 {
		return time.Time{}, fmt.Errorf("interval %q does not start on a %d-minute boundary", id, minutes)
	}
	return t, nil
}

// IntervalOf returns the id of the minutes-long interval holding t.
func IntervalOf(t time.Time, minutes int) string {
	c := t.In(CST)
	m := (c.Hour()*60 + c.Minute()) / minutes * minutes
	return IntervalID(time.Date(c.Year(), c.Month(), c.Day(), m/60, m%60, 0, 0, CST))
}

// ReadingMessage is what a meter signs for one reading: the domain, the
// chain, the meter, the interval and the two registers, each followed by
// a zero byte.
func ReadingMessage(chainID, meter, interval string, importWh, exportWh int64) []byte {
	b := make([]byte, 0, 96)
	for _, s := range []string{ReadingDomain, chainID, meter, interval, strconv.FormatInt(importWh, 10), strconv.FormatInt(exportWh, 10)} {
		b = append(b, s...)
		b = append(b, 0)
	}
	return b
}

// AmountFen is the value of wh watt-hours at priceFen per kWh, rounded
// half up to the fen.
func AmountFen(wh, priceFen int64) int64 { return (wh*priceFen + 500) / 1000 }

// Party is who signed an action.
type Party = module.Party

// Stamp is who wrote a record, when.
type Stamp struct {
	By     Party  `json:"by"`
	Height int64  `json:"height"`
	Time   string `json:"time"`
	Tx     string `json:"tx"`
}

// Bodies.

// ZoneBody is the body of open_zone.
type ZoneBody struct {
	Zone            string `json:"zone" doc:"the zone's code, 2 to 32 letters, digits or '-', e.g. AH-DS-LL-110KV"`
	Name            string `json:"name" doc:"1 to 60 characters"`
	IntervalMinutes int    `json:"interval_minutes,omitempty" doc:"1, 5, 15, 30 or 60; 15 when absent"`
	RetailFen       int64  `json:"retail_fen" doc:"what the grid charges for energy a participant takes beyond what it bought, fen per kWh"`
	FeedInFen       int64  `json:"feed_in_fen" doc:"what the grid pays for energy a participant delivers beyond what it sold, fen per kWh"`
	WheelingFen     int64  `json:"wheeling_fen,omitempty" doc:"the network charge (过网费) on energy bought in the market, fen per kWh, paid by the buyer"`
	PriceCapFen     int64  `json:"price_cap_fen,omitempty" doc:"the highest price an order may name, fen per kWh; 200 when absent"`
}

// TariffBody is the body of set_tariff.
type TariffBody struct {
	Zone        string `json:"zone"`
	From        string `json:"from" doc:"the first delivery interval of the new tariffs (YYYYMMDDhhmm); its trading must still be open"`
	RetailFen   int64  `json:"retail_fen"`
	FeedInFen   int64  `json:"feed_in_fen"`
	WheelingFen int64  `json:"wheeling_fen,omitempty"`
}

// MeterBody is the body of register_meter.
type MeterBody struct {
	Meter     string       `json:"meter" doc:"the meter's asset number, 4 to 32 letters, digits or '-'"`
	Zone      string       `json:"zone"`
	Org       string       `json:"org" doc:"the participant the meter measures (a prosumer)"`
	PublicKey tx.PublicKey `json:"public_key" doc:"the meter's own signing key (Ed25519 or SM2), held in its secure element"`
	CapacityW int64        `json:"capacity_w" doc:"rated power, W: no interval reads more than capacity × interval"`
}

// RetireMeterBody is the body of retire_meter.
type RetireMeterBody struct {
	Meter  string `json:"meter"`
	Reason string `json:"reason" doc:"1 to 200 characters"`
}

// Reading is one meter's registers for one interval, signed by the meter
// over ReadingMessage.
type Reading struct {
	Meter    string `json:"meter"`
	Interval string `json:"interval" doc:"the interval's start, YYYYMMDDhhmm in China Standard Time"`
	ImportWh int64  `json:"import_wh" doc:"energy taken from the grid in the interval, Wh"`
	ExportWh int64  `json:"export_wh" doc:"energy delivered to the grid in the interval, Wh"`
	Sig      string `json:"sig" doc:"the meter's signature, hex"`
}

// ReadingsBody is the body of post_readings.
type ReadingsBody struct {
	Readings []Reading `json:"readings" doc:"1 to 250 readings of ended intervals"`
}

// OrderBody is the body of place_order.
type OrderBody struct {
	Zone       string `json:"zone"`
	Interval   string `json:"interval" doc:"the delivery interval, YYYYMMDDhhmm; its gate closes when it starts"`
	Side       string `json:"side" doc:"buy or sell"`
	QuantityWh int64  `json:"quantity_wh" doc:"energy, Wh, positive"`
	PriceFen   int64  `json:"price_fen" doc:"limit price, fen per kWh: the most a buyer pays, the least a seller takes"`
}

// IDBody names a record.
type IDBody struct {
	ID string `json:"id"`
}

// IntervalBody names a zone's interval.
type IntervalBody struct {
	Zone     string `json:"zone"`
	Interval string `json:"interval"`
}

// Results.

// IDResult answers the record an action made or changed.
type IDResult struct {
	ID string `json:"id"`
}

// ReadingsResult answers how many readings were recorded.
type ReadingsResult struct {
	Recorded int `json:"recorded"`
}

// ClearResult answers an interval's clearing.
type ClearResult struct {
	PriceFen     int64 `json:"price_fen"`
	VolumeWh     int64 `json:"volume_wh"`
	Participants int   `json:"participants"`
}

// SettleResult answers an interval's settlement.
type SettleResult struct {
	TradeFen int64 `json:"trade_fen"`
	GridFen  int64 `json:"grid_fen"`
	Missing  int   `json:"missing" doc:"participants without all their readings, settled as zero delivery"`
}
