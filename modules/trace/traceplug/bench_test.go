package traceplug

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/workload"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// TestItemDraw checks w2's Zipf draw: every item in range, the first item
// most frequent with about its theoretical share, and the tail reached.
func TestItemDraw(t *testing.T) {
	const n = 200_000
	d := newItemDraw([32]byte{7})
	counts := map[int]int{}
	tail := 0
	for range n {
		it := int(d.Uint64())
		if it < 0 || it >= traceItems {
			t.Fatalf("item %d out of range", it)
		}
		counts[it]++
		if it >= traceItems/2 {
			tail++
		}
	}
	// P(k) ∝ (1+k)^-1.1 over a million items: the first has 1/8.07 = 12.4%
	// of the draws, the first hundred about 53%, the upper half about 3%.
	top := 0
	for k := range 100 {
		top += counts[k]
	}
	share := func(c int) float64 { return float64(c) / n }
	if s := share(counts[0]); s < 0.11 || s > 0.14 {
		t.Errorf("item 0 has %.3f of the draws, want about 0.124", s)
	}
	if counts[0] < counts[1] || counts[1] < counts[10] {
		t.Errorf("not decreasing: %d %d %d", counts[0], counts[1], counts[10])
	}
	if s := share(top); s < 0.48 || s > 0.58 {
		t.Errorf("the first 100 items have %.3f of the draws, want about 0.53", s)
	}
	if s := share(tail); s < 0.015 || s > 0.05 {
		t.Errorf("the upper half has %.3f of the draws, want about 0.03", s)
	}
	if len(counts) > n/2 {
		t.Errorf("%d distinct items in %d draws: not skewed", len(counts), n)
	}
}

func TestObserveStep(t *testing.T) {
	for _, c := range []struct {
		roles []role.Role
		want  string
	}{
		{[]role.Role{role.Producer, role.Supplier}, trace.StepStoring},
		{[]role.Role{role.Logistics}, trace.StepStoring},
		{[]role.Role{traceapi.Retailer}, trace.StepStoring},
		{[]role.Role{role.Regulator, role.Inspector}, trace.StepStoring},
		{[]role.Role{role.Inspector}, trace.StepInspecting},
		{[]role.Role{traceapi.Alliance}, trace.StepInspecting},
	} {
		if got, err := observeStep(c.roles); err != nil || got != c.want {
			t.Errorf("%v: %q, %v; want %q", c.roles, got, err, c.want)
		}
	}
	if _, err := observeStep([]role.Role{role.Bank}); err == nil {
		t.Error("a bank observes items")
	}
}

// TestTraceBodies runs w2's setup and timed bodies through the trace
// module's handlers (CheckTx, then a block) over the demo consortium:
// master data, commissioning, and observations of the same items by
// organisations of every capturing role, in one block; then the item's
// event count is what Observe counted.
func TestTraceBodies(t *testing.T) {
	c := benchtest.DemoChain(t, Module())
	sign := func(org, action string, body any) []byte { return c.Sign(c.Members[org].Admin, "trace", action, body) }
	w := newTraceEvents(workload.Params{})
	w.tag = 4321
	w.loc = map[string]string{}
	observers := []string{"regulator", "coop", "logistics", "market", "foodgroup", "alliance"}
	var txs [][]byte
	prefix := map[string]string{}
	for k, org := range observers {
		prefix[org] = benchPrefix(w.tag, k)
		txs = append(txs, sign("regulator", "assign_prefix", traceapi.PrefixBody{Prefix: prefix[org], Org: org}))
	}
	benchtest.RunBlock(t, c, txs)
	txs = nil
	for _, org := range observers {
		w.loc[org] = benchGLN(prefix[org])
		txs = append(txs, sign(org, "register_location", map[string]any{"gln": w.loc[org], "name": org + " warehouse", "type": "warehouse"}))
	}
	for _, org := range []string{"coop", "foodgroup"} {
		p := traceProduct{org: org, gtin: benchGTIN(prefix[org]), loc: w.loc[org]}
		p.lot = fmt.Sprintf("/01/%s/10/W2-%05d", p.gtin, w.tag)
		w.products = append(w.products, p)
		txs = append(txs, sign(org, "register_product", productBody(p)))
	}
	benchtest.RunBlock(t, c, txs)
	txs = nil
	for _, p := range w.products {
		txs = append(txs, sign(p.org, "register_lot", lotBody(p, c.Time)))
	}
	benchtest.RunBlock(t, c, txs)

	// Items 0..9: item n is product n mod 2's serial n div 2.
	items := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	fresh := map[int][]int{}
	for _, it := range items {
		p, serial := w.item(it)
		if p != w.products[it%2] || serial != it/2 {
			t.Fatalf("item %d is %v/%d", it, p, serial)
		}
		fresh[it%2] = append(fresh[it%2], serial)
	}
	txs = nil
	for k, serials := range fresh {
		txs = append(txs, sign(w.products[k].org, "capture", commissionBody(w.products[k], serials, c.Time)))
	}
	benchtest.RunBlock(t, c, txs)

	// Several observations of the same items in one block, by every
	// observing organisation, as independent lanes send them.
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	w.byHash = map[[32]byte]int32{}
	txs = nil
	want := map[int]int64{}
	for j := range 30 {
		it := items[(j*j)%4] // items 0, 1 and 4 mostly
		org := observers[j%len(observers)]
		step, err := observeStep(benchtest.DemoRoles(Module(), org))
		if err != nil {
			t.Fatal(err)
		}
		raw := sign(org, "capture", observeBody(w.epc(it), step, w.loc[org], c.Time, rng))
		w.byHash[sha256.Sum256(raw)] = int32(it)
		want[it]++
		txs = append(txs, raw)
	}
	w.Observe(benchtest.RunBlock(t, c, txs))
	for it, n := range want {
		o, err := trace.Item(c.View(), w.epc(it))
		if err != nil {
			t.Fatal(err)
		}
		if o.Events != 1+n || w.observed[int32(it)] != n {
			t.Errorf("item %d: %d events on chain, %d observed, want 1+%d", it, o.Events, w.observed[int32(it)], n)
		}
	}
	if len(w.byHash) != 0 || w.seen.Load() != c.Height {
		t.Errorf("%d transactions not seen, height %d of %d", len(w.byHash), w.seen.Load(), c.Height)
	}
}
