package trace_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
)

func TestRecordScansValidation(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	one := scan(c, pear(1), 0, "上海", 1)
	refusals(t, c, "record_scans", []vcase{
		{"no scans", bank, scans(), mal},
		{"unknown field", bank, scans(with(one, "ip", "10.0.0.1")), mal},
		{"bad check digit", bank, scans(with(one, "epc", "/01/06901234000017/21/P0001")), mal},
		{"a container", bank, scans(with(one, "epc", sscc(1))), mal},
		{"a lot", bank, scans(with(one, "epc", pearLot)), mal},
		{"no time", bank, scans(with(one, "time", nil)), mal},
		{"time without offset", bank, scans(with(one, "time", "2026-03-01T08:00:00")), mal},
		{"location 33 runes", bank, scans(with(one, "location", strings.Repeat("市", 33))), mal},
		{"location with control", bank, scans(with(one, "location", "上海\n")), mal},
		{"no device", bank, scans(with(one, "device", nil)), mal},
		{"device not hashed", bank, scans(with(one, "device", "iPhone 15")), mal},
		{"time in the future", bank, scans(with(one, "time", ago(c, -time.Hour))), rule},
		{"time more than a day ago", bank, scans(with(one, "time", ago(c, 25*time.Hour))), rule},
	})
}

func TestRecordScans(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, with(commission(c, pearLot, pear(1), pear(2)), "event_time", ago(c, 20*time.Hour)))
	// Unknown codes and scans from before the code existed are skipped and
	// counted; the batch succeeds.
	res := do(t, c, bank, "record_scans", scans(
		scan(c, pear(1), 2*time.Hour, "上海", 1),
		scan(c, pear(99), time.Hour, "上海", 1),
		scan(c, pear(1), 3*time.Hour, "", 2),
		scan(c, pear(2), 21*time.Hour, "上海", 1), // before its commissioning
		scan(c, "/drug/81234560000000991234", 0, "", 3),
		scan(c, pear(1), time.Hour, "苏州", 1),
	), errcode.OK)
	if r := testchain.Result(t, res); r["recorded"] != 3.0 || r["skipped"] != 3.0 {
		t.Fatalf("result %v", r)
	}
	s, err := trace.ScanSummaryOf(c.View(), pear(1))
	if err != nil {
		t.Fatal(err)
	}
	if s.Count != 3 || s.First == nil || s.First.Location != "" || len(s.Last) != 3 || s.Last[2].Location != "苏州" ||
		!slices.Equal(s.Devices, []string{device(1), device(2)}) || !slices.Equal(s.Locations, []string{"上海", "苏州"}) {
		t.Fatalf("summary %+v", s)
	}
	if s.ClosestMove == nil || s.ClosestMove.Seconds != 3600 || s.ClosestMove.From.Location != "上海" || s.ClosestMove.To.Location != "苏州" {
		t.Fatalf("closest move %+v", s.ClosestMove)
	}
	if s2, _ := trace.ScanSummaryOf(c.View(), pear(2)); s2.Count != 0 || s2.First != nil {
		t.Fatalf("pear 2 %+v", s2)
	}
	if _, err := trace.ScanSummaryOf(c.View(), pear(99)); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("unknown code: %v", err)
	}
	// A node's gateway signs with a member key of its organisation.
	k := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(9))
	reg, _ := c.Block(c.Sign(admin(c, bank), "identity", "register_key", map[string]any{"public_key": k.Public()}))
	testchain.WantCode(t, "register member key", reg[0], errcode.OK)
	r := c.Do(k, "trace", "record_scans", scans(scan(c, pear(1), 0, "上海", 3)))
	testchain.WantCode(t, "scans with a member key", r, errcode.OK)

	// Bounded sets: 25 scans by 25 devices in 25 places keep 16 of each and
	// the 20 latest scans.
	var batch []map[string]any
	for i := range 25 {
		batch = append(batch, scan(c, pear(2), time.Duration(25-i)*time.Minute, fmt.Sprintf("城市%02d", i), 100+i))
	}
	// Shuffle the order: the summary sorts by time.
	slices.Reverse(batch[5:15])
	do(t, c, market, "record_scans", scans(batch...), errcode.OK)
	s, _ = trace.ScanSummaryOf(c.View(), pear(2))
	if s.Count != 25 || len(s.Devices) != trace.DistinctKept || !s.DevicesMore || len(s.Locations) != trace.DistinctKept || !s.LocationsMore {
		t.Fatalf("bounded sets: count %d, %d devices (more %v), %d locations (more %v)", s.Count, len(s.Devices), s.DevicesMore, len(s.Locations), s.LocationsMore)
	}
	if len(s.Last) != trace.LastScansKept || s.Last[0].Location != "城市05" || s.Last[19].Location != "城市24" {
		t.Fatalf("last scans %v ... %v", s.Last[0], s.Last[len(s.Last)-1])
	}
	for i := 1; i < len(s.Last); i++ {
		if s.Last[i-1].Time > s.Last[i].Time {
			t.Fatalf("last scans out of order at %d", i)
		}
	}
	if s.First.Location != "城市00" {
		t.Fatalf("first %+v", s.First)
	}
	if n, more := s.DistinctDevices(); n != 16 || !more {
		t.Fatal("distinct devices")
	}
	// The same 16 again changes no set; the count goes on.
	do(t, c, market, "record_scans", scans(batch[:16]...), errcode.OK)
	if s2, _ := trace.ScanSummaryOf(c.View(), pear(2)); s2.Count != 41 || !slices.Equal(s2.Devices, s.Devices) {
		t.Fatalf("after repeats: %d", s2.Count)
	}
	// A destroyed item's code is still counted: that is a warning sign.
	capture(t, c, regulator, observe(c, "destroying", pear(1)))
	res = do(t, c, bank, "record_scans", scans(scan(c, pear(1), 0, "上海", 4)), errcode.OK)
	if r := testchain.Result(t, res); r["recorded"] != 1.0 {
		t.Fatalf("destroyed item scan: %v", r)
	}
}

// TestRisk checks each reason of the verdict on its own item.
func TestRisk(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	type rc struct {
		name  string
		setup func(epc string)
		now   time.Time // zero: the chain's time
		want  []string
		level string
	}
	sc := func(epc string, ss ...map[string]any) { do(t, c, bank, "record_scans", scans(ss...), errcode.OK) }
	n := 0
	cases := []rc{
		{"fresh", func(epc string) { sc(epc, scan(c, epc, time.Hour, "上海", 1)) }, time.Time{}, nil, trace.LevelOK},
		{"10 scans", func(epc string) {
			var ss []map[string]any
			for i := range trace.RiskManyScans {
				ss = append(ss, scan(c, epc, time.Duration(i)*time.Minute, "上海", 1))
			}
			sc(epc, ss...)
		}, time.Time{}, nil, trace.LevelOK},
		{"11 scans", func(epc string) {
			var ss []map[string]any
			for i := range trace.RiskManyScans + 1 {
				ss = append(ss, scan(c, epc, time.Duration(i)*time.Minute, "上海", 1))
			}
			sc(epc, ss...)
		}, time.Time{}, []string{trace.ReasonManyScans}, trace.LevelWarning},
		{"2 places", func(epc string) {
			sc(epc, scan(c, epc, 10*time.Hour, "上海", 1), scan(c, epc, 5*time.Hour, "苏州", 1))
		}, time.Time{}, nil, trace.LevelOK},
		{"3 places", func(epc string) {
			sc(epc, scan(c, epc, 10*time.Hour, "上海", 1), scan(c, epc, 5*time.Hour, "苏州", 1), scan(c, epc, 0, "杭州", 1))
		}, time.Time{}, []string{trace.ReasonManyLocations}, trace.LevelWarning},
		{"2 places within 2 hours", func(epc string) {
			sc(epc, scan(c, epc, 3*time.Hour, "上海", 1), scan(c, epc, time.Hour+time.Minute, "北京", 2))
		}, time.Time{}, []string{trace.ReasonFastMove}, trace.LevelDanger},
		{"2 places 2 hours apart", func(epc string) {
			sc(epc, scan(c, epc, 3*time.Hour, "上海", 1), scan(c, epc, time.Hour, "北京", 2))
		}, time.Time{}, nil, trace.LevelOK},
		{"one phone after the sale", func(epc string) {
			sc(epc, scan(c, epc, 2*time.Hour, "", 1), scan(c, epc, 2*time.Hour, "", 2)) // before the sale
			capture(t, c, market, with(observe(c, "retail_selling", epc), "event_time", ago(c, time.Hour)))
			sc(epc, scan(c, epc, 30*time.Minute, "", 3), scan(c, epc, 0, "", 3))
		}, time.Time{}, nil, trace.LevelOK},
		{"two phones after the sale", func(epc string) {
			capture(t, c, market, with(observe(c, "retail_selling", epc), "event_time", ago(c, time.Hour)))
			sc(epc, scan(c, epc, 30*time.Minute, "", 3), scan(c, epc, 0, "", 4))
		}, time.Time{}, []string{trace.ReasonScannedAfterSale}, trace.LevelDanger},
		{"recalled lot", func(epc string) {}, time.Time{}, []string{trace.ReasonRecalled}, trace.LevelDanger},
		{"expired lot", func(epc string) {}, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), []string{trace.ReasonExpired}, trace.LevelWarning},
		{"last good day", func(epc string) {}, time.Date(2026, 6, 30, 15, 59, 0, 0, time.UTC), nil, trace.LevelOK},
		{"destroyed", func(epc string) { capture(t, c, regulator, observe(c, "destroying", epc)) }, time.Time{}, []string{trace.ReasonEnded}, trace.LevelDanger},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n++
			lot := pearLot
			if tc.name == "recalled lot" {
				lot = pearLot2
			}
			epc := pear(100 + n)
			capture(t, c, coop, with(commission(c, lot, epc), "event_time", ago(c, 20*time.Hour)))
			if tc.name == "recalled lot" {
				capture(t, c, regulator, observe(c, "recalling", pearLot2))
			}
			tc.setup(epc)
			now := tc.now
			if now.IsZero() {
				now = c.Time
			}
			v, err := trace.Risk(c.View(), epc, now)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range v.Reasons {
				got = append(got, r.Code)
				if len(r.Params) == 0 {
					t.Errorf("reason %s without parameters", r.Code)
				}
			}
			if !slices.Equal(got, tc.want) || v.Level != tc.level {
				t.Fatalf("verdict %+v, want %v %s", v, tc.want, tc.level)
			}
			t.Logf("%s: %+v", tc.name, v)
		})
	}
	if _, err := trace.Risk(c.View(), pear(99), c.Time); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("unknown code: %v", err)
	}
}
