package trace

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// Public scans reach the chain only through a node: its scan page counts a
// visit, and its batcher signs the scans with the node's operator key
// (record_scans takes no other key). Each scan is checked on its own: a
// scan out of its time window or malformed is skipped and counted, never
// the batch. A member's own devices (a till, a logistics scanner) record
// their scans with the member's key (record_member_scans); those are kept
// apart from the public count, and one by an organisation that neither
// holds the item nor is receiving it is a warning sign.

// CheckScan checks one public scan as record_scans does, at time now:
// its code, time (at most ClockSkew ahead, at most ScanMaxAge old), city
// (a code of the built-in list), device and network. The scan batcher
// drops what fails before it signs a batch.
func CheckScan(s *traceapi.ScanInput, now time.Time) (ID, time.Time, error) {
	id, err := parseKind("epc", s.EPC, KindItem, KindDrug)
	if err != nil {
		return ID{}, time.Time{}, err
	}
	s.EPC = id.Path
	t, err := field.Time("time", s.Time)
	if err != nil {
		return ID{}, time.Time{}, refuse(errcode.MalformedBody, "bad_time", "time", "value", s.Time)
	}
	if t.After(now.Add(ClockSkew)) || t.Before(now.Add(-ScanMaxAge)) {
		return ID{}, time.Time{}, refuse(errcode.RuleViolation, "scan_time_window", "time", "value", s.Time, "now", field.BlockTime(now))
	}
	if s.City != "" {
		if _, ok := CityByCode(s.City); !ok {
			return ID{}, time.Time{}, refuse(errcode.MalformedBody, "unknown_city", "city", "value", s.City)
		}
	}
	if err := checkHash("device", s.Device, true); err != nil {
		return ID{}, time.Time{}, err
	}
	// A scan's network tag is 16 lowercase hex digits.
	if s.Net != "" && !field.IsLowerHex(s.Net, 16) {
		return ID{}, time.Time{}, refuse(errcode.MalformedBody, "bad_net", "net", "value", s.Net)
	}
	return id, t, nil
}

func (Module) recordScans(ctx *module.Context, b *scansBody) error {
	if len(b.Scans) == 0 || len(b.Scans) > MaxScansPerBatch {
		return refuse(errcode.MalformedBody, "scan_count", "scans", "max", strconv.Itoa(MaxScansPerBatch), "n", strconv.Itoa(len(b.Scans)))
	}
	objs := map[string]*Object{} // nil: unknown, skipped
	sums := map[string]*ScanSummary{}
	var res scansResult
	for i := range b.Scans {
		s := &b.Scans[i]
		id, t, err := CheckScan(s, ctx.Time)
		if err != nil {
			if errcode.Of(err) == errcode.Internal {
				return err
			}
			res.Invalid++
			continue
		}
		o, seen := objs[id.Path]
		if !seen {
			if o, err = loadObject(ctx.Store, id.Path); err != nil {
				return err
			}
			objs[id.Path] = o
		}
		if o == nil || before(t, o.CommissionedAt) {
			res.Skipped++
			continue
		}
		sum := sums[id.Path]
		if sum == nil {
			if sum, err = GetScanSummary(ctx.Store, id.Path); err != nil {
				return err
			}
			sums[id.Path] = sum
		}
		if repeated(sum, s.Device, t) {
			res.Repeated++
			continue
		}
		addScan(sum, Scan{Time: s.Time, City: s.City, Device: s.Device, Net: s.Net}, t, o)
		res.Recorded++
	}
	for _, epc := range sortedKeys(sums) {
		if err := module.PutJSON(ctx.Store, scansKey(epc), sums[epc]); err != nil {
			return err
		}
	}
	ctx.Emit("trace.scans_recorded", "recorded", strconv.Itoa(res.Recorded), "skipped", strconv.Itoa(res.Skipped),
		"invalid", strconv.Itoa(res.Invalid), "repeated", strconv.Itoa(res.Repeated), "items", strconv.Itoa(len(sums)))
	return ctx.SetResult(res)
}

func loadObject(kv Getter, epc string) (*Object, error) {
	var o Object
	ok, err := module.GetJSON(kv, objKey(epc), &o)
	if err != nil || !ok {
		return nil, err
	}
	return &o, nil
}

// repeated reports whether device scanned the code within ScanWindow of t
// among the kept scans: a device counts once per window.
func repeated(s *ScanSummary, device string, t time.Time) bool {
	for _, l := range s.Last {
		if l.Device != device {
			continue
		}
		if d := t.Sub(mustTime(l.Time)); d < ScanWindow && d > -ScanWindow {
			return true
		}
	}
	return false
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

// addScan folds one public scan into the summary.
func addScan(s *ScanSummary, sc Scan, t time.Time, o *Object) {
	s.Count++
	if s.First == nil || t.Before(mustTime(s.First.Time)) {
		s.First = &ScanPoint{Time: sc.Time, City: sc.City}
	}
	var more bool
	s.Devices, more = addBounded(s.Devices, sc.Device)
	s.DevicesMore = s.DevicesMore || more
	// A network gives one city: a visitor changing its city, or phones in
	// one home, do not make "many places".
	if sc.City != "" && (sc.Net == "" || !slices.Contains(s.CityNets, sc.Net)) {
		s.Cities, more = addBounded(s.Cities, sc.City)
		s.CitiesMore = s.CitiesMore || more
		if sc.Net != "" {
			s.CityNets, more = addBounded(s.CityNets, sc.Net)
			s.CityNetsMore = s.CityNetsMore || more
		}
	}
	if o.Sold && !before(t, o.SoldAt) {
		n := sc.Net
		if n == "" {
			n = "device:" + sc.Device
		}
		s.AfterSaleNets, more = addBounded(s.AfterSaleNets, n)
		s.AfterSaleMore = s.AfterSaleMore || more
	}
	// Two scans in different cities, by different devices from different
	// networks, close in time: the code is in two places at once.
	if sc.City != "" {
		for _, l := range s.Last {
			if l.City == "" || l.City == sc.City || l.Device == sc.Device || (l.Net != "" && l.Net == sc.Net) {
				continue
			}
			lt := mustTime(l.Time)
			from, to, gap := l, sc, t.Sub(lt)
			if gap < 0 {
				from, to, gap = sc, l, -gap
			}
			secs := int64(gap / time.Second)
			if s.ClosestMove == nil || secs < s.ClosestMove.Seconds {
				s.ClosestMove = &Move{From: ScanPoint{Time: from.Time, City: from.City}, To: ScanPoint{Time: to.Time, City: to.City}, Seconds: secs}
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

func (Module) recordMemberScans(ctx *module.Context, b *memberScansBody) error {
	if len(b.Scans) == 0 || len(b.Scans) > MaxMemberScans {
		return refuse(errcode.MalformedBody, "scan_count", "scans", "max", strconv.Itoa(MaxMemberScans), "n", strconv.Itoa(len(b.Scans)))
	}
	org := ctx.Signer.Org
	objs := map[string]*Object{}
	sums := map[string]*ScanSummary{}
	res := memberScansResult{Unknown: []string{}}
	for i := range b.Scans {
		s := &b.Scans[i]
		f := fmt.Sprintf("scans[%d]", i)
		id, err := parseKind(f+".epc", s.EPC, KindItem, KindDrug, KindContainer, KindAsset)
		if err != nil {
			return err
		}
		s.EPC = id.Path
		t, err := field.Time(f+".time", s.Time)
		if err != nil {
			return refuse(errcode.MalformedBody, "bad_time", f+".time", "value", s.Time)
		}
		if t.After(ctx.Time.Add(ClockSkew)) || t.Before(ctx.Time.Add(-MemberScanMaxAge)) {
			return refuse(errcode.RuleViolation, "member_scan_window", f+".time", "value", s.Time, "now", field.BlockTime(ctx.Time))
		}
		if s.ReadPoint != "" {
			if s.ReadPoint, err = ParseLocation(f+".read_point", s.ReadPoint); err != nil {
				return err
			}
		}
		if s.City != "" {
			if _, ok := CityByCode(s.City); !ok {
				return refuse(errcode.MalformedBody, "unknown_city", f+".city", "value", s.City)
			}
		}
		o, seen := objs[id.Path]
		if !seen {
			if o, err = loadObject(ctx.Store, id.Path); err != nil {
				return err
			}
			objs[id.Path] = o
		}
		if o == nil || before(t, o.CommissionedAt) {
			if !slices.Contains(res.Unknown, id.Path) {
				res.Unknown = append(res.Unknown, id.Path)
			}
			continue
		}
		if o.Kind != KindItem && o.Kind != KindDrug {
			res.Recorded++ // a container or asset scan: nothing to summarise
			continue
		}
		sum := sums[id.Path]
		if sum == nil {
			if sum, err = GetScanSummary(ctx.Store, id.Path); err != nil {
				return err
			}
			sums[id.Path] = sum
		}
		custodian, err := holderOf(ctx.Store, o)
		if err != nil {
			return err
		}
		ms := MemberScan{Time: s.Time, Org: org, ReadPoint: s.ReadPoint, City: s.City, Custodian: custodian}
		sum.MemberCount++
		sum.MemberLast = append(sum.MemberLast, ms)
		if len(sum.MemberLast) > MemberScansKept {
			sum.MemberLast = slices.Delete(sum.MemberLast, 0, len(sum.MemberLast)-MemberScansKept)
		}
		if !holds(o, org, custodian) {
			m := ms
			sum.Mismatch = &m
		}
		res.Recorded++
	}
	for _, epc := range sortedKeys(sums) {
		if err := module.PutJSON(ctx.Store, scansKey(epc), sums[epc]); err != nil {
			return err
		}
	}
	ctx.Emit("trace.member_scans_recorded", "org", org, "recorded", strconv.Itoa(res.Recorded), "unknown", strconv.Itoa(len(res.Unknown)))
	return ctx.SetResult(res)
}

// holderOf returns who holds an object now: the custodian of the
// outermost container it is in, "" once sold.
func holderOf(kv Getter, o *Object) (string, error) {
	r := o
	for d := 0; r.Parent != "" && d <= MaxNesting; d++ {
		p, err := loadObject(kv, r.Parent)
		if err != nil {
			return "", err
		}
		if p == nil {
			break
		}
		r = p
	}
	return r.Custodian, nil
}

// holds reports whether org may be scanning the object in its own hands:
// it holds it, it is receiving or sending it, or it sold it.
func holds(o *Object, org, custodian string) bool {
	if custodian == org || o.Seller == org {
		return true
	}
	if s := o.Shipment; s != nil && (s.To == org || s.From == org) {
		return true
	}
	return false
}
