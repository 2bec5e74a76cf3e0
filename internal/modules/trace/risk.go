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
		addReason(v, ReasonRecalled, LevelDanger, "lot", recalled.ID, "event", recalled.Recall.Event, "time", recalled.Recall.Time)
	}
	if o.Destroyed {
		addReason(v, ReasonEnded, LevelDanger, "reason", o.EndReason, "event", o.EndEvent)
	}
	if lot != nil && lot.ExpiresOn != "" && lot.ExpiresOn < field.BlockDate(now) {
		addReason(v, ReasonExpired, LevelWarning, "lot", lot.ID, "expires_on", lot.ExpiresOn)
	}
	if n := len(sum.AfterSaleDevices); n > RiskAfterSaleDevices {
		addReason(v, ReasonScannedAfterSale, LevelDanger, "devices", countText(n, sum.AfterSaleMore), "sold_at", o.SoldAt)
	}
	if m := sum.ClosestMove; m != nil && m.Seconds < int64(RiskFastMove/time.Second) {
		addReason(v, ReasonFastMove, LevelDanger, "from", m.From.Location, "from_time", m.From.Time, "to", m.To.Location, "to_time", m.To.Time,
			"minutes", strconv.FormatInt(m.Seconds/60, 10), "limit_minutes", strconv.Itoa(int(RiskFastMove/time.Minute)))
	}
	if sum.Count > RiskManyScans {
		addReason(v, ReasonManyScans, LevelWarning, "count", strconv.FormatInt(sum.Count, 10), "limit", strconv.Itoa(RiskManyScans))
	}
	if n, more := sum.DistinctLocations(); n >= RiskManyLocations {
		addReason(v, ReasonManyLocations, LevelWarning, "count", countText(n, more), "limit", strconv.Itoa(RiskManyLocations))
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
