package credential

import (
	"fmt"
	"math"
	"strconv"
)

// Key layout of the credential module. Every key starts with "credential/".
// Values are JSON of the records in credentialapi unless noted. Types,
// drafts, anchors, list changes, status entries and uses are never changed
// or deleted (an anchor's status field follows its status entries); keys,
// authorisations and lists change in place (revoked, periods, counters).
//
//	credential/type/<type>                           -> Type; registered by a governance decision, never changed
//	credential/draft/<type>/<hash>                   -> Draft; a submitted definition, hash its SHA-256
//	credential/issuer/<type>/<org>                   -> IssuerAuth; the periods org may issue type
//	credential/issuerof/<org>/<type>                 -> "1"; the types org was ever authorised for
//	credential/key/<org>/<kid>                       -> Key; a verification method of org's DID document, kid its thumbprint
//	credential/keys/<org>                            -> decimal count of org's active keys
//	credential/lists/<org>                           -> decimal count of org's status lists
//	credential/list/<org>/<n, 8 hex>                 -> List; status list n of org (1, 2, ...)
//	credential/bits/<org>/<n>/<purpose>/<c, 4 hex>   -> raw 1024 bytes: chunk c of the purpose's bits; absent: all zero
//	credential/listlog/<org>/<n>/<purpose>/<v, 8 hex> -> ListChange; the purpose's change v (1, 2, ...)
//	credential/slot/<org>/<n>/<index, 8 hex>         -> hex hash of the credential holding the entry
//	credential/cred/<hash>                           -> Anchor; hash is the hex SHA-256 of the issuer-signed JWT
//	credential/credlog/<hash>/<seq, 4 hex>           -> StatusEntry; the credential's status changes
//	credential/issued/<org>/<inverted height, 16 hex>/<hash> -> "1"; org's anchors, newest first
//	credential/recog/<org>/<type>                    -> Recognition; org's mutual recognition list
//	credential/uses/<org>                            -> decimal count of org's recorded uses
//	credential/use/<org>/<inverted seq, 16 hex>      -> Use; newest first
//	credential/decision/<proposal id, 16 hex>        -> the action that carried the decision out; once
//
// Read, never written: organisations (identity/org/<id>) through
// module.ActiveOrg, and governance proposals (identity/prop/<id>) through
// module.Decision.
const prefix = "credential/"

const (
	typePrefix     = prefix + "type/"
	draftPrefix    = prefix + "draft/"
	issuerPrefix   = prefix + "issuer/"
	issuerOfPrefix = prefix + "issuerof/"
	keyPrefix      = prefix + "key/"
	keysPrefix     = prefix + "keys/"
	listsPrefix    = prefix + "lists/"
	listPrefix     = prefix + "list/"
	bitsPrefix     = prefix + "bits/"
	listLogPrefix  = prefix + "listlog/"
	slotPrefix     = prefix + "slot/"
	credPrefix     = prefix + "cred/"
	credLogPrefix  = prefix + "credlog/"
	issuedPrefix   = prefix + "issued/"
	recogPrefix    = prefix + "recog/"
	usesPrefix     = prefix + "uses/"
	usePrefix      = prefix + "use/"
	decisionPrefix = prefix + "decision/"
)

// present is the value of pure index entries (the trie holds no empty
// values).
var present = []byte("1")

func typeKey(id string) []byte           { return []byte(typePrefix + id) }
func draftKey(id, hash string) []byte    { return []byte(draftPrefix + id + "/" + hash) }
func issuerKey(typ, org string) []byte   { return []byte(issuerPrefix + typ + "/" + org) }
func issuerOfKey(org, typ string) []byte { return []byte(issuerOfPrefix + org + "/" + typ) }
func keyKey(org, kid string) []byte      { return []byte(keyPrefix + org + "/" + kid) }
func keysKey(org string) []byte          { return []byte(keysPrefix + org) }
func listsKey(org string) []byte         { return []byte(listsPrefix + org) }
func listKey(org string, n int) []byte   { return []byte(fmt.Sprintf("%s%s/%08x", listPrefix, org, n)) }
func bitsKey(org string, n int, purpose string, chunk int) []byte {
	return []byte(fmt.Sprintf("%s%s/%08x/%s/%04x", bitsPrefix, org, n, purpose, chunk))
}
func listLogKey(org string, n int, purpose string, v int) []byte {
	return []byte(fmt.Sprintf("%s%s/%08x/%s/%08x", listLogPrefix, org, n, purpose, v))
}
func listLogPrefixOf(org string, n int, purpose string) []byte {
	return []byte(fmt.Sprintf("%s%s/%08x/%s/", listLogPrefix, org, n, purpose))
}
func slotKey(org string, n, index int) []byte {
	return []byte(fmt.Sprintf("%s%s/%08x/%08x", slotPrefix, org, n, index))
}
func credKey(hash string) []byte { return []byte(credPrefix + hash) }
func credLogKey(hash string, seq int) []byte {
	return []byte(fmt.Sprintf("%s%s/%04x", credLogPrefix, hash, seq))
}
func issuedKey(org string, height int64, hash string) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x/%s", issuedPrefix, org, uint64(math.MaxInt64-height), hash))
}
func recogKey(org, typ string) []byte { return []byte(recogPrefix + org + "/" + typ) }
func usesKey(org string) []byte       { return []byte(usesPrefix + org) }
func useKey(org string, seq int) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x", usePrefix, org, uint64(math.MaxInt64-int64(seq))))
}
func decisionKey(id uint64) []byte { return []byte(fmt.Sprintf("%s%016x", decisionPrefix, id)) }

// The state keys of records, for proofs.

// TypeKey is the state key of a registered type.
func TypeKey(id string) []byte { return typeKey(id) }

// IssuerKey is the state key of an organisation's authorisation for a type.
func IssuerKey(typ, org string) []byte { return issuerKey(typ, org) }

// KeyKey is the state key of an organisation's signing key.
func KeyKey(org, kid string) []byte { return keyKey(org, kid) }

// ListKey is the state key of a status list.
func ListKey(org string, n int) []byte { return listKey(org, n) }

// AnchorKey is the state key of a credential's anchor.
func AnchorKey(hash string) []byte { return credKey(hash) }

// RecognitionKey is the state key of a recognition entry.
func RecognitionKey(org, typ string) []byte { return recogKey(org, typ) }

// ActiveKeysKey is the state key of the number of an organisation's
// active (not revoked) signing keys.
func ActiveKeysKey(org string) []byte { return keysKey(org) }

// ParseCount decodes a counter's value (absent, nil: 0).
func ParseCount(b []byte) (int, error) {
	if b == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("counter value %q is not a count", b)
	}
	return n, nil
}

// KeyPrefix is the prefix of an organisation's signing keys.
func KeyPrefix(org string) []byte { return []byte(keyPrefix + org + "/") }
