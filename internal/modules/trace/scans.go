package trace

import (
	"slices"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
)

// ScanMaxAge is how long before the record time a scan may have happened:
// gateways batch scans and sign them within a day.
const ScanMaxAge = 24 * time.Hour

func (Module) recordScans(ctx *module.Context, b *scansBody) error {
	_, times, err := validateScans(b, ctx.Time)
	if err != nil {
		return err
	}
	objs := map[string]*Object{} // nil: unknown, skipped
	sums := map[string]*ScanSummary{}
	var recorded, skipped int
	for i, s := range b.Scans {
		o, seen := objs[s.EPC]
		if !seen {
			var rec Object
			ok, err := module.GetJSON(ctx.Store, objKey(s.EPC), &rec)
			if err != nil {
				return err
			}
			if ok {
				o = &rec
			}
			objs[s.EPC] = o
		}
		if o == nil || before(times[i], o.CommissionedAt) {
			skipped++
			continue
		}
		sum := sums[s.EPC]
		if sum == nil {
			if sum, err = GetScanSummary(ctx.Store, s.EPC); err != nil {
				return err
			}
			sums[s.EPC] = sum
		}
		addScan(sum, Scan{Time: s.Time, Location: s.Location, Device: s.Device}, times[i], o)
		recorded++
	}
	for _, epc := range sortedKeys(boolKeys(sums)) {
		if err := module.PutJSON(ctx.Store, scansKey(epc), sums[epc]); err != nil {
			return err
		}
	}
	ctx.Emit("trace.scans_recorded", "recorded", strconv.Itoa(recorded), "skipped", strconv.Itoa(skipped), "items", strconv.Itoa(len(sums)))
	return ctx.SetResult(scansResult{Recorded: recorded, Skipped: skipped})
}

func boolKeys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// before reports whether t is before the RFC 3339 time s (false when s is
// empty or does not parse).
func before(t time.Time, s string) bool {
	u, err := time.Parse(time.RFC3339, s)
	return err == nil && t.Before(u)
}

func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// addBounded inserts v into the sorted set, which holds at most
// DistinctKept values; it reports overflow when v is new and the set is
// full.
func addBounded(set []string, v string) ([]string, bool) {
	i, found := slices.BinarySearch(set, v)
	if found {
		return set, false
	}
	if len(set) >= DistinctKept {
		return set, true
	}
	return slices.Insert(set, i, v), false
}

// add folds one scan into the summary.
func addScan(s *ScanSummary, sc Scan, t time.Time, o *Object) {
	s.Count++
	if s.First == nil || t.Before(mustTime(s.First.Time)) {
		s.First = &ScanPoint{Time: sc.Time, Location: sc.Location}
	}
	var more bool
	s.Devices, more = addBounded(s.Devices, sc.Device)
	s.DevicesMore = s.DevicesMore || more
	if sc.Location != "" {
		s.Locations, more = addBounded(s.Locations, sc.Location)
		s.LocationsMore = s.LocationsMore || more
	}
	if o.Sold && !before(t, o.SoldAt) {
		s.AfterSaleDevices, more = addBounded(s.AfterSaleDevices, sc.Device)
		s.AfterSaleMore = s.AfterSaleMore || more
	}
	if sc.Location != "" {
		for _, l := range s.Last {
			if l.Location == "" || l.Location == sc.Location {
				continue
			}
			lt := mustTime(l.Time)
			from, to, gap := l, sc, t.Sub(lt)
			if gap < 0 {
				from, to, gap = sc, l, -gap
			}
			secs := int64(gap / time.Second)
			if s.ClosestMove == nil || secs < s.ClosestMove.Seconds {
				s.ClosestMove = &Move{From: ScanPoint{Time: from.Time, Location: from.Location}, To: ScanPoint{Time: to.Time, Location: to.Location}, Seconds: secs}
			}
		}
	}
	// Keep the latest scans by time, oldest first; equal times keep their
	// record order.
	i := len(s.Last)
	for i > 0 && t.Before(mustTime(s.Last[i-1].Time)) {
		i--
	}
	s.Last = slices.Insert(s.Last, i, sc)
	if len(s.Last) > LastScansKept {
		s.Last = slices.Delete(s.Last, 0, len(s.Last)-LastScansKept)
	}
}
