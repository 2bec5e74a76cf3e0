package charity

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// The allocation rule's arithmetic over one queue's axis. A queue's fen
// are numbered 0, 1, ... in the order they entered; [0, CursorFen) is
// spent or refunded, and so are the Holes ahead of the cursor (sorted,
// disjoint, none adjacent to another nor starting at the cursor).

// appendSource adds amount fen at the end of q's axis and returns its
// range.
func appendSource(q *charityapi.Queue, amount int64) (charityapi.Range, error) {
	if amount <= 0 {
		return charityapi.Range{}, fmt.Errorf("append %d fen to queue %s", amount, q.ID)
	}
	if q.TotalFen > charityapi.MaxQueueFen-amount {
		return charityapi.Range{}, rule("queue %s would hold more than %s in all; open a new project", q.ID, yuan(charityapi.MaxQueueFen))
	}
	r := charityapi.Range{Queue: q.ID, Start: q.TotalFen, End: q.TotalFen + amount}
	q.TotalFen = r.End
	q.Sources++
	return r, nil
}

// take spends amount fen of q in FIFO order from its cursor, stepping over
// its holes, and returns the ranges spent, in order. The caller has
// checked amount <= q.AvailableFen(). It writes at most one range more
// than the holes it steps over.
func take(q *charityapi.Queue, amount int64) []charityapi.Range {
	var out []charityapi.Range
	for amount > 0 {
		limit := q.TotalFen
		if len(q.Holes) > 0 {
			limit = q.Holes[0].Start
		}
		n := min(amount, limit-q.CursorFen)
		if n <= 0 {
			// The cursor is never at a hole's start (normalize), and the
			// caller checked the amount: nothing else stops the walk.
			panic(fmt.Sprintf("charity: queue %s: take %d at cursor %d, limit %d", q.ID, amount, q.CursorFen, limit))
		}
		out = append(out, charityapi.Range{Queue: q.ID, Start: q.CursorFen, End: q.CursorFen + n})
		q.CursorFen += n
		amount -= n
		normalize(q)
	}
	return out
}

// normalize moves the cursor over the holes that start at it.
func normalize(q *charityapi.Queue) {
	for len(q.Holes) > 0 && q.Holes[0].Start == q.CursorFen {
		q.CursorFen = q.Holes[0].End
		q.HoleFen -= q.Holes[0].Len()
		q.Holes = q.Holes[1:]
	}
	if len(q.Holes) == 0 {
		q.Holes = nil
	}
}

// addHole marks [r.Start, r.End), which lies at or after the cursor and
// outside every hole, as refunded: it merges with adjacent holes and, at
// the cursor, moves the cursor over it. It refuses when the queue would
// keep more than MaxHoles holes.
func addHole(q *charityapi.Queue, r charityapi.Range) error {
	if r.Start < q.CursorFen || r.End > q.TotalFen || r.Len() <= 0 {
		return fmt.Errorf("charity: queue %s: hole [%d, %d) outside [%d, %d)", q.ID, r.Start, r.End, q.CursorFen, q.TotalFen)
	}
	holes := slices.Clone(q.Holes)
	i, _ := slices.BinarySearchFunc(holes, r.Start, func(h charityapi.Range, start int64) int {
		switch {
		case h.Start < start:
			return -1
		case h.Start > start:
			return 1
		}
		return 0
	})
	if i > 0 && holes[i-1].End > r.Start || i < len(holes) && holes[i].Start < r.End {
		return fmt.Errorf("charity: queue %s: hole [%d, %d) overlaps another", q.ID, r.Start, r.End)
	}
	h := charityapi.Range{Queue: q.ID, Start: r.Start, End: r.End}
	// Merge with the neighbours it touches.
	if i < len(holes) && holes[i].Start == h.End {
		h.End = holes[i].End
		holes = slices.Delete(holes, i, i+1)
	}
	if i > 0 && holes[i-1].End == h.Start {
		h.Start = holes[i-1].Start
		holes = slices.Delete(holes, i-1, i)
		i--
	}
	holes = slices.Insert(holes, i, h)
	next := *q
	next.Holes = holes
	next.HoleFen += r.Len()
	normalize(&next)
	if len(next.Holes) > charityapi.MaxHoles {
		return rule("queue %s already keeps %d refunded ranges ahead of its spending; record spending first, or refund the oldest unspent donations first (they leave no range behind)", q.ID, charityapi.MaxHoles)
	}
	*q = next
	return nil
}

// unspentOf is the unspent part of a money donation: the end of its range
// not yet reached by the cursor, less its refunds.
func unspentOf(d *charityapi.Donation, q *charityapi.Queue) int64 {
	return max(0, d.End-d.RefundedFen-max(d.Start, q.CursorFen))
}

// pools holds the projects and queues a transaction reads and changes, so
// that each is decoded and written once however many times the
// transaction touches it (a batch of donations to one project, say).
type pools struct {
	ctx      *module.Context
	projects map[string]*charityapi.Project
	queues   map[string]*charityapi.Queue
	order    []string // keys first touched, for writing in a fixed order
}

func newPools(ctx *module.Context) *pools {
	return &pools{ctx: ctx, projects: map[string]*charityapi.Project{}, queues: map[string]*charityapi.Queue{}}
}

func (p *pools) project(id string) (*charityapi.Project, error) {
	if pr, ok := p.projects[id]; ok {
		return pr, nil
	}
	pr, err := GetProject(p.ctx.Store, id)
	if err != nil {
		return nil, err
	}
	p.projects[id] = pr
	p.order = append(p.order, "p"+id)
	return pr, nil
}

func (p *pools) queue(id string) (*charityapi.Queue, error) {
	if q, ok := p.queues[id]; ok {
		return q, nil
	}
	q, err := getQueue(p.ctx.Store, id)
	if err != nil {
		return nil, err
	}
	p.queues[id] = q
	p.order = append(p.order, "q"+id)
	return q, nil
}

// available is the money a spending against line of project pr may take:
// the line's queue and the project-level queue (a general fund has only
// the latter).
func (p *pools) available(pr *charityapi.Project, line string) (int64, error) {
	var n int64
	for _, id := range spendQueues(pr, line) {
		q, err := p.queue(id)
		if err != nil {
			return 0, err
		}
		n += q.AvailableFen()
	}
	return n, nil
}

// spendQueues are the queues a spending against line takes from, in the
// order of the allocation rule: the line's restricted money first.
func spendQueues(pr *charityapi.Project, line string) []string {
	if line == charityapi.ProjectLevel {
		return []string{charityapi.QueueID(pr.ID, charityapi.ProjectLevel)}
	}
	return []string{charityapi.QueueID(pr.ID, line), charityapi.QueueID(pr.ID, charityapi.ProjectLevel)}
}

// spend takes amount from the queues of a spending against line, by the
// allocation rule, and returns the ranges taken. The caller checked that
// the queues hold enough.
func (p *pools) spend(pr *charityapi.Project, line string, amount int64) ([]charityapi.Range, error) {
	var out []charityapi.Range
	for _, id := range spendQueues(pr, line) {
		if amount == 0 {
			break
		}
		q, err := p.queue(id)
		if err != nil {
			return nil, err
		}
		n := min(amount, q.AvailableFen())
		if n > 0 {
			out = append(out, take(q, n)...)
			amount -= n
		}
	}
	if amount != 0 {
		return nil, fmt.Errorf("charity: project %s line %q lacks %d fen the caller checked", pr.ID, line, amount)
	}
	return out, nil
}

// indexSpend writes the spend index entries of a spending's ranges.
func indexSpend(ctx *module.Context, kind, id string, ranges []charityapi.Range) error {
	for i, r := range ranges {
		s := charityapi.Spend{Kind: kind, ID: id, Start: r.Start, End: r.End, Index: i}
		if err := module.PutJSON(ctx.Store, spendKey(r.Queue, r.End), &s); err != nil {
			return err
		}
	}
	return nil
}

// flush writes every project and queue the transaction touched, in the
// order it first touched them.
func (p *pools) flush() error {
	for _, k := range p.order {
		id := k[1:]
		var err error
		if k[0] == 'p' {
			err = putProject(p.ctx, p.projects[id])
		} else {
			err = putQueue(p.ctx, p.queues[id])
		}
		if err != nil {
			return err
		}
	}
	return nil
}
