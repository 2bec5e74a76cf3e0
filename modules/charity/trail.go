package charity

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// MaxTrailSteps bounds a trail: a donation spread over more spendings is
// followed through its disbursements' and transfers' own pages instead.
const MaxTrailSteps = 2000

// Records is what a trail is computed from: the committed state (a query)
// or the records a proof bundle proves (the offline verifier).
type Records interface {
	// Get returns the value of a state key, nil when absent.
	Get(key []byte) ([]byte, error)
	// Spends returns the spendings that took [start, end) of queue q, in
	// axis order, each clipped to [start, end); they must cover it
	// exactly.
	Spends(q string, start, end int64) ([]charityapi.Spend, error)
	// Distributions returns the ids of an in-kind donation's
	// distributions.
	Distributions(receipt string) ([]string, error)
}

// stateRecords are the committed state's records, read through the
// module's indexes.
type stateRecords struct{ r module.Reader }

// StateRecords returns the records of a state view.
func StateRecords(r module.Reader) Records { return stateRecords{r} }

func (s stateRecords) Get(key []byte) ([]byte, error) { return s.r.Get(key) }

func (s stateRecords) Spends(q string, start, end int64) ([]charityapi.Spend, error) {
	var out []charityapi.Spend
	var decodeErr error
	p := []byte(spendPrefix + q + "/")
	err := s.r.Iterate(p, spendKey(q, start+1), func(_, v []byte) bool {
		var sp charityapi.Spend
		if decodeErr = json.Unmarshal(v, &sp); decodeErr != nil {
			return false
		}
		if sp.Start >= end {
			return false
		}
		sp.Start, sp.End = max(sp.Start, start), min(sp.End, end)
		out = append(out, sp)
		return len(out) <= MaxTrailSteps
	})
	if err == nil {
		err = decodeErr
	}
	if err != nil {
		return nil, err
	}
	if len(out) > MaxTrailSteps {
		return nil, errcode.New(errcode.BadRequest, "more than %d spendings took this money; follow it through the project's disbursements and their funders", MaxTrailSteps)
	}
	return out, Tiles(q, start, end, out)
}

func (s stateRecords) Distributions(receipt string) ([]string, error) {
	return module.List(s.r, []byte(ikdPrefix+receipt+"/"))
}

// Tiles checks that spends, in order, cover [start, end) of queue q
// exactly: no gap, no overlap.
func Tiles(q string, start, end int64, spends []charityapi.Spend) error {
	at := start
	for _, s := range spends {
		if s.Start != at {
			if s.Start > at {
				return fmt.Errorf("queue %s: [%d, %d) was spent by nothing shown", q, at, s.Start)
			}
			return fmt.Errorf("queue %s: [%d, %d) is spent twice", q, s.Start, min(at, s.End))
		}
		if s.End <= s.Start {
			return fmt.Errorf("queue %s: an empty spending at %d", q, s.Start)
		}
		at = s.End
	}
	if at != end {
		return fmt.Errorf("queue %s: [%d, %d) was spent by nothing shown", q, at, end)
	}
	return nil
}

func get[T any](r Records, key []byte, what string) (*T, error) {
	b, err := r.Get(key)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, errcode.New(errcode.NotFound, "no %s (%s)", what, key)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return &v, nil
}

func optional[T any](r Records, key []byte) (*T, error) {
	b, err := r.Get(key)
	if err != nil || b == nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return &v, nil
}

func queueOf(r Records, id string) (*charityapi.Queue, error) {
	q, err := optional[charityapi.Queue](r, queueKey(id))
	if err != nil {
		return nil, err
	}
	if q == nil {
		q = &charityapi.Queue{ID: id}
	}
	return q, nil
}

// tracer follows a donation's money through the records.
type tracer struct {
	r     Records
	steps []charityapi.Step
	keys  [][]byte // every key the trail read, absent ones included
	seen  map[string]bool
}

func (t *tracer) read(key []byte) {
	if !t.seen[string(key)] {
		t.seen[string(key)] = true
		t.keys = append(t.keys, key)
	}
}

func (t *tracer) add(s charityapi.Step) error {
	if len(t.steps) >= MaxTrailSteps {
		return errcode.New(errcode.BadRequest, "the trail has more than %d steps; follow it through the project's disbursements and their funders", MaxTrailSteps)
	}
	t.steps = append(t.steps, s)
	return nil
}

// ComputeTrail follows a donation through the records: every fen of it is
// in exactly one step of depth 0 (spent by a disbursement or transfer,
// refunded, or unspent), and every fen of a transfer step in exactly one
// of the steps of the next depth that follow it. It also returns every
// key it read, which a proof bundle of the trail must prove.
func ComputeTrail(r Records, receipt string) (*charityapi.Trail, [][]byte, error) {
	t := &tracer{r: r, seen: map[string]bool{}}
	t.read(donationKey(receipt))
	d, err := get[charityapi.Donation](r, donationKey(receipt), "donation with receipt number "+receipt)
	if err != nil {
		return nil, nil, err
	}
	t.read(projectKey(d.Project))
	p, err := get[charityapi.Project](r, projectKey(d.Project), "project "+d.Project)
	if err != nil {
		return nil, nil, err
	}
	out := &charityapi.Trail{Donation: *d, Project: *p}
	if d.Kind == charityapi.DonationInKind {
		err = t.inKind(d)
	} else {
		err = t.money(d)
	}
	if err != nil {
		return nil, nil, err
	}
	out.Steps = t.steps
	if out.Steps == nil {
		out.Steps = []charityapi.Step{}
	}
	for _, s := range out.Steps {
		switch s.Kind {
		case charityapi.StepDisbursement, charityapi.StepDistribution:
			out.DeliveredFen += s.AmountFen
		case charityapi.StepRefund:
			out.RefundedFen += s.AmountFen
		case charityapi.StepUnspent, charityapi.StepUndistributed:
			out.UnspentFen += s.AmountFen
		}
	}
	return out, t.keys, nil
}

func (t *tracer) money(d *charityapi.Donation) error {
	t.read(queueKey(d.Queue))
	q, err := queueOf(t.r, d.Queue)
	if err != nil {
		return err
	}
	live := d.End - d.RefundedFen // the donation's range less its refunded tail
	spent := min(live, max(d.Start, q.CursorFen))
	if err := t.walk(0, d.Project, d.Queue, d.Start, spent); err != nil {
		return err
	}
	if spent < live {
		if err := t.add(charityapi.Step{Depth: 0, Kind: charityapi.StepUnspent, AmountFen: live - spent, Project: d.Project,
			Queue: d.Queue, Start: spent, End: live}); err != nil {
			return err
		}
	}
	// Refunds, latest first along the axis: each took the tail the ones
	// before it left.
	for _, id := range d.Refunds {
		t.read(refundKey(id))
		x, err := get[charityapi.Refund](t.r, refundKey(id), "refund "+id)
		if err != nil {
			return err
		}
		if err := t.add(charityapi.Step{Depth: 0, Kind: charityapi.StepRefund, AmountFen: x.AmountFen, Project: d.Project,
			Queue: x.Range.Queue, Start: x.Range.Start, End: x.Range.End, Refund: x}); err != nil {
			return err
		}
	}
	return nil
}

// walk lists the spendings of [start, end) of queue q, which belongs to
// project, at depth, following transfers into the projects they fed.
func (t *tracer) walk(depth int, project, q string, start, end int64) error {
	if start >= end {
		return nil
	}
	spends, err := t.r.Spends(q, start, end)
	if err != nil {
		return err
	}
	for _, s := range spends {
		n := s.End - s.Start
		switch s.Kind {
		case charityapi.SpendDisbursement:
			t.read(disbKey(s.ID))
			d, err := get[charityapi.Disbursement](t.r, disbKey(s.ID), "disbursement "+s.ID)
			if err != nil {
				return err
			}
			if err := within(d.Ranges, s); err != nil {
				return err
			}
			var a *charityapi.Acceptance
			if d.Beneficiary != "" {
				t.read(acceptKey(d.ID))
				if a, err = optional[charityapi.Acceptance](t.r, acceptKey(d.ID)); err != nil {
					return err
				}
			}
			if err := t.add(charityapi.Step{Depth: depth, Kind: charityapi.StepDisbursement, AmountFen: n, Project: project,
				Queue: q, Start: s.Start, End: s.End, Disbursement: d, Acceptance: a}); err != nil {
				return err
			}
		case charityapi.SpendTransfer:
			t.read(transferKey(s.ID))
			x, err := get[charityapi.Transfer](t.r, transferKey(s.ID), "transfer "+s.ID)
			if err != nil {
				return err
			}
			if err := within(x.Ranges, s); err != nil {
				return err
			}
			var c *charityapi.Confirmation
			if x.FromOrg != x.ToOrg {
				t.read(confirmKey(x.ID))
				if c, err = optional[charityapi.Confirmation](t.r, confirmKey(x.ID)); err != nil {
					return err
				}
			}
			if err := t.add(charityapi.Step{Depth: depth, Kind: charityapi.StepTransfer, AmountFen: n, Project: project,
				Queue: q, Start: s.Start, End: s.End, Transfer: x, Confirmation: c}); err != nil {
				return err
			}
			// The part of the transfer's axis this stretch is, in the
			// receiver's queue.
			off := s.Start - x.Ranges[s.Index].Start
			for _, r := range x.Ranges[:s.Index] {
				off += r.Len()
			}
			ts, te := x.ToStart+off, x.ToStart+off+n
			t.read(queueKey(x.ToQueue))
			tq, err := queueOf(t.r, x.ToQueue)
			if err != nil {
				return err
			}
			spent := min(te, max(ts, tq.CursorFen))
			if err := t.walk(depth+1, x.To, x.ToQueue, ts, spent); err != nil {
				return err
			}
			if spent < te {
				if err := t.add(charityapi.Step{Depth: depth + 1, Kind: charityapi.StepUnspent, AmountFen: te - spent, Project: x.To,
					Queue: x.ToQueue, Start: spent, End: te}); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("queue %s: a spending of unknown kind %q", q, s.Kind)
		}
	}
	return nil
}

// within checks that a spending's stretch lies in the range of the record
// it names.
func within(ranges []charityapi.Range, s charityapi.Spend) error {
	if s.Index < 0 || s.Index >= len(ranges) {
		return fmt.Errorf("%s %s has no range %d", s.Kind, s.ID, s.Index)
	}
	r := ranges[s.Index]
	if s.Start < r.Start || s.End > r.End {
		return fmt.Errorf("%s %s: [%d, %d) is not in its range [%d, %d) of %s", s.Kind, s.ID, s.Start, s.End, r.Start, r.End, r.Queue)
	}
	return nil
}

func (t *tracer) inKind(d *charityapi.Donation) error {
	ids, err := t.r.Distributions(d.Receipt)
	if err != nil {
		return err
	}
	var dists []*charityapi.Disbursement
	for _, id := range ids {
		t.read(disbKey(id))
		x, err := get[charityapi.Disbursement](t.r, disbKey(id), "distribution "+id)
		if err != nil {
			return err
		}
		if x.Receipt != d.Receipt {
			return fmt.Errorf("distribution %s hands on donation %s, not %s", id, x.Receipt, d.Receipt)
		}
		dists = append(dists, x)
	}
	// In the order they were made.
	slices.SortFunc(dists, func(a, b *charityapi.Disbursement) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.ID, b.ID))
	})
	handed := make([]int64, len(d.Items))
	for _, x := range dists {
		if x.Item < 0 || x.Item >= len(d.Items) {
			return fmt.Errorf("distribution %s names item %d of %d", x.ID, x.Item, len(d.Items))
		}
		it := d.Items[x.Item]
		want := share(it.ValueFen, handed[x.Item]+x.Quantity, it.Quantity) - share(it.ValueFen, handed[x.Item], it.Quantity)
		if x.AmountFen != want {
			return fmt.Errorf("distribution %s values %d %s at %d fen, the rule gives %d", x.ID, x.Quantity, it.Unit, x.AmountFen, want)
		}
		handed[x.Item] += x.Quantity
		t.read(acceptKey(x.ID))
		a, err := optional[charityapi.Acceptance](t.r, acceptKey(x.ID))
		if err != nil {
			return err
		}
		if err := t.add(charityapi.Step{Kind: charityapi.StepDistribution, AmountFen: x.AmountFen, Project: d.Project,
			Disbursement: x, Acceptance: a, Item: x.Item, Quantity: x.Quantity}); err != nil {
			return err
		}
	}
	for i, it := range d.Items {
		if handed[i] != it.Distributed {
			return fmt.Errorf("donation %s: item %d was handed on %d times over, the distributions shown add up to %d", d.Receipt, i, it.Distributed, handed[i])
		}
		if left := it.ValueFen - share(it.ValueFen, it.Distributed, it.Quantity); left > 0 || it.Distributed < it.Quantity {
			if err := t.add(charityapi.Step{Kind: charityapi.StepUndistributed, AmountFen: left, Project: d.Project,
				Item: i, Quantity: it.Quantity - it.Distributed}); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckTrail checks a trail's arithmetic: the steps of depth 0 add up to
// the donation, and the steps under each transfer step to that step.
func CheckTrail(tr *charityapi.Trail) error {
	var sum int64
	for i, s := range tr.Steps {
		if s.AmountFen < 0 {
			return fmt.Errorf("step %d has a negative amount", i)
		}
		if s.Depth == 0 {
			sum += s.AmountFen
		}
		if i > 0 && s.Depth > tr.Steps[i-1].Depth && (s.Depth != tr.Steps[i-1].Depth+1 || tr.Steps[i-1].Kind != charityapi.StepTransfer) {
			return fmt.Errorf("step %d is at depth %d but does not follow a transfer step of depth %d", i, s.Depth, s.Depth-1)
		}
		if s.Kind != charityapi.StepTransfer {
			continue
		}
		var under int64
		for _, c := range tr.Steps[i+1:] {
			if c.Depth <= s.Depth {
				break
			}
			if c.Depth == s.Depth+1 {
				under += c.AmountFen
			}
		}
		if under != s.AmountFen {
			return fmt.Errorf("step %d passes %d fen through transfer %s, but the steps under it add up to %d", i, s.AmountFen, s.Transfer.ID, under)
		}
	}
	if sum != tr.Donation.AmountFen {
		return fmt.Errorf("the trail's steps add up to %d fen, the donation is %d", sum, tr.Donation.AmountFen)
	}
	return nil
}
