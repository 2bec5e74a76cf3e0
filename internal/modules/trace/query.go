package trace

import (
	"fmt"
	"slices"
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

// queryID parses an identifier given to a query, answering BadRequest.
func queryID(name, s string, kinds ...string) (ID, error) {
	id, err := parseKind(name, s, kinds...)
	if err != nil {
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
	if err := module.GetRecord(r, productKey(pid.Path), &p, "no product %s is registered", pid.Path); err != nil {
		return nil, err
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
	if err := module.GetRecord(r, lotKey(lid.Path), &l, "no lot %s is registered", lid.Path); err != nil {
		return nil, err
	}
	return &l, nil
}

// GetLocation returns a location by its path or GLN, or a NotFound error.
func GetLocation(r Getter, id string) (*Location, error) {
	p, err := ParseLocation("location", id)
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
	}
	var l Location
	if err := module.GetRecord(r, locKey(p), &l, "no location %s is registered", p); err != nil {
		return nil, err
	}
	return &l, nil
}

// Item returns the current state of an item, drug pack or container, or a
// NotFound error when it was never commissioned.
func Item(r Getter, epc string) (*Object, error) {
	id, err := queryID("epc", epc, KindItem, KindDrug, KindContainer)
	if err != nil {
		return nil, err
	}
	var o Object
	if err := module.GetRecord(r, objKey(id.Path), &o, "%s was never commissioned on this chain", id.Path); err != nil {
		return nil, err
	}
	return &o, nil
}

// GetEvent returns an event by its chain id, or a NotFound error.
func GetEvent(r Getter, id string) (*Event, error) {
	if !posPattern.MatchString(id) {
		return nil, notFound("no event %q (event ids are 24 lowercase hex digits)", id)
	}
	var e Event
	if err := module.GetRecord(r, eventKey(id), &e, "no event %s", id); err != nil {
		return nil, err
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
		return nil, notFound("no event with event_id %q", id)
	}
	return GetEvent(r, pos)
}

// DeclaredBy returns the error declaration of event id, or "".
func DeclaredBy(r Getter, id string) (string, error) { return getRaw(r, declaredKey(id)) }

// GetCertification returns a certification, or a NotFound error.
func GetCertification(r Getter, id string) (*Certification, error) {
	if !field.IsRecordID(certKind, id) {
		return nil, notFound("no certification %q (certification ids look like CT20260101-0123456789ABCDEF0123)", id)
	}
	var c Certification
	if err := module.GetRecord(r, certKey(id), &c, "no certification %s is registered", id); err != nil {
		return nil, err
	}
	return &c, nil
}

// Status returns the certification's status at t: revoked (from its
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
	s := &ScanSummary{EPC: epc, Last: []Scan{}, Devices: []string{}, Locations: []string{}}
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

// EventsOf lists the ids of the events that touched an object or lot, in
// record order.
func EventsOf(r Reader, id string) ([]string, error) {
	return module.List(r, evIdxList(id))
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
	err := r.Iterate(pfx, start, func(k, _ []byte) bool {
		pos := string(k[len(pfx):])
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
	// The key is the prefix, the lot and the item's path, which starts
	// with "/"; list under "<lot>/" and keep that slash.
	pfx := lotItemList(lot)
	var out []string
	err := r.Iterate(pfx, nil, func(k, _ []byte) bool {
		out = append(out, string(k[len(pfx)-1:]))
		return true
	})
	return out, err
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
