package charity

import "fmt"

// Key layout of the charity module. Every key starts with "charity/".
// Values are JSON of the wire types in charityapi unless noted. Queue ids
// are <project>/<line>, with "_" for the project-level queue; positions
// on a queue's axis are written as 20 decimal digits, so that key order is
// axis order. Donations, transfers, disbursements, acceptances, refunds,
// reports and revisions are never changed or deleted, except a donation's
// refund and distribution totals; projects and queues change in place;
// the awaiting and unconfirmed index entries are deleted when they no
// longer hold.
//
//	charity/org/<org>                         -> Org; a registered charity
//	charity/regno/<registration no>           -> org id; registration numbers are unique
//	charity/project/<project>                 -> Project; projects and general funds (GF-<org>)
//	charity/owner/<org>/<project>             -> "1"; the projects and general fund of org
//	charity/filing/<filing no>                -> project id; filing numbers are unique
//	charity/queue/<queue>                     -> Queue; total, cursor and holes of a queue
//	charity/src/<queue>/<end>                 -> Source; the donation or transfer that entered [start, end)
//	charity/spend/<queue>/<end>               -> Spend; the disbursement or transfer that spent [start, end)
//	charity/donation/<receipt>                -> Donation
//	charity/dons/<project>/<seq, 16 hex>      -> receipt; the project's donations in order
//	charity/chref/<org>/<sha256 of ref>       -> receipt; channel references org recorded
//	charity/transfer/<id>                     -> Transfer
//	charity/tin/<project>/<seq, 16 hex>       -> transfer id; transfers into the project in order
//	charity/tout/<project>/<seq, 16 hex>      -> transfer id; transfers out of the project in order
//	charity/confirm/<transfer id>             -> Confirmation
//	charity/unconfirmed/<org>/<transfer id>   -> "1"; transfers to org it has not confirmed
//	charity/disb/<id>                         -> Disbursement; money paid or items handed on
//	charity/disbs/<project>/<seq, 16 hex>     -> disbursement id; the project's disbursements in order
//	charity/paid/<org>/<disbursement id>      -> "1"; disbursements that paid org
//	charity/accept/<disbursement id>          -> Acceptance; the beneficiary's signature
//	charity/awaiting/<org>/<disbursement id>  -> "1"; deliveries waiting for org to sign
//	charity/disputed/<disbursement id>        -> "1"; deliveries their beneficiary disputed
//	charity/ikd/<receipt>/<disbursement id>   -> "1"; the distributions of an in-kind donation
//	charity/refund/<id>                       -> Refund
//	charity/report/<project>/<seq, 16 hex>    -> Report
//	charity/revision/<project>/<seq, 16 hex>  -> Revision
//
// Read, never written: the organisations a body names,
// identity/org/<org id>, through module.ActiveOrg (identity/keys.go owns
// the key).
const prefix = "charity/"

var (
	orgPrefix         = prefix + "org/"
	regNoPrefix       = prefix + "regno/"
	projectPrefix     = prefix + "project/"
	ownerPrefix       = prefix + "owner/"
	filingPrefix      = prefix + "filing/"
	queuePrefix       = prefix + "queue/"
	srcPrefix         = prefix + "src/"
	spendPrefix       = prefix + "spend/"
	donationPrefix    = prefix + "donation/"
	donsPrefix        = prefix + "dons/"
	chrefPrefix       = prefix + "chref/"
	transferPrefix    = prefix + "transfer/"
	tinPrefix         = prefix + "tin/"
	toutPrefix        = prefix + "tout/"
	confirmPrefix     = prefix + "confirm/"
	unconfirmedPrefix = prefix + "unconfirmed/"
	disbPrefix        = prefix + "disb/"
	disbsPrefix       = prefix + "disbs/"
	paidPrefix        = prefix + "paid/"
	acceptPrefix      = prefix + "accept/"
	awaitingPrefix    = prefix + "awaiting/"
	disputedPrefix    = prefix + "disputed/"
	ikdPrefix         = prefix + "ikd/"
	refundPrefix      = prefix + "refund/"
	reportPrefix      = prefix + "report/"
	revisionPrefix    = prefix + "revision/"
)

// present is the value of pure index entries (the trie holds no empty
// value).
var present = []byte("1")

// pos writes a position on a queue's axis so that key order is axis order.
func pos(n int64) string { return fmt.Sprintf("%020d", n) }

// seq writes a list position so that key order is list order.
func seq(n int64) string { return fmt.Sprintf("%016x", n) }

func orgKey(org string) []byte               { return []byte(orgPrefix + org) }
func regNoKey(no string) []byte              { return []byte(regNoPrefix + no) }
func projectKey(id string) []byte            { return []byte(projectPrefix + id) }
func ownerKey(org, project string) []byte    { return []byte(ownerPrefix + org + "/" + project) }
func filingKey(no string) []byte             { return []byte(filingPrefix + no) }
func queueKey(q string) []byte               { return []byte(queuePrefix + q) }
func srcKey(q string, end int64) []byte      { return []byte(srcPrefix + q + "/" + pos(end)) }
func spendKey(q string, end int64) []byte    { return []byte(spendPrefix + q + "/" + pos(end)) }
func donationKey(receipt string) []byte      { return []byte(donationPrefix + receipt) }
func donsKey(project string, n int64) []byte { return []byte(donsPrefix + project + "/" + seq(n)) }
func chrefKey(org, refHash string) []byte    { return []byte(chrefPrefix + org + "/" + refHash) }
func transferKey(id string) []byte           { return []byte(transferPrefix + id) }
func tinKey(project string, n int64) []byte  { return []byte(tinPrefix + project + "/" + seq(n)) }
func toutKey(project string, n int64) []byte {
	return []byte(toutPrefix + project + "/" + seq(n))
}
func confirmKey(transfer string) []byte { return []byte(confirmPrefix + transfer) }
func unconfirmedKey(org, transfer string) []byte {
	return []byte(unconfirmedPrefix + org + "/" + transfer)
}
func disbKey(id string) []byte                 { return []byte(disbPrefix + id) }
func disbsKey(project string, n int64) []byte  { return []byte(disbsPrefix + project + "/" + seq(n)) }
func paidKey(org, id string) []byte            { return []byte(paidPrefix + org + "/" + id) }
func acceptKey(id string) []byte               { return []byte(acceptPrefix + id) }
func awaitingKey(org, id string) []byte        { return []byte(awaitingPrefix + org + "/" + id) }
func disputedKey(id string) []byte             { return []byte(disputedPrefix + id) }
func ikdKey(receipt, id string) []byte         { return []byte(ikdPrefix + receipt + "/" + id) }
func refundKey(id string) []byte               { return []byte(refundPrefix + id) }
func reportKey(project string, n int64) []byte { return []byte(reportPrefix + project + "/" + seq(n)) }
func revisionKey(project string, n int64) []byte {
	return []byte(revisionPrefix + project + "/" + seq(n))
}

// The keys a proof of a record names, for the API, the pages and the
// trail's proof bundle.

// OrgKey returns the state key of a registered charity.
func OrgKey(org string) []byte { return orgKey(org) }

// ProjectKey returns the state key of a project or general fund.
func ProjectKey(id string) []byte { return projectKey(id) }

// QueueKey returns the state key of a queue.
func QueueKey(q string) []byte { return queueKey(q) }

// DonationKey returns the state key of a donation.
func DonationKey(receipt string) []byte { return donationKey(receipt) }

// TransferKey returns the state key of a transfer.
func TransferKey(id string) []byte { return transferKey(id) }

// ConfirmationKey returns the state key of a transfer's confirmation.
func ConfirmationKey(id string) []byte { return confirmKey(id) }

// DisbursementKey returns the state key of a disbursement.
func DisbursementKey(id string) []byte { return disbKey(id) }

// AcceptanceKey returns the state key of a disbursement's acceptance.
func AcceptanceKey(id string) []byte { return acceptKey(id) }

// RefundKey returns the state key of a refund.
func RefundKey(id string) []byte { return refundKey(id) }
