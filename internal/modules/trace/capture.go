package trace

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
)

// EventMaxAgeYears is how far before its record time an event may have
// happened.
const EventMaxAgeYears = 1

// ClockSkew is how far after the block time a client's timestamp may be.
// A block's time is the median of the previous commit's votes, so on an
// idle chain it lags the wall clock by up to an empty-block interval;
// a client stamping "now" must still be accepted.
const ClockSkew = 2 * time.Minute

// checkEventTime requires record−1 year ≤ t ≤ record+ClockSkew (record is
// the block time).
func checkEventTime(record, t time.Time, s string) error {
	if t.After(record.Add(ClockSkew)) {
		return ruleViolation("event_time %s is after the record time %s; events are captured after they happen", s, field.BlockTime(record))
	}
	if t.Before(record.AddDate(-EventMaxAgeYears, 0, 0)) {
		return ruleViolation("event_time %s is more than %d year before the record time %s", s, EventMaxAgeYears, field.BlockTime(record))
	}
	return nil
}

// nextPos returns the position (id) of the next event in this block and
// advances the counter.
func nextPos(ctx *module.Context) (string, error) {
	raw, err := ctx.Store.Get(seqKey)
	if err != nil {
		return "", err
	}
	var idx uint64
	if len(raw) == 24 {
		h, err1 := strconv.ParseInt(string(raw[:16]), 16, 64)
		n, err2 := strconv.ParseUint(string(raw[16:]), 16, 32)
		if err1 != nil || err2 != nil {
			return "", fmt.Errorf("trace: corrupt event counter %q", raw)
		}
		if h == ctx.Height {
			idx = n
		}
	} else if raw != nil {
		return "", fmt.Errorf("trace: corrupt event counter %q", raw)
	}
	if idx >= 1<<32-1 {
		return "", ruleViolation("too many trace events in this block")
	}
	if err := ctx.Store.Set(seqKey, []byte(eventPos(ctx.Height, uint32(idx+1)))); err != nil {
		return "", err
	}
	return eventPos(ctx.Height, uint32(idx)), nil
}

// capturer applies one event to the state. Objects and lots are loaded
// once and written back, in key order, only when every check passed.
type capturer struct {
	ctx  *module.Context
	b    *EventInput
	p    *parsed
	org  string
	pos  string
	objs map[string]*Object // nil value: absent
	lots map[string]*Lot
	prod map[string]*Product

	dirtyObjs map[string]bool
	dirtyLots map[string]bool
	touched   []string // ids the event is indexed under, in order
	touchSet  map[string]bool
	lotItems  []string // items commissioned into p.lot
}

func (c *capturer) touch(id string) {
	if !c.touchSet[id] {
		c.touchSet[id] = true
		c.touched = append(c.touched, id)
	}
}

// obj loads an object (nil when it was never created).
func (c *capturer) obj(epc string) (*Object, error) {
	if o, ok := c.objs[epc]; ok {
		return o, nil
	}
	var o Object
	ok, err := module.GetJSON(c.ctx.Store, objKey(epc), &o)
	if err != nil {
		return nil, err
	}
	if !ok {
		c.objs[epc] = nil
		return nil, nil
	}
	c.objs[epc] = &o
	return &o, nil
}

// live loads an object that must exist and not have ended.
func (c *capturer) live(id ID) (*Object, error) {
	o, err := c.obj(id.Path)
	if err != nil {
		return nil, err
	}
	if o == nil {
		if id.Kind == KindContainer {
			return nil, ruleViolation("container %s does not exist yet: a container is created by the first packing (AggregationEvent ADD) into it", id.Path)
		}
		return nil, ruleViolation("%s has not been commissioned; no event may come before its commissioning", id.Path)
	}
	if o.Destroyed {
		return nil, ruleViolation("%s ended (%s) in event %s; no event may follow", id.Path, o.EndReason, o.EndEvent)
	}
	if t, err := time.Parse(time.RFC3339, o.CommissionedAt); err == nil && c.p.time.Before(t) {
		return nil, ruleViolation("event_time %s is before %s came into being (event %s at %s)", c.b.EventTime, id.Path, o.Commissioned, o.CommissionedAt)
	}
	return o, nil
}

func (c *capturer) lot(id string) (*Lot, error) {
	if l, ok := c.lots[id]; ok {
		return l, nil
	}
	l, err := GetLot(c.ctx.Store, id)
	if err != nil {
		return nil, err
	}
	c.lots[id] = l
	return l, nil
}

func (c *capturer) product(id string) (*Product, error) {
	if p, ok := c.prod[id]; ok {
		return p, nil
	}
	p, err := GetProduct(c.ctx.Store, id)
	if err != nil {
		return nil, err
	}
	c.prod[id] = p
	return p, nil
}

// ownLot loads a lot the signer's organisation produces and that is not
// recalled, for new items.
func (c *capturer) ownLot(id string) (*Lot, error) {
	l, err := c.lot(id)
	if err != nil {
		return nil, err
	}
	if l.Owner != c.org {
		return nil, unauthorized("lot %s belongs to %s; only its producer commissions items in it", id, l.Owner)
	}
	if l.Recall != nil {
		return nil, ruleViolation("lot %s was recalled in event %s; nothing new may come out of it", id, l.Recall.Event)
	}
	return l, nil
}

func (Module) capture(ctx *module.Context, b *EventInput) error {
	p, err := validateEvent(b)
	if err != nil {
		return err
	}
	if err := checkEventTime(ctx.Time, p.time, b.EventTime); err != nil {
		return err
	}
	c := &capturer{ctx: ctx, b: b, p: p, org: ctx.Signer.Org, objs: map[string]*Object{}, lots: map[string]*Lot{},
		prod: map[string]*Product{}, dirtyObjs: map[string]bool{}, dirtyLots: map[string]bool{}, touchSet: map[string]bool{}}
	if b.EventID != "" {
		if prev, err := getRaw(ctx.Store, clientIDKey(b.EventID)); err != nil {
			return err
		} else if prev != "" {
			return conflict("event_id %q was already used by event %s", b.EventID, prev)
		}
	}
	if c.pos, err = nextPos(ctx); err != nil {
		return err
	}
	if b.ErrorDeclaration != nil {
		err = c.declare()
	} else {
		err = c.apply()
	}
	if err != nil {
		return err
	}
	return c.write()
}

func (c *capturer) apply() error {
	b := c.b
	if allowed := StepRoles(b.BizStep); !role.Any(c.ctx.Signer.Roles, allowed) {
		return unauthorized("%s may not record %s events: the step needs the role %s", c.org, b.BizStep, roleNames(allowed))
	}
	if err := c.references(); err != nil {
		return err
	}
	switch {
	case b.Type == ObjectEvent && b.Action == ActionAdd:
		return c.commission()
	case b.Type == ObjectEvent:
		return c.observe()
	case b.Type == AggregationEvent:
		return c.aggregate()
	default:
		return c.transform()
	}
}

func roleNames(rs []role.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}

// references checks the locations and parties the event names.
func (c *capturer) references() error {
	b := c.b
	for _, f := range []struct{ name, v string }{{"read_point", b.ReadPoint}, {"biz_location", b.BizLocation}} {
		if f.v != "" {
			if _, err := GetLocation(c.ctx.Store, f.v); err != nil {
				return inField(f.name, err)
			}
		}
	}
	check := func(name, typ, v string) error {
		if typ == SDLocation {
			if _, err := GetLocation(c.ctx.Store, v); err != nil {
				return inField(name, err)
			}
			return nil
		}
		_, err := module.ActiveOrg(c.ctx.Store, name, v)
		return err
	}
	for i, s := range b.SourceList {
		if err := check(fmt.Sprintf("source_list[%d].source", i), s.Type, s.Source); err != nil {
			return err
		}
	}
	for i, d := range b.DestinationList {
		if err := check(fmt.Sprintf("destination_list[%d].destination", i), d.Type, d.Destination); err != nil {
			return err
		}
	}
	return nil
}

// create makes a new object (commissioned by this event).
func (c *capturer) create(id ID, lot string) *Object {
	o := &Object{EPC: id.Path, Kind: id.Kind, Commissioned: c.pos, CommissionedAt: c.b.EventTime, CreatedBy: c.org, Disposition: c.b.Disposition}
	if id.Kind != KindContainer {
		o.Product, o.Lot = id.Product, lot
		c.lotItems = append(c.lotItems, id.Path)
	}
	c.objs[id.Path] = o
	c.mark(o)
	return o
}

// mark records that the event touched o.
func (c *capturer) mark(o *Object) {
	if !c.touchSet[o.EPC] {
		o.Events++
	}
	o.LastEvent = c.pos
	if c.b.Disposition != "" {
		o.Disposition = c.b.Disposition
	}
	c.dirtyObjs[o.EPC] = true
	c.touch(o.EPC)
}

func (c *capturer) commission() error {
	if _, err := c.ownLot(c.p.lot.Path); err != nil {
		return err
	}
	for _, id := range c.p.epcs {
		o, err := c.obj(id.Path)
		if err != nil {
			return err
		}
		if o != nil {
			return conflict("%s was already commissioned in event %s; a serial is commissioned once", id.Path, o.Commissioned)
		}
		c.create(id, c.p.lot.Path)
	}
	return nil
}

// lotSteps are the business steps an ObjectEvent may record about a whole
// lot (besides transformations).
var lotSteps = []string{StepRecalling, StepInspecting, StepStoring}

// ownStepsOnly are the business steps a producer (that is not also a
// regulator) may record only about its own products: a recall, and the
// irreversible end of an item.
var ownStepsOnly = []string{StepRecalling, StepDestroying, StepDecommissioning}

func (c *capturer) observe() error {
	b := c.b
	ownOnly := slices.Contains(ownStepsOnly, b.BizStep) && !hasRole(c.ctx, role.Regulator)
	verb := strings.TrimSuffix(b.BizStep, "ing") + "s" // recalls, destroys, decommissions
	for _, id := range c.p.epcs {
		if id.Kind == KindLot {
			l, err := c.lot(id.Path)
			if err != nil {
				return err
			}
			if !slices.Contains(lotSteps, b.BizStep) {
				return ruleViolation("%s is a lot; a lot's own events are %s (and transformations): record %s for its items or containers instead", id.Path, strings.Join(lotSteps, ", "), b.BizStep)
			}
			if ownOnly && l.Owner != c.org {
				return unauthorized("lot %s belongs to %s; a producer %s only its own products (a regulator may recall any)", id.Path, l.Owner, verb)
			}
			if b.BizStep == StepRecalling && l.Recall == nil {
				l.Recall = &Recall{Event: c.pos, Org: c.org, Time: b.EventTime}
				c.dirtyLots[l.ID] = true
			}
			c.touch(id.Path)
			continue
		}
		o, err := c.live(id)
		if err != nil {
			return err
		}
		if ownOnly {
			if err := c.ownObject(o, verb); err != nil {
				return err
			}
		}
		if err := c.step(o); err != nil {
			return err
		}
	}
	return nil
}

// ownObject requires the signer's organisation to be the producer of an
// item's product, or the creator of a container.
func (c *capturer) ownObject(o *Object, verb string) error {
	if o.Kind == KindContainer {
		if o.CreatedBy != c.org {
			return unauthorized("container %s was created by %s; a producer %s only its own containers and products (a regulator may act on any)", o.EPC, o.CreatedBy, verb)
		}
		return nil
	}
	p, err := c.product(o.Product)
	if err != nil {
		return err
	}
	if p.Owner != c.org {
		return unauthorized("%s is a product of %s; a producer %s only its own products (a regulator may act on any)", o.EPC, p.Owner, verb)
	}
	return nil
}

// step applies the business step's effect on one object.
func (c *capturer) step(o *Object) error {
	b := c.b
	switch b.BizStep {
	case StepShipping:
		if s := o.Shipment; s != nil {
			return ruleViolation("%s was shipped to %s in event %s and not yet received; receive it before shipping it again", o.EPC, strings.Join(s.To, ", "), s.Event)
		}
		o.Shipment = &Shipment{Event: c.pos, From: c.org, To: receivers(b.DestinationList)}
	case StepReceiving:
		s := o.Shipment
		if s == nil {
			return ruleViolation("%s has no shipment waiting to be received: a receiving must match an earlier shipping of the same identifier, received once", o.EPC)
		}
		if !slices.Contains(s.To, c.org) {
			return ruleViolation("%s was shipped in event %s to %s, not to %s", o.EPC, s.Event, strings.Join(s.To, ", "), c.org)
		}
		o.Shipment = nil
	case StepRetailSelling, StepDispensing:
		if o.Sold {
			return ruleViolation("%s was already sold in event %s by %s; an item is sold once", o.EPC, o.SaleEvent, o.Seller)
		}
		o.Sold, o.SaleEvent, o.Seller, o.SoldAt = true, c.pos, c.org, b.EventTime
	case StepDestroying, StepDecommissioning:
		reason := EndDestroyed
		if b.BizStep == StepDecommissioning {
			reason = EndDecommissioned
		}
		if err := c.end(o, reason); err != nil {
			return err
		}
	}
	c.mark(o)
	return nil
}

// end ends an object: it leaves its parent and takes no further events.
func (c *capturer) end(o *Object, reason string) error {
	if len(o.Children) > 0 {
		return ruleViolation("%s still holds %s (%s first); unpack them first", o.EPC, plural(len(o.Children), "object"), o.Children[0])
	}
	if err := c.release(o); err != nil {
		return err
	}
	o.Destroyed, o.EndReason, o.EndEvent = true, reason, c.pos
	return nil
}

// release takes o out of its parent.
func (c *capturer) release(o *Object) error {
	if o.Parent == "" {
		return nil
	}
	parent, err := c.obj(o.Parent)
	if err != nil {
		return err
	}
	if parent == nil {
		return fmt.Errorf("trace: %s names parent %s, which does not exist", o.EPC, o.Parent)
	}
	i, ok := slices.BinarySearch(parent.Children, o.EPC)
	if !ok {
		return fmt.Errorf("trace: %s names parent %s, which does not list it", o.EPC, o.Parent)
	}
	parent.Children = slices.Delete(parent.Children, i, i+1)
	if len(parent.Children) == 0 {
		parent.Children = nil
	}
	c.dirtyObjs[parent.EPC] = true
	o.Parent = ""
	return nil
}

func (c *capturer) aggregate() error {
	b, p := c.b, c.p
	parent, err := c.obj(p.parent.Path)
	if err != nil {
		return err
	}
	if parent == nil && b.Action == ActionAdd && p.parent.Kind == KindContainer {
		parent = c.create(p.parent, "")
	} else if parent, err = c.live(p.parent); err != nil {
		return err
	}
	children := p.children
	if b.Action != ActionAdd && len(children) == 0 {
		for _, epc := range parent.Children {
			id, err := ParseEPC("child", epc)
			if err != nil {
				return err
			}
			children = append(children, id)
		}
		if b.Action == ActionDelete && len(children) == 0 {
			return ruleViolation("%s holds nothing to unpack", parent.EPC)
		}
	}
	if err := c.step(parent); err != nil {
		return err
	}
	for _, id := range children {
		child, err := c.live(id)
		if err != nil {
			return err
		}
		switch b.Action {
		case ActionAdd:
			if child.Parent != "" {
				return conflict("%s is already packed in %s; a child is in one parent at a time (unpack it first)", id.Path, child.Parent)
			}
			// The parent's ancestors must not include the child.
			depth := 0
			for a := parent; a != nil; depth++ {
				if a.EPC == id.Path {
					return ruleViolation("packing %s into %s would put %s inside itself", id.Path, parent.EPC, id.Path)
				}
				if depth >= MaxNesting {
					return ruleViolation("packing into %s would nest containers more than %d deep", parent.EPC, MaxNesting)
				}
				if a.Parent == "" {
					break
				}
				if a, err = c.obj(a.Parent); err != nil {
					return err
				}
			}
			child.Parent = parent.EPC
			i, _ := slices.BinarySearch(parent.Children, id.Path)
			parent.Children = slices.Insert(parent.Children, i, id.Path)
		default:
			if child.Parent != parent.EPC {
				where := "in no container"
				if child.Parent != "" {
					where = "in " + child.Parent
				}
				return ruleViolation("%s is not packed in %s (it is %s)", id.Path, parent.EPC, where)
			}
			if b.Action == ActionDelete {
				if err := c.release(child); err != nil {
					return err
				}
			}
		}
		if err := c.step(child); err != nil {
			return err
		}
	}
	return nil
}

func (c *capturer) transform() error {
	p := c.p
	for _, id := range p.inputs {
		if id.Kind == KindLot {
			l, err := c.lot(id.Path)
			if err != nil {
				return err
			}
			if l.Recall != nil {
				return ruleViolation("lot %s was recalled in event %s and may not be transformed", id.Path, l.Recall.Event)
			}
			c.touch(id.Path)
			continue
		}
		o, err := c.live(id)
		if err != nil {
			return err
		}
		if err := c.end(o, EndTransformed); err != nil {
			return err
		}
		c.mark(o)
	}
	for _, id := range p.outputs {
		if id.Kind == KindLot {
			l, err := c.lot(id.Path)
			if err != nil {
				return err
			}
			if l.Owner != c.org {
				return unauthorized("lot %s belongs to %s; only its producer may output into it", id.Path, l.Owner)
			}
			if l.Recall != nil {
				return ruleViolation("lot %s was recalled in event %s; nothing new may come out of it", id.Path, l.Recall.Event)
			}
			c.touch(id.Path)
			continue
		}
		o, err := c.obj(id.Path)
		if err != nil {
			return err
		}
		if o != nil {
			return conflict("%s was already commissioned in event %s; a transformation outputs new items", id.Path, o.Commissioned)
		}
		if _, err := c.ownLot(p.lot.Path); err != nil {
			return err
		}
		c.create(id, p.lot.Path)
	}
	return nil
}

// declare records an error declaration: the earlier event stays as it was
// and is shown as declared erroneous. The declaration does not change any
// object; corrective events do.
func (c *capturer) declare() error {
	d := c.b.ErrorDeclaration
	pos := d.Corrects
	if !posPattern.MatchString(pos) {
		p, err := getRaw(c.ctx.Store, clientIDKey(d.Corrects))
		if err != nil {
			return err
		}
		if p == "" {
			return notFound("error_declaration.corrects: no event with id %q on chain", d.Corrects)
		}
		pos = p
	}
	orig, err := GetEvent(c.ctx.Store, pos)
	if err != nil {
		return inField("error_declaration.corrects", err)
	}
	if orig.ErrorDeclaration != nil {
		return ruleViolation("event %s is itself an error declaration and cannot be declared erroneous", pos)
	}
	if orig.Recorder.Org != c.org {
		return unauthorized("event %s was recorded by %s; only that organisation may declare it erroneous", pos, orig.Recorder.Org)
	}
	if prev, err := getRaw(c.ctx.Store, declaredKey(pos)); err != nil {
		return err
	} else if prev != "" {
		return conflict("event %s was already declared erroneous by event %s", pos, prev)
	}
	if orig.Type != c.b.Type {
		return ruleViolation("an error declaration repeats the event it declares: event %s is an %s, not an %s", pos, orig.Type, c.b.Type)
	}
	d.Corrects = pos
	for _, id := range eventIDs(orig) {
		c.touch(id)
	}
	return c.ctx.Store.Set(declaredKey(pos), []byte(c.pos))
}

// eventIDs lists the identifiers an event names (parent first).
func eventIDs(e *Event) []string {
	var out []string
	if e.ParentID != "" {
		out = append(out, e.ParentID)
	}
	for _, l := range [][]string{e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList} {
		out = append(out, l...)
	}
	return out
}

func (c *capturer) write() error {
	ctx, b := c.ctx, c.b
	ev := &Event{ID: c.pos, EventInput: *b, RecordTime: field.BlockTime(ctx.Time), Recorder: ctx.Party(), Height: ctx.Height, TxHash: fmt.Sprintf("%X", ctx.TxHash)}
	if err := module.PutJSON(ctx.Store, eventKey(c.pos), ev); err != nil {
		return err
	}
	if b.EventID != "" {
		if err := ctx.Store.Set(clientIDKey(b.EventID), []byte(c.pos)); err != nil {
			return err
		}
	}
	for _, id := range c.touched {
		if err := ctx.Store.Set(evIdxKey(id, c.pos), present); err != nil {
			return err
		}
	}
	for _, epc := range c.lotItems {
		if err := ctx.Store.Set(lotItemKey(c.p.lot.Path, epc), present); err != nil {
			return err
		}
	}
	if b.Type == TransformationEvent && b.ErrorDeclaration == nil {
		for _, id := range b.InputEPCList {
			if err := ctx.Store.Set(inputKey(id, c.pos), present); err != nil {
				return err
			}
		}
		for _, id := range b.OutputEPCList {
			if err := ctx.Store.Set(outputKey(id, c.pos), present); err != nil {
				return err
			}
		}
	}
	for _, epc := range sortedKeys(c.dirtyObjs) {
		if err := module.PutJSON(ctx.Store, objKey(epc), c.objs[epc]); err != nil {
			return err
		}
	}
	for _, id := range sortedKeys(c.dirtyLots) {
		l := c.lots[id]
		if err := module.PutJSON(ctx.Store, lotKey(id), l); err != nil {
			return err
		}
		ctx.Emit("trace.lot_recalled", "lot", id, "event_id", c.pos, "org", c.org)
	}
	if d := b.ErrorDeclaration; d != nil {
		ctx.Emit("trace.error_declared", "event_id", c.pos, "corrects", d.Corrects, "reason", d.Reason, "org", c.org)
	} else {
		ctx.Emit("trace.event_captured", "event_id", c.pos, "type", b.Type, "biz_step", b.BizStep, "ids", strconv.Itoa(len(c.touched)), "org", c.org)
	}
	return ctx.SetResult(captureResult{EventID: c.pos, ClientEventID: b.EventID})
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func getRaw(kv Getter, key []byte) (string, error) {
	b, err := kv.Get(key)
	return string(b), err
}

// inField prefixes a coded error's message with the field it concerns;
// errors without a code (internal) pass unchanged.
func inField(name string, err error) error {
	if code := errcode.Of(err); code != errcode.Internal {
		return errcode.New(code, "%s: %s", name, errcode.Message(err))
	}
	return err
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
