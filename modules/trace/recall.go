package trace

import (
	"fmt"
	"slices"
	"sort"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// A recall (an ObjectEvent OBSERVE with the business step recalling) is
// recorded on what it names: single items or drug packs, containers (and
// so everything packed in them at that moment, each marked with the
// container as the recall's subject), lots (their classes in the quantity
// list, or their ids in the epc list) and whole products. A regulator
// recalls anything; a producer only its own products and the containers
// it created or holds. The first recall of a record is kept; a later one
// is recorded as an event and changes nothing more. The scan page of every
// item a recall reaches, directly or through what it was made from, shows
// the recall warning.

func (c *capturer) recall() error {
	regulator := hasRole(c.ctx, role.Regulator)
	mark := &Recall{Event: c.pos, Org: c.org, Time: c.b.EventTime}
	for i, id := range c.p.epcs {
		f := fmt.Sprintf("epc_list[%d]", i)
		o, err := c.obj(id.Path)
		if err != nil {
			return err
		}
		if o == nil {
			return refuse(errcode.RuleViolation, "not_commissioned", f, "epc", id.Path)
		}
		if !regulator {
			if err := c.ownForRecall(f, o); err != nil {
				return err
			}
		}
		if o.Recall == nil {
			r := *mark
			o.Recall = &r
			c.recalled = append(c.recalled, o.EPC)
		}
		if len(o.Children) > 0 {
			if err := c.recallInside(f, o, mark); err != nil {
				return err
			}
		}
		c.mark(o, true)
	}
	for _, q := range c.p.qty {
		c.touch(q.class.Path)
		switch q.class.Kind {
		case KindLot:
			l, err := c.lot(q.class.Path)
			if err != nil {
				return err
			}
			if l == nil {
				return refuse(errcode.NotFound, "no_lot", q.field, "lot", q.class.Path)
			}
			if !regulator && l.Owner != c.org {
				return refuse(errcode.Unauthorized, "recall_not_own", q.field, "id", l.ID, "org", l.Owner)
			}
			if l.Recall == nil {
				r := *mark
				l.Recall = &r
				c.dirtyLots[l.ID] = true
				c.recalled = append(c.recalled, l.ID)
			}
		case KindProduct:
			p, err := c.product(q.field, q.class.Path)
			if err != nil {
				return err
			}
			if !regulator && p.Owner != c.org {
				return refuse(errcode.Unauthorized, "recall_not_own", q.field, "id", p.ID, "org", p.Owner)
			}
			if p.Recall == nil {
				r := *mark
				p.Recall = &r
				c.dirtyProds[p.ID] = true
				c.recalled = append(c.recalled, p.ID)
			}
		default:
			return refuse(errcode.RuleViolation, "recall_class", q.field, "value", q.class.Path)
		}
	}
	return nil
}

// ownForRecall lets a producer recall an item of its own products, or a
// container it created or holds.
func (c *capturer) ownForRecall(f string, o *Object) error {
	if o.Kind == KindContainer || o.Kind == KindAsset {
		r, err := c.root(o)
		if err != nil {
			return err
		}
		if o.CreatedBy != c.org && r.Custodian != c.org {
			return refuse(errcode.Unauthorized, "recall_not_own", f, "id", o.EPC, "org", o.CreatedBy)
		}
		return nil
	}
	p, err := c.product(f, o.Product)
	if err != nil {
		return err
	}
	if p.Owner != c.org {
		return refuse(errcode.Unauthorized, "recall_not_own", f, "id", o.EPC, "org", p.Owner)
	}
	return nil
}

// recallInside marks everything packed in a recalled container, at any
// depth, with the container as the recall's subject.
func (c *capturer) recallInside(f string, top *Object, mark *Recall) error {
	queue := slices.Clone(top.Children)
	n := 0
	for len(queue) > 0 {
		epc := queue[0]
		queue = queue[1:]
		if n++; n > MaxRecallDescendant {
			return refuse(errcode.RuleViolation, "recall_too_big", f, "epc", top.EPC, "max", fmt.Sprint(MaxRecallDescendant))
		}
		o, err := c.obj(epc)
		if err != nil {
			return err
		}
		if o == nil {
			return fmt.Errorf("trace: %s lists child %s, which does not exist", top.EPC, epc)
		}
		if o.Recall == nil {
			r := *mark
			r.Subject = top.EPC
			o.Recall = &r
			c.mark(o, false)
		}
		queue = append(queue, o.Children...)
	}
	return nil
}

// recallOf finds the recall that reaches an object: its own mark (or a
// container's, recorded on it), its lot's, its product's, and those of
// everything it was made from, transitively.
func recallOf(r Reader, o *Object) (RecallStatus, error) {
	if o.Recall != nil {
		scope, subject := ScopeItem, o.EPC
		if o.Recall.Subject != "" {
			scope, subject = ScopeContainer, o.Recall.Subject
		}
		return RecallStatus{Recalled: true, Scope: scope, Subject: subject, Recall: o.Recall}, nil
	}
	seen := map[string]bool{}
	type entry struct {
		id     string
		source bool
	}
	queue := []entry{{id: o.EPC}}
	events := eventCache{}
	for len(queue) > 0 && len(seen) < MaxImpact {
		e := queue[0]
		queue = queue[1:]
		if seen[e.id] {
			continue
		}
		seen[e.id] = true
		scope := func(s string) string {
			if e.source {
				return ScopeSource
			}
			return s
		}
		switch kindOf(e.id) {
		case KindLot:
			var l Lot
			if ok, err := module.GetJSON(r, lotKey(e.id), &l); err != nil {
				return RecallStatus{}, err
			} else if ok {
				if l.Recall != nil {
					return RecallStatus{Recalled: true, Scope: scope(ScopeLot), Subject: l.ID, Lot: l.ID, Recall: l.Recall}, nil
				}
				queue = append(queue, entry{id: l.Product, source: e.source})
			}
		case KindProduct:
			var p Product
			if ok, err := module.GetJSON(r, productKey(e.id), &p); err != nil {
				return RecallStatus{}, err
			} else if ok && p.Recall != nil {
				return RecallStatus{Recalled: true, Scope: scope(ScopeProduct), Subject: p.ID, Recall: p.Recall}, nil
			}
		default:
			var obj Object
			if ok, err := module.GetJSON(r, objKey(e.id), &obj); err != nil {
				return RecallStatus{}, err
			} else if ok {
				if e.source && obj.Recall != nil {
					return RecallStatus{Recalled: true, Scope: ScopeSource, Subject: cmpOr(obj.Recall.Subject, obj.EPC), Recall: obj.Recall}, nil
				}
				if obj.Lot != "" {
					queue = append(queue, entry{id: obj.Lot, source: e.source})
				}
				if obj.Product != "" {
					queue = append(queue, entry{id: obj.Product, source: e.source})
				}
			}
		}
		xs, err := module.List(r, outputList(e.id))
		if err != nil {
			return RecallStatus{}, err
		}
		for _, pos := range xs {
			ev, err := events.get(r, pos)
			if err != nil {
				return RecallStatus{}, err
			}
			for _, in := range slices.Concat(ev.InputEPCList, classesOf(ev.InputQuantityList)) {
				queue = append(queue, entry{id: in, source: true})
			}
		}
	}
	return RecallStatus{}, nil
}

// MaxImpact bounds the identifiers RecallImpact lists.
const MaxImpact = 100_000

// RecallImpact lists what a recall of an item, container, lot or product
// reaches: for a product its lots and items; for a lot its items; for a
// container what is packed in it; and, transitively, every lot and item
// made from what was reached (transformations), with the containers the
// reached items are packed in now and who holds them.
func RecallImpact(r Reader, id string) (*Impact, error) {
	sid, err := queryID("id", id, KindItem, KindDrug, KindContainer, KindAsset, KindLot, KindProduct)
	if err != nil {
		return nil, err
	}
	imp := &Impact{Subject: sid.Path, Kind: sid.Kind, Lots: []string{}, Items: []string{}, Containers: []string{}, Holders: []HolderCount{}}
	switch sid.Kind {
	case KindLot:
		l, err := GetLot(r, sid.Path)
		if err != nil {
			return nil, err
		}
		imp.Recall = l.Recall
	case KindProduct:
		p, err := GetProduct(r, sid.Path)
		if err != nil {
			return nil, err
		}
		imp.Recall = p.Recall
	default:
		o, err := Item(r, sid.Path)
		if err != nil {
			return nil, err
		}
		imp.Recall = o.Recall
	}
	seen := map[string]bool{sid.Path: true}
	queue := []string{sid.Path}
	events := eventCache{}
	holders := map[string]int{}
	visit := func(id string) {
		if seen[id] {
			return
		}
		if len(seen) >= MaxImpact {
			imp.Truncated = true
			return
		}
		seen[id] = true
		queue = append(queue, id)
		switch kindOf(id) {
		case KindLot, KindProduct:
			imp.Lots = append(imp.Lots, id)
		case KindContainer:
			imp.Containers = append(imp.Containers, id)
		default:
			imp.Items = append(imp.Items, id)
		}
	}
	objs := map[string]*Object{}
	load := func(id string) (*Object, error) {
		if o, ok := objs[id]; ok {
			return o, nil
		}
		var o Object
		ok, err := module.GetJSON(r, objKey(id), &o)
		if err != nil || !ok {
			objs[id] = nil
			return nil, err
		}
		objs[id] = &o
		return &o, nil
	}
	for len(queue) > 0 && !imp.Truncated {
		id := queue[0]
		queue = queue[1:]
		var next []string
		switch kindOf(id) {
		case KindProduct:
			lots, err := listAfter(r, prodLotList(id))
			if err != nil {
				return nil, err
			}
			items, err := listAfter(r, prodItemList(id))
			if err != nil {
				return nil, err
			}
			next = append(lots, items...)
		case KindLot:
			items, err := listAfter(r, lotItemList(id))
			if err != nil {
				return nil, err
			}
			next = items
		default:
			o, err := load(id)
			if err != nil {
				return nil, err
			}
			if o != nil {
				// Aggregation: what is packed in it, and where it is packed now.
				next = append(next, o.Children...)
				if o.Parent != "" {
					next = append(next, o.Parent)
				}
			}
		}
		xs, err := module.List(r, inputList(id))
		if err != nil {
			return nil, err
		}
		for _, pos := range xs {
			e, err := events.get(r, pos)
			if err != nil {
				return nil, err
			}
			next = append(next, slices.Concat(e.OutputEPCList, classesOf(e.OutputQuantityList))...)
		}
		for _, n := range next {
			visit(n)
		}
	}
	for _, epc := range imp.Items {
		o, err := load(epc)
		if err != nil {
			return nil, err
		}
		if o == nil || o.Destroyed {
			continue
		}
		holder := o.Custodian
		if o.Parent != "" {
			rt := o
			for d := 0; rt.Parent != "" && d <= MaxNesting; d++ {
				p, err := load(rt.Parent)
				if err != nil || p == nil {
					break
				}
				rt = p
			}
			holder = rt.Custodian
		}
		holders[holder]++
	}
	for org, n := range holders {
		imp.Holders = append(imp.Holders, HolderCount{Org: org, Items: n})
	}
	sort.Slice(imp.Holders, func(i, j int) bool { return imp.Holders[i].Org < imp.Holders[j].Org })
	slices.Sort(imp.Lots)
	slices.Sort(imp.Items)
	slices.Sort(imp.Containers)
	return imp, nil
}

// listAfter lists the entries of an index (the part of each key after
// pfx), in key order.
func listAfter(r Reader, pfx []byte) ([]string, error) {
	var out []string
	err := r.Iterate(pfx, nil, func(k, _ []byte) bool {
		out = append(out, string(k[len(pfx):]))
		return true
	})
	return out, err
}
