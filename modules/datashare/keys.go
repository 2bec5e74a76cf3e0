package datashare

import (
	"encoding/binary"
	"fmt"

	"github.com/dengta-chain/dengta/tx"
)

// Key layout of the data-sharing module. Every key starts with
// "datashare/". Values are JSON of the wire types in datashareapi unless
// noted. Records, wrapped keys, audit entries, maintenance records and
// the patients' consents are never changed or deleted; grants change
// only their status (and gain consents and a revocation); emergency
// accesses gain their review; devices count their windows and open
// alerts; alerts gain their resolution. Sequence numbers in keys are 16
// lowercase hex digits, so that key order is their order.
//
//	datashare/exchange/<org>                   -> Exchange; the organisation's exchange keys and node address
//	datashare/subject/<subject>                -> Subject; a patient under a pseudonym
//	datashare/subjby/<hospital>/<subject>      -> "1"; a hospital's patients
//	datashare/record/<record>                  -> Record
//	datashare/recby/<owner>/<record>           -> "1"; an owner's records
//	datashare/recsubj/<subject>/<record>       -> "1"; a patient's records
//	datashare/recdev/<device>/<record>         -> "1"; a device's records
//	datashare/window/<device>/<seq>            -> record id; a device's telemetry windows by number
//	datashare/wkey/<record>/<grant>/<key id>   -> datakey.Wrapped; the record's data key for a grantee's exchange key ("-" for the owner's own)
//	datashare/grant/<grant>                    -> GrantRecord
//	datashare/grantby/<owner>/<grant>          -> "1"; grants an owner gave
//	datashare/grantto/<grantee>/<grant>        -> "1"; grants an organisation received
//	datashare/grantsubj/<subject>/<grant>      -> "1"; grants on a patient's records
//	datashare/grantdev/<device>/<grant>        -> "1"; grants on a device's records
//	datashare/standing/<subject or device>     -> JSON list of grant ids; the standing grants on a patient's or device's records that may still cover new ones (handlers cannot iterate)
//	datashare/cover/<record>/<grant>           -> "1"; the grants whose scope holds the record
//	datashare/covered/<grant>/<record>         -> "1"; the records a grant's scope holds
//	datashare/auditseq                         -> last audit sequence number (8 bytes, big-endian)
//	datashare/audit/<seq>                      -> AuditEntry
//	datashare/auditid/<event id>               -> seq (16 hex); an event is recorded once
//	datashare/auditrec/<record>/<seq>          -> "1"; a record's accesses
//	datashare/auditsubj/<subject>/<seq>        -> "1"; accesses to a patient's records
//	datashare/auditdev/<device>/<seq>          -> "1"; accesses to a device's records
//	datashare/auditorg/<org>/<seq>             -> "1"; accesses by an organisation
//	datashare/auditown/<owner>/<seq>           -> "1"; accesses to an owner's records
//	datashare/btg/<id>                         -> BreakGlassRecord; an emergency access
//	datashare/btgown/<owner>/<id>              -> "1"; emergency accesses to an owner's records
//	datashare/btgreq/<org>/<id>                -> "1"; emergency accesses an organisation declared
//	datashare/btgsubj/<subject>/<id>           -> "1"; emergency accesses to a patient's records
//	datashare/btgopen/<owner>/<id>             -> "1"; emergency accesses waiting for review (deleted at review)
//	datashare/device/<device>                  -> Device
//	datashare/devby/<owner>/<device>           -> "1"; an owner's devices
//	datashare/devmaker/<maker>/<device>        -> "1"; a maker's devices
//	datashare/maint/<id>                       -> Maintenance
//	datashare/maintof/<device>/<seq>           -> maintenance id; a device's maintenance in order
//	datashare/maintof/<device>#                -> number of the device's maintenance records (8 bytes, big-endian)
//	datashare/alert/<id>                       -> Alert
//	datashare/alertof/<device>/<seq>           -> alert id; a device's alerts in order
//	datashare/alertof/<device>#                -> number of the device's alerts (8 bytes, big-endian)
//
// Read, never written: organisations (identity/org/<org>, through
// module.ActiveOrg) and member keys (identity/key/<key id>, through
// identity.GetKey), which identity/keys.go owns.
const prefix = "datashare/"

var (
	exchangePrefix  = prefix + "exchange/"
	subjectPrefix   = prefix + "subject/"
	subjByPrefix    = prefix + "subjby/"
	recordPrefix    = prefix + "record/"
	recByPrefix     = prefix + "recby/"
	recSubjPrefix   = prefix + "recsubj/"
	recDevPrefix    = prefix + "recdev/"
	wkeyPrefix      = prefix + "wkey/"
	windowPrefix    = prefix + "window/"
	grantPrefix     = prefix + "grant/"
	grantByPrefix   = prefix + "grantby/"
	grantToPrefix   = prefix + "grantto/"
	grantSubjPrefix = prefix + "grantsubj/"
	grantDevPrefix  = prefix + "grantdev/"
	standingPrefix  = prefix + "standing/"
	coverPrefix     = prefix + "cover/"
	coveredPrefix   = prefix + "covered/"
	auditPrefix     = prefix + "audit/"
	auditIDPrefix   = prefix + "auditid/"
	auditRecPrefix  = prefix + "auditrec/"
	auditSubjPrefix = prefix + "auditsubj/"
	auditDevPrefix  = prefix + "auditdev/"
	auditOrgPrefix  = prefix + "auditorg/"
	auditOwnPrefix  = prefix + "auditown/"
	btgPrefix       = prefix + "btg/"
	btgOwnPrefix    = prefix + "btgown/"
	btgReqPrefix    = prefix + "btgreq/"
	btgSubjPrefix   = prefix + "btgsubj/"
	btgOpenPrefix   = prefix + "btgopen/"
	devicePrefix    = prefix + "device/"
	devByPrefix     = prefix + "devby/"
	devMakerPrefix  = prefix + "devmaker/"
	maintPrefix     = prefix + "maint/"
	maintOfPrefix   = prefix + "maintof/"
	alertPrefix     = prefix + "alert/"
	alertOfPrefix   = prefix + "alertof/"
	keyAuditSeq     = []byte(prefix + "auditseq")
)

// present is the value of pure index entries (the trie holds no empty
// value).
var present = []byte("1")

// ownCopies names the owner's own wrapped keys in wkey keys.
const ownCopies = "-"

func exchangeKey(org string) []byte  { return []byte(exchangePrefix + org) }
func subjectKey(id string) []byte    { return []byte(subjectPrefix + id) }
func subjByKey(h, id string) []byte  { return []byte(subjByPrefix + h + "/" + id) }
func recordKey(id string) []byte     { return []byte(recordPrefix + id) }
func recByKey(o, id string) []byte   { return []byte(recByPrefix + o + "/" + id) }
func recSubjKey(s, id string) []byte { return []byte(recSubjPrefix + s + "/" + id) }
func recDevKey(d, id string) []byte  { return []byte(recDevPrefix + d + "/" + id) }
func windowKey(d string, seq uint64) []byte {
	return []byte(windowPrefix + d + "/" + seqHex(seq))
}
func grantKey(id string) []byte        { return []byte(grantPrefix + id) }
func grantByKey(o, id string) []byte   { return []byte(grantByPrefix + o + "/" + id) }
func grantToKey(o, id string) []byte   { return []byte(grantToPrefix + o + "/" + id) }
func grantSubjKey(s, id string) []byte { return []byte(grantSubjPrefix + s + "/" + id) }
func grantDevKey(d, id string) []byte  { return []byte(grantDevPrefix + d + "/" + id) }
func standingKey(of string) []byte     { return []byte(standingPrefix + of) }
func coverKey(rec, g string) []byte    { return []byte(coverPrefix + rec + "/" + g) }
func coveredKey(g, rec string) []byte  { return []byte(coveredPrefix + g + "/" + rec) }
func auditKey(seq uint64) []byte       { return []byte(auditPrefix + seqHex(seq)) }
func auditIDKey(id string) []byte      { return []byte(auditIDPrefix + id) }
func btgKey(id string) []byte          { return []byte(btgPrefix + id) }
func btgOwnKey(o, id string) []byte    { return []byte(btgOwnPrefix + o + "/" + id) }
func btgReqKey(o, id string) []byte    { return []byte(btgReqPrefix + o + "/" + id) }
func btgSubjKey(s, id string) []byte   { return []byte(btgSubjPrefix + s + "/" + id) }
func btgOpenKey(o, id string) []byte   { return []byte(btgOpenPrefix + o + "/" + id) }
func deviceKey(id string) []byte       { return []byte(devicePrefix + id) }
func devByKey(o, id string) []byte     { return []byte(devByPrefix + o + "/" + id) }
func devMakerKey(m, id string) []byte  { return []byte(devMakerPrefix + m + "/" + id) }
func maintKey(id string) []byte        { return []byte(maintPrefix + id) }
func maintOfKey(d string, n uint64) []byte {
	return []byte(maintOfPrefix + d + "/" + seqHex(n))
}
func alertKey(id string) []byte { return []byte(alertPrefix + id) }
func alertOfKey(d string, n uint64) []byte {
	return []byte(alertOfPrefix + d + "/" + seqHex(n))
}

// wkeyKey is the key of a record's data key wrapped for grant (ownCopies
// for the owner) to key.
func wkeyKey(rec, grant string, key tx.KeyID) []byte {
	return []byte(wkeyPrefix + rec + "/" + grant + "/" + key.String())
}

// wkeysPrefix lists a record's wrapped keys for grant.
func wkeysPrefix(rec, grant string) []byte { return []byte(wkeyPrefix + rec + "/" + grant + "/") }

// auditIndexKey is an index entry of an audit entry under prefix p and
// what it indexes (a record, patient, device or organisation).
func auditIndexKey(p, of string, seq uint64) []byte { return []byte(p + of + "/" + seqHex(seq)) }

func seqHex(n uint64) string { return fmt.Sprintf("%016x", n) }

func putUint64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func getUint64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
