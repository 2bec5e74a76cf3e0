package trace

import "fmt"

// Key layout of the trace module. Every key starts with "trace/". Values
// are JSON of the fixed structs in types.go unless noted. Identifiers are
// canonical paths that start with "/" (see ids.go), so a key is the kind's
// prefix followed directly by the id, e.g.
// trace/obj/01/09521234543213/21/ser1. Serials and lot numbers never
// contain '/', so among items, drug packs, containers and lots,
// "<prefix><id>/" never prefixes the keys of another id. A product's id
// does prefix its lots' and items' ids, so the one index that holds both
// products and lots (certsub) separates the subject with '#', which no id
// contains.
// <pos> is an event's id: 16 hex digits of the block height and 8 of the
// event's index among the trace events of that block, so that key order is
// record order.
//
// Records:
//
//	trace/product<product id>               -> Product; unique, never changed
//	trace/lot<lot id>                       -> Lot; changed once, by its first recall
//	trace/loc<location id>                  -> Location; unique, never changed
//	trace/obj<epc>                          -> Object; current state of an item, drug pack or container
//	trace/event/<pos>                       -> Event; never changed
//	trace/cert/<certification id>           -> Certification; changed once, by its revocation
//	trace/scans<epc>                        -> ScanSummary of an item or drug pack
//
// Indexes (values "1" unless noted; every one resolves to a record):
//
//	trace/evidx<id>/<pos>                   -> "1"; event pos touched object or lot id (lists, parent, children, inputs, outputs)
//	trace/lotitem<lot id><epc>              -> "1"; item epc was commissioned in the lot
//	trace/input<id>/<pos>                   -> "1"; transformation pos consumed lot or item id
//	trace/output<id>/<pos>                  -> "1"; transformation pos produced lot or item id
//	trace/certsub<subject>#<cert id>        -> "1"; certifications of a lot or product
//	trace/clientid/<client event id>        -> pos (raw); the event that declared this event_id
//	trace/declared/<pos>                    -> pos (raw) of the error declaration of event pos
//
// Counter:
//
//	trace/seq                               -> raw 24 hex digits: the height of the last event and the next index in that block
//
// Read, never written: the organisations events name as sources and
// destinations (module.ActiveOrg) and the producers and sellers a scan
// page shows (module.Org), identity/org/<org id> (identity/keys.go owns
// the key).
const prefix = "trace/"

var (
	productPrefix  = prefix + "product"
	lotPrefix      = prefix + "lot"
	locPrefix      = prefix + "loc"
	objPrefix      = prefix + "obj"
	eventPrefix    = prefix + "event/"
	certPrefix     = prefix + "cert/"
	scansPrefix    = prefix + "scans"
	evIdxPrefix    = prefix + "evidx"
	lotItemPrefix  = prefix + "lotitem"
	inputPrefix    = prefix + "input"
	outputPrefix   = prefix + "output"
	certSubPrefix  = prefix + "certsub"
	clientIDPrefix = prefix + "clientid/"
	declaredPrefix = prefix + "declared/"
	seqKey         = []byte(prefix + "seq")
)

// present is the value of pure index entries (the trie cannot hold an
// empty value).
var present = []byte("1")

func productKey(id string) []byte { return []byte(productPrefix + id) }
func lotKey(id string) []byte     { return []byte(lotPrefix + id) }
func locKey(id string) []byte     { return []byte(locPrefix + id) }
func objKey(epc string) []byte    { return []byte(objPrefix + epc) }
func eventKey(pos string) []byte  { return []byte(eventPrefix + pos) }
func certKey(id string) []byte    { return []byte(certPrefix + id) }
func scansKey(epc string) []byte  { return []byte(scansPrefix + epc) }

func evIdxKey(id, pos string) []byte    { return []byte(evIdxPrefix + id + "/" + pos) }
func evIdxList(id string) []byte        { return []byte(evIdxPrefix + id + "/") }
func lotItemKey(lot, epc string) []byte { return []byte(lotItemPrefix + lot + epc) }
func lotItemList(lot string) []byte     { return []byte(lotItemPrefix + lot + "/") }
func inputKey(id, pos string) []byte    { return []byte(inputPrefix + id + "/" + pos) }
func inputList(id string) []byte        { return []byte(inputPrefix + id + "/") }
func outputKey(id, pos string) []byte   { return []byte(outputPrefix + id + "/" + pos) }
func outputList(id string) []byte       { return []byte(outputPrefix + id + "/") }
func certSubKey(subject, id string) []byte {
	return []byte(certSubPrefix + subject + "#" + id)
}
func certSubList(subject string) []byte { return []byte(certSubPrefix + subject + "#") }
func clientIDKey(id string) []byte      { return []byte(clientIDPrefix + id) }
func declaredKey(pos string) []byte     { return []byte(declaredPrefix + pos) }

// eventPos formats an event's id from its block height and index.
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
