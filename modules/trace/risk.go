package trace

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/module/field"
)

func addReason(v *Verdict, code, level string, kv ...string) {
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
	pg, err := ScanPage(r, epc, now)
	if err != nil {
		return nil, err
	}
	return pg.Risk, nil
}

// verdictInput is what a verdict weighs.
type verdictInput struct {
	o      *Object
	sum    *ScanSummary
	lot    *Lot
	recall RecallStatus
	series []Series
}

func verdict(in verdictInput, now time.Time) *Verdict {
	o, sum := in.o, in.sum
	v := &Verdict{Level: LevelOK, Reasons: []Reason{}}
	if rc := in.recall; rc.Recalled {
		addReason(v, ReasonRecalled, LevelDanger, "scope", rc.Scope, "subject", rc.Subject, "lot", rc.Lot, "event", rc.Recall.Event, "time", rc.Recall.Time)
	}
	if o.Destroyed {
		addReason(v, ReasonEnded, LevelDanger, "reason", o.EndReason, "event", o.EndEvent)
	}
	if in.lot != nil && in.lot.ExpiresOn != "" && in.lot.ExpiresOn < field.BlockDate(now) {
		addReason(v, ReasonExpired, LevelWarning, "lot", in.lot.ID, "expires_on", in.lot.ExpiresOn)
	}
	if n := len(sum.AfterSaleNets); n > RiskAfterSaleNets {
		addReason(v, ReasonScannedAfterSale, LevelDanger, "networks", countText(n, sum.AfterSaleMore), "sold_at", o.SoldAt)
	}
	if m := sum.ClosestMove; m != nil && m.Seconds < int64(RiskFastMove/time.Second) {
		addReason(v, ReasonFastMove, LevelDanger, "from", m.From.City, "from_time", m.From.Time, "to", m.To.City, "to_time", m.To.Time,
			"minutes", strconv.FormatInt(m.Seconds/60, 10), "limit_minutes", strconv.Itoa(int(RiskFastMove/time.Minute)))
	}
	if sum.Count > RiskManyScans {
		addReason(v, ReasonManyScans, LevelWarning, "count", strconv.FormatInt(sum.Count, 10), "limit", strconv.Itoa(RiskManyScans))
	}
	if n, more := sum.DistinctCities(); n >= RiskManyLocations {
		addReason(v, ReasonManyLocations, LevelWarning, "count", countText(n, more), "limit", strconv.Itoa(RiskManyLocations))
	}
	for _, s := range in.series {
		if s.Breaches == 0 || s.Bounds == nil {
			continue
		}
		for _, rd := range s.Readings {
			if rd.Breach {
				value := rd.Value
				if value == "" {
					value = rd.Min + "…" + rd.Max
				}
				addReason(v, ReasonColdChain, LevelWarning, "type", s.Type, "value", value, "uom", s.UOM, "min", string(s.Bounds.Min),
					"max", string(s.Bounds.Max), "bound_uom", s.Bounds.UOM, "time", rd.Time, "count", strconv.Itoa(s.Breaches))
				break
			}
		}
	}
	if m := sum.Mismatch; m != nil {
		addReason(v, ReasonCustodyMismatch, LevelWarning, "org", m.Org, "custodian", m.Custodian, "time", m.Time)
	}
	return v
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
	pg := &Page{EPC: o.EPC, Item: o, Journey: []Step{}, Sensors: []Series{}}
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
	if o.Custodian != "" {
		if pg.Custodian, err = org(o.Custodian); err != nil {
			return nil, err
		}
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
	var perEvent map[string][2]int
	pg.Sensors, perEvent = sensorSeries(j, pg.Product.Conditions)
	locs := map[string]string{}
	for _, e := range j {
		if e.ErrorDeclaration != nil {
			continue // shown as the flag on the event it declares
		}
		s := Step{EventID: e.ID, Time: e.EventTime, RecordTime: e.RecordTime, Late: e.Late, Type: e.Type, BizStep: e.BizStep,
			Disposition: e.Disposition, Location: e.BizLocation, Relation: e.Relation, Via: e.Via, DeclaredErroneous: e.DeclaredErroneous}
		if n := perEvent[e.ID]; n[0] > 0 {
			s.Readings, s.Breaches = n[0], n[1]
		}
		if e.Late {
			pg.LateEvents++
		}
		if s.Location == "" {
			s.Location = e.ReadPoint
		}
		if s.Org, err = org(e.Recorder.Org); err != nil {
			return nil, err
		}
		if s.Location != "" {
			name, ok := locs[s.Location]
			if !ok {
				if l, err := findLocation(r, s.Location); err != nil {
					return nil, err
				} else if l != nil {
					name = l.Name
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
	nc, cm := sum.DistinctCities()
	pg.Scans = ScanInfo{Count: sum.Count, First: sum.First, DistinctDevices: countText(nd, dm), DistinctLocations: countText(nc, cm), MemberCount: sum.MemberCount}
	if pg.Recall, err = recallOf(r, o); err != nil {
		return nil, err
	}
	pg.Risk = verdict(verdictInput{o: o, sum: sum, lot: pg.Lot, recall: pg.Recall, series: pg.Sensors}, now)
	return pg, nil
}
