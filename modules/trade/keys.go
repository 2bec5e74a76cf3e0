package trade

import "fmt"

// Key layout of the trade module. Every key starts with "trade/". Values
// are JSON of the records in tradeapi unless noted. History entries
// (steps) and surrenders are never changed or deleted; eBLs, credits,
// presentations and amendments change in place (status, controller,
// amounts), and the index entries follow them.
//
//	trade/ebl/<ref>                   -> EBL; one per transport document reference
//	trade/ebllog/<ref>/<seq, 16 hex>  -> Step; the eBL's signed history, seq 1, 2, ...
//	trade/surrender/<ref>             -> Surrender; written once: an eBL is surrendered at most once
//	trade/eblamend/<ref>/<n, 4 hex>   -> EBLAmendment; the carrier's proposals, n 1, 2, ...
//	trade/ctl/<org>/<ref>             -> "1"; the eBLs org controls: exactly one entry per eBL
//	trade/inbox/<org>/<ref>           -> "1"; eBLs offered to org, awaiting its acceptance
//	trade/carrier/<org>/<ref>         -> "1"; eBLs org issued as carrier
//	trade/sscc/<sscc>/<ref>           -> "1"; eBLs whose containers carry the logistic unit
//	trade/calendar/<bank>             -> Calendar; the bank's time zone and closed days
//	trade/lc/<no>                     -> Credit
//	trade/lclog/<no>/<seq, 16 hex>    -> CreditStep; the credit's history
//	trade/lcamend/<no>/<n, 4 hex>     -> CreditAmendment
//	trade/pres/<no>/<n, 4 hex>        -> Presentation; presentation id <no>-P<n>
//	trade/lcparty/<org>/<no>          -> role; credits org is a party to (applicant, beneficiary, issuing, advising, nominated)
//
// Rule set 2 (genesis.go; chains created by this release) adds the
// commercial invoices in presentations that were not returned: written by
// present_documents, deleted by return_documents, kept once a
// presentation is honoured (the invoice has been drawn on).
//
//	trade/rules                       -> "2"; absent on a chain of rule set 1
//	trade/invoice/<org>/<invoice no>  -> presentation id (raw); the beneficiary's invoice number, in ASCII capitals
//	trade/invfile/<sha256>            -> presentation id (raw); the invoice file, by its SHA-256 (64 lowercase hex digits)
//
// Who may read each key (ADR 0007; visibility.go, one function per
// rule, which the read endpoints and the hall pages use too). The public
// reads none; customs (regulators) and auditors read all of them.
//
//	ebl, ebllog, surrender, eblamend, sscc  MayReadEBL: the bill's parties (EBLParties: carrier, shipper, consignee,
//	                                        last endorsee, controller, the organisation offered it, everyone its
//	                                        history names, and while a bank holds it under a presentation the
//	                                        parties to that credit)
//	lc, lclog, lcamend, pres                MayReadCredit: the credit's parties (applicant, beneficiary, issuing,
//	                                        advising, confirming and nominated banks)
//	ctl, inbox, carrier, lcparty            MayReadOwn: the organisation the key names
//	invoice                                 MayReadOwn: the beneficiary the key names
//	invfile                                 MayReadCredit of the credit of the presentation the value names
//	calendar, rules                         every member: the banking days every party counts deadlines by,
//	                                        the rules every party is held to
//
// Read, never written: the organisations a body names, identity/org/<id>,
// through module.ActiveOrg.
const prefix = "trade/"

const (
	eblPrefix       = prefix + "ebl/"
	eblLogPrefix    = prefix + "ebllog/"
	surrenderPrefix = prefix + "surrender/"
	eblAmendPrefix  = prefix + "eblamend/"
	ctlPrefix       = prefix + "ctl/"
	inboxPrefix     = prefix + "inbox/"
	carrierPrefix   = prefix + "carrier/"
	ssccPrefix      = prefix + "sscc/"
	calendarPrefix  = prefix + "calendar/"
	lcPrefix        = prefix + "lc/"
	lcLogPrefix     = prefix + "lclog/"
	lcAmendPrefix   = prefix + "lcamend/"
	presPrefix      = prefix + "pres/"
	lcPartyPrefix   = prefix + "lcparty/"
	invoicePrefix   = prefix + "invoice/"
	invFilePrefix   = prefix + "invfile/"
)

var rulesKey = []byte(prefix + "rules")

// present is the value of pure index entries (the trie holds no empty
// values).
var present = []byte("1")

func eblKey(ref string) []byte { return []byte(eblPrefix + ref) }
func eblLogKey(ref string, seq uint64) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x", eblLogPrefix, ref, seq))
}
func surrenderKey(ref string) []byte { return []byte(surrenderPrefix + ref) }
func eblAmendKey(ref string, n int) []byte {
	return []byte(fmt.Sprintf("%s%s/%04x", eblAmendPrefix, ref, n))
}
func ctlKey(org, ref string) []byte     { return []byte(ctlPrefix + org + "/" + ref) }
func inboxKey(org, ref string) []byte   { return []byte(inboxPrefix + org + "/" + ref) }
func carrierKey(org, ref string) []byte { return []byte(carrierPrefix + org + "/" + ref) }
func ssccKey(sscc, ref string) []byte   { return []byte(ssccPrefix + sscc + "/" + ref) }
func calendarKey(bank string) []byte    { return []byte(calendarPrefix + bank) }
func lcKey(no string) []byte            { return []byte(lcPrefix + no) }
func lcLogKey(no string, seq uint64) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x", lcLogPrefix, no, seq))
}
func lcAmendKey(no string, n int) []byte {
	return []byte(fmt.Sprintf("%s%s/%04x", lcAmendPrefix, no, n))
}
func presKey(no string, n int) []byte  { return []byte(fmt.Sprintf("%s%s/%04x", presPrefix, no, n)) }
func lcPartyKey(org, no string) []byte { return []byte(lcPartyPrefix + org + "/" + no) }

// invoiceKey is the key of beneficiary org's invoice number no. Invoice
// numbers are compared in ASCII capitals ("inv-7" is "INV-7"); only ASCII
// letters change, so the key is the same whatever Unicode tables a
// release's Go has.
func invoiceKey(org, no string) []byte {
	k := []byte(invoicePrefix + org + "/" + no)
	for i := len(k) - len(no); i < len(k); i++ {
		if 'a' <= k[i] && k[i] <= 'z' {
			k[i] -= 'a' - 'A'
		}
	}
	return k
}
func invFileKey(sha256 string) []byte { return []byte(invFilePrefix + sha256) }

// EBLKey is the state key of an eBL, for proofs.
func EBLKey(ref string) []byte { return eblKey(ref) }

// StepKey is the state key of an eBL's history entry, for proofs.
func StepKey(ref string, seq uint64) []byte { return eblLogKey(ref, seq) }

// SurrenderKey is the state key of an eBL's surrender, for proofs.
func SurrenderKey(ref string) []byte { return surrenderKey(ref) }

// CreditKey is the state key of a credit, for proofs.
func CreditKey(no string) []byte { return lcKey(no) }

// PresentationKey is the state key of a presentation, for proofs.
func PresentationKey(no string, n int) []byte { return presKey(no, n) }

// ControlPrefix is the prefix of the control index of org; with an empty
// org, of every organisation (the invariant checks read it).
func ControlPrefix(org string) []byte {
	if org == "" {
		return []byte(ctlPrefix)
	}
	return []byte(ctlPrefix + org + "/")
}
