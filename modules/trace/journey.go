package trace

import (
	"cmp"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
)

// MaxJourneyEvents bounds a journey; beyond it the earliest-found events
// are kept.
const MaxJourneyEvents = 10_000

type journey struct {
	r       Reader
	events  eventCache
	seen    map[string]bool
	visited map[string]bool
	outer   map[string][]period // a parent's own periods in its parents
	out     []JourneyEvent
}

// Journey returns every event that concerns an item (or drug pack or
// container): its own events; the events of the containers it was packed
// in, while it was inside them; the events of its lot; and, through
// transformations, the events of the lots and items it was made from, back
// to their origin. Events are in event_time order, ties in record order;
// each says whether it was declared erroneous.
func Journey(r Reader, epc string) ([]JourneyEvent, error) {
	o, err := Item(r, epc)
	if err != nil {
		return nil, err
	}
	j := &journey{r: r, events: eventCache{}, seen: map[string]bool{}, visited: map[string]bool{}, outer: map[string][]period{}}
	if err := j.object(o.EPC, RelSelf, 0); err != nil {
		return nil, err
	}
	times := make(map[string]time.Time, len(j.out))
	for _, e := range j.out {
		times[e.ID] = mustTime(e.EventTime)
	}
	slices.SortFunc(j.out, func(a, b JourneyEvent) int {
		if c := times[a.ID].Compare(times[b.ID]); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for i := range j.out {
		d, err := DeclaredBy(r, j.out[i].ID)
		if err != nil {
			return nil, err
		}
		j.out[i].DeclaredErroneous, j.out[i].DeclaredBy = d != "", d
	}
	return j.out, nil
}

func (j *journey) add(pos, rel, via string) (*Event, error) {
	e, err := j.events.get(j.r, pos)
	if err != nil {
		return nil, err
	}
	if !j.seen[pos] && len(j.out) < MaxJourneyEvents {
		j.seen[pos] = true
		j.out = append(j.out, JourneyEvent{Event: *e, Relation: rel, Via: via})
	}
	return e, nil
}

func sub(rel, inner string) string {
	if rel == RelSelf {
		return inner
	}
	return rel
}

// object adds an object's own events, its containers' events while it was
// inside, its lot's events and its sources.
func (j *journey) object(epc, rel string, depth int) error {
	if j.visited[epc] || depth > 4*MaxNesting {
		return nil
	}
	j.visited[epc] = true
	via := epc
	if rel == RelSelf {
		via = ""
	}
	ids, err := EventsOf(j.r, epc)
	if err != nil {
		return err
	}
	for _, pos := range ids {
		if _, err := j.add(pos, rel, via); err != nil {
			return err
		}
	}
	periods, err := j.periods(epc, ids)
	if err != nil {
		return err
	}
	for _, p := range periods {
		if err := j.parent(p, sub(rel, RelParent), depth+1); err != nil {
			return err
		}
	}
	var o Object
	if ok, err := module.GetJSON(j.r, objKey(epc), &o); err != nil {
		return err
	} else if ok {
		if o.Lot != "" {
			if err := j.lot(o.Lot, sub(rel, RelLot), depth+1); err != nil {
				return err
			}
		}
		if o.Product != "" {
			if err := j.lot(o.Product, sub(rel, RelLot), depth+1); err != nil {
				return err
			}
		}
	}
	return j.sources(epc, depth+1)
}

func (j *journey) lot(id, rel string, depth int) error {
	if j.visited[id] {
		return nil
	}
	j.visited[id] = true
	ids, err := EventsOf(j.r, id)
	if err != nil {
		return err
	}
	for _, pos := range ids {
		if _, err := j.add(pos, rel, id); err != nil {
			return err
		}
	}
	return j.sources(id, depth+1)
}

// sources follows the transformations that output id to their inputs.
func (j *journey) sources(id string, depth int) error {
	if depth > 4*MaxNesting {
		return nil
	}
	xs, err := module.List(j.r, outputList(id))
	if err != nil {
		return err
	}
	for _, pos := range xs {
		e, err := j.add(pos, RelSource, id)
		if err != nil {
			return err
		}
		for _, in := range slices.Concat(e.InputEPCList, classesOf(e.InputQuantityList)) {
			if k := kindOf(in); k == KindLot || k == KindProduct {
				err = j.lot(in, RelSource, depth+1)
			} else {
				err = j.object(in, RelSource, depth+1)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// period is a stretch of record positions during which an object was in a
// parent: after from, before to ("" open).
type period struct {
	parent, from, to string
}

// periods reads an object's events (ids, in record order) for the times
// it was packed in a parent.
func (j *journey) periods(epc string, ids []string) ([]period, error) {
	var out []period
	var open *period
	for _, pos := range ids {
		e, err := j.events.get(j.r, pos)
		if err != nil {
			return nil, err
		}
		if e.ErrorDeclaration != nil {
			continue
		}
		switch {
		case e.Type == AggregationEvent && e.ParentID != epc && e.Action == ActionAdd && slices.Contains(e.ChildEPCs, epc):
			open = &period{parent: e.ParentID, from: pos}
		case open != nil && (e.Type == AggregationEvent && e.ParentID == open.parent && e.Action == ActionDelete ||
			e.Type == ObjectEvent && (e.BizStep == StepDestroying || e.BizStep == StepDecommissioning || e.Action == ActionDelete) ||
			e.Type == TransformationEvent && slices.Contains(e.InputEPCList, epc)):
			open.to = pos
			out = append(out, *open)
			open = nil
		}
	}
	if open != nil {
		out = append(out, *open)
	}
	return out, nil
}

// parent adds the events of a parent during a period, except its packing
// and unpacking of other children, and its own parents' events during the
// same period.
func (j *journey) parent(p period, rel string, depth int) error {
	if depth > MaxNesting {
		return nil
	}
	ids, err := eventsBetween(j.r, p.parent, p.from, p.to)
	if err != nil {
		return err
	}
	for _, pos := range ids {
		e, err := j.events.get(j.r, pos)
		if err != nil {
			return err
		}
		if e.Type == AggregationEvent && e.ParentID == p.parent && e.Action != ActionObserve {
			continue
		}
		if _, err := j.add(pos, rel, p.parent); err != nil {
			return err
		}
	}
	outer, ok := j.outer[p.parent]
	if !ok {
		all, err := EventsOf(j.r, p.parent)
		if err != nil {
			return err
		}
		if outer, err = j.periods(p.parent, all); err != nil {
			return err
		}
		j.outer[p.parent] = outer
	}
	for _, q := range outer {
		from, to := maxPos(p.from, q.from), minPos(p.to, q.to)
		if to != "" && from >= to {
			continue
		}
		if err := j.parent(period{parent: q.parent, from: from, to: to}, rel, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func maxPos(a, b string) string { return max(a, b) }

// minPos is the earlier of two ends, "" meaning open.
func minPos(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return min(a, b)
}
