package trace

import "fmt"

// Key layout of the trace module. Every key starts with "trace/". Values
// are JSON of the fixed structs in traceapi unless noted. Identifiers are
// canonical paths that start with "/" (see ids.go), so a record's key is
// its kind's prefix followed directly by the id, e.g.
// trace/obj/01/09521234543213/21/ser1. An id may prefix another's (a
// product its lots and items, a GLN its sub-locations), so every index
// that lists entries under an id separates the id from the entry with
// '#', which no canonical id contains (a path escapes it).
// <pos> is an event's id: 16 hex digits of the block height and 8 of the
// event's index among the trace events of that block, so that key order is
// record order.
//
// Records:
//
//	trace/prefix/<scheme>/<digits>          -> Prefix; a GS1 company prefix (gs1) or drug code prefix (drug) and its owner; never changed
//	trace/product<product id>               -> Product; unique, changed once, by its first recall
//	trace/lot<lot id>                       -> Lot; changed once, by its first recall
//	trace/loc<location id>                  -> Location (/414/<gln>[/254/<ext>]); unique, never changed
//	trace/party<party id>                   -> PartyGLN (/417/<gln>); unique, never changed
//	trace/obj<epc>                          -> Object; current state of an item, drug pack, container or asset
//	trace/event/<pos>                       -> Event; never changed
//	trace/cert/<certification id>           -> Certification; changed once, by its revocation
//	trace/scans<epc>                        -> ScanSummary of an item or drug pack
//	trace/qty<class>#<uom>#<org>            -> decimal text: how much of a class an organisation holds (deleted at zero)
//	trace/transit<class>#<uom>              -> Transits: the class's open shipments (deleted when none is left)
//
// Indexes (values "1" unless noted; every one resolves to a record):
//
//	trace/prefixpart/<scheme>/<digits>      -> "1"; a longer assigned prefix starts with these digits
//	trace/evidx<id>#<pos>                   -> "1"; event pos touched object, lot, product or class id
//	trace/lotitem<lot id>#<epc>             -> "1"; item epc was commissioned in the lot
//	trace/proditem<product id>#<epc>        -> "1"; item epc is of the product
//	trace/prodlot<product id>#<lot id>      -> "1"; the lot is of the product
//	trace/input<id>#<pos>                   -> "1"; transformation pos consumed lot, product or item id
//	trace/output<id>#<pos>                  -> "1"; transformation pos produced lot, product or item id
//	trace/holder<class>#<uom>#<org>         -> "1"; the organisation holds some of the class (beside trace/qty, for listing)
//	trace/certsub<subject>#<cert id>        -> "1"; certifications of a lot or product
//	trace/clientid/<client event id>        -> pos (raw); the event that declared this event_id
//	trace/digest/<org>#<digest>             -> pos (raw); the event of this organisation with this content digest
//	trace/declared/<pos>                    -> pos (raw) of the error declaration of event pos
//
// Counter:
//
//	trace/seq                               -> raw 24 hex digits: the height of the last event and the next index in that block
//
// Rule set (genesis.go):
//
//	trace/rules                             -> "2" on a chain of rule set 2; absent on a chain of rule set 1
//
// On a chain of rule set 2, trace/evidx is not state: the same entries
// are the node's local index (module.Context.Index, ADR 0028), and every
// event record (trace/event/<pos>) keeps the ids it is indexed under as
// "touched", from which Reindex rebuilds them.
//
// Read, never written: the organisations events name as sources and
// destinations and that prefixes are assigned to (module.ActiveOrg), and
// the producers and sellers a scan page shows (module.Org),
// identity/org/<org id> (identity/keys.go owns the key).
const prefix = "trace/"

var (
	prefixPrefix     = prefix + "prefix/"
	prefixPartPrefix = prefix + "prefixpart/"
	productPrefix    = prefix + "product"
	lotPrefix        = prefix + "lot"
	locPrefix        = prefix + "loc"
	partyPrefix      = prefix + "party"
	objPrefix        = prefix + "obj"
	eventPrefix      = prefix + "event/"
	certPrefix       = prefix + "cert/"
	scansPrefix      = prefix + "scans"
	qtyPrefix        = prefix + "qty"
	transitPrefix    = prefix + "transit"
	evIdxPrefix      = prefix + "evidx"
	lotItemPrefix    = prefix + "lotitem"
	prodItemPrefix   = prefix + "proditem"
	prodLotPrefix    = prefix + "prodlot"
	inputPrefix      = prefix + "input"
	outputPrefix     = prefix + "output"
	holderPrefix     = prefix + "holder"
	certSubPrefix    = prefix + "certsub"
	clientIDPrefix   = prefix + "clientid/"
	digestPrefix     = prefix + "digest/"
	declaredPrefix   = prefix + "declared/"
	seqKey           = []byte(prefix + "seq")
	rulesKey         = []byte(prefix + "rules")
)

// present is the value of pure index entries (the trie cannot hold an
// empty value).
var present = []byte("1")

func prefixKey(scheme, digits string) []byte { return []byte(prefixPrefix + scheme + "/" + digits) }
func prefixPartKey(scheme, digits string) []byte {
	return []byte(prefixPartPrefix + scheme + "/" + digits)
}
func productKey(id string) []byte { return []byte(productPrefix + id) }
func lotKey(id string) []byte     { return []byte(lotPrefix + id) }
func locKey(id string) []byte     { return []byte(locPrefix + id) }
func partyKey(id string) []byte   { return []byte(partyPrefix + id) }
func objKey(epc string) []byte    { return []byte(objPrefix + epc) }
func eventKey(pos string) []byte  { return []byte(eventPrefix + pos) }
func certKey(id string) []byte    { return []byte(certPrefix + id) }
func scansKey(epc string) []byte  { return []byte(scansPrefix + epc) }
func qtyKey(class, uom, org string) []byte {
	return []byte(qtyPrefix + class + "#" + uom + "#" + org)
}
func transitKey(class, uom string) []byte { return []byte(transitPrefix + class + "#" + uom) }

func evIdxKey(id, pos string) []byte      { return []byte(evIdxPrefix + id + "#" + pos) }
func evIdxList(id string) []byte          { return []byte(evIdxPrefix + id + "#") }
func lotItemKey(lot, epc string) []byte   { return []byte(lotItemPrefix + lot + "#" + epc) }
func lotItemList(lot string) []byte       { return []byte(lotItemPrefix + lot + "#") }
func prodItemKey(prod, epc string) []byte { return []byte(prodItemPrefix + prod + "#" + epc) }
func prodItemList(prod string) []byte     { return []byte(prodItemPrefix + prod + "#") }
func prodLotKey(prod, lot string) []byte  { return []byte(prodLotPrefix + prod + "#" + lot) }
func prodLotList(prod string) []byte      { return []byte(prodLotPrefix + prod + "#") }
func inputKey(id, pos string) []byte      { return []byte(inputPrefix + id + "#" + pos) }
func inputList(id string) []byte          { return []byte(inputPrefix + id + "#") }
func outputKey(id, pos string) []byte     { return []byte(outputPrefix + id + "#" + pos) }
func outputList(id string) []byte         { return []byte(outputPrefix + id + "#") }
func holderKey(class, uom, org string) []byte {
	return []byte(holderPrefix + class + "#" + uom + "#" + org)
}
func holderList(class string) []byte { return []byte(holderPrefix + class + "#") }
func certSubKey(subject, id string) []byte {
	return []byte(certSubPrefix + subject + "#" + id)
}
func certSubList(subject string) []byte          { return []byte(certSubPrefix + subject + "#") }
func clientIDKey(id string) []byte               { return []byte(clientIDPrefix + id) }
func digestKey(org, digest string) []byte        { return []byte(digestPrefix + org + "#" + digest) }
func declaredKey(pos string) []byte              { return []byte(declaredPrefix + pos) }
func transitList(class string) []byte            { return []byte(transitPrefix + class + "#") }
func eventPos(height int64, index uint32) string { return fmt.Sprintf("%016x%08x", height, index) }

// ObjectKey returns the state key of an object's current state, for proofs.
func ObjectKey(epc string) []byte { return objKey(epc) }

// EventKey returns the state key of an event, for proofs.
func EventKey(id string) []byte { return eventKey(id) }

// LotKey returns the state key of a lot, for proofs.
func LotKey(id string) []byte { return lotKey(id) }

// ProductKey returns the state key of a product, for proofs.
func ProductKey(id string) []byte { return productKey(id) }

// CertificationKey returns the state key of a certification, for proofs.
func CertificationKey(id string) []byte { return certKey(id) }
