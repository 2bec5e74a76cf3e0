package workload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// mix runs the modules' mix parts together (Def.Mix), each
// with its share of the offered transactions and of the signer keys,
// spread evenly over the window, while readers read through the parts
// that read. Check runs every part's Check.
type mix struct {
	shares []MixPart
	parts  []Workload // in the order of shares
	offset []int      // each part's first lane
	order  []mixRef
}

// mixRef is the idx-th transaction of part.
type mixRef struct {
	part int
	idx  int
}

func newMix(p Params, shares []MixPart) *mix {
	n := mixSigners(p.Signers, shares)
	m := &mix{shares: shares}
	for k, s := range shares {
		q := p
		q.Signers = n[k]
		m.parts = append(m.parts, s.New(q))
	}
	return m
}

// mixSigners divides signers between the parts by their shares: at least
// each part's minimum (one if it names none), the last part taking what
// the others leave.
func mixSigners(signers int, shares []MixPart) []int {
	out := make([]int, len(shares))
	left := signers
	for k, s := range shares {
		least := max(1, s.MinSigners)
		if k == len(shares)-1 {
			out[k] = max(least, left)
			break
		}
		out[k] = max(least, int(math.Round(s.Share*float64(signers))))
		left -= out[k]
	}
	return out
}

func (m *mix) Name() string { return "mix" }
func (m *mix) Describe() string {
	d := ""
	for k, s := range m.shares {
		if k > 0 {
			d += ", "
		}
		d += fmt.Sprintf("%.0f%% %s", 100*s.Share, m.parts[k].Describe())
	}
	return d + " (of the transactions, interleaved)"
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
			return fmt.Errorf("%s setup: %w", m.shares[k].Label, err)
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
func mixOrder(n int, shares []MixPart) ([]mixRef, []int) {
	total := 0.0
	for _, s := range shares {
		total += s.Share
	}
	order := make([]mixRef, n)
	taken := make([]int, len(shares))
	for i := range n {
		best, lag := 0, math.Inf(-1)
		for k, s := range shares {
			if d := float64(i+1)*s.Share/total - float64(taken[k]); d > lag {
				best, lag = k, d
			}
		}
		order[i] = mixRef{best, taken[best]}
		taken[best]++
	}
	return order, taken
}

func (m *mix) Prepare(ctx context.Context, net *Network, n int) error {
	order, counts := mixOrder(n, m.shares)
	for k, p := range m.parts {
		if counts[k] == 0 {
			continue
		}
		if err := p.Prepare(ctx, net, counts[k]); err != nil {
			return fmt.Errorf("%s: %w", m.shares[k].Label, err)
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
		t.Kind = m.shares[r.part].Label
	} else {
		t.Kind = m.shares[r.part].Label + " " + t.Kind
	}
	return t
}

// Read reads through a part that reads, chosen at random.
func (m *mix) Read(ctx context.Context, net *Network, node int, rng *rand.Rand) (string, error) {
	var readers []Reader
	for _, p := range m.parts {
		if r, ok := p.(Reader); ok {
			readers = append(readers, r)
		}
	}
	if len(readers) == 0 {
		return "", ErrNothingToRead
	}
	return readers[rng.IntN(len(readers))].Read(ctx, net, node, rng)
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
			errs = append(errs, fmt.Errorf("%s: %w", m.shares[k].Label, err))
		}
	}
	return errors.Join(errs...)
}
