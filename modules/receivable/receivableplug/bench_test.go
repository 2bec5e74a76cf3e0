package receivableplug

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/bench/benchtest"
	"github.com/dengta-chain/dengta/internal/workload"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
)

// TestTransferSteps runs w3 and w3hot without a network: the setup
// (credit line, roots issued and accepted), then three steps, each with
// its stock top-up rounds and its timed transactions, through the
// receivable module's handlers (CheckTx, then a block), the blocks handed
// to Observe as the poller would. Every transaction must succeed, the
// steps must have both kinds, and every tree must conserve value.
func TestTransferSteps(t *testing.T) {
	for _, hot := range []bool{false, true} {
		t.Run(map[bool]string{false: "w3", true: "w3hot"}[hot], func(t *testing.T) {
			c := benchtest.DemoChain(t, Module())
			sign := func(org, action string, body any) []byte {
				return c.Sign(c.Members[org].Admin, "receivable", action, body)
			}
			w := newTransfers(workload.Params{}, hot)
			w.s = workload.PlanSigners("coop", "logistics", "coop", "logistics", "coop")
			w.obligor, w.bank, w.tag = "foodgroup", "bank", 99
			w.route([]string{"coop", "logistics"})
			if w.recv["coop"] != "logistics" || w.recv["logistics"] != "coop" || !w.receives["coop"] || !w.receives["logistics"] {
				t.Fatalf("routes %v, receives %v", w.recv, w.receives)
			}
			benchtest.RunBlock(t, c, [][]byte{sign("bank", "set_credit_line", map[string]any{"obligor": w.obligor, "limit_fen": receivable.MaxFen})})
			plan := w.rootPlan()
			var txs [][]byte
			for k, r := range plan {
				txs = append(txs, sign(w.obligor, "issue", issueBody(r.org, r.face, c.Time, w.tag, k)))
			}
			res := testchain.MustBlock(t, c, txs...)
			txs = nil
			for k, r := range res {
				var v struct{ ID string }
				if err := json.Unmarshal(r.Data, &v); err != nil {
					t.Fatal(err)
				}
				w.addRoot(v.ID, plan[k])
				txs = append(txs, sign(plan[k].org, "accept", map[string]string{"id": v.ID}))
			}
			w.Observe(benchtest.RunBlock(t, c, txs))
			// w3: rootsPerLane roots per lane; w3hot: one per lane and
			// one hot root per organisation.
			wantRoots, perLane := 5*rootsPerLane, rootsPerLane
			if hot {
				wantRoots, perLane = 5+2, 1
			}
			if len(w.roots) != wantRoots || len(w.lanePools[4]) != perLane || hot != (w.hotPool["coop"] != nil) {
				t.Fatalf("%d roots, lane 4 has %d", len(w.roots), len(w.lanePools[4]))
			}
			for _, p := range w.pools {
				if len(p.leaves) != 1 || p.leaves[0].id != p.root {
					t.Fatalf("pool of %s after the accepts: %v", p.root, p.leaves)
				}
			}

			rng := rand.New(rand.NewChaCha8([32]byte{3}))
			kinds := map[string]int{}
			for step, n := range []int{40, 120, 60} {
				w.reclaim()
				sp := w.plan(n)
				rounds := 0
				for ; ; rounds++ {
					adm, short := w.topUpRound(sp, rng)
					if !short {
						break
					}
					if len(adm) == 0 || rounds == topUpRounds {
						t.Fatalf("step %d: stock short after %d rounds", step, rounds)
					}
					txs = nil
					for _, a := range adm {
						txs = append(txs, sign(a.org, a.action, a.body))
					}
					w.Observe(benchtest.RunBlock(t, c, txs))
				}
				as, err := w.assign(sp)
				if err != nil {
					t.Fatal(err)
				}
				txs = nil
				hotSplits, splits := 0, 0
				for j, a := range as {
					kinds[a.action()]++
					txs = append(txs, sign(w.s.Orgs[j%len(w.s.Keys)], a.action(), json.RawMessage(a.body(rng))))
					if sp.pool[j] != nil {
						splits++
						if sp.pool[j] == w.hotPool[w.s.Orgs[j%len(w.s.Keys)]] {
							hotSplits++
						}
					}
				}
				if hot && hotSplits*10 < splits*8 {
					t.Errorf("step %d: %d of %d splits in the hot trees", step, hotSplits, splits)
				}
				t.Logf("step %d: %d transactions after %d top-up rounds, %d splits (%d hot)", step, n, rounds, splits, hotSplits)
				w.Observe(benchtest.RunBlock(t, c, txs))
				if len(w.inflight) != 0 || len(w.accepts) != 0 {
					t.Fatalf("step %d: %d splits and %d accepts not seen", step, len(w.inflight), len(w.accepts))
				}
			}
			if kinds["accept"] == 0 || kinds["split_transfer"] < kinds["accept"] {
				t.Fatalf("kinds %v", kinds)
			}
			today := receivable.BlockDate(c.Time)
			for _, root := range w.roots {
				lv, err := receivable.Lineage(c.View(), root, today)
				if err != nil {
					t.Fatal(err)
				}
				if err := conserved(root, w.issued[root], lv.Nodes); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestConserved feeds the conservation check consistent and inconsistent
// trees: it must pass the first and name the receivable at fault in the
// others.
func TestConserved(t *testing.T) {
	node := func(id, parent string, face int64, children ...string) receivable.LineageNode {
		return receivable.LineageNode{ID: id, ParentID: parent, FaceFen: face, Children: children}
	}
	// R (1000) -> A (300, sent) + B (700, remainder) -> C (100) + D (600).
	good := func() []receivable.LineageNode {
		return []receivable.LineageNode{node("R", "", 1000, "A", "B"), node("A", "R", 300), node("B", "R", 700, "C", "D"), node("C", "B", 100), node("D", "B", 600)}
	}
	if err := conserved("R", 1000, good()); err != nil {
		t.Fatalf("consistent tree: %v", err)
	}
	for _, c := range []struct {
		name, want string
		edit       func([]receivable.LineageNode) []receivable.LineageNode
		issued     int64
	}{
		{"part inflated", "receivable B", func(n []receivable.LineageNode) []receivable.LineageNode { n[3].FaceFen = 101; return n }, 1000},
		{"remainder lost", "receivable R", func(n []receivable.LineageNode) []receivable.LineageNode { n[2].FaceFen = 699; return n }, 1000},
		{"negative part", "receivable C", func(n []receivable.LineageNode) []receivable.LineageNode {
			n[3].FaceFen, n[4].FaceFen = -100, 800
			return n
		}, 1000},
		{"over-settled", "receivable D", func(n []receivable.LineageNode) []receivable.LineageNode { n[4].SettledFen = 601; return n }, 1000},
		{"root differs from issue", "root receivable R", func(n []receivable.LineageNode) []receivable.LineageNode { return n }, 999},
		{"missing part", "names part D", func(n []receivable.LineageNode) []receivable.LineageNode { return n[:4] }, 1000},
		{"part of another parent", "names part C", func(n []receivable.LineageNode) []receivable.LineageNode { n[3].ParentID = "A"; return n }, 1000},
		{"duplicate", "appears twice", func(n []receivable.LineageNode) []receivable.LineageNode { return append(n, n[3]) }, 1000},
		{"unreached", "not reached", func(n []receivable.LineageNode) []receivable.LineageNode { return append(n, node("E", "X", 5)) }, 1000},
		{"not a root", "not the root", func(n []receivable.LineageNode) []receivable.LineageNode { n[0].ParentID = "Q"; return n }, 1000},
	} {
		err := conserved("R", c.issued, c.edit(good()))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %q", c.name, err, c.want)
		}
	}
}

func TestCarveBody(t *testing.T) {
	b := carveBody(leaf{"RC20260101-00000000000000000001", 1_000_003}, "coop", 7)
	var sum int64
	for _, p := range b.Parts {
		sum += p.AmountFen
		if p.To != "coop" || p.AmountFen < 1_000_003/7 {
			t.Fatalf("part %+v", p)
		}
	}
	if len(b.Parts) != 7 || sum != 1_000_003 {
		t.Fatalf("%d parts adding up to %d", len(b.Parts), sum)
	}
	if i := slices.IndexFunc(b.Parts, func(p partBody) bool { return p.AmountFen != 142_857 }); i != 6 {
		t.Fatalf("uneven part %d", i)
	}
}
