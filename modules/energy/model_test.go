package energy_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// The model-based test runs a morning of the market: every block moves the
// clock one to four minutes on, and carries random orders for the coming
// intervals (some past their gate, beyond their meters' capacity or on
// both sides), withdrawals, readings of ended intervals (some signed by
// the wrong meter, some twice), clearings and settlements as their times
// come (some too early). The model predicts every code. After every block
// it checks against the chain:
//
//   - every cleared interval's prices and fills are what the brute-force
//     reference auction gives for the book's open orders, and clearings,
//     fills, settlements and lines never change afterwards;
//   - every settlement balances to the fen: the lines and the grid's net
//     add up to zero, buyers pay exactly what sellers get, and what was
//     bought equals what was sold and the clearing's volume;
//   - each line's imbalance is its metered net delivery (the sum of the
//     readings the model posted) less its cleared position, priced at the
//     tariff and rounded half up;
//   - the metered totals are the sums of the readings, each counted once;
//     the books' totals are their open orders'.

type mOrder struct {
	seq       int
	org, side string
	wh, price int64
	open      bool
}

type mBook struct {
	orders  []mOrder
	status  string
	cleared string // the clearing record as first seen
}

type eModel struct {
	books    map[string]*mBook              // interval -> book
	readings map[string]map[string][2]int64 // interval -> meter -> import, export
	meterOf  map[string]string              // meter -> org
	orgMtrs  map[string][]string
}

type eRun struct {
	t     *testing.T
	c     *testchain.Chain
	r     *rand.Rand
	m     *eModel
	ms    meters
	tally testchain.Tally
	seen  map[string]string // immutable records as first seen
}

func TestMarketModel(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runMarketModel(t, seed, 160) })
	}
}

func runMarketModel(t *testing.T, seed uint64, blocks int) {
	c := newChain(t)
	ms := market(t, c)
	m := &eModel{books: map[string]*mBook{}, readings: map[string]map[string][2]int64{}, meterOf: map[string]string{}, orgMtrs: map[string][]string{}}
	for id := range ms {
		org := id[2:]
		m.meterOf[id] = org
		m.orgMtrs[org] = append(m.orgMtrs[org], id)
	}
	run := &eRun{t: t, c: c, r: rand.New(rand.NewPCG(seed, 31)), m: m, ms: ms, tally: testchain.Tally{}, seen: map[string]string{}}
	at(c, cst(6, 1))
	for h := range blocks {
		c.Time = c.Time.Add(time.Duration(run.r.IntN(4)) * time.Minute)
		now := c.Time.Add(time.Second) // the block's time
		n := 1 + run.r.IntN(6)
		var ops []eop
		var txs [][]byte
		for range n {
			o := run.next(now)
			ops = append(ops, o)
			txs = append(txs, c.Sign(c.Members[o.org].Admin, energy.Name, o.action, o.body))
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			run.tally.Add(o.action, got)
			if got != o.want {
				t.Fatalf("block %d tx %d: %s by %s %s: code %s (%s), the model expects %s", h, i, o.action, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
		}
		run.check(h)
	}
	total, ok, report := run.tally.Check(t, 3, 45)
	t.Logf("%d transactions, %d committed:\n%s", total, ok, report)
}

type eop struct {
	org, action string
	body        any
	want        errcode.Code
}

var prosumers = []string{"pv1", "pv2", "shop", "home"}

func ivStart(iv string) time.Time {
	t, _ := energyapi.ParseInterval(iv, 15)
	return t
}

// next makes an op and applies to the model what it will change: the
// chain executes a block's transactions in order.
func (run *eRun) next(now time.Time) eop {
	r, m := run.r, run.m
	cur := energyapi.IntervalOf(now, 15)
	curT := ivStart(cur)
	for {
		switch k := r.IntN(100); {
		case k < 45: // an order for one of the next intervals, or a closed one
			ahead := 1 + r.IntN(3)
			if r.IntN(8) == 0 {
				ahead = 0 // the interval under way: its gate closed
			}
			iv := energyapi.IntervalID(curT.Add(time.Duration(ahead) * 15 * time.Minute))
			org := prosumers[r.IntN(len(prosumers))]
			side := energyapi.Sell
			if org == "shop" || org == "home" {
				side = energyapi.Buy
			}
			if r.IntN(12) == 0 {
				side = map[string]string{energyapi.Buy: energyapi.Sell, energyapi.Sell: energyapi.Buy}[side]
			}
			wh := int64(1 + r.IntN(300))
			if r.IntN(15) == 0 {
				wh = 5_001 // beyond a 20 kW meter's 15 minutes
			}
			price := int64(30 + r.IntN(25))
			b := m.books[iv]
			if b == nil {
				b = &mBook{status: energyapi.BookOpen}
			}
			var ordered int64
			otherSide := false
			for _, o := range b.orders {
				if o.org == org && o.open {
					ordered += o.wh
					otherSide = otherSide || o.side != side
				}
			}
			want := errcode.OK
			switch {
			case !now.Before(ivStart(iv)):
				want = errcode.RuleViolation
			case otherSide:
				want = errcode.Conflict
			case ordered+wh > 5_000:
				want = errcode.RuleViolation
			}
			if want == errcode.OK {
				m.books[iv] = b
				b.orders = append(b.orders, mOrder{seq: len(b.orders) + 1, org: org, side: side, wh: wh, price: price, open: true})
			}
			return eop{org: org, action: "place_order", body: energyapi.OrderBody{Zone: zone, Interval: iv, Side: side, QuantityWh: wh, PriceFen: price}, want: want}
		case k < 52: // withdraw an order
			var ivs []string
			for iv := range m.books {
				ivs = append(ivs, iv)
			}
			slices.Sort(ivs)
			if len(ivs) == 0 {
				continue
			}
			iv := ivs[r.IntN(len(ivs))]
			b := m.books[iv]
			o := &b.orders[r.IntN(len(b.orders))]
			want := errcode.OK
			switch {
			case !o.open:
				want = errcode.Conflict
			case !now.Before(ivStart(iv)):
				want = errcode.RuleViolation
			}
			if want == errcode.OK {
				o.open = false
			}
			return eop{org: o.org, action: "cancel_order", body: energyapi.IDBody{ID: energy.OrderID(zone, iv, o.seq)}, want: want}
		case k < 65: // clear the oldest book not cleared (sometimes one whose gate is open)
			iv := run.oldest(energyapi.BookOpen)
			if iv == "" || now.Before(ivStart(iv)) && r.IntN(5) != 0 {
				continue
			}
			want := errcode.OK
			if now.Before(ivStart(iv)) {
				want = errcode.RuleViolation
			} else {
				m.books[iv].status = energyapi.BookCleared
			}
			return eop{org: "grid", action: "clear_interval", body: energyapi.IntervalBody{Zone: zone, Interval: iv}, want: want}
		case k < 82: // readings of an ended interval
			iv := energyapi.IntervalID(curT.Add(-time.Duration(1+r.IntN(4)) * 15 * time.Minute))
			var rs []energyapi.Reading
			want := errcode.OK
			batch := map[string]bool{}
			for _, meter := range []string{"M-pv1", "M-pv2", "M-shop", "M-home"} {
				if _, dup := m.readings[iv][meter]; r.IntN(3) == 0 || dup && r.IntN(8) != 0 {
					continue
				}
				imp, exp := int64(r.IntN(400)), int64(r.IntN(400))
				rd := run.ms.reading(run.t, meter, iv, imp, exp)
				if _, dup := m.readings[iv][meter]; dup {
					want = errcode.Conflict
				}
				batch[meter] = true
				rs = append(rs, rd)
			}
			if len(rs) == 0 {
				continue
			}
			if r.IntN(10) == 0 && want == errcode.OK {
				rs[0].ImportWh++ // not what the meter signed
				want = errcode.Unauthorized
			}
			if want == errcode.OK {
				if m.readings[iv] == nil {
					m.readings[iv] = map[string][2]int64{}
				}
				for _, rd := range rs {
					m.readings[iv][rd.Meter] = [2]int64{rd.ImportWh, rd.ExportWh}
				}
			}
			return eop{org: "grid", action: "post_readings", body: energyapi.ReadingsBody{Readings: rs}, want: want}
		default: // settle the oldest cleared book
			iv := run.oldest(energyapi.BookCleared)
			end := ivStart(iv).Add(15 * time.Minute)
			if iv == "" || now.Before(end.Add(10*time.Minute)) && r.IntN(5) != 0 {
				continue
			}
			want := errcode.OK
			if now.Before(end) {
				want = errcode.RuleViolation
			} else if now.Before(end.Add(time.Hour)) {
				for _, org := range run.traders(iv) {
					for _, meter := range m.orgMtrs[org] {
						if _, ok := m.readings[iv][meter]; !ok {
							want = errcode.RuleViolation
						}
					}
				}
			}
			if want == errcode.OK {
				m.books[iv].status = energyapi.BookSettled
			}
			return eop{org: "grid", action: "settle_interval", body: energyapi.IntervalBody{Zone: zone, Interval: iv}, want: want}
		}
	}
}

func (run *eRun) oldest(status string) string {
	var ivs []string
	for iv, b := range run.m.books {
		if b.status == status {
			ivs = append(ivs, iv)
		}
	}
	slices.Sort(ivs)
	if len(ivs) == 0 {
		return ""
	}
	return ivs[0]
}

// bids are a model book's orders as the auction takes them.
func (b *mBook) bids() []energy.Bid {
	out := make([]energy.Bid, len(b.orders))
	for i, o := range b.orders {
		if o.open {
			out[i] = energy.Bid{Seq: o.seq, Buy: o.side == energyapi.Buy, Wh: o.wh, Price: o.price}
		}
	}
	return out
}

// traders are the organisations with a fill in a cleared interval.
func (run *eRun) traders(iv string) []string {
	b := run.m.books[iv]
	res := energy.Clear(b.bids())
	var out []string
	for i, f := range res.Filled {
		if f > 0 && !slices.Contains(out, b.orders[i].org) {
			out = append(out, b.orders[i].org)
		}
	}
	slices.Sort(out)
	return out
}

func (run *eRun) immutable(h int, key string, v any) {
	b, _ := json.Marshal(v)
	if prev, ok := run.seen[key]; ok && prev != string(b) {
		run.t.Fatalf("block %d: %s changed from %s to %s", h, key, prev, b)
	}
	run.seen[key] = string(b)
}

func (run *eRun) check(h int) {
	t, m := run.t, run.m
	v := run.c.View()
	zn, err := energy.GetZone(v, zone)
	if err != nil {
		t.Fatal(err)
	}
	for iv, mb := range m.books {
		book, err := energy.GetBook(v, zone, iv)
		if err != nil {
			t.Fatal(err)
		}
		var open int
		var buy, sell int64
		for _, o := range mb.orders {
			if o.open {
				open++
				if o.side == energyapi.Buy {
					buy += o.wh
				} else {
					sell += o.wh
				}
			}
		}
		if book.Orders != len(mb.orders) || book.Open != open || book.BuyWh != buy || book.SellWh != sell || book.Status != mb.status {
			t.Fatalf("block %d: book %s is %+v; the model has %d orders, %d open, %d/%d Wh, %s", h, iv, book, len(mb.orders), open, buy, sell, mb.status)
		}
		if mb.status == energyapi.BookOpen {
			continue
		}
		// The clearing is the reference auction's.
		view, err := energy.IntervalView(v, zone, iv, callerOf("grid"))
		if err != nil {
			t.Fatal(err)
		}
		want := energy.Clear(mb.bids())
		cl := view.Clearing
		if cl.PriceFen != want.PriceFen || cl.VolumeWh != want.VolumeWh || cl.MarginalBidFen != want.MarginalBidFen {
			t.Fatalf("block %d: interval %s cleared %+v; the auction gives %+v", h, iv, cl, want)
		}
		filled := map[string]int64{}
		for i, f := range want.Filled {
			filled[energy.OrderID(zone, iv, mb.orders[i].seq)] = f
		}
		var bought, sold int64
		for _, f := range view.Fills {
			var sum int64
			for _, of := range f.Orders {
				if of.FilledWh != filled[of.Order] || of.FilledWh == 0 {
					t.Fatalf("block %d: order %s filled %d; the auction fills %d", h, of.Order, of.FilledWh, filled[of.Order])
				}
				sum += of.FilledWh
			}
			if sum != f.FilledWh || f.FilledWh > f.OrderedWh {
				t.Fatalf("block %d: fill %+v", h, f)
			}
			if f.Side == energyapi.Buy {
				bought += f.FilledWh
			} else {
				sold += f.FilledWh
			}
			run.immutable(h, "fill/"+iv+"/"+f.Org, f)
		}
		if bought != cl.VolumeWh || sold != cl.VolumeWh {
			t.Fatalf("block %d: interval %s bought %d, sold %d, volume %d", h, iv, bought, sold, cl.VolumeWh)
		}
		run.immutable(h, "clear/"+iv, cl)
		if mb.status != energyapi.BookSettled {
			continue
		}
		// The settlement balances to the fen, and each line follows from
		// the readings and the tariff.
		s := view.Settlement
		tariff := zn.TariffAt(iv)
		var net, paid, got int64
		for _, l := range view.Lines {
			net += l.NetFen
			if l.TradeFen < 0 {
				paid -= l.TradeFen
			} else {
				got += l.TradeFen
			}
			var imp, exp int64
			var n int
			for _, meter := range m.orgMtrs[l.Org] {
				if rd, ok := m.readings[iv][meter]; ok {
					imp, exp, n = imp+rd[0], exp+rd[1], n+1
				}
			}
			d := (exp - imp) - (l.SoldWh - l.BoughtWh)
			fen := energyapi.AmountFen(max(d, 0), tariff.FeedInFen) - energyapi.AmountFen(max(-d, 0), tariff.RetailFen)
			if l.ImportWh != imp || l.ExportWh != exp || l.Readings != n || l.ImbalanceWh != d || l.ImbalanceFen != fen ||
				l.WheelingFen != -energyapi.AmountFen(l.BoughtWh, tariff.WheelingFen) || l.NetFen != l.TradeFen+l.WheelingFen+l.ImbalanceFen {
				t.Fatalf("block %d: line %+v of %s; the readings give %d/%d Wh (%d), imbalance %d Wh %d fen", h, l, iv, imp, exp, n, d, fen)
			}
			run.immutable(h, "line/"+iv+"/"+l.Org, l)
		}
		if net+s.GridFen != 0 || paid != got || got != s.TradeFen || s.TradeFen != cl.VolumeWh*cl.PriceFen/1000 {
			t.Fatalf("block %d: interval %s does not balance: lines %d, grid %d, buyers paid %d, sellers got %d, trade %d", h, iv, net, s.GridFen, paid, got, s.TradeFen)
		}
		run.immutable(h, "settle/"+iv, s)
	}
	// Metered totals: each reading counted once.
	for iv, rds := range m.readings {
		sum := map[string][3]int64{}
		for meter, rd := range rds {
			x := sum[m.meterOf[meter]]
			sum[m.meterOf[meter]] = [3]int64{x[0] + rd[0], x[1] + rd[1], x[2] + 1}
		}
		for org, x := range sum {
			var mt energyapi.Metered
			if _, err := module.GetJSON(v, []byte("energy/metered/"+zone+"/"+iv+"/"+org), &mt); err != nil {
				t.Fatal(err)
			}
			if mt.ImportWh != x[0] || mt.ExportWh != x[1] || int64(mt.Readings) != x[2] {
				t.Fatalf("block %d: %s metered %+v in %s; the readings add up to %v", h, org, mt, iv, x)
			}
		}
	}
}
