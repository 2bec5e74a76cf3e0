// Package charity is the Dengta module for charity transparency (公益慈善):
// registered charitable organisations file projects with budget lines,
// receive donations of money and in kind, pass funds on to other
// charities, pay suppliers and beneficiary institutions, who sign for what
// they receive, and report; the civil-affairs regulator (民政) registers
// the charities, approves their projects' filings and watches the alerts.
// Every fen of every donation can be followed to what it paid for, and the
// public can check the totals.
//
// # Parties
//
// The civil-affairs regulator (role civil_affairs) registers a member
// holding the charity role with its registration number, legal form and
// public fundraising qualification (register_org); that opens the
// charity's general fund, GF-<org>, the pool of its unrestricted
// donations. The charity files projects (file_project): goal, budget
// lines (program, management or fundraising), period and report interval;
// the regulator approves them under a filing number (approve_project),
// after which they take donations until their end date.
//
// Donors hold no key. A donation is recorded by the receiving charity, or
// by a payment channel member (payment_channel) for any charity with the
// public fundraising qualification; the donor gets a receipt number and a
// QR code. On chain the donor is only a salted hash: see DonorHash in
// charityapi and ADR 0011. Suppliers (supplier) are paid; beneficiary
// institutions (beneficiary: schools, villages, hospitals) receive and
// sign (accept, or dispute with a reason); auditors (auditor) file audit
// reports.
//
// # Money and the allocation rule
//
// Money is int64 fen. A project's money sits in queues: one per budget
// line, for money restricted to that line, and one project-level queue,
// for money restricted to the project but to none of its lines (a general
// fund has only that one). Each queue is an axis of fen: a donation or an
// incoming transfer appends the range [total, total+amount) and keeps it
// for good. Spending takes money in FIFO order from the queue's cursor:
//
//  1. A disbursement or grant against line L takes from L's queue first
//     (restricted money is used first), then from the project-level queue.
//  2. Within a queue it takes the oldest unspent fen first, stepping over
//     the refunded ranges ahead of the cursor.
//
// A spending record keeps the ranges it took (at most MaxHoles+1 per
// queue, usually one), and the queue keeps an index of sources and of
// spendings by where their ranges end. So every fen of every disbursement
// is assigned to exactly one donation (or incoming transfer), and a
// donation's trail is the spendings whose ranges meet its own. A
// transaction's work does not depend on how many donations it touches: a
// disbursement paid by ten thousand donations of one yuan writes one range.
// Grants are transfers: the granted ranges enter the receiving project as
// one source, whose own spendings continue the trail.
//
// A refund returns part or all of a donation's unspent money to its donor:
// it takes the last fen of the donation's own range, which becomes a hole
// the cursor steps over. A queue keeps at most MaxHoles holes ahead of its
// cursor (refunds made in FIFO order leave none); see ADR 0011 for the
// bounds.
//
// Invariants, checked by the model-based tests after every block: a queue
// never spends more than entered it (cursor + holes <= total); no budget
// line spends more than its budget; restricted money is spent only on its
// line or project; every project's balance (donations - refunds +
// transfers in - transfers out - disbursements) equals the unspent money
// of its queues; value is conserved to the fen across transfers (each
// transfer's ranges sum to its amount and to its source in the receiver);
// and every donation's trail adds up to its amount.
//
// # In kind
//
// An in-kind donation lists items with quantities and a valuation; the
// charity hands quantities of an item to beneficiary institutions
// (distribute), each of which signs for it. The valuation of what is
// handed on is floor(value * handed / quantity) cumulated per item, so
// that a fully handed item accounts for its whole value, to the fen.
//
// # Closing
//
// close_project ends a project; its unspent balance, if any, passes to
// another open project named by the charity (a transfer of kind balance,
// as the Charity Law's article 57 provides for residual funds), so that a
// closed project holds nothing and the donors' trails continue there.
// Donors whose money should come back are refunded before closing.
//
// # Oversight
//
// The regulator's view derives, from the block date: progress reports
// overdue (every ReportEveryDays from the start or the last report), final
// reports overdue (FinalReportDueDays after the end or closure), projects
// past their period and still open, management lines spending more than
// ManagementLimitBP of the total, deliveries not signed for after
// AcceptanceDueDays, disputed deliveries, and grants not confirmed after
// GrantConfirmDueDays.
//
// # Records and keys
//
// Record ids are deterministic: field.RecordID with the prefixes CP
// (project), DN (donation: the receipt number), GT (transfer), DB
// (disbursement) and RF (refund), over the transaction's hash and the
// record's index in it. keys.go documents the whole state layout.
package charity
