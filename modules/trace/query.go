package trace

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// Getter reads single state values (module.KV and state.View satisfy it).
type Getter = module.Getter

// Reader reads and lists state values; state.View satisfies it.
type Reader = module.Reader

func isNotFound(err error) bool { return errcode.Of(err) == errcode.NotFound }

// queryID parses an identifier given to a query (any form ConvertID
// takes), answering BadRequest.
func queryID(name, s string, kinds ...string) (ID, error) {
	id, err := ConvertID(name, strings.TrimSpace(s))
	if err == nil && !slices.Contains(kinds, id.Kind) {
		err = refuse(errcode.MalformedBody, "wrong_kind", name, "value", s, "kind", id.Kind, "want", kindList(kinds))
	}
	if err != nil {
		if allDigits(s) && slices.Contains(kinds, KindProduct) {
			return parseKind(name, s, KindProduct)
		}
		// A bad request, said as the refusal says it (pages show it in
		// their language).
		if r := AsRefusal(err); r != nil && r.Reason != "invalid" {
			c := *r
			c.Code = errcode.BadRequest
			return ID{}, &c
		}
		return ID{}, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
	}
	return id, nil
}

// GetProduct returns a product by its id (/01/<GTIN>, GTIN digits or
// /drug/<7 digits>), or a NotFound error.
func GetProduct(r Getter, id string) (*Product, error) {
	pid, err := queryID("product", id, KindProduct)
	if err != nil {
		return nil, err
	}
	var p Product
	ok, err := module.GetJSON(r, productKey(pid.Path), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "no_product", "", "product", pid.Path)
	}
	return &p, nil
}

// GetLot returns a lot, or a NotFound error.
func GetLot(r Getter, id string) (*Lot, error) {
	lid, err := queryID("lot", id, KindLot)
	if err != nil {
		return nil, err
	}
	var l Lot
	ok, err := module.GetJSON(r, lotKey(lid.Path), &l)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "no_lot", "", "lot", lid.Path)
	}
	return &l, nil
}

// GetLocation returns a registered location by its path or GLN, or a
// NotFound error.
func GetLocation(r Getter, id string) (*Location, error) {
	p, err := ParseLocation("location", id)
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
	}
	var l Location
	ok, err := module.GetJSON(r, locKey(p), &l)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "no_location", "", "location", p)
	}
	return &l, nil
}

// GetParty returns a registered party GLN, or a NotFound error.
func GetParty(r Getter, id string) (*PartyGLN, error) {
	pid, err := queryID("party", id, KindParty)
	if err != nil {
		return nil, err
	}
	var p PartyGLN
	ok, err := module.GetJSON(r, partyKey(pid.Path), &p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "unknown_party", "", "value", pid.Path)
	}
	return &p, nil
}

// Item returns the current state of an item, drug pack, container or
// asset, or a NotFound error when it was never commissioned. A packed
// object shows the custodian and owner of the container it is in.
func Item(r Getter, epc string) (*Object, error) {
	id, err := queryID("epc", epc, KindItem, KindDrug, KindContainer, KindAsset)
	if err != nil {
		return nil, err
	}
	var o Object
	ok, err := module.GetJSON(r, objKey(id.Path), &o)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "never_commissioned", "", "epc", id.Path)
	}
	if o.Parent != "" {
		rt := o
		for d := 0; rt.Parent != "" && d <= MaxNesting; d++ {
			var p Object
			if ok, err := module.GetJSON(r, objKey(rt.Parent), &p); err != nil || !ok {
				break
			}
			rt = p
		}
		o.Custodian, o.Owner = rt.Custodian, rt.Owner
		if o.Shipment == nil && rt.Shipment != nil {
			s := *rt.Shipment
			o.Shipment = &s
		}
	}
	return &o, nil
}

// GetEvent returns an event by its chain id, or a NotFound error.
func GetEvent(r Getter, id string) (*Event, error) {
	if !isPos(id) {
		return nil, refuse(errcode.NotFound, "no_event", "", "value", id)
	}
	var e Event
	ok, err := module.GetJSON(r, eventKey(id), &e)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "no_event", "", "value", id)
	}
	return &e, nil
}

// EventByClientID returns the event a client recorded with its own
// event_id.
func EventByClientID(r Getter, id string) (*Event, error) {
	pos, err := getRaw(r, clientIDKey(id))
	if err != nil {
		return nil, err
	}
	if pos == "" {
		return nil, refuse(errcode.NotFound, "no_event", "", "value", id)
	}
	return GetEvent(r, pos)
}

// DeclaredBy returns the error declaration of event id, or "".
func DeclaredBy(r Getter, id string) (string, error) { return getRaw(r, declaredKey(id)) }

// GetCertification returns a certification, or a NotFound error.
func GetCertification(r Getter, id string) (*Certification, error) {
	if !field.IsRecordID(certKind, id) {
		return nil, refuse(errcode.NotFound, "no_cert", "", "id", id)
	}
	var c Certification
	ok, err := module.GetJSON(r, certKey(id), &c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(errcode.NotFound, "no_cert", "", "id", id)
	}
	return &c, nil
}

// CertStatus returns the certification's status at t: revoked (from its
// revocation's block time), not yet valid, expired, or valid.
func CertStatus(c *Certification, t time.Time) string {
	if c.Revoked != nil && !t.Before(mustTime(c.Revoked.Time)) {
		return CertRevoked
	}
	if t.Before(mustTime(c.ValidFrom)) {
		return CertNotYetValid
	}
	if t.After(mustTime(c.ValidUntil)) {
		return CertExpired
	}
	return CertValid
}

// Certifications lists the certifications of a lot or product, in id
// order, each with its status at time at.
func Certifications(r Reader, subject string, at time.Time) ([]CertificationStatus, error) {
	id, err := queryID("subject", subject, KindLot, KindProduct)
	if err != nil {
		return nil, err
	}
	ids, err := module.List(r, certSubList(id.Path))
	if err != nil {
		return nil, err
	}
	out := make([]CertificationStatus, 0, len(ids))
	for _, cid := range ids {
		c, err := GetCertification(r, cid)
		if err != nil {
			return nil, fmt.Errorf("indexed certification %s: %w", cid, err)
		}
		out = append(out, CertificationStatus{Certification: *c, Status: CertStatus(c, at)})
	}
	return out, nil
}

// GetScanSummary returns an item's scan summary (empty when it was never
// scanned).
func GetScanSummary(r Getter, epc string) (*ScanSummary, error) {
	s := &ScanSummary{EPC: epc, Last: []Scan{}, Devices: []string{}, Cities: []string{}}
	if _, err := module.GetJSON(r, scansKey(epc), s); err != nil {
		return nil, err
	}
	return s, nil
}

// ScanSummaryOf returns the scan summary of a commissioned item or drug
// pack.
func ScanSummaryOf(r Getter, epc string) (*ScanSummary, error) {
	o, err := Item(r, epc)
	if err != nil {
		return nil, err
	}
	return GetScanSummary(r, o.EPC)
}

// EventsOf lists the ids of the events that touched an object, lot,
// product or class, in record order.
func EventsOf(r Reader, id string) ([]string, error) {
	return eventsBetween(r, id, "", "")
}

// iterateEvents calls fn with the positions of the events indexed under
// the prefix pfx (an id's trace/evidx list), from start, in record order,
// until fn returns false. On a rule-set-2 chain the index is the node's
// (ADR 0028) and holds every committed block's events: those recorded
// after r's version are not r's and end the list.
func iterateEvents(r Reader, pfx, start []byte, fn func(pos string) bool) error {
	rules, err := rulesOf(r)
	if err != nil {
		return err
	}
	if rules == rules1 {
		return r.Iterate(pfx, start, func(k, _ []byte) bool { return fn(string(k[len(pfx):])) })
	}
	ix, ok := r.(module.IndexReader)
	if !ok {
		return fmt.Errorf("trace: listing events needs the node's local index, which a %T does not read", r)
	}
	last := fmt.Sprintf("%016x", ix.Version())
	return ix.IterateLocal(pfx, start, func(k, _ []byte) bool {
		pos := string(k[len(pfx):])
		if len(pos) < 16 || pos[:16] > last {
			return false
		}
		return fn(pos)
	})
}

// eventsBetween lists the ids of the events of id recorded strictly after
// from and strictly before to ("" for no bound).
func eventsBetween(r Reader, id, from, to string) ([]string, error) {
	pfx := evIdxList(id)
	var start []byte
	if from != "" {
		start = append(slices.Clone(pfx), from...)
	}
	var out []string
	err := iterateEvents(r, pfx, start, func(pos string) bool {
		if to != "" && pos >= to {
			return false
		}
		if pos != from {
			out = append(out, pos)
		}
		return true
	})
	return out, err
}

// LotItems lists the items commissioned in a lot, in key order.
func LotItems(r Reader, lot string) ([]string, error) {
	return module.List(r, lotItemList(lot))
}

// Holdings lists who holds how much of a class, and its open shipments.
func Holdings(r Reader, class string) ([]Holding, []Transits, error) {
	id, err := queryID("class", class, KindLot, KindProduct, KindAsset)
	if err != nil {
		return nil, nil, err
	}
	if !id.Class() {
		return nil, nil, errcode.New(errcode.BadRequest, "class: %s is one asset, not a class", id.Path)
	}
	holders, err := module.List(r, holderList(id.Path))
	if err != nil {
		return nil, nil, err
	}
	out := []Holding{}
	for _, h := range holders {
		uom, org, _ := strings.Cut(h, "#")
		v, err := getRaw(r, qtyKey(id.Path, uom, org))
		if err != nil {
			return nil, nil, err
		}
		out = append(out, Holding{Class: id.Path, UOM: uom, Org: org, Amount: Decimal(v)})
	}
	uoms, err := module.List(r, transitList(id.Path))
	if err != nil {
		return nil, nil, err
	}
	transits := []Transits{}
	for _, uom := range uoms {
		var t Transits
		if _, err := module.GetJSON(r, transitKey(id.Path, uom), &t); err != nil {
			return nil, nil, err
		}
		transits = append(transits, t)
	}
	return out, transits, nil
}

// eventCache loads events once.
type eventCache map[string]*Event

func (c eventCache) get(r Getter, pos string) (*Event, error) {
	if e, ok := c[pos]; ok {
		return e, nil
	}
	e, err := GetEvent(r, pos)
	if err != nil {
		return nil, fmt.Errorf("indexed event %s: %w", pos, err)
	}
	c[pos] = e
	return e, nil
}

// getOrg reads an organisation for a scan page; one the consortium never
// had shows only its id.
func getOrg(r Getter, id string) (*OrgInfo, error) {
	o, ok, err := module.Org(r, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &OrgInfo{ID: id}, nil
	}
	return &OrgInfo{ID: o.ID, Name: o.Name, NameEN: o.NameEN, Active: o.Active}, nil
}

// mustTime parses an RFC 3339 time the chain checked before.
func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// before reports whether t is before the RFC 3339 time s (false when s is
// empty or does not parse).
func before(t time.Time, s string) bool {
	u, err := time.Parse(time.RFC3339, s)
	return err == nil && t.Before(u)
}

// ProductsOf lists the products org owns whose id, name or English name
// contains search (all when empty), in key order: at most limit of them
// after the product id after, and the id to continue after when more
// follow. An empty org lists every organisation's products (for
// overseers). It reads every product record, which a member's hall can
// afford: products are few beside items and events.
func ProductsOf(r Reader, org, search, after string, limit int) ([]Product, string, error) {
	var out []Product
	next := ""
	var start []byte
	if after != "" {
		start = productKey(after)
	}
	var failed error
	err := r.Iterate([]byte(productPrefix+"/"), start, func(k, v []byte) bool {
		id := string(k[len(productPrefix):])
		if id == after {
			return true
		}
		var p Product
		if err := json.Unmarshal(v, &p); err != nil {
			failed = fmt.Errorf("product %s: %w", id, err)
			return false
		}
		if (org != "" && p.Owner != org) || !matches(search, p.ID, p.Name, p.NameEN, p.Brand) {
			return true
		}
		if len(out) == limit {
			next = out[len(out)-1].ID
			return false
		}
		out = append(out, p)
		return true
	})
	if err == nil {
		err = failed
	}
	return out, next, err
}

// ProductLots lists a product's lots, in key order.
func ProductLots(r Reader, product string) ([]Lot, error) {
	ids, err := module.List(r, prodLotList(product))
	if err != nil {
		return nil, err
	}
	out := make([]Lot, 0, len(ids))
	for _, id := range ids {
		l, err := GetLot(r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	return out, nil
}

// matches reports whether any of fields contains search, ignoring case.
func matches(search string, fields ...string) bool {
	search = strings.ToLower(strings.TrimSpace(search))
	if search == "" {
		return true
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), search) {
			return true
		}
	}
	return false
}

// ProductItems lists the items (and drug packs) of a product, in key order.
func ProductItems(r Reader, product string) ([]string, error) {
	return module.List(r, prodItemList(product))
}
