package trace_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/tx"
)

// Any member key could sign record_scans, back-dated by a day: only a
// node operator key signs it now, and only recent scans count.
func TestOnlyOperatorKeysRecordScans(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	body := scans(scan(c, pear(1), 0, hefei, 1))
	k := testchain.NewKey(t, tx.AlgoEd25519, testchain.NewSeededRand(9))
	reg, _ := c.Block(c.Sign(admin(c, bank), "identity", "register_key", map[string]any{"public_key": k.Public()}))
	testchain.WantCode(t, "register member key", reg[0], errcode.OK)
	for _, key := range []*tx.PrivateKey{k, admin(c, bank), admin(c, coop), admin(c, regulator)} {
		testchain.WantCode(t, "record_scans by a non-operator key", c.Do(key, "trace", "record_scans", body), errcode.Unauthorized)
	}
	if s, _ := trace.ScanSummaryOf(c.View(), pear(1)); s.Count != 0 {
		t.Fatalf("%d scans recorded by non-operators", s.Count)
	}
	r := recordScans(t, c, body)
	if r["recorded"] != 1.0 {
		t.Fatalf("operator's batch %v", r)
	}
	// Back-dated scans are not recorded.
	r = recordScans(t, c, scans(scan(c, pear(1), trace.ScanMaxAge+time.Minute, shanghai, 2), scan(c, pear(1), 23*time.Hour, beijing, 3)))
	if r["recorded"] != 0.0 || r["invalid"] != 2.0 {
		t.Fatalf("back-dated scans %v", r)
	}
}

// One bad scan silenced a whole batch: now each scan is checked on its
// own, and a bad one is skipped and counted.
func TestOneBadScanDoesNotSpoilTheBatch(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	good := scan(c, pear(1), 0, hefei, 1)
	r := recordScans(t, c, scans(
		good,
		with(scan(c, pear(2), 0, "", 2), "epc", pearLot),             // a lot
		with(scan(c, pear(2), 0, "", 3), "city", "上海\u202e"),         // a bidi control in the place
		with(scan(c, pear(2), 0, "", 4), "city", "999999"),           // a city not in the list
		with(scan(c, pear(2), 0, "", 5), "device", "iPhone"),         // not hashed
		with(scan(c, pear(2), 0, "", 6), "time", "yesterday"),        // no time
		with(scan(c, pear(2), 0, "", 7), "time", ago(c, -time.Hour)), // the future
		with(scan(c, pear(2), 0, "", 8), "net", "10.0.0.1"),          // an address, not a tag
		scan(c, pear(99), 0, "", 9),                                  // never commissioned
		scan(c, pear(2), 0, shanghai, 10),
	))
	if r["recorded"] != 2.0 || r["invalid"] != 7.0 || r["skipped"] != 1.0 {
		t.Fatalf("result %v", r)
	}
	// What stays refused as a whole: the batch's own form.
	refusedWith(t, c.Do(operator(c), "trace", "record_scans", scans()), errcode.MalformedBody, "1 to 500")
	refusedWith(t, c.Do(operator(c), "trace", "record_scans", scans(with(good, "ip", "10.0.0.1"))), errcode.MalformedBody, "ip")
}

func TestRecordScans(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2)))
	// One scan per device per window: a reload does not count again.
	r := recordScans(t, c, scans(scan(c, pear(1), 2*time.Minute, hefei, 1), scan(c, pear(1), time.Minute, hefei, 1), scan(c, pear(1), 0, "", 2)))
	if r["recorded"] != 2.0 || r["repeated"] != 1.0 {
		t.Fatalf("result %v", r)
	}
	c.Time = c.Time.Add(trace.ScanWindow)
	recordScans(t, c, scans(scan(c, pear(1), 0, suzhouJS, 1)))
	s, err := trace.ScanSummaryOf(c.View(), pear(1))
	if err != nil {
		t.Fatal(err)
	}
	if s.Count != 3 || s.First == nil || s.First.City != hefei || len(s.Last) != 3 || s.Last[2].City != suzhouJS ||
		!slices.Equal(s.Devices, []string{device(1), device(2)}) {
		t.Fatalf("summary %+v", s)
	}
	// Device 1 changed its city: its network gives one city only, and a
	// device moving between cities is no copy.
	if !slices.Equal(s.Cities, []string{hefei}) || s.ClosestMove != nil {
		t.Fatalf("cities %v, move %+v", s.Cities, s.ClosestMove)
	}
	if _, err := trace.ScanSummaryOf(c.View(), pear(99)); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("unknown code: %v", err)
	}
	// Bounded sets: 25 devices on 25 networks in 25 cities keep 16 of
	// each and the 20 latest scans.
	cities := []string{"110000", "120000", "130100", "130200", "130300", "130400", "130500", "130600", "130700", "130800", "130900", "131000", "131100",
		"140100", "140200", "140300", "140400", "140500", "140600", "140700", "140800", "140900", "141000", "141100", "150100"}
	var batch []map[string]any
	for i := range 25 {
		batch = append(batch, scan(c, pear(2), time.Duration(25-i)*10*time.Second, cities[i], 100+i))
	}
	slices.Reverse(batch[5:15]) // the summary sorts by time
	recordScans(t, c, scans(batch...))
	s, _ = trace.ScanSummaryOf(c.View(), pear(2))
	if s.Count != 25 || len(s.Devices) != trace.DistinctKept || !s.DevicesMore || len(s.Cities) != trace.DistinctKept || !s.CitiesMore {
		t.Fatalf("bounded sets: count %d, %d devices (more %v), %d cities (more %v)", s.Count, len(s.Devices), s.DevicesMore, len(s.Cities), s.CitiesMore)
	}
	if len(s.Last) != trace.LastScansKept || s.Last[0].City != cities[5] || s.Last[19].City != cities[24] || s.First.City != cities[0] {
		t.Fatalf("last scans %v ... %v", s.Last[0], s.Last[len(s.Last)-1])
	}
	for i := 1; i < len(s.Last); i++ {
		if s.Last[i-1].Time > s.Last[i].Time {
			t.Fatalf("last scans out of order at %d", i)
		}
	}
	// A destroyed item's code is still counted: that is a warning sign.
	capture(t, c, coop, observe(c, "destroying", pear(1)))
	if r := recordScans(t, c, scans(scan(c, pear(1), 0, shanghai, 4))); r["recorded"] != 1.0 {
		t.Fatalf("destroyed item scan: %v", r)
	}
}

// Two requests turned a genuine unsold item's verdict to danger: one
// visitor naming two cities. A fast move needs two devices on two
// networks now.
func TestFastMoveNeedsTwoNetworks(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1), pear(2), pear(3)))
	verdict := func(epc string) *trace.Verdict {
		v, err := trace.Risk(c.View(), epc, c.Time)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// One device, two cities, minutes apart.
	recordScans(t, c, scans(with(scan(c, pear(1), 0, beijing, 1), "time", ago(c, 10*time.Minute)), scan(c, pear(1), 0, shanghai, 1)))
	// Two devices from one network.
	recordScans(t, c, scans(with(scan(c, pear(2), 0, beijing, 2), "net", net(9)), with(scan(c, pear(2), 0, shanghai, 3), "net", net(9))))
	for _, epc := range []string{pear(1), pear(2)} {
		if v := verdict(epc); v.Level != trace.LevelOK {
			t.Fatalf("%s: verdict %+v from one visitor", epc, v)
		}
	}
	// Two phones on two networks, in Beijing and Shanghai ten minutes
	// apart: a copied code.
	recordScans(t, c, scans(with(scan(c, pear(3), 0, beijing, 4), "time", ago(c, 10*time.Minute)), scan(c, pear(3), 0, shanghai, 5)))
	v := verdict(pear(3))
	if v.Level != trace.LevelDanger || v.Reasons[0].Code != trace.ReasonFastMove {
		t.Fatalf("verdict %+v", v)
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
	// at records one scan d after the chain's time, moving the chain's
	// time there first.
	at := func(epc string, d time.Duration, city string, dev int) {
		c.Time = c.Time.Add(d)
		recordScans(t, c, scans(scan(c, epc, 0, city, dev)))
	}
	n := 0
	cases := []rc{
		{"fresh", func(epc string) { at(epc, 0, shanghai, 1) }, time.Time{}, nil, trace.LevelOK},
		{"10 scans", func(epc string) {
			for i := range trace.RiskManyScans {
				at(epc, trace.ScanWindow, shanghai, i%2)
			}
		}, time.Time{}, nil, trace.LevelOK},
		{"11 scans", func(epc string) {
			for i := range trace.RiskManyScans + 1 {
				at(epc, trace.ScanWindow, shanghai, i%2)
			}
		}, time.Time{}, []string{trace.ReasonManyScans}, trace.LevelWarning},
		{"2 places", func(epc string) {
			at(epc, 0, shanghai, 1)
			at(epc, 5*time.Hour, suzhouJS, 2)
		}, time.Time{}, nil, trace.LevelOK},
		{"3 places", func(epc string) {
			at(epc, 0, shanghai, 1)
			at(epc, 5*time.Hour, suzhouJS, 2)
			at(epc, 5*time.Hour, "330100", 3)
		}, time.Time{}, []string{trace.ReasonManyLocations}, trace.LevelWarning},
		{"3 places from one network", func(epc string) {
			for i, city := range []string{shanghai, suzhouJS, "330100"} {
				c.Time = c.Time.Add(5 * time.Hour)
				recordScans(t, c, scans(with(scan(c, epc, 0, city, i), "net", net(7))))
			}
		}, time.Time{}, nil, trace.LevelOK},
		{"2 places within 2 hours", func(epc string) {
			at(epc, 0, shanghai, 1)
			at(epc, time.Hour+59*time.Minute, beijing, 2)
		}, time.Time{}, []string{trace.ReasonFastMove}, trace.LevelDanger},
		{"2 places 2 hours apart", func(epc string) {
			at(epc, 0, shanghai, 1)
			at(epc, 2*time.Hour, beijing, 2)
		}, time.Time{}, nil, trace.LevelOK},
		{"one network after the sale", func(epc string) {
			at(epc, 0, "", 1) // before the sale
			at(epc, 0, "", 2)
			moveTo(t, c, coop, market, epc)
			capture(t, c, market, with(observe(c, "retail_selling", epc), "event_time", ago(c, 0)))
			c.Time = c.Time.Add(time.Minute)
			recordScans(t, c, scans(with(scan(c, epc, 0, "", 3), "net", net(8)), with(scan(c, epc, 0, "", 4), "net", net(8))))
		}, time.Time{}, nil, trace.LevelOK},
		{"two networks after the sale", func(epc string) {
			moveTo(t, c, coop, market, epc)
			capture(t, c, market, with(observe(c, "retail_selling", epc), "event_time", ago(c, 0)))
			at(epc, time.Minute, "", 3)
			at(epc, time.Minute, "", 4)
		}, time.Time{}, []string{trace.ReasonScannedAfterSale}, trace.LevelDanger},
		{"recalled lot", func(epc string) {}, time.Time{}, []string{trace.ReasonRecalled}, trace.LevelDanger},
		{"expired lot", func(epc string) {}, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), []string{trace.ReasonExpired}, trace.LevelWarning},
		{"last good day", func(epc string) {}, time.Date(2026, 6, 30, 15, 59, 0, 0, time.UTC), nil, trace.LevelOK},
		{"destroyed", func(epc string) { capture(t, c, coop, observe(c, "destroying", epc)) }, time.Time{}, []string{trace.ReasonEnded}, trace.LevelDanger},
		{"warm", func(epc string) {
			capture(t, c, coop, with(observe(c, "sensor_reporting", epc), "sensors", []map[string]any{{"reports": []map[string]any{
				{"type": "Temperature", "value": "3.5", "uom": "CEL", "time": ago(c, 3*time.Minute)},
				{"type": "Temperature", "value": "7.25", "uom": "CEL", "time": ago(c, 2*time.Minute)}}}}))
		}, time.Time{}, []string{trace.ReasonColdChain}, trace.LevelWarning},
		{"warm in Fahrenheit", func(epc string) {
			capture(t, c, coop, with(observe(c, "sensor_reporting", epc), "sensors", []map[string]any{{"reports": []map[string]any{
				{"type": "Temperature", "value": "41", "uom": "FAH"}}}})) // 5 °C
		}, time.Time{}, []string{trace.ReasonColdChain}, trace.LevelWarning},
		{"cool", func(epc string) {
			capture(t, c, coop, with(observe(c, "sensor_reporting", epc), "sensors", []map[string]any{{"reports": []map[string]any{
				{"type": "Temperature", "min_value": "1", "max_value": "3.9", "uom": "CEL"}, {"type": "RelativeHumidity", "value": "99", "uom": "P1"}}}}))
		}, time.Time{}, nil, trace.LevelOK},
		{"scanned by a till that never had it", func(epc string) {
			do(t, c, market, "record_member_scans", map[string]any{"scans": []map[string]any{{"epc": epc, "time": ago(c, 0), "read_point": storeGLN}}}, errcode.OK)
		}, time.Time{}, []string{trace.ReasonCustodyMismatch}, trace.LevelWarning},
		{"scanned by the carrier that holds it", func(epc string) {
			moveTo(t, c, coop, logistics, epc)
			do(t, c, logistics, "record_member_scans", map[string]any{"scans": []map[string]any{{"epc": epc, "time": ago(c, 0)}}}, errcode.OK)
		}, time.Time{}, nil, trace.LevelOK},
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
		})
	}
	if _, err := trace.Risk(c.View(), pear(99), c.Time); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("unknown code: %v", err)
	}
}

// A member's own devices record scans with its key: a till, a carrier's
// scanner. They are counted apart from the public's.
func TestMemberScans(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	capture(t, c, coop, commission(c, pearLot, pear(1)))
	one := map[string]any{"epc": pear(1), "time": ago(c, 0), "read_point": storeGLN, "city": shanghai}
	body := func(ss ...map[string]any) map[string]any { return map[string]any{"scans": ss} }
	refusals(t, c, "record_member_scans", []vcase{
		{"by a bank", bank, body(one), unauth},
		{"by an alliance", alliance, body(one), unauth},
		{"no scans", market, body(), mal},
		{"bad code", market, body(with(one, "epc", pearLot)), mal},
		{"a day and more ago", market, body(with(one, "time", ago(c, 25*time.Hour))), rule},
		{"unknown city", market, body(with(one, "city", "合肥")), mal},
		{"bad read point", market, body(with(one, "read_point", badCheck(storeGLN))), mal},
	})
	res := testchain.Result(t, do(t, c, market, "record_member_scans", body(one, with(one, "epc", pear(77))), errcode.OK))
	if res["recorded"] != 1.0 || fmt.Sprint(res["unknown"]) != fmt.Sprintf("[%s]", pear(77)) {
		t.Fatalf("result %v", res)
	}
	s, _ := trace.ScanSummaryOf(c.View(), pear(1))
	if s.Count != 0 || s.MemberCount != 1 || s.Mismatch == nil || s.Mismatch.Org != market || s.Mismatch.Custodian != coop {
		t.Fatalf("summary %+v", s)
	}
}

// TestScanBatchSize: a full batch of scans fits a transaction (the
// batcher bounds batches by bytes; this is the chain's side).
func TestScanBatchSize(t *testing.T) {
	c := newChain(t)
	setup(t, c)
	var ss []map[string]any
	for i := range 300 {
		ss = append(ss, scan(c, pear(i), 0, "654000", i)) // 伊犁哈萨克自治州: a long name, a short code
	}
	raw := c.Sign(operator(c), "trace", "record_scans", scans(ss...))
	if len(raw) > tx.MaxTxBytes || strings.Contains(string(raw), "伊犁") {
		t.Fatalf("300 scans: %d bytes", len(raw))
	}
}
