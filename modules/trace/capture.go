package trace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// ClockSkew is how far after the block time a client's timestamp may be.
// A block's time is the median of the previous commit's votes, so on an
// idle chain it lags the wall clock by up to an empty-block interval;
// a client stamping "now" must still be accepted.
const ClockSkew = 2 * time.Minute

// checkEventTime refuses an event time after the record time (plus
// ClockSkew) and says whether the event is recorded late: more than
// LateAfter after it happened. Old events are accepted (an import of a
// year's history, say) and shown as recorded late.
func checkEventTime(record, t time.Time, s string) (late bool, err error) {
	if t.After(record.Add(ClockSkew)) {
		return false, refuse(errcode.RuleViolation, "event_in_future", "event_time", "time", s, "record", field.BlockTime(record))
	}
	return t.Before(record.Add(-LateAfter)), nil
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
		return "", refuse(errcode.RuleViolation, "too_many_events", "")
	}
	if err := ctx.Store.Set(seqKey, []byte(eventPos(ctx.Height, uint32(idx+1)))); err != nil {
		return "", err
	}
	return eventPos(ctx.Height, uint32(idx)), nil
}

// capturer applies one event to the state. Objects, lots and products
// are loaded once and written back, in key order, only when every check
// passed.
type capturer struct {
	ctx    *module.Context
	b      *EventInput
	p      *parsed
	org    string
	pos    string
	late   bool
	digest string
	objs   map[string]*Object // nil value: absent
	lots   map[string]*Lot    // nil value: absent
	prods  map[string]*Product
	led    *ledger

	dirtyObjs  map[string]bool
	dirtyLots  map[string]bool
	dirtyProds map[string]bool
	newLots    map[string]bool
	recalled   []string // what this event recalled, for its event
	touched    []string // ids the event is indexed under, in order
	touchSet   map[string]bool
	created    []*Object // items and drug packs the event brought into being
	rules      int       // the chain's rule set, once read (ruleSet)
}

// ruleSet returns the chain's trace rule set, read once per event.
func (c *capturer) ruleSet() (int, error) {
	if c.rules == 0 {
		n, err := rulesOf(c.ctx.Store)
		if err != nil {
			return 0, err
		}
		c.rules = n
	}
	return c.rules, nil
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

// live loads an object that must exist and not have ended. A container or
// asset that never appeared before comes into being here, when its
// company prefix is unassigned or the signer's; a trade item must have
// been commissioned.
func (c *capturer) live(fieldName string, id ID) (*Object, error) {
	o, err := c.obj(id.Path)
	if err != nil {
		return nil, err
	}
	if o == nil {
		if id.Kind == KindContainer || id.Kind == KindAsset || id.Kind == KindLocation {
			return c.createAsset(fieldName, id)
		}
		return nil, refuse(errcode.RuleViolation, "not_commissioned", fieldName, "epc", id.Path)
	}
	if o.Destroyed {
		return nil, refuse(errcode.RuleViolation, "ended", fieldName, "epc", id.Path, "reason", o.EndReason, "event", o.EndEvent)
	}
	if t, err := time.Parse(time.RFC3339, o.CommissionedAt); err == nil && c.p.time.Before(t) {
		return nil, refuse(errcode.RuleViolation, "before_creation", fieldName, "epc", id.Path, "time", c.b.EventTime, "event", o.Commissioned, "created", o.CommissionedAt)
	}
	return o, nil
}

// createAsset brings a container or asset into being with this event.
func (c *capturer) createAsset(fieldName string, id ID) (*Object, error) {
	p, err := PrefixOf(c.ctx.Store, id)
	if err != nil {
		return nil, err
	}
	if p != nil && p.Org != c.org {
		return nil, refuse(errcode.Unauthorized, "asset_of_other", fieldName, "epc", id.Path, "prefix", p.Prefix, "org", p.Org)
	}
	return c.create(id, ""), nil
}

// create makes a new object, held and owned by the signer.
func (c *capturer) create(id ID, lot string) *Object {
	o := &Object{EPC: id.Path, Kind: id.Kind, Commissioned: c.pos, CommissionedAt: c.b.EventTime, CreatedBy: c.org,
		Custodian: c.org, Owner: c.org, Disposition: c.b.Disposition}
	if id.Kind == KindItem || id.Kind == KindDrug {
		o.Product, o.Lot = id.Product, lot
		c.created = append(c.created, o)
	}
	c.objs[id.Path] = o
	c.mark(o, true)
	return o
}

// mark records that the event touched o. The object's disposition
// changes only when its custodian, its owner or a regulator says so (or
// the event created it); what others observe stays in their events.
func (c *capturer) mark(o *Object, authority bool) {
	if !c.touchSet[o.EPC] {
		o.Events++
	}
	o.LastEvent = c.pos
	if authority {
		if c.b.Disposition != "" {
			o.Disposition = c.b.Disposition
		}
		if pd := c.b.PersistentDisposition; pd != nil {
			set := slices.DeleteFunc(slices.Clone(o.Persistent), func(s string) bool { return slices.Contains(pd.Unset, s) })
			for _, s := range pd.Set {
				if !slices.Contains(set, s) {
					set = append(set, s)
				}
			}
			slices.Sort(set)
			if len(set) == 0 {
				set = nil
			}
			o.Persistent = set
		}
	}
	c.dirtyObjs[o.EPC] = true
	c.touch(o.EPC)
}

// root returns the outermost container o is packed in (o itself when it
// is in none): its custodian and owner are o's.
func (c *capturer) root(o *Object) (*Object, error) {
	r := o
	for depth := 0; r.Parent != ""; depth++ {
		if depth > MaxNesting+1 {
			return nil, fmt.Errorf("trace: %s is nested deeper than %d", o.EPC, MaxNesting)
		}
		p, err := c.obj(r.Parent)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, fmt.Errorf("trace: %s names parent %s, which does not exist", r.EPC, r.Parent)
		}
		r = p
	}
	return r, nil
}

// authority reports whether the signer may set o's disposition: its
// custodian, its owner, or a regulator.
func (c *capturer) authority(o *Object) (bool, error) {
	if hasRole(c.ctx, role.Regulator) {
		return true, nil
	}
	r, err := c.root(o)
	if err != nil {
		return false, err
	}
	return r.Custodian == c.org || r.Owner == c.org, nil
}

// custodian requires the signer to hold o: to be the custodian of o (or
// of the container o is packed in), with o neither sold nor on its way.
// what names the act ("ship", "sell", ...) for the message.
func (c *capturer) custodian(fieldName string, o *Object, what string) error {
	r, err := c.root(o)
	if err != nil {
		return err
	}
	if o.Sold || r.Sold {
		return refuse(errcode.RuleViolation, "sold", fieldName, "epc", o.EPC, "act", what, "seller", o.Seller+r.Seller)
	}
	if r.Custodian != c.org {
		return refuse(errcode.Unauthorized, "not_custodian", fieldName, "epc", o.EPC, "act", what, "custodian", r.Custodian)
	}
	if s := r.Shipment; s != nil {
		return refuse(errcode.RuleViolation, "in_transit", fieldName, "epc", o.EPC, "act", what, "to", s.To, "event", s.Event)
	}
	return nil
}

// topLevel refuses an act on an object packed in a container.
func topLevel(fieldName string, o *Object, what string) error {
	if o.Parent != "" {
		return refuse(errcode.RuleViolation, "packed", fieldName, "epc", o.EPC, "act", what, "parent", o.Parent)
	}
	return nil
}

func (c *capturer) lot(id string) (*Lot, error) {
	if l, ok := c.lots[id]; ok {
		return l, nil
	}
	var l Lot
	ok, err := module.GetJSON(c.ctx.Store, lotKey(id), &l)
	if err != nil {
		return nil, err
	}
	if !ok {
		c.lots[id] = nil
		return nil, nil
	}
	c.lots[id] = &l
	return &l, nil
}

func (c *capturer) product(fieldName, id string) (*Product, error) {
	if p, ok := c.prods[id]; ok {
		return p, nil
	}
	var p Product
	ok, err := module.GetJSON(c.ctx.Store, productKey(id), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "no_product", fieldName, "product", id)
	}
	c.prods[id] = &p
	return &p, nil
}

// ownProduct loads a product the signer produces and that is not
// recalled: what new items and quantities of it need.
func (c *capturer) ownProduct(fieldName, id string) (*Product, error) {
	p, err := c.product(fieldName, id)
	if err != nil {
		return nil, err
	}
	if p.Owner != c.org {
		return nil, refuse(errcode.Unauthorized, "not_product_owner", fieldName, "product", id, "org", p.Owner)
	}
	if p.Recall != nil {
		return nil, refuse(errcode.RuleViolation, "recalled_no_new", fieldName, "id", id, "event", p.Recall.Event)
	}
	return p, nil
}

// ownLot loads (or brings into being) a lot of a product the signer
// produces, that is not recalled: for new items and quantities.
func (c *capturer) ownLot(fieldName string, id ID) (*Lot, error) {
	if _, err := c.ownProduct(fieldName, id.Product); err != nil {
		return nil, err
	}
	l, err := c.lot(id.Path)
	if err != nil {
		return nil, err
	}
	if l == nil {
		l = &Lot{ID: id.Path, Product: id.Product, LotNumber: lotNumber(id.Path), Owner: c.org, FromEvent: c.pos, Stamp: stamp(c.ctx)}
		if m := c.b.ILMD; m != nil {
			l.ProducedOn = m.ProductionDate
			l.ExpiresOn = cmpOr(m.ItemExpirationDate, m.BestBeforeDate)
		}
		if err := c.afterProduction(fieldName, l); err != nil {
			return nil, err
		}
		c.lots[id.Path] = l
		c.newLots[id.Path] = true
		c.dirtyLots[id.Path] = true
		return l, nil
	}
	if l.Owner != c.org {
		return nil, refuse(errcode.Unauthorized, "not_lot_owner", fieldName, "lot", id.Path, "org", l.Owner)
	}
	if l.Recall != nil {
		return nil, refuse(errcode.RuleViolation, "recalled_no_new", fieldName, "id", id.Path, "event", l.Recall.Event)
	}
	return l, c.afterProduction(fieldName, l)
}

// afterProduction refuses to bring anything into lot l at an event time
// whose date (China Standard Time) is before the lot's production date: a
// consumer's page would show the item made before its lot was produced.
// It is a block rule from rule set 3 and a mempool policy on the chains
// of earlier rule sets, whose blocks keep deciding as they did (ADR 0012).
func (c *capturer) afterProduction(fieldName string, l *Lot) error {
	if l.ProducedOn == "" {
		return nil
	}
	rules, err := c.ruleSet()
	if err != nil || rules < rules3 && !c.ctx.Check {
		return err
	}
	if day := field.BlockDate(c.p.time); day < l.ProducedOn {
		return refuse(errcode.RuleViolation, "before_production", fieldName, "time", c.b.EventTime, "lot", l.ID, "produced", l.ProducedOn)
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ownClass checks that the signer may bring a quantity of a class into
// being: a lot or product it produces, or a returnable asset type under
// its prefix (or an unassigned one).
func (c *capturer) ownClass(q qline) error {
	switch q.class.Kind {
	case KindLot:
		_, err := c.ownLot(q.field, q.class)
		return err
	case KindProduct:
		_, err := c.ownProduct(q.field, q.class.Path)
		return err
	}
	p, err := PrefixOf(c.ctx.Store, q.class)
	if err != nil {
		return err
	}
	if p != nil && p.Org != c.org {
		return refuse(errcode.Unauthorized, "asset_of_other", q.field, "epc", q.class.Path, "prefix", p.Prefix, "org", p.Org)
	}
	return nil
}

func (Module) capture(ctx *module.Context, b *EventInput) error {
	p, err := validateEvent(b)
	if err != nil {
		return err
	}
	if ctx.Check && aboutNothing(b, p) {
		return refuse(errcode.MalformedBody, "event_about_nothing", "epc_list", "type", b.Type)
	}
	late, err := checkEventTime(ctx.Time, p.time, b.EventTime)
	if err != nil {
		return err
	}
	c := &capturer{ctx: ctx, b: b, p: p, org: ctx.Signer.Org, late: late, objs: map[string]*Object{}, lots: map[string]*Lot{},
		prods: map[string]*Product{}, led: newLedger(ctx.Store), dirtyObjs: map[string]bool{}, dirtyLots: map[string]bool{},
		dirtyProds: map[string]bool{}, newLots: map[string]bool{}, touchSet: map[string]bool{}}
	if err := c.once(); err != nil {
		return err
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

// aboutNothing reports whether an ObjectEvent or TransactionEvent names
// nothing it is about: no item or class, no parent and no sensor
// reading (a sensor report about its read point is about that place). An
// error declaration names the event it corrects, so it is never about
// nothing. The mempool refuses such an event (ADR 0012, "Mempool
// policy"); a block still records one, because refusing it there
// changes what blocks do and waits for a protocol version (ADR 0019).
func aboutNothing(b *EventInput, p *parsed) bool {
	if b.ErrorDeclaration != nil || (b.Type != ObjectEvent && b.Type != TransactionEvent) {
		return false
	}
	return len(p.epcs) == 0 && len(p.qty) == 0 && p.parent.Path == "" && len(b.Sensors) == 0
}

// once refuses an event already on chain: the same event_id, or, for an
// event without one, the same content recorded by the same organisation.
// The refusal's reason (already_recorded) and the event it names let an
// import of the same document again report what is already there.
func (c *capturer) once() error {
	b := c.b
	if b.EventID != "" {
		prev, err := getRaw(c.ctx.Store, clientIDKey(b.EventID))
		if err != nil || prev == "" {
			return err
		}
		e, err := GetEvent(c.ctx.Store, prev)
		if err != nil {
			return err
		}
		if e.Recorder.Org == c.org {
			return refuse(errcode.Conflict, "already_recorded", "event_id", "event", prev, "value", b.EventID)
		}
		return refuse(errcode.Conflict, "event_id_taken", "event_id", "value", b.EventID, "event", prev, "org", e.Recorder.Org)
	}
	sum := sha256.Sum256(canonicalInput(b))
	c.digest = hex.EncodeToString(sum[:])
	prev, err := getRaw(c.ctx.Store, digestKey(c.org, c.digest))
	if err != nil || prev == "" {
		return err
	}
	return refuse(errcode.Conflict, "already_recorded", "", "event", prev, "value", c.digest)
}

// canonicalInput is the JSON the content digest is taken of: the checked
// input without its event_id and without what the chain fills in.
func canonicalInput(b *EventInput) []byte {
	in := *b
	in.EventID = ""
	in.SourceList = slices.Clone(b.SourceList)
	for i := range in.SourceList {
		in.SourceList[i].Org = ""
	}
	in.DestinationList = slices.Clone(b.DestinationList)
	for i := range in.DestinationList {
		in.DestinationList[i].Org = ""
	}
	raw, _ := json.Marshal(&in)
	return raw
}

// Digest returns the content digest the chain records for an event body
// without an event_id (the body must be checked: capture's canonical
// form).
func Digest(b *EventInput) string {
	sum := sha256.Sum256(canonicalInput(b))
	return hex.EncodeToString(sum[:])
}

func (c *capturer) apply() error {
	b := c.b
	if allowed := c.roles(); !role.Any(c.ctx.Signer.Roles, allowed) {
		return refuse(errcode.Unauthorized, "step_role", "biz_step", "org", c.org, "step", cmpOr(b.BizStep, b.Type+" "+b.Action), "roles", roleNames(allowed))
	}
	if err := c.parties(); err != nil {
		return err
	}
	switch b.Type {
	case ObjectEvent:
		return c.object()
	case AggregationEvent:
		return c.aggregate()
	case TransformationEvent:
		return c.transform()
	case AssociationEvent:
		return c.associate()
	default:
		return c.transaction()
	}
}

// roles are the roles the event needs: its step's, or, without a step,
// those of what the event does (creating, ending, packing, transforming
// take a handler of goods).
func (c *capturer) roles() []role.Role {
	b := c.b
	if b.BizStep != "" {
		return StepRoles(b.BizStep)
	}
	if b.Type == TransformationEvent || ((b.Type == ObjectEvent || b.Type == AggregationEvent) && b.Action != ActionObserve) {
		return movers
	}
	return everyone
}

func roleNames(rs []role.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}

// parties resolves the owning and possessing parties the event names to
// organisations: an organisation id; a party GLN an organisation
// registered (register_party); a location GLN, whose registered place's
// organisation it names (or, for a sub-location, its GLN's place's).
func (c *capturer) parties() error {
	b := c.b
	for i := range b.SourceList {
		s := &b.SourceList[i]
		if s.Type == SDOwningParty || s.Type == SDPossessingParty {
			org, err := c.partyOrg(fmt.Sprintf("source_list[%d].source", i), s.Source)
			if err != nil {
				return err
			}
			s.Org = org
		}
	}
	for i := range b.DestinationList {
		d := &b.DestinationList[i]
		if d.Type == SDOwningParty || d.Type == SDPossessingParty {
			org, err := c.partyOrg(fmt.Sprintf("destination_list[%d].destination", i), d.Destination)
			if err != nil {
				return err
			}
			d.Org = org
		} else if d.Type == SDLocation && strings.HasPrefix(d.Destination, "/414/") {
			if l, err := findLocation(c.ctx.Store, d.Destination); err != nil {
				return err
			} else if l != nil {
				d.Org = l.Owner
			}
		}
	}
	return nil
}

func (c *capturer) partyOrg(fieldName, v string) (string, error) {
	if field.IsOrgID(v) {
		if _, err := module.ActiveOrg(c.ctx.Store, fieldName, v); err != nil {
			return "", err
		}
		return v, nil
	}
	org, err := PartyOrg(c.ctx.Store, v)
	if err != nil {
		return "", err
	}
	if org == "" {
		return "", refuse(errcode.NotFound, "unknown_party", fieldName, "value", v)
	}
	if _, err := module.ActiveOrg(c.ctx.Store, fieldName, org); err != nil {
		return "", err
	}
	return org, nil
}

// PartyOrg returns the organisation a party GLN (/417/) or location GLN
// (/414/, with or without extension) names, or "" when no organisation
// registered it.
func PartyOrg(r Getter, id string) (string, error) {
	if strings.HasPrefix(id, "/417/") {
		var p PartyGLN
		ok, err := module.GetJSON(r, partyKey(id), &p)
		if err != nil || !ok {
			return "", err
		}
		return p.Owner, nil
	}
	l, err := findLocation(r, id)
	if err != nil || l == nil {
		return "", err
	}
	return l.Owner, nil
}

// findLocation returns the registered place of a location: its own
// record, or its GLN's when it is a sub-location; nil when neither is
// registered.
func findLocation(r Getter, id string) (*Location, error) {
	for _, k := range []string{id, BaseLocation(id)} {
		if k == "" {
			continue
		}
		var l Location
		ok, err := module.GetJSON(r, locKey(k), &l)
		if err != nil {
			return nil, err
		}
		if ok {
			return &l, nil
		}
	}
	return nil, nil
}

// receiver is who a shipment goes to: the destination possessing party,
// else the owning party, else the organisation of a registered
// destination location; newOwner is the destination owning party, to whom
// ownership passes on receipt ("" when the shipment names none).
func (c *capturer) receiver() (to, newOwner string, err error) {
	var owning, possessing, place string
	for _, d := range c.b.DestinationList {
		switch {
		case d.Type == SDPossessingParty && possessing == "":
			possessing = d.Org
		case d.Type == SDOwningParty && owning == "":
			owning = d.Org
		case d.Type == SDLocation && place == "":
			place = d.Org
		}
	}
	to = cmpOr(possessing, cmpOr(owning, place))
	if to == "" {
		return "", "", refuse(errcode.RuleViolation, "no_receiver", "destination_list")
	}
	return to, owning, nil
}

// object applies an ObjectEvent.
func (c *capturer) object() error {
	b, p := c.b, c.p
	switch b.Action {
	case ActionAdd:
		for i, id := range p.epcs {
			if err := c.bringIntoBeing(fmt.Sprintf("epc_list[%d]", i), id); err != nil {
				return err
			}
		}
		for _, q := range p.qty {
			if err := c.ownClass(q); err != nil {
				return err
			}
			c.touch(q.class.Path)
			if q.known {
				if err := c.led.add(q.field, q.class.Path, q.uom, c.org, q.amount); err != nil {
					return err
				}
			}
		}
		return nil
	case ActionDelete:
		for i, id := range p.epcs {
			f := fmt.Sprintf("epc_list[%d]", i)
			o, err := c.live(f, id)
			if err != nil {
				return err
			}
			reason := EndDecommissioned
			if b.BizStep == StepDestroying {
				reason = EndDestroyed
			}
			if err := c.endObject(f, o, reason); err != nil {
				return err
			}
		}
		return c.takeQuantities(p.qty)
	}
	if b.BizStep == StepRecalling {
		return c.recall()
	}
	for i, id := range p.epcs {
		f := fmt.Sprintf("epc_list[%d]", i)
		o, err := c.live(f, id)
		if err != nil {
			return err
		}
		if err := c.step(f, o); err != nil {
			return err
		}
	}
	return c.stepQuantities(p.qty)
}

// bringIntoBeing creates one object an ObjectEvent ADD names: a trade
// item (commissioned into its lot by its product's producer), a
// container or an asset.
func (c *capturer) bringIntoBeing(f string, id ID) error {
	o, err := c.obj(id.Path)
	if err != nil {
		return err
	}
	if o != nil {
		return refuse(errcode.Conflict, "already_commissioned", f, "epc", id.Path, "event", o.Commissioned)
	}
	if id.Kind == KindContainer || id.Kind == KindAsset {
		_, err := c.createAsset(f, id)
		return err
	}
	return c.commissionItem(f, id)
}

// commissionItem creates a trade item or drug pack: its product must be
// the signer's, and its lot (if any) the signer's and not recalled.
func (c *capturer) commissionItem(f string, id ID) error {
	if c.p.lot.Path != "" {
		if _, err := c.ownLot("lot", c.p.lot); err != nil {
			return err
		}
	} else if _, err := c.ownProduct(f, id.Product); err != nil {
		return err
	}
	c.create(id, c.p.lot.Path)
	return nil
}

// step applies the business step of an OBSERVE to one object.
func (c *capturer) step(f string, o *Object) error {
	b := c.b
	switch b.BizStep {
	case StepShipping:
		if err := c.custodian(f, o, "ship"); err != nil {
			return err
		}
		if err := topLevel(f, o, "ship"); err != nil {
			return err
		}
		to, newOwner, err := c.receiver()
		if err != nil {
			return err
		}
		if to == c.org && (newOwner == "" || newOwner == c.org) {
			return refuse(errcode.RuleViolation, "ship_to_self", f, "epc", o.EPC)
		}
		// A carrier delivers; only the owner hands the ownership on.
		if r, err := c.root(o); err != nil {
			return err
		} else if newOwner != "" && newOwner != r.Owner && r.Owner != "" && r.Owner != c.org {
			return refuse(errcode.Unauthorized, "not_owner", f, "epc", o.EPC, "owner", r.Owner, "new_owner", newOwner)
		}
		o.Shipment = &Shipment{Event: c.pos, From: c.org, To: to, NewOwner: newOwner}
	case StepVoidShipping:
		s := o.Shipment
		if s == nil {
			return refuse(errcode.RuleViolation, "no_shipment", f, "epc", o.EPC)
		}
		if s.From != c.org {
			return refuse(errcode.Unauthorized, "not_sender", f, "epc", o.EPC, "from", s.From)
		}
		o.Shipment = nil
	case StepReceiving:
		s := o.Shipment
		switch {
		case s == nil:
			return refuse(errcode.RuleViolation, "no_shipment", f, "epc", o.EPC)
		case s.To == c.org:
			o.Custodian = s.To
			if s.NewOwner != "" {
				o.Owner = s.NewOwner
			}
		case s.From == c.org:
			// The sender takes back a shipment the receiver never took.
		default:
			return refuse(errcode.RuleViolation, "not_receiver", f, "epc", o.EPC, "event", s.Event, "to", s.To)
		}
		o.Shipment = nil
	case StepRetailSelling, StepDispensing:
		if err := c.custodian(f, o, "sell"); err != nil {
			return err
		}
		if err := topLevel(f, o, "sell"); err != nil {
			return err
		}
		o.Sold, o.SaleEvent, o.Seller, o.SoldAt = true, c.pos, c.org, b.EventTime
		o.Custodian, o.Owner = "", ""
	case StepDestroying, StepDecommissioning:
		reason := EndDecommissioned
		if b.BizStep == StepDestroying {
			reason = EndDestroyed
		}
		return c.endObject(f, o, reason)
	}
	auth, err := c.authority(o)
	if err != nil {
		return err
	}
	if slices.Contains([]string{StepReceiving, StepShipping, StepVoidShipping, StepRetailSelling, StepDispensing}, b.BizStep) {
		auth = true // the receiver, sender or seller just acted on it
	}
	c.mark(o, auth)
	return nil
}

// stepQuantities applies the business step of an OBSERVE to its
// class-level quantities.
func (c *capturer) stepQuantities(qs []qline) error {
	b := c.b
	for _, q := range qs {
		c.touch(q.class.Path)
		needs := slices.Contains([]string{StepShipping, StepVoidShipping, StepReceiving, StepRetailSelling, StepDispensing, StepDestroying, StepDecommissioning}, b.BizStep)
		if !needs {
			continue
		}
		if !q.known {
			return refuse(errcode.RuleViolation, "quantity_required", q.field, "step", b.BizStep)
		}
		class := q.class.Path
		switch b.BizStep {
		case StepShipping:
			to, newOwner, err := c.receiver()
			if err != nil {
				return err
			}
			if to == c.org && (newOwner == "" || newOwner == c.org) {
				return refuse(errcode.RuleViolation, "ship_to_self", q.field, "epc", class)
			}
			if err := c.led.ship(q.field, class, q.uom, c.org, to, newOwner, q.amount, c.pos); err != nil {
				return err
			}
		case StepReceiving:
			from := c.sourceParty()
			take := func(t Transit, part int64) error { return c.led.add(q.field, class, q.uom, t.To, part) }
			toMe := func(t Transit) bool { return t.To == c.org && (from == "" || t.From == from) }
			err := c.led.settle(q.field, class, q.uom, q.amount, toMe, take, "no_shipment_quantity", "org", c.org)
			if err != nil {
				// The sender takes back what it sent and nobody received.
				back := func(t Transit) bool { return t.From == c.org }
				giveBack := func(t Transit, part int64) error { return c.led.add(q.field, class, q.uom, t.From, part) }
				if c.led.settle(q.field, class, q.uom, q.amount, back, giveBack, "no_shipment_quantity", "org", c.org) != nil {
					return err
				}
			}
		case StepVoidShipping:
			to := ""
			if len(c.b.DestinationList) > 0 {
				to, _, _ = c.receiver()
			}
			mine := func(t Transit) bool { return t.From == c.org && (to == "" || t.To == to) }
			giveBack := func(t Transit, part int64) error { return c.led.add(q.field, class, q.uom, t.From, part) }
			if err := c.led.settle(q.field, class, q.uom, q.amount, mine, giveBack, "no_shipment_quantity", "org", c.org); err != nil {
				return err
			}
		default: // selling, destroying: out of the holding
			if err := c.led.add(q.field, class, q.uom, c.org, -q.amount); err != nil {
				return err
			}
		}
	}
	return nil
}

// sourceParty is the organisation the event's sourceList names as the
// possessing (else owning) party, or "".
func (c *capturer) sourceParty() string {
	var owning string
	for _, s := range c.b.SourceList {
		if s.Type == SDPossessingParty && s.Org != "" {
			return s.Org
		}
		if s.Type == SDOwningParty && owning == "" {
			owning = s.Org
		}
	}
	return owning
}

// takeQuantities takes known quantities out of the signer's holding
// (ObjectEvent DELETE: they no longer exist).
func (c *capturer) takeQuantities(qs []qline) error {
	for _, q := range qs {
		c.touch(q.class.Path)
		if q.known {
			if err := c.led.add(q.field, q.class.Path, q.uom, c.org, -q.amount); err != nil {
				return err
			}
		}
	}
	return nil
}

// endObject ends an object its custodian destroys, decommissions or
// consumes: it leaves its container and takes no further events.
func (c *capturer) endObject(f string, o *Object, reason string) error {
	what := map[string]string{EndDestroyed: "destroy", EndDecommissioned: "decommission", EndTransformed: "transform"}[reason]
	if err := c.custodian(f, o, what); err != nil {
		return err
	}
	if len(o.Children) > 0 || len(o.Contents) > 0 {
		first := ""
		if len(o.Children) > 0 {
			first = o.Children[0]
		} else {
			first = o.Contents[0].Class
		}
		return refuse(errcode.RuleViolation, "still_holds", f, "epc", o.EPC, "n", strconv.Itoa(len(o.Children)+len(o.Contents)), "first", first)
	}
	if o.Parent != "" {
		r, err := c.root(o)
		if err != nil {
			return err
		}
		if err := c.release(o, r); err != nil {
			return err
		}
	}
	o.Destroyed, o.EndReason, o.EndEvent = true, reason, c.pos
	c.mark(o, true)
	return nil
}

// release takes o out of its parent; o takes the custody of root, the
// outermost container it was in.
func (c *capturer) release(o, root *Object) error {
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
	o.Custodian, o.Owner = root.Custodian, root.Owner
	return nil
}

// aggregate applies an AggregationEvent: ADD packs children into the
// parent, DELETE unpacks them, OBSERVE applies its step to the parent.
// Packing and unpacking need the custody of the parent and the children.
func (c *capturer) aggregate() error {
	b, p := c.b, c.p
	if p.parent.Path == "" { // an OBSERVE without parent: about the children
		for i, id := range p.children {
			f := fmt.Sprintf("child_epcs[%d]", i)
			o, err := c.live(f, id)
			if err != nil {
				return err
			}
			if err := c.step(f, o); err != nil {
				return err
			}
		}
		return c.stepQuantities(p.childQty)
	}
	existed, err := c.obj(p.parent.Path)
	if err != nil {
		return err
	}
	parent, err := c.live("parent_id", p.parent)
	if err != nil {
		return err
	}
	switch b.Action {
	case ActionAdd:
		if existed != nil {
			if err := c.custodian("parent_id", parent, "pack into"); err != nil {
				return err
			}
		}
		for i, id := range p.children {
			f := fmt.Sprintf("child_epcs[%d]", i)
			child, err := c.live(f, id)
			if err != nil {
				return err
			}
			if child.Parent != "" {
				return refuse(errcode.Conflict, "already_packed", f, "epc", id.Path, "parent", child.Parent)
			}
			if err := c.custodian(f, child, "pack"); err != nil {
				return err
			}
			// The parent's ancestors must not include the child.
			depth := 0
			for a := parent; a != nil; depth++ {
				if a.EPC == id.Path {
					return refuse(errcode.RuleViolation, "pack_into_itself", f, "epc", id.Path, "parent", parent.EPC)
				}
				if depth >= MaxNesting {
					return refuse(errcode.RuleViolation, "nesting_too_deep", f, "parent", parent.EPC, "max", strconv.Itoa(MaxNesting))
				}
				if a.Parent == "" {
					break
				}
				if a, err = c.obj(a.Parent); err != nil {
					return err
				}
			}
			child.Parent = parent.EPC
			child.Custodian, child.Owner = "", "" // the outermost container's, while packed
			j, _ := slices.BinarySearch(parent.Children, id.Path)
			parent.Children = slices.Insert(parent.Children, j, id.Path)
			c.mark(child, true)
		}
		for _, q := range p.childQty {
			c.touch(q.class.Path)
			if !q.known {
				return refuse(errcode.RuleViolation, "quantity_required", q.field, "step", "packing")
			}
			if err := c.led.add(q.field, q.class.Path, q.uom, c.org, -q.amount); err != nil {
				return err
			}
			parent.Contents = addLine(parent.Contents, q.class.Path, q.uom, q.amount)
		}
		c.mark(parent, true)
		return nil
	case ActionDelete:
		if err := c.custodian("parent_id", parent, "unpack"); err != nil {
			return err
		}
		root, err := c.root(parent)
		if err != nil {
			return err
		}
		children, qs := p.children, p.childQty
		if len(children) == 0 && len(qs) == 0 {
			for _, epc := range parent.Children {
				id, err := ParseID("child_epcs", epc)
				if err != nil {
					return err
				}
				children = append(children, id)
			}
			for _, l := range parent.Contents {
				id, _ := ParseID("child_quantity_list", l.Class)
				v, _ := parseDecimal("", string(l.Amount))
				qs = append(qs, qline{class: id, uom: l.UOM, amount: v, known: true, field: "child_quantity_list"})
			}
			if len(children) == 0 && len(qs) == 0 {
				return refuse(errcode.RuleViolation, "nothing_to_unpack", "parent_id", "parent", parent.EPC)
			}
		}
		for i, id := range children {
			f := fmt.Sprintf("child_epcs[%d]", i)
			child, err := c.live(f, id)
			if err != nil {
				return err
			}
			if child.Parent != parent.EPC {
				return refuse(errcode.RuleViolation, "not_in_parent", f, "epc", id.Path, "parent", parent.EPC, "where", cmpOr(child.Parent, "-"))
			}
			if err := c.release(child, root); err != nil {
				return err
			}
			c.mark(child, true)
		}
		for _, q := range qs {
			c.touch(q.class.Path)
			if !q.known {
				return refuse(errcode.RuleViolation, "quantity_required", q.field, "step", "unpacking")
			}
			var ok bool
			if parent.Contents, ok = takeLine(parent.Contents, q.class.Path, q.uom, q.amount); !ok {
				return refuse(errcode.RuleViolation, "not_in_parent", q.field, "epc", q.class.Path, "parent", parent.EPC, "where", "-")
			}
			if err := c.led.add(q.field, q.class.Path, q.uom, c.org, q.amount); err != nil {
				return err
			}
		}
		c.mark(parent, true)
		return nil
	}
	// OBSERVE: the listed children must be in the parent; the step acts on
	// the parent (and so on what it holds).
	for i, id := range p.children {
		f := fmt.Sprintf("child_epcs[%d]", i)
		child, err := c.live(f, id)
		if err != nil {
			return err
		}
		if child.Parent != parent.EPC {
			return refuse(errcode.RuleViolation, "not_in_parent", f, "epc", id.Path, "parent", parent.EPC, "where", cmpOr(child.Parent, "-"))
		}
		c.mark(child, false)
	}
	for _, q := range p.childQty {
		c.touch(q.class.Path)
	}
	return c.step("parent_id", parent)
}

// addLine adds amount of a class to sorted lines.
func addLine(lines []Line, class, uom string, amount int64) []Line {
	for i := range lines {
		if lines[i].Class == class && lines[i].UOM == uom {
			v, _ := parseDecimal("", string(lines[i].Amount))
			lines[i].Amount = Decimal(formatDecimal(v + amount))
			return lines
		}
	}
	lines = append(lines, Line{Class: class, UOM: uom, Amount: Decimal(formatDecimal(amount))})
	slices.SortFunc(lines, func(a, b Line) int { return strings.Compare(a.Class+"#"+a.UOM, b.Class+"#"+b.UOM) })
	return lines
}

// takeLine takes amount of a class out of lines; ok is false when they
// hold less.
func takeLine(lines []Line, class, uom string, amount int64) ([]Line, bool) {
	for i := range lines {
		if lines[i].Class == class && lines[i].UOM == uom {
			v, _ := parseDecimal("", string(lines[i].Amount))
			if v < amount {
				return lines, false
			}
			if v == amount {
				out := slices.Delete(slices.Clone(lines), i, i+1)
				if len(out) == 0 {
					out = nil
				}
				return out, true
			}
			lines[i].Amount = Decimal(formatDecimal(v - amount))
			return lines, true
		}
	}
	return lines, false
}

// transform applies a TransformationEvent: its inputs are consumed (the
// signer must hold them), its outputs come into being with the signer.
func (c *capturer) transform() error {
	p := c.p
	for i, id := range p.inputs {
		f := fmt.Sprintf("input_epc_list[%d]", i)
		o, err := c.live(f, id)
		if err != nil {
			return err
		}
		if err := c.endObject(f, o, EndTransformed); err != nil {
			return err
		}
	}
	for _, q := range p.inQty {
		c.touch(q.class.Path)
		if q.class.Kind == KindLot {
			if l, err := c.lot(q.class.Path); err != nil {
				return err
			} else if l != nil && l.Recall != nil {
				return refuse(errcode.RuleViolation, "recalled_input", q.field, "lot", l.ID, "event", l.Recall.Event)
			}
		}
		if q.known {
			if err := c.led.add(q.field, q.class.Path, q.uom, c.org, -q.amount); err != nil {
				return err
			}
		}
	}
	for i, id := range p.outputs {
		if err := c.bringIntoBeing(fmt.Sprintf("output_epc_list[%d]", i), id); err != nil {
			return err
		}
	}
	for _, q := range p.outQty {
		if err := c.ownClass(q); err != nil {
			return err
		}
		c.touch(q.class.Path)
		if q.known {
			if err := c.led.add(q.field, q.class.Path, q.uom, c.org, q.amount); err != nil {
				return err
			}
		}
	}
	return nil
}

// associate applies an AssociationEvent: ADD associates children with the
// parent (a sensor with a returnable crate, say), DELETE dissociates
// them. Associations change nobody's custody.
func (c *capturer) associate() error {
	b, p := c.b, c.p
	parent, err := c.live("parent_id", p.parent)
	if err != nil {
		return err
	}
	children := p.children
	if b.Action == ActionDelete && len(children) == 0 && len(p.childQty) == 0 {
		for _, epc := range parent.Associated {
			id, err := ParseID("child_epcs", epc)
			if err != nil {
				return err
			}
			children = append(children, id)
		}
	}
	for i, id := range children {
		f := fmt.Sprintf("child_epcs[%d]", i)
		child, err := c.live(f, id)
		if err != nil {
			return err
		}
		j, found := slices.BinarySearch(parent.Associated, id.Path)
		switch b.Action {
		case ActionAdd:
			if !found {
				parent.Associated = slices.Insert(parent.Associated, j, id.Path)
			}
		case ActionDelete:
			if !found {
				return refuse(errcode.RuleViolation, "not_associated", f, "epc", id.Path, "parent", parent.EPC)
			}
			parent.Associated = slices.Delete(parent.Associated, j, j+1)
			if len(parent.Associated) == 0 {
				parent.Associated = nil
			}
		}
		auth, err := c.authority(child)
		if err != nil {
			return err
		}
		c.mark(child, auth)
	}
	for _, q := range p.childQty {
		c.touch(q.class.Path)
	}
	auth, err := c.authority(parent)
	if err != nil {
		return err
	}
	c.mark(parent, auth)
	return nil
}

// transaction applies a TransactionEvent: it ties its objects to business
// transactions and changes nothing else.
func (c *capturer) transaction() error {
	p := c.p
	if p.parent.Path != "" {
		o, err := c.live("parent_id", p.parent)
		if err != nil {
			return err
		}
		auth, err := c.authority(o)
		if err != nil {
			return err
		}
		c.mark(o, auth)
	}
	for i, id := range p.epcs {
		o, err := c.live(fmt.Sprintf("epc_list[%d]", i), id)
		if err != nil {
			return err
		}
		auth, err := c.authority(o)
		if err != nil {
			return err
		}
		c.mark(o, auth)
	}
	for _, q := range p.qty {
		c.touch(q.class.Path)
	}
	return nil
}

// declare records an error declaration: the earlier event stays as it was
// and is shown as declared erroneous. The declaration does not change any
// object; corrective events do.
func (c *capturer) declare() error {
	d := c.b.ErrorDeclaration
	pos := d.Corrects
	if pos == "" {
		// Without an event id, the declaration names its event by being
		// the same event with an errorDeclaration: the same content digest.
		orig := *c.b
		orig.ErrorDeclaration = nil
		p, err := getRaw(c.ctx.Store, digestKey(c.org, Digest(&orig)))
		if err != nil {
			return err
		}
		if p == "" {
			return refuse(errcode.NotFound, "no_declared_event", "error_declaration")
		}
		pos = p
	} else if !isPos(pos) {
		p, err := getRaw(c.ctx.Store, clientIDKey(d.Corrects))
		if err != nil {
			return err
		}
		if p == "" {
			return refuse(errcode.NotFound, "no_event", "error_declaration.corrects", "value", d.Corrects)
		}
		pos = p
	}
	orig, err := GetEvent(c.ctx.Store, pos)
	if err != nil {
		return inField("error_declaration.corrects", err)
	}
	if orig.ErrorDeclaration != nil {
		return refuse(errcode.RuleViolation, "declare_declaration", "error_declaration.corrects", "event", pos)
	}
	if orig.Recorder.Org != c.org {
		return refuse(errcode.Unauthorized, "declare_other", "error_declaration.corrects", "event", pos, "org", orig.Recorder.Org)
	}
	if prev, err := getRaw(c.ctx.Store, declaredKey(pos)); err != nil {
		return err
	} else if prev != "" {
		return refuse(errcode.Conflict, "already_declared", "error_declaration.corrects", "event", pos, "by", prev)
	}
	if orig.Type != c.b.Type {
		return refuse(errcode.RuleViolation, "declare_type", "type", "event", pos, "type", orig.Type, "given", c.b.Type)
	}
	d.Corrects = pos
	for _, id := range eventIDs(orig) {
		c.touch(id)
	}
	return c.ctx.Store.Set(declaredKey(pos), []byte(c.pos))
}

// eventIDs lists the identifiers an event names (parent first, then its
// lists, then its quantities' classes).
func eventIDs(e *Event) []string {
	var out []string
	if e.ParentID != "" {
		out = append(out, e.ParentID)
	}
	for _, l := range [][]string{e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList} {
		out = append(out, l...)
	}
	for _, l := range [][]QuantityElement{e.QuantityList, e.ChildQuantityList, e.InputQuantityList, e.OutputQuantityList} {
		for _, q := range l {
			if !slices.Contains(out, q.EPCClass) {
				out = append(out, q.EPCClass)
			}
		}
	}
	return out
}

func (c *capturer) write() error {
	ctx, b := c.ctx, c.b
	ev := &Event{ID: c.pos, EventInput: *b, RecordTime: field.BlockTime(ctx.Time), Recorder: ctx.Party(), Height: ctx.Height,
		TxHash: fmt.Sprintf("%X", ctx.TxHash), Late: c.late, Digest: c.digest}
	if ev.Digest == "" {
		ev.Digest = Digest(b)
	}
	rules, err := c.ruleSet()
	if err != nil {
		return err
	}
	var record any = ev
	if rules >= rules2 {
		record = &storedEvent{Event: *ev, Touched: c.touched}
	}
	if err := module.PutJSON(ctx.Store, eventKey(c.pos), record); err != nil {
		return err
	}
	if b.EventID != "" {
		if err := ctx.Store.Set(clientIDKey(b.EventID), []byte(c.pos)); err != nil {
			return err
		}
	} else if err := ctx.Store.Set(digestKey(c.org, c.digest), []byte(c.pos)); err != nil {
		return err
	}
	for _, id := range c.touched {
		if rules >= rules2 {
			ctx.Index(evIdxKey(id, c.pos), present)
			continue
		}
		if err := ctx.Store.Set(evIdxKey(id, c.pos), present); err != nil {
			return err
		}
	}
	for _, o := range c.created {
		if o.Lot != "" {
			if err := ctx.Store.Set(lotItemKey(o.Lot, o.EPC), present); err != nil {
				return err
			}
		}
		if err := ctx.Store.Set(prodItemKey(o.Product, o.EPC), present); err != nil {
			return err
		}
	}
	if b.Type == TransformationEvent && b.ErrorDeclaration == nil {
		ins := slices.Concat(b.InputEPCList, classesOf(b.InputQuantityList))
		outs := slices.Concat(b.OutputEPCList, classesOf(b.OutputQuantityList))
		for _, id := range ins {
			if err := ctx.Store.Set(inputKey(id, c.pos), present); err != nil {
				return err
			}
		}
		for _, id := range outs {
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
		if c.newLots[id] {
			if err := putLot(ctx.Store, l); err != nil {
				return err
			}
			ctx.Emit("trace.lot_registered", "lot", id, "product", l.Product, "owner", l.Owner, "event_id", c.pos)
			continue
		}
		if err := module.PutJSON(ctx.Store, lotKey(id), l); err != nil {
			return err
		}
	}
	for _, id := range sortedKeys(c.dirtyProds) {
		if err := module.PutJSON(ctx.Store, productKey(id), c.prods[id]); err != nil {
			return err
		}
	}
	if err := c.led.flush(); err != nil {
		return err
	}
	for _, id := range c.recalled {
		ctx.Emit("trace.recalled", "subject", id, "event_id", c.pos, "org", c.org)
	}
	if d := b.ErrorDeclaration; d != nil {
		ctx.Emit("trace.error_declared", "event_id", c.pos, "corrects", d.Corrects, "reason", d.Reason, "org", c.org)
	} else {
		ctx.Emit("trace.event_captured", "event_id", c.pos, "type", b.Type, "biz_step", b.BizStep, "ids", strconv.Itoa(len(c.touched)), "org", c.org)
	}
	return ctx.SetResult(captureResult{EventID: c.pos, ClientEventID: b.EventID, Late: c.late})
}

func classesOf(qs []QuantityElement) []string {
	var out []string
	for _, q := range qs {
		if !slices.Contains(out, q.EPCClass) {
			out = append(out, q.EPCClass)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
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

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
