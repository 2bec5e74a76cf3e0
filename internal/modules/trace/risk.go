package trace

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/module/field"
)

// Risk thresholds. A code scanned many times, in many places, by several
// devices after it was sold, or in two places too far apart for the time
// between the scans, is probably copied.
const (
	RiskManyScans        = 10            // more scans than this: warning
	RiskManyLocations    = 3             // at least this many distinct places: warning
	RiskAfterSaleDevices = 1             // more devices than this scanning after the sale: danger
	RiskFastMove         = 2 * time.Hour // two scans in different places closer in time than this: danger
)

// Verdict levels.
const (
	LevelOK      = "ok"
	LevelWarning = "warning"
	LevelDanger  = "danger"
)

// Reason codes of a verdict.
const (
	ReasonManyScans        = "many_scans"         // count, limit
	ReasonManyLocations    = "many_locations"     // count ("16+" beyond the kept set), limit
	ReasonScannedAfterSale = "scanned_after_sale" // devices, sold_at
	ReasonFastMove         = "fast_move"          // from, from_time, to, to_time, minutes, limit_minutes
	ReasonRecalled         = "recalled"           // lot, event, time
	ReasonExpired          = "expired"            // lot, expires_on
	ReasonEnded            = "ended"              // reason, event: the item was destroyed, decommissioned or consumed
)

// Reason is one finding of a verdict, with its parameters.
type Reason struct {
	Code   string            `json:"code"`
	Level  string            `json:"level"`
	Params map[string]string `json:"params"`
}

// Verdict is the risk assessment of an item's code.
type Verdict struct {
	Level   string   `json:"level"`
	Reasons []Reason `json:"reasons"`
}

func (v *Verdict) add(code, level string, kv ...string) {
	p := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	v.Reasons = append(v.Reasons, Reason{Code: code, Level: level, Params: p})
	if level == LevelDanger || (level == LevelWarning && v.Level == LevelOK) {
		v.Level = level
	}
}

func countText(n int, more bool) string {
	if more {
		return strconv.Itoa(n) + "+"
	}
	return strconv.Itoa(n)
}

// Risk assesses an item's code at time now (the latest block time).
func Risk(r Reader, epc string, now time.Time) (*Verdict, error) {
	o, err := Item(r, epc)
	if err != nil {
		return nil, err
	}
	sum, err := GetScanSummary(r, o.EPC)
	if err != nil {
		return nil, err
	}
	var lot *Lot
	if o.Lot != "" {
		if lot, err = GetLot(r, o.Lot); err != nil {
			return nil, err
		}
	}
	recalled, err := recalledSource(r, o)
	if err != nil {
		return nil, err
	}
	return verdict(o, sum, lot, recalled, now), nil
}

func verdict(o *Object, sum *ScanSummary, lot, recalled *Lot, now time.Time) *Verdict {
	v := &Verdict{Level: LevelOK, Reasons: []Reason{}}
	if recalled != nil {
		v.add(ReasonRecalled, LevelDanger, "lot", recalled.ID, "event", recalled.Recall.Event, "time", recalled.Recall.Time)
	}
	if o.Destroyed {
		v.add(ReasonEnded, LevelDanger, "reason", o.EndReason, "event", o.EndEvent)
	}
	if lot != nil && lot.ExpiresOn != "" && lot.ExpiresOn < field.BlockDate(now) {
		v.add(ReasonExpired, LevelWarning, "lot", lot.ID, "expires_on", lot.ExpiresOn)
	}
	if n := len(sum.AfterSaleDevices); n > RiskAfterSaleDevices {
		v.add(ReasonScannedAfterSale, LevelDanger, "devices", countText(n, sum.AfterSaleMore), "sold_at", o.SoldAt)
	}
	if m := sum.ClosestMove; m != nil && m.Seconds < int64(RiskFastMove/time.Second) {
		v.add(ReasonFastMove, LevelDanger, "from", m.From.Location, "from_time", m.From.Time, "to", m.To.Location, "to_time", m.To.Time,
			"minutes", strconv.FormatInt(m.Seconds/60, 10), "limit_minutes", strconv.Itoa(int(RiskFastMove/time.Minute)))
	}
	if sum.Count > RiskManyScans {
		v.add(ReasonManyScans, LevelWarning, "count", strconv.FormatInt(sum.Count, 10), "limit", strconv.Itoa(RiskManyScans))
	}
	if n, more := sum.DistinctLocations(); n >= RiskManyLocations {
		v.add(ReasonManyLocations, LevelWarning, "count", countText(n, more), "limit", strconv.Itoa(RiskManyLocations))
	}
	return v
}

// Step is one line of the journey a scan page shows.
type Step struct {
	EventID           string   `json:"event_id"`
	Time              string   `json:"time"` // event_time
	Type              string   `json:"type"`
	BizStep           string   `json:"biz_step"`
	Disposition       string   `json:"disposition,omitempty"`
	Org               *OrgInfo `json:"org"`
	Location          string   `json:"location,omitempty"` // biz_location, else read_point
	LocationName      string   `json:"location_name,omitempty"`
	Relation          string   `json:"relation"`
	Via               string   `json:"via,omitempty"`
	DeclaredErroneous bool     `json:"declared_erroneous"`
}

// ScanInfo is what a scan page says of the code's scans.
type ScanInfo struct {
	Count             int64      `json:"count"`
	First             *ScanPoint `json:"first,omitempty"`
	DistinctDevices   string     `json:"distinct_devices"`   // "16+" beyond the kept set
	DistinctLocations string     `json:"distinct_locations"` // likewise
}

// RecallStatus says whether the item is affected by a recall.
type RecallStatus struct {
	Recalled bool    `json:"recalled"`
	Lot      string  `json:"lot,omitempty"` // the recalled lot (the item's or one it was made from)
	Recall   *Recall `json:"recall,omitempty"`
}

// Page is everything the public scan page shows for a code, read from one
// state version.
type Page struct {
	EPC            string                `json:"epc"`
	Item           *Object               `json:"item"`
	Product        *Product              `json:"product"`
	Lot            *Lot                  `json:"lot,omitempty"`
	Origin         *Location             `json:"origin_location,omitempty"`
	Producer       *OrgInfo              `json:"producer"`
	Seller         *OrgInfo              `json:"seller,omitempty"`
	SoldAt         string                `json:"sold_at,omitempty"`
	Journey        []Step                `json:"journey"`
	Certifications []CertificationStatus `json:"certifications"` // the product's, then the lot's
	Scans          ScanInfo              `json:"scans"`
	Recall         RecallStatus          `json:"recall"`
	Risk           *Verdict              `json:"risk"`
}

// ScanPage gathers the public scan page of an item or drug pack at time now
// (the latest block time).
func ScanPage(r Reader, epc string, now time.Time) (*Page, error) {
	id, err := queryID("epc", epc, KindItem, KindDrug)
	if err != nil {
		return nil, err
	}
	o, err := Item(r, id.Path)
	if err != nil {
		return nil, err
	}
	pg := &Page{EPC: o.EPC, Item: o, Journey: []Step{}}
	if pg.Product, err = GetProduct(r, o.Product); err != nil {
		return nil, fmt.Errorf("product of %s: %w", o.EPC, err)
	}
	orgs := map[string]*OrgInfo{}
	org := func(id string) (*OrgInfo, error) {
		if o, ok := orgs[id]; ok {
			return o, nil
		}
		o, err := getOrg(r, id)
		orgs[id] = o
		return o, err
	}
	if pg.Producer, err = org(pg.Product.Owner); err != nil {
		return nil, err
	}
	if o.Lot != "" {
		if pg.Lot, err = GetLot(r, o.Lot); err != nil {
			return nil, err
		}
		if loc := pg.Lot.Origin.Location; loc != "" {
			if pg.Origin, err = GetLocation(r, loc); err != nil {
				return nil, err
			}
		}
	}
	if o.Sold {
		if pg.Seller, err = org(o.Seller); err != nil {
			return nil, err
		}
		pg.SoldAt = o.SoldAt
	}
	j, err := Journey(r, o.EPC)
	if err != nil {
		return nil, err
	}
	locs := map[string]string{}
	for _, e := range j {
		if e.ErrorDeclaration != nil {
			continue // shown as the flag on the event it declares
		}
		s := Step{EventID: e.ID, Time: e.EventTime, Type: e.Type, BizStep: e.BizStep, Disposition: e.Disposition,
			Location: e.BizLocation, Relation: e.Relation, Via: e.Via, DeclaredErroneous: e.DeclaredErroneous}
		if s.Location == "" {
			s.Location = e.ReadPoint
		}
		if s.Org, err = org(e.Recorder.Org); err != nil {
			return nil, err
		}
		if s.Location != "" {
			name, ok := locs[s.Location]
			if !ok {
				if l, err := GetLocation(r, s.Location); err == nil {
					name = l.Name
				} else if !isNotFound(err) {
					return nil, err
				}
				locs[s.Location] = name
			}
			s.LocationName = name
		}
		pg.Journey = append(pg.Journey, s)
	}
	if pg.Certifications, err = Certifications(r, pg.Product.ID, now); err != nil {
		return nil, err
	}
	if pg.Lot != nil {
		lc, err := Certifications(r, pg.Lot.ID, now)
		if err != nil {
			return nil, err
		}
		pg.Certifications = append(pg.Certifications, lc...)
	}
	sum, err := GetScanSummary(r, o.EPC)
	if err != nil {
		return nil, err
	}
	nd, dm := sum.DistinctDevices()
	nl, lm := sum.DistinctLocations()
	pg.Scans = ScanInfo{Count: sum.Count, First: sum.First, DistinctDevices: countText(nd, dm), DistinctLocations: countText(nl, lm)}
	recalled, err := recalledSource(r, o)
	if err != nil {
		return nil, err
	}
	if recalled != nil {
		pg.Recall = RecallStatus{Recalled: true, Lot: recalled.ID, Recall: recalled.Recall}
	}
	pg.Risk = verdict(o, sum, pg.Lot, recalled, now)
	return pg, nil
}
