// Package notary is the Dengta module for judicial evidence preservation
// (司法存证) and copyright registration (著作权登记), in the manner of the
// judicial chains of the Chinese internet courts: a party preserves the
// digests of a file on chain when it obtains it, and later proves in court,
// with a proof bundle checked offline, that the file existed in that form
// at that time and was deposited by that organisation.
//
// # Evidence (存证)
//
// deposit records a file's SHA-256 and SM3 digests with its name, size,
// media type, kind of evidence and, for captured material such as a web
// page (网页取证), how and when it was captured. The file itself never goes
// on chain. The record's id (存证编号) is deterministic:
//
//	"EV" + yyyymmdd + "-" + hex(SHA-256("dengta/evidence/v1" 0 org 0 sha256 0 sm3)[:10])
//
// with the date of the block in China Standard Time (UTC+8, a fixed zone,
// never the node's local zone). Depositing the same file again from the
// same organisation is harmless: the transaction succeeds, writes nothing
// and answers the existing id with "existing": true. Another organisation
// depositing the same file gets its own record. A deposit may supplement
// an earlier record (补充证据); the supplements of a record can be listed.
//
// batch_deposit records the root of an RFC 6962 SHA-256 Merkle tree over
// many items (for example a day's chat messages), so that each item can be
// proven later with an inclusion path against the batch record's
// "merkle_root" and "size".
//
// # Copyright (版权)
//
// register_work registers a work for the signer's organisation, which
// becomes its owner. The first registration of a file (by SHA-256) has
// status "registered". A later registration of the same file by another
// organisation is not refused but recorded as "disputed" (权属争议), naming
// the first registration in "conflicts_with"; it opens a dispute between
// the two (a Dispute record, indexed under the first work), and the event
// notary.work_conflict is emitted, so that a court or notary can take it
// up. An organisation cannot register the same file twice.
//
// transfer_work (著作权转让) and license_work (著作权许可) are for the
// current owner and append to the work's log, numbered from 1. Exclusive
// licences (独占许可) of a work may not overlap in time.
//
// While a dispute stands, neither of its registrations (the disputed one
// and the first one it conflicts with) is transferred or licensed
// exclusively; non-exclusive licences take nothing from the other party
// and remain possible. A work counts the disputes it is party to that
// stand (open_disputes). A dispute ends in one of two ways, each naming
// the prevailing registration: a court's judgment (resolve_dispute, role
// court, with the case number), or a settlement of the two owners, one
// proposing (propose_settlement, which replaces any earlier proposal) and
// the other accepting that very proposal (accept_settlement, naming its
// log entry). The registration that did not prevail lost (lost_to) and is
// never transferred or licensed again. The resolution is appended to both
// works' logs (dispute_resolved; proposals to the disputed one's,
// settlement_proposed) and kept in the Dispute record, which turns
// "resolved"; the registrations' statuses, set at registration, do not
// change.
//
// Nothing is deleted or overwritten: the only values that change after
// they are written are a work's current owner and dispute standing (and
// its log length), and an open dispute (its proposal, then its
// resolution). keys.go
// documents the state layout; the exported Get*, Find*, and listing
// functions read it for the gateway, and EvidenceKey, BatchKey, WorkKey and
// WorkLogKey name the keys to prove.
package notary
