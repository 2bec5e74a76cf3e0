// Package receivable is the Dengta module for supply-chain finance
// (供应链金融): digital receivables (数字应收账款凭证, in the manner of a
// bank's receivables chain platform and 中企云链's 云信) that a core
// enterprise issues to its supplier, that the supplier splits (拆分) and
// passes on to its own suppliers or sells to a bank (融资) the same day,
// and that the core enterprise pays at maturity to whoever holds each part
// (兑付).
//
// # Parties
//
// A core enterprise (role core_enterprise) is the obligor (债务人) of the
// receivables it issues. Suppliers (supplier) hold, split and pass them
// on. Banks (bank) set credit lines, confirm the roots they are asked to
// confirm (保兑), finance parts and may hold parts sent to them. A
// regulator (regulator) freezes, and lifts its own freezes; the
// consortium may lift any freeze by a governance decision. Counterparties
// named in a body must be active members of the consortium holding the
// role their part needs (identity/org/<id>).
//
// # Money, rates and dates
//
// Amounts are int64 fen (分), at most MaxFen; no floating point anywhere.
// Rates are annual basis points. Dates are calendar dates YYYY-MM-DD in
// China Standard Time (UTC+8, a fixed zone), taken from the block time;
// durations are whole days between dates. Financing discounts use a
// 360-day year and round down to the fen:
//
//	discount_fen = floor(face_fen * rate_bp * days / (10000 * 360))
//	advance_fen  = face_fen - discount_fen - fee_fen   (must be > 0)
//
// where days runs from the value date (the approval's date) to maturity.
//
// # Lifecycle
//
// set_credit_line (a bank) sets an obligor's credit line (授信额度); it
// cannot be set below what the obligor has outstanding. issue (the core
// enterprise) creates a root with its trade background (贸易背景: contract,
// invoice, delivery document digests) for a supplier, maturing after the
// issue date and at most a year after it. The root counts against the
// credit line from issuance: outstanding is the face value of roots not
// cancelled or rejected, less every settlement. An invoice is registered
// by its first use under its seller and number (invoice numbers, with the
// invoice code, are unique per issuer, and the seller is the receiving
// supplier): buyer the obligor, amount and digest fixed; a later use that
// differs is a conflict, and an invoice never backs more face value than
// its amount (a cancelled or rejected root gives its share back). Another
// seller's invoice of the same number is another invoice. The seller's
// acceptance of a root an invoice backs fixes the registration; until
// then, a rejection or cancellation that leaves it backing nothing
// removes it, so that a buyer cannot hold a seller's invoice number the
// seller refused.
//
// A receivable waiting for acceptance is still held by its sender (the
// issuer of a root, the splitter of a part); its receiver is
// pending_holder. accept (签收) and reject are for the receiver, cancel for
// the sender. A rejected or cancelled root ends (status rejected or
// cancelled) and releases its credit line and invoice; a rejected or
// cancelled part stays with its splitter, active.
//
// Confirmation (保兑) is asked for: request_confirmation (the root's
// holder or its obligor) names one bank, a third party, to confirm an
// accepted, not yet split root before its maturity; one request stands at
// a time. While it stands, only that bank confirms (confirm: it becomes
// the confirming bank, 保兑行, once) or declines (decline_confirmation);
// the organisation that asked may withdraw it (withdraw_confirmation);
// splitting the root ends it (confirmation_lapsed). Parts split from a
// confirmed root carry its confirming bank. A root financed whole can
// still be confirmed: a confirmation moves no value.
//
// split_transfer (the holder) divides an active receivable into up to 50
// parts plus, when the parts do not add up to its face value, a remainder
// kept by the splitter. A part for another organisation (a supplier or a
// bank, never the obligor) waits for its acceptance; a part naming the
// splitter itself is kept at once, which lets a supplier carve out a piece
// to finance. The parent becomes "split" and holds nothing; its parts keep
// the root's obligor, maturity and confirming bank, and their face values
// add up exactly to the parent's.
//
// request_financing (the holder) asks a bank to buy a whole part at a
// discount rate and fee, with or without recourse (有/无追索权); the part is
// "financing_pending" until that bank approves (it pays the advance off
// chain and becomes the holder; the part is "financed" and locked for
// good: it is never split, transferred or financed again, only settled to
// the bank) or declines. Splitting and financing stop on the maturity
// date.
//
// settle (the obligor) pays the holder of an active leaf on or after its
// maturity date, in one or several payments; a split parent is refused
// (its leaves are settled). When the payments reach the face value the
// part is "settled"; they never exceed it.
//
// # Overdue
//
// An active receivable after its maturity date that is not settled in
// full is overdue. The queries derive it from the date they are given
// (EffectiveStatus); besides, every write of a receivable record stores
// it, so a record an action touches after maturity (a partial settlement,
// a freeze, an acceptance...) reads "overdue" in the state. Stored or
// derived, overdue behaves as active for settlement and freezing.
//
// # Frozen
//
// freeze (a regulator, with a reason) sets a receivable's own frozen flag
// and records which regulator set it (frozen_by) and when (frozen_at); it
// locks the receivable and all its descendants: none of them can be
// split, transferred, accepted, financed (requested or approved) or
// settled until the freeze is lifted. Rejecting, cancelling and declining
// stay possible, since they only undo pending steps, and a confirmation is
// not a transfer. Each receivable stores only its own freeze; a root
// counts the frozen nodes of its tree (frozen_nodes) so that a tree
// without any freeze is checked with one read, and the ancestors are read
// only when there is one. Settled, cancelled and rejected receivables
// cannot be frozen, and a frozen one cannot be frozen again.
//
// A freeze is lifted by the regulator that set it (unfreeze): another
// regulator cannot undo it (a court may have ordered it). Otherwise only
// the consortium can, by a governance decision (ADR 0010): an identity
// proposal of kind authorize_action naming receivable/unfreeze_by_decision
// and the receivable, made after the freeze and passed by more than two
// thirds of the organisations, which any member's admin key then carries
// out with unfreeze_by_decision naming the proposal. A decision is carried
// out once (receivable/decision/<proposal id>); the log entry records the
// proposal.
//
// # Who reads what
//
// Receivables are business-confidential (ADR 0007). The public reads
// nothing of the module; regulators and auditors read everything; a
// member reads what it is party to, by one rule per kind of record
// (visibility.go), which the state and proof endpoints, the explorer, the
// read endpoints and the hall pages all apply:
//
//   - a receivable, its log and its whole tree (Lineage, the certificate)
//     are read by the organisations on the lineage of its root: the
//     obligor, every holder and receiver of any part, now or in a log, the
//     banks that financed a part or were asked to, the banks asked to
//     confirm the root and its confirming bank. A supplier that holds one
//     part sees its siblings: the tree is one trade's, and each part's
//     value is only understood with the others';
//   - an organisation's portfolio, a bank's financing book and the
//     confirmation requests standing for it are read by that organisation;
//   - an obligor's credit line and its debt (ObligorOutstanding) are read by
//     the obligor and by every bank, which assess its credit before
//     financing its paper; the debt view shows a bank the overdue parts of
//     only the trees it is party to;
//   - an invoice is read by its seller, its buyer and the organisations on
//     the lineage of a root it backs;
//   - the overview of every receivable is for regulators and auditors.
//
// A transaction's body is read by its signer's organisation, by those
// who oversee, by the organisations it names (the receiver of an issue or
// a part, the bank asked to finance or confirm) and by those who may read
// the receivable it acts on. Refusals are decided before a record is
// read: a member that is not a party gets unauthorized whether or not the
// receivable exists.
//
// # Records and keys
//
// Receivable ids are deterministic:
//
//	"RC" + yyyymmdd + "-" + hex(SHA-256("dengta/receivable/v1" 0 issuer 0 TXHASH 0 index)[:10])
//
// with the issuer the obligor (index 0) for a root and the splitter
// (index 1, 2, ... in part order, the remainder last) for parts. Every
// step is appended to the receivable's log (transfers, splits, financing,
// confirmations, settlements, freezes), numbered from 1. keys.go documents
// the whole state layout, with indexes by root, holder, receiver, obligor
// and bank so that the queries (Portfolio, Lineage, ObligorOutstanding,
// FinancedBook, Confirmations, RegulatorOverview) are prefix scans.
package receivable
