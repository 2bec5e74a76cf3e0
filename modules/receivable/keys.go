package receivable

import "fmt"

// Key layout of the receivable module. Every key starts with "receivable/".
// Values are JSON of the fixed structs in types.go unless noted. Log
// entries are never changed or deleted; receivables, credit lines and
// invoices change in place (status, holder, outstanding and used amounts);
// the index entries follow them and are deleted when they no longer hold.
//
//	receivable/rc/<receivable id>               -> Receivable; roots and every part split from them
//	receivable/log/<receivable id>/<seq, 16 hex> -> LogEntry; transfers, financing, settlements, freezes, seq 1, 2, ...
//	receivable/root/<root id>/<receivable id>   -> "1"; every node of a root's tree, the root included (Lineage)
//	receivable/holder/<org>/<receivable id>     -> "1"; the leaves org holds, settled ones included, cancelled and rejected roots excluded (Portfolio)
//	receivable/pending/<org>/<receivable id>    -> "1"; receivables awaiting org's acceptance (Portfolio's incoming)
//	receivable/obligor/<org>/<root id>          -> "1"; every root org issued, whatever its status (ObligorOutstanding)
//	receivable/finreq/<bank>/<receivable id>    -> seq (decimal) of the pending financing_requested log entry
//	receivable/book/<bank>/<receivable id>      -> seq (decimal) of the financing_approved log entry (FinancedBook)
//	receivable/confreq/<bank>/<root id>         -> seq (decimal) of the standing confirmation_requested log entry (Confirmations)
//	receivable/credit/<obligor>                 -> CreditLine; the obligor's line (授信额度) and outstanding total
//	receivable/invoice/<seller>/<invoice no>    -> Invoice; registered on first use, with the face value it backs;
//	                                               removed when a withdrawn root leaves it backing nothing before the seller accepted one
//	receivable/decision/<proposal id, 16 hex>   -> receivable id (raw); a governance decision carried out (unfreeze_by_decision), once
//
// Who may read each key (ADR 0007; visibility.go, one function per
// rule, which the read endpoints and the hall pages use too). The public
// reads none; regulators and auditors read all of them.
//
//	rc, log, root          MayReadReceivable: the organisations on the lineage of the receivable's root (Parties: the
//	                       obligor; every holder and receiver of any node, now or in its log; the banks that financed a
//	                       part or were asked to, and the holders that asked; the banks asked to confirm the root and
//	                       its confirming bank; the holders paid)
//	holder, pending       MayReadOwn: the organisation the key names (its portfolio)
//	finreq, book, confreq MayReadOwn: the bank the key names (its book and requests)
//	obligor, credit       MayReadCredit: the obligor, every bank (banks set credit lines and assess credit), which is
//	                       also who reads ObligorOutstanding (open roots' totals, the overdue parts of trees the reader
//	                       is party to)
//	invoice               MayReadInvoice: the seller, the buyer (obligor) and the organisations on the lineage of any
//	                       root the invoice backs
//	decision              every member: it names the receivable of a proposal every member reads
//
// RegulatorOverview lists receivable/rc/ as a whole; the other queries
// read only their own index prefix.
//
// Read, never written: the organisations a body names (obligor, receiver,
// bank), identity/org/<org id>, through module.ActiveOrg, which gives their
// roles too; and the governance proposal an unfreeze_by_decision names,
// identity/prop/<id>, through module.Decision (identity/keys.go owns both
// keys).
const prefix = "receivable/"

var (
	rcPrefix      = prefix + "rc/"
	logPrefix     = prefix + "log/"
	rootPrefix    = prefix + "root/"
	holderPrefix  = prefix + "holder/"
	pendingPrefix = prefix + "pending/"
	obligorPrefix = prefix + "obligor/"
	finReqPrefix  = prefix + "finreq/"
	bookPrefix    = prefix + "book/"
	confReqPrefix = prefix + "confreq/"
	decisionPref  = prefix + "decision/"
	creditPrefix  = prefix + "credit/"
	invoicePrefix = prefix + "invoice/"
)

// present is the value of pure index entries (the trie cannot hold an
// empty value).
var present = []byte("1")

func rcKey(id string) []byte { return []byte(rcPrefix + id) }
func logKey(id string, seq uint64) []byte {
	return []byte(fmt.Sprintf("%s%s/%016x", logPrefix, id, seq))
}
func rootIndexKey(root, id string) []byte     { return []byte(rootPrefix + root + "/" + id) }
func holderIndexKey(org, id string) []byte    { return []byte(holderPrefix + org + "/" + id) }
func pendingIndexKey(org, id string) []byte   { return []byte(pendingPrefix + org + "/" + id) }
func obligorIndexKey(org, root string) []byte { return []byte(obligorPrefix + org + "/" + root) }
func finReqKey(bank, id string) []byte        { return []byte(finReqPrefix + bank + "/" + id) }
func bookKey(bank, id string) []byte          { return []byte(bookPrefix + bank + "/" + id) }
func creditKey(obligor string) []byte         { return []byte(creditPrefix + obligor) }
func confReqKey(bank, root string) []byte     { return []byte(confReqPrefix + bank + "/" + root) }
func invoiceKey(seller, no string) []byte     { return []byte(invoicePrefix + seller + "/" + no) }
func decisionKey(proposal uint64) []byte {
	return []byte(fmt.Sprintf("%s%016x", decisionPref, proposal))
}

// ReceivableKey returns the state key of a receivable, for proofs.
func ReceivableKey(id string) []byte { return rcKey(id) }

// LogKey returns the state key of a receivable's log entry, for proofs.
func LogKey(id string, seq uint64) []byte { return logKey(id, seq) }

// CreditLineKey returns the state key of an obligor's credit line.
func CreditLineKey(obligor string) []byte { return creditKey(obligor) }

// InvoiceKey returns the state key of an invoice registered under its
// seller and number.
func InvoiceKey(seller, no string) []byte { return invoiceKey(seller, no) }
