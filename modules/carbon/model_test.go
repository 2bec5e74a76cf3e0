package carbon_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// The model-based test drives random sequences of transfers (of the
// lowest serials or of named ranges, valid or not), retirements,
// cancellations (by holders and by the registry), claims of green
// certificates, surrenders and new issuances through real blocks, while
// days pass so that certificates expire half way. The model keeps every
// serial of every batch on its own — its holder and its state — and
// predicts each transaction's code. After every block the test reads the
// chain's accounts and closures and checks:
//
//   - the accounts' ranges and the closures' ranges tile every batch
//     exactly: no serial in two places (ranges never overlap), none
//     missing, each with one state;
//   - every serial's holder and state are the model's, and a closed
//     serial never moves again (the model never reopens one, and every
//     closure record stays byte for byte what it was);
//   - accounts hold sorted, disjoint, merged ranges adding up to their
//     quantity; the batches' statistics and the registry's totals agree
//     with the serials;
//   - green certificates are claimed at most once, and never on or after
//     their expiry date.

type mBatch struct {
	id, kind  string
	vintage   int    // credit vintage, allowance year
	genYear   int    // green certificates: year of generation
	expires   string // green certificates
	eligible  bool
	owner     []string // by serial-1; the holder (for closed serials, the closure's)
	state     []string // carbonapi.Active or a closure kind
	closureOf []string
}

type mComp struct {
	verified, allowances, credits int64
}

type cModel struct {
	batches []*mBatch
	byID    map[string]*mBatch
	comp    map[string]*mComp // covered entity -> 2025 position
	months  []string          // green certificate months not issued yet
	plant   string
}

type cop struct {
	org, action string
	body        any
	want        errcode.Code
	apply       func(res map[string]any)
}

type cRun struct {
	t        *testing.T
	c        *testchain.Chain
	r        *rand.Rand
	m        *cModel
	tally    testchain.Tally
	closures map[string]string // closure id -> its record as first seen
}

var holders = []string{"dev", "buyer", "food", "cement", "power", "reg"}

func TestLedgerModel(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runLedgerModel(t, seed, 150) })
	}
}

func (m *cModel) add(b *mBatch, q int, to string) {
	b.owner, b.state, b.closureOf = make([]string, q), make([]string, q), make([]string, q)
	for i := range q {
		b.owner[i], b.state[i] = to, carbonapi.Active
	}
	m.batches = append(m.batches, b)
	m.byID[b.id] = b
}

func runLedgerModel(t *testing.T, seed uint64, blocks int) {
	c := newChain(t)
	m := &cModel{byID: map[string]*mBatch{}, comp: map[string]*mComp{}, plant: "AH-PV-2025-0001",
		months: []string{"2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"}}
	_, elig := credits(t, c, "dev", 600, true)
	m.add(&mBatch{id: elig[0], kind: carbonapi.KindCredit, vintage: 2024, eligible: true}, 300, "dev")
	m.add(&mBatch{id: elig[1], kind: carbonapi.KindCredit, vintage: 2025, eligible: true}, 300, "dev")
	_, plain := credits(t, c, "dev2", 200, false)
	m.add(&mBatch{id: plain[1], kind: carbonapi.KindCredit, vintage: 2025}, 100, "dev2")
	m.add(&mBatch{id: plain[0], kind: carbonapi.KindCredit, vintage: 2024}, 100, "dev2")
	do(t, c, "dev2", "transfer", carbonapi.TransferBody{Batch: plain[1], To: "buyer", Quantity: 100}, errcode.OK)
	for i := range 100 {
		m.byID[plain[1]].owner[i] = "buyer"
	}
	do(t, c, "reg", "open_compliance", carbonapi.ComplianceYearBody{Year: 2025, ReportDue: "2026-03-31", SurrenderDue: "2026-12-31"}, errcode.OK)
	for _, org := range []string{"cement", "power"} {
		b := batches(do(t, c, "reg", "allocate", carbonapi.AllocateBody{Year: 2025, Org: org, Quantity: 250}, errcode.OK))[0]
		m.add(&mBatch{id: b, kind: carbonapi.KindAllowance, vintage: 2025}, 250, org)
		do(t, c, org, "file_emissions", carbonapi.EmissionsBody{Year: 2025, EmissionsT: 400, ReportSHA256: sha(org)}, errcode.OK)
		do(t, c, "ver", "verify_emissions", carbonapi.VerifyEmissionsBody{Year: 2025, Org: org, VerifiedT: 400, StatementSHA256: sha("v" + org)}, errcode.OK)
		m.comp[org] = &mComp{verified: 400}
	}
	do(t, c, "gec", "register_plant", carbonapi.PlantBody{Code: m.plant, Name: "屋顶光伏", Technology: "solar", CapacityKW: 5_000, Province: "安徽省", Owner: "dev"}, errcode.OK)
	for _, g := range []struct {
		month string
		q     int
	}{{"2024-04", 120}, {"2024-05", 90}, {"2025-06", 200}} {
		b := batches(do(t, c, "gec", "issue_gec", carbonapi.GECBody{Plant: m.plant, Month: g.month, Quantity: int64(g.q)}, errcode.OK))[0]
		exp, _ := carbonapi.GECExpiry(g.month)
		y := 2024
		if g.month >= "2025" {
			y = 2025
		}
		m.add(&mBatch{id: b, kind: carbonapi.KindGEC, genYear: y, expires: exp}, g.q, "dev")
	}
	run := &cRun{t: t, c: c, r: rand.New(rand.NewPCG(seed, 2026)), m: m, tally: testchain.Tally{}, closures: map[string]string{}}
	run.check(-1)
	for h := 0; h < blocks; h++ {
		if run.r.IntN(4) == 0 {
			c.Time = c.Time.Add(time.Duration(1+run.r.IntN(3)) * 24 * time.Hour)
		}
		// The block's time is one second after the chain's.
		date := field.BlockDate(c.Time.Add(time.Second))
		n := 1 + run.r.IntN(8)
		var ops []cop
		var txs [][]byte
		for range n {
			o := run.next(date)
			ops = append(ops, o)
			txs = append(txs, c.Sign(c.Members[o.org].Admin, carbon.Name, o.action, o.body))
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			run.tally.Add(o.action, got)
			if got != o.want {
				t.Fatalf("block %d tx %d: %s by %s %s: code %s (%s), the model expects %s", h, i, o.action, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
			if got == errcode.OK && o.apply != nil {
				var out map[string]any
				if err := json.Unmarshal(res[i].Data, &out); err != nil {
					t.Fatal(err)
				}
				o.apply(out)
			}
		}
		run.check(h)
	}
	total, ok, report := run.tally.Check(t, 3, 40)
	t.Logf("%d transactions, %d committed:\n%s", total, ok, report)
}

// held lists the serials org holds of b, active, in order.
func (b *mBatch) held(org string) []int64 {
	var out []int64
	for i, o := range b.owner {
		if o == org && b.state[i] == carbonapi.Active {
			out = append(out, int64(i+1))
		}
	}
	return out
}

// runs groups sorted serials into ranges.
func runs(s []int64) []carbonapi.Range {
	var out []carbonapi.Range
	for _, x := range s {
		if n := len(out); n > 0 && out[n-1].To == x-1 {
			out[n-1].To = x
			continue
		}
		out = append(out, carbonapi.Range{From: x, To: x})
	}
	return out
}

// pickRanges picks up to three disjoint sub-ranges of what org holds, or,
// when bad, ranges with a serial org does not hold.
func (run *cRun) pickRanges(b *mBatch, org string, bad bool) ([]carbonapi.Range, int64) {
	r := run.r
	if bad {
		q := int64(len(b.owner))
		from := 1 + r.Int64N(q)
		to := min(q, from+r.Int64N(5))
		for x := from; x <= to; x++ {
			if b.owner[x-1] != org || b.state[x-1] != carbonapi.Active {
				return []carbonapi.Range{{From: from, To: to}}, to - from + 1
			}
		}
		return nil, 0
	}
	rs := runs(b.held(org))
	r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	var out []carbonapi.Range
	var n int64
	for _, x := range rs[:min(len(rs), 1+r.IntN(3))] {
		from := x.From + r.Int64N(x.Len())
		to := from + r.Int64N(x.To-from+1)
		out = append(out, carbonapi.Range{From: from, To: to})
		n += to - from + 1
	}
	return out, n
}

// take applies a move the model expects to succeed, at once, as the
// chain executes a block's transactions in order: serials go to to, or to
// a closure of kind. It answers the check of the transaction's answer,
// which must name exactly these serials (and gives closed serials their
// closure's id).
func (run *cRun) take(b *mBatch, from string, serials []int64, to, kind string) func(res map[string]any) {
	for _, x := range serials {
		i := x - 1
		if b.owner[i] != from || b.state[i] != carbonapi.Active {
			run.t.Fatalf("the model takes serial %d of %s from %s, who does not hold it", x, b.id, from)
		}
		if kind == "" {
			b.owner[i] = to
		} else {
			b.state[i], b.closureOf[i] = kind, "?"
		}
	}
	return func(res map[string]any) {
		var rs []carbonapi.Range
		raw, _ := json.Marshal(res["ranges"])
		if err := json.Unmarshal(raw, &rs); err != nil {
			run.t.Fatal(err)
		}
		want := runs(serials)
		if !slices.Equal(rs, want) {
			run.t.Fatalf("%s of %s from %s moved %v; the model expects %v", kind, b.id, from, rs, want)
		}
		if kind != "" {
			for _, x := range serials {
				b.closureOf[x-1] = res["id"].(string)
			}
		}
	}
}

// serialsOf lists the serials of ranges.
func serialsOf(rs []carbonapi.Range) []int64 {
	var out []int64
	for _, r := range rs {
		for x := r.From; x <= r.To; x++ {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// lowest is what a move by quantity takes: the lowest serials held.
func lowest(held []int64, q int64) []int64 { return held[:min(int64(len(held)), q)] }

func (run *cRun) next(date string) cop {
	r, m := run.r, run.m
	for {
		a := r.IntN(100)
		// The batch: mostly of a kind the action takes.
		b := m.batches[r.IntN(len(m.batches))]
		for range 8 {
			if r.IntN(8) == 0 || a < 40 || a >= 94 || a < 65 && b.kind != carbonapi.KindGEC ||
				a >= 65 && a < 82 && b.kind == carbonapi.KindGEC || a >= 82 && b.kind != carbonapi.KindGEC {
				break
			}
			b = m.batches[r.IntN(len(m.batches))]
		}
		org := holders[r.IntN(len(holders))]
		// Mostly an organisation that holds some of the batch.
		if r.IntN(5) != 0 {
			var with []string
			for _, h := range holders {
				if len(b.held(h)) > 0 {
					with = append(with, h)
				}
			}
			if len(with) > 0 {
				org = with[r.IntN(len(with))]
			}
		}
		held := b.held(org)
		expired := b.kind == carbonapi.KindGEC && date >= b.expires
		// The quantity and ranges: by quantity mostly, sometimes named
		// ranges, sometimes more than held or ranges not held.
		var ranges []carbonapi.Range
		var q int64
		var bad bool
		switch k := r.IntN(10); {
		case k < 5 && len(held) > 0:
			q = 1 + r.Int64N(min(int64(len(held)), 25))
		case k < 8 && len(held) > 0:
			ranges, q = run.pickRanges(b, org, false)
		case k < 9:
			if ranges, q = run.pickRanges(b, org, true); q == 0 {
				continue
			}
			bad = true
		default:
			q, bad = int64(len(held))+1+r.Int64N(3), true
		}
		// The serials the move takes when it succeeds.
		took := serialsOf(ranges)
		if ranges == nil {
			took = lowest(held, q)
		}
		ledgerCode := errcode.OK
		if bad || len(held) == 0 {
			ledgerCode = errcode.RuleViolation
		}
		// mv builds the op, applying it to the model when it is expected
		// to succeed.
		mv := func(o cop, to, kind string) cop {
			if o.want == errcode.OK {
				o.apply = run.take(b, org, took, to, kind)
			}
			return o
		}
		switch {
		case a < 40: // transfer
			to := holders[r.IntN(len(holders))]
			if to == org {
				continue
			}
			want := ledgerCode
			if expired {
				want = errcode.RuleViolation
			}
			return mv(cop{org: org, action: "transfer", body: carbonapi.TransferBody{Batch: b.id, To: to, Quantity: q, Ranges: ranges}, want: want}, to, "")
		case a < 55: // retire
			year := 2024 + r.IntN(3)
			want := ledgerCode
			switch {
			case expired:
				want = errcode.RuleViolation
			case b.kind == carbonapi.KindGEC:
				want = errcode.RuleViolation
			case b.kind == carbonapi.KindCredit && b.vintage > year:
				want = errcode.RuleViolation
			}
			return mv(cop{org: org, action: "retire", body: carbonapi.RetireBody{Batch: b.id, Quantity: q, Ranges: ranges, Beneficiary: "受益方 " + org,
				Purpose: fmt.Sprintf("%d 年度碳中和", year), ClaimYear: year}, want: want}, "", carbonapi.Retired)
		case a < 65: // cancel, by the holder or the registry
			by := org
			if r.IntN(3) == 0 {
				by = "reg"
			}
			want := ledgerCode
			if by != org && r.IntN(4) == 0 {
				by = "buyer" // not the registry: refused
				if org == "buyer" {
					by = "food"
				}
				want = errcode.Unauthorized
			}
			return mv(cop{org: by, action: "cancel", body: carbonapi.CancelBody{Batch: b.id, Holder: org, Quantity: q, Ranges: ranges, Reason: "注销"}, want: want}, "", carbonapi.Cancelled)
		case a < 82: // claim green certificates
			year := 2024 + r.IntN(4)
			want := ledgerCode
			switch {
			case year > 2026:
				want = errcode.RuleViolation
			case expired:
				want = errcode.RuleViolation
			case b.kind != carbonapi.KindGEC:
				want = errcode.RuleViolation
			case year < b.genYear:
				want = errcode.RuleViolation
			}
			return mv(cop{org: org, action: "claim_gec", body: carbonapi.ClaimBody{Batch: b.id, Quantity: q, Ranges: ranges, Year: year}, want: want}, "", carbonapi.Claimed)
		case a < 94: // surrender, by a covered entity
			if org != "cement" && org != "power" {
				continue
			}
			cp := m.comp[org]
			want := ledgerCode
			owed := cp.verified - cp.allowances - cp.credits
			switch {
			case q > owed:
				want = errcode.RuleViolation
			case expired:
				want = errcode.RuleViolation
			case b.kind == carbonapi.KindGEC:
				want = errcode.RuleViolation
			case b.kind == carbonapi.KindCredit && !b.eligible:
				want = errcode.RuleViolation
			case b.kind == carbonapi.KindCredit && cp.credits+q > carbon.CreditLimit(cp.verified, carbonapi.DefaultOffsetLimitBP):
				want = errcode.RuleViolation
			}
			if q < 1 {
				continue
			}
			o := mv(cop{org: org, action: "surrender", body: carbonapi.SurrenderBody{Year: 2025, Batch: b.id, Quantity: q, Ranges: ranges}, want: want}, "", carbonapi.Surrendered)
			if want == errcode.OK {
				if b.kind == carbonapi.KindCredit {
					cp.credits += q
				} else {
					cp.allowances += q
				}
			}
			return o
		default: // a new issuance of green certificates
			if len(m.months) == 0 {
				continue
			}
			month := m.months[0]
			m.months = m.months[1:]
			q := int64(1 + r.IntN(60))
			return cop{org: "gec", action: "issue_gec", body: carbonapi.GECBody{Plant: m.plant, Month: month, Quantity: q}, want: errcode.OK,
				apply: func(res map[string]any) {
					exp, _ := carbonapi.GECExpiry(month)
					y := 2025
					if month >= "2026" {
						y = 2026
					}
					m.add(&mBatch{id: batches(res)[0], kind: carbonapi.KindGEC, genYear: y, expires: exp}, int(q), "dev")
				}}
		}
	}
}

// where is a serial as the chain has it.
type where struct {
	holder, state, closure string
}

func (run *cRun) check(h int) {
	t, m := run.t, run.m
	v := run.c.View()
	seen := map[string][]*where{}
	for _, b := range m.batches {
		seen[b.id] = make([]*where, len(b.owner))
	}
	put := func(batch string, rg carbonapi.Range, w where, what string) {
		s, ok := seen[batch]
		if !ok {
			t.Fatalf("block %d: %s names batch %s, which the model does not know", h, what, batch)
		}
		for x := rg.From; x <= rg.To; x++ {
			if x < 1 || x > int64(len(s)) {
				t.Fatalf("block %d: %s names serial %d of %s, beyond its %d", h, what, x, batch, len(s))
			}
			if s[x-1] != nil {
				t.Fatalf("block %d: serial %d of %s is in two places: %+v and %s", h, x, batch, *s[x-1], what)
			}
			w := w
			s[x-1] = &w
		}
	}
	for k, val := range testchain.Snapshot(t, run.c, "carbon/hold/") {
		var hd carbonapi.Holding
		if err := json.Unmarshal([]byte(val), &hd); err != nil {
			t.Fatal(err)
		}
		if k != "carbon/hold/"+hd.Org+"/"+hd.Batch || hd.Quantity != carbonapi.Total(hd.Ranges) || hd.Quantity == 0 {
			t.Fatalf("block %d: holding %s = %s", h, k, val)
		}
		for i, rg := range hd.Ranges {
			if rg.From > rg.To || i > 0 && rg.From <= hd.Ranges[i-1].To+1 {
				t.Fatalf("block %d: holding %s has ranges out of order, overlapping or not merged: %v", h, k, hd.Ranges)
			}
			put(hd.Batch, rg, where{hd.Org, carbonapi.Active, ""}, k)
		}
	}
	for k, val := range testchain.Snapshot(t, run.c, "carbon/closure/") {
		var cl carbonapi.Closure
		if err := json.Unmarshal([]byte(val), &cl); err != nil {
			t.Fatal(err)
		}
		if prev, ok := run.closures[cl.ID]; ok && prev != val {
			t.Fatalf("block %d: closure %s changed from %s to %s", h, cl.ID, prev, val)
		}
		run.closures[cl.ID] = val
		if carbonapi.Total(cl.Ranges) != cl.Quantity || !strings.HasSuffix(k, cl.ID) {
			t.Fatalf("block %d: closure %s = %s", h, k, val)
		}
		for _, rg := range cl.Ranges {
			put(cl.Batch, rg, where{cl.Holder, cl.Kind, cl.ID}, k)
		}
		if cl.Kind == carbonapi.Claimed {
			b := m.byID[cl.Batch]
			if d := cl.Time[:10]; d >= b.expires {
				t.Fatalf("block %d: claim %s on %s of certificates that expired on %s", h, cl.ID, d, b.expires)
			}
		}
	}
	if len(run.closures) != len(testchain.Snapshot(t, run.c, "carbon/closure/")) {
		t.Fatalf("block %d: a closure record disappeared", h)
	}
	totals := map[string]*carbonapi.KindTotals{}
	for _, b := range m.batches {
		st, err := carbon.GetStats(v, b.id)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int64{}
		holdersOf := map[string]bool{}
		for i, w := range seen[b.id] {
			if w == nil {
				t.Fatalf("block %d: serial %d of %s is nowhere", h, i+1, b.id)
			}
			if w.holder != b.owner[i] || w.state != b.state[i] || w.closure != b.closureOf[i] {
				t.Fatalf("block %d: serial %d of %s is %+v on chain, %s %s %s in the model", h, i+1, b.id, *w, b.owner[i], b.state[i], b.closureOf[i])
			}
			counts[w.state]++
			if w.state == carbonapi.Active {
				holdersOf[w.holder] = true
			}
		}
		want := carbonapi.BatchStats{Batch: b.id, Active: counts[carbonapi.Active], Retired: counts[carbonapi.Retired], Cancelled: counts[carbonapi.Cancelled],
			Claimed: counts[carbonapi.Claimed], Surrendered: counts[carbonapi.Surrendered], Holders: len(holdersOf)}
		if *st != want {
			t.Fatalf("block %d: batch %s statistics %+v, the serials say %+v", h, b.id, *st, want)
		}
		tt := totals[b.kind]
		if tt == nil {
			tt = &carbonapi.KindTotals{Kind: b.kind, Unit: carbonapi.UnitOf(b.kind)}
			totals[b.kind] = tt
		}
		tt.Issued += int64(len(b.owner))
		tt.Active, tt.Retired, tt.Cancelled, tt.Claimed, tt.Surrendered = tt.Active+want.Active, tt.Retired+want.Retired, tt.Cancelled+want.Cancelled,
			tt.Claimed+want.Claimed, tt.Surrendered+want.Surrendered
		tt.Batches++
	}
	rv, err := carbon.RegistryOf(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range rv.Totals {
		want := totals[got.Kind]
		if want == nil {
			want = &carbonapi.KindTotals{Kind: got.Kind, Unit: got.Unit}
		}
		if got != *want {
			t.Fatalf("block %d: registry totals %+v, the serials say %+v", h, got, *want)
		}
	}
	// Compliance positions agree with the surrenders.
	for org, cp := range m.comp {
		c, err := carbon.GetCompliance(v, 2025, org)
		if err != nil {
			t.Fatal(err)
		}
		if c.AllowancesT != cp.allowances || c.CreditsT != cp.credits || c.AllowancesT+c.CreditsT > c.VerifiedT {
			t.Fatalf("block %d: %s's position %+v, the model has %+v", h, org, c, cp)
		}
		if !slices.IsSorted(c.Surrenders) {
			t.Fatalf("block %d: surrenders out of order %v", h, c.Surrenders)
		}
	}
}
