package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// mixShares are the mix's parts and their shares of the offered
// transactions.
var mixShares = []struct {
	label string
	share float64
}{{"w1", 0.4}, {"w2", 0.3}, {"w3", 0.3}}

// mix runs w1 (notary deposits), w2 (trace events) and w3 (receivable
// transfers, uniform) together, each with its share of the offered
// transactions and of the signer keys, spread evenly over the window,
// while readers fetch proofs and records of earlier deposits as in w4.
// Check runs every part's Check.
type mix struct {
	parts  []Workload // in the order of mixShares
	reads  *reads     // parts[0]: w1 writes, w4 reads
	offset []int      // each part's first lane
	order  []mixRef
}

// mixRef is the idx-th transaction of part.
type mixRef struct {
	part int
	idx  int
}

func newMix(p Params) *mix {
	n := mixSigners(p.Signers)
	sub := func(k int) Params { q := p; q.Signers = n[k]; return q }
	m := &mix{reads: newReads(sub(0))}
	m.parts = []Workload{m.reads, newTraceEvents(sub(1)), newTransfers(sub(2), false)}
	return m
}

// mixSigners divides signers between the parts by their shares: at least
// one each, and two for w3 (a lane for each of the organisations it
// transfers between).
func mixSigners(signers int) []int {
	a := max(1, int(math.Round(mixShares[0].share*float64(signers))))
	b := max(1, int(math.Round(mixShares[1].share*float64(signers))))
	return []int{a, b, max(2, signers-a-b)}
}

func (m *mix) Name() string { return "mix" }
func (m *mix) Describe() string {
	return fmt.Sprintf("%.0f%% w1 notary deposits, %.0f%% w2 trace events, %.0f%% w3 receivable transfers (of the transactions, interleaved), with w4 reads of earlier deposits",
		100*mixShares[0].share, 100*mixShares[1].share, 100*mixShares[2].share)
}

func (m *mix) Lanes() int {
	n := 0
	for _, p := range m.parts {
		n += p.Lanes()
	}
	return n
}

func (m *mix) Setup(ctx context.Context, net *Network) error {
	m.offset = m.offset[:0]
	lanes := 0
	for k, p := range m.parts {
		if err := p.Setup(ctx, net); err != nil {
			return fmt.Errorf("%s setup: %w", mixShares[k].label, err)
		}
		m.offset = append(m.offset, lanes)
		lanes += p.Lanes()
	}
	return nil
}

// mixOrder interleaves n transactions between parts by their shares:
// transaction i goes to the part furthest behind its share of the first
// i+1, so that each part's transactions spread evenly over the window and
// keep their order.
func mixOrder(n int) ([]mixRef, []int) {
	order := make([]mixRef, n)
	taken := make([]int, len(mixShares))
	for i := range n {
		best, lag := 0, math.Inf(-1)
		for k, s := range mixShares {
			if d := float64(i+1)*s.share - float64(taken[k]); d > lag {
				best, lag = k, d
			}
		}
		order[i] = mixRef{best, taken[best]}
		taken[best]++
	}
	return order, taken
}

func (m *mix) Prepare(ctx context.Context, net *Network, n int) error {
	order, counts := mixOrder(n)
	for k, p := range m.parts {
		if counts[k] == 0 {
			continue
		}
		if err := p.Prepare(ctx, net, counts[k]); err != nil {
			return fmt.Errorf("%s: %w", mixShares[k].label, err)
		}
	}
	m.order = order
	return nil
}

func (m *mix) Next(i int) Tx {
	r := m.order[i]
	t := m.parts[r.part].Next(r.idx)
	t.Lane += m.offset[r.part]
	if t.Kind == "" {
		t.Kind = mixShares[r.part].label
	} else {
		t.Kind = mixShares[r.part].label + " " + t.Kind
	}
	return t
}

// Read reads an earlier deposit, as w4 does.
func (m *mix) Read(ctx context.Context, net *Network, node int, rng *rand.Rand) (string, error) {
	return m.reads.Read(ctx, net, node, rng)
}

// Observe hands each block to the parts that observe.
func (m *mix) Observe(b *Block) {
	for _, p := range m.parts {
		if o, ok := p.(Observer); ok {
			o.Observe(b)
		}
	}
}

// Check runs every part's check.
func (m *mix) Check(ctx context.Context, net *Network) error {
	var errs []error
	for k, p := range m.parts {
		if err := p.Check(ctx, net); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", mixShares[k].label, err))
		}
	}
	return errors.Join(errs...)
}
