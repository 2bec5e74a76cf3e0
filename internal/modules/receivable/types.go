package receivable

import "github.com/dengta-chain/dengta/internal/module"

// Amounts are int64 fen (分, 1/100 yuan); rates are basis points.
const (
	// MaxFen bounds every amount: 10^15 fen, ten trillion yuan. Sums of
	// amounts that each respect it, and the discount's intermediate
	// product, are computed without overflow.
	MaxFen int64 = 1_000_000_000_000_000
	// MaxRateBP is the highest annual discount rate: 100%.
	MaxRateBP = 10_000
	// MaxParts is the largest number of parts one split_transfer may send.
	MaxParts = 50
	// MaxDeliveryDocs is the largest number of delivery document digests
	// a trade background may carry.
	MaxDeliveryDocs = 20
	// LongTermDays is the term beyond which the regulator's overview lists
	// a receivable (six months).
	LongTermDays = 183
	// DayCountBasis is the days in a year of the discount formula.
	DayCountBasis = 360
)

// Receivable statuses. "overdue" is also derived at query time (see
// EffectiveStatus); it is stored when an action writes an active
// receivable after its maturity date.
const (
	StatusPendingAcceptance = "pending_acceptance" // waiting for PendingHolder to accept or reject
	StatusActive            = "active"             // held by Holder; may be split, financed, settled at maturity
	StatusFinancingPending  = "financing_pending"  // the holder asked FinancingBank to finance it
	StatusSplit             = "split"              // value moved to its children; no longer held
	StatusSettled           = "settled"            // paid in full by the obligor
	StatusOverdue           = "overdue"            // active after its maturity date, not fully paid
	StatusCancelled         = "cancelled"          // a root withdrawn by its issuer before acceptance
	StatusRejected          = "rejected"           // a root its receiver refused
)

// Statuses lists every status, in the order the overview reports them.
var Statuses = []string{StatusPendingAcceptance, StatusActive, StatusFinancingPending, StatusSplit,
	StatusOverdue, StatusSettled, StatusCancelled, StatusRejected}

// Log entry kinds.
const (
	KindIssued             = "issued"    // a root: obligor -> supplier, pending acceptance
	KindOffered            = "offered"   // a part created by a split for another organisation
	KindKept               = "kept"      // a part created by a split for the splitter itself
	KindAccepted           = "accepted"  // the receiver took the pending receivable
	KindRejected           = "rejected"  // the receiver refused it
	KindCancelled          = "cancelled" // the sender withdrew it
	KindConfirmed          = "confirmed" // a bank confirmed the root (保兑)
	KindSplit              = "split"     // the receivable was divided into its children
	KindFinancingRequested = "financing_requested"
	KindFinancingApproved  = "financing_approved"
	KindFinancingDeclined  = "financing_declined"
	KindSettled            = "settled" // a payment by the obligor
	KindFrozen             = "frozen"
	KindUnfrozen           = "unfrozen"
)

// Party is who signed an action: the organisation and its key.
type Party = module.Party

// Trade is a root receivable's trade background (贸易背景): the contract,
// the invoice and the delivery documents (digests only; files stay off
// chain).
type Trade struct {
	ContractNo        string   `json:"contract_no"`
	InvoiceNo         string   `json:"invoice_no"`
	InvoiceAmountFen  int64    `json:"invoice_amount_fen"`
	InvoiceSHA256     string   `json:"invoice_sha256"`
	DeliveryDocHashes []string `json:"delivery_doc_hashes"`
}

// Receivable is a digital receivable (数字应收账款凭证): a root issued by a
// core enterprise, or a part split from one. Its id, root, parent,
// obligor, face value, dates and trade background never change.
type Receivable struct {
	ID       string `json:"id"`
	RootID   string `json:"root_id"`             // itself for a root
	ParentID string `json:"parent_id,omitempty"` // empty for a root
	Obligor  string `json:"obligor"`             // the core enterprise that pays at maturity
	// Holder owns the value now. A root waiting for acceptance is held by
	// its issuer; a part waiting for acceptance by its splitter. A split
	// receivable keeps the holder that split it, for the record.
	Holder         string `json:"holder"`
	PendingHolder  string `json:"pending_holder,omitempty"`  // the receiver while status is pending_acceptance
	ConfirmingBank string `json:"confirming_bank,omitempty"` // 保兑行; copied from the root to its parts
	FaceFen        int64  `json:"face_fen"`
	SettledFen     int64  `json:"settled_fen"`
	IssueDate      string `json:"issue_date"`    // the root's issue date, YYYY-MM-DD (CST)
	MaturityDate   string `json:"maturity_date"` // the root's maturity date, YYYY-MM-DD
	Status         string `json:"status"`
	// Frozen is the regulator's own freeze of this receivable; a freeze
	// also locks every descendant (see Frozen in doc.go).
	Frozen       bool   `json:"frozen"`
	FreezeReason string `json:"freeze_reason,omitempty"`
	// FrozenNodes, on a root only, counts the nodes of its tree whose own
	// Frozen is set, so that unfrozen trees are checked in one read.
	FrozenNodes int  `json:"frozen_nodes,omitempty"`
	Financed    bool `json:"financed"` // sold to FinancingBank; locked
	// FinancingBank is the bank of the pending request or of the approved
	// financing; FinancingSeq the log entry of that request or approval.
	FinancingBank string   `json:"financing_bank,omitempty"`
	FinancingSeq  uint64   `json:"financing_seq,omitempty"`
	Trade         *Trade   `json:"trade,omitempty"`    // root only
	Children      []string `json:"children,omitempty"` // the parts it was split into, in order
	LogLen        uint64   `json:"log_len"`            // the last seq of its log
	CreatedBy     Party    `json:"created_by"`
	Height        int64    `json:"height"`  // creation
	Time          string   `json:"time"`    // creation, RFC 3339 in China Standard Time
	TxHash        string   `json:"tx_hash"` // creation, uppercase hex
}

// IsRoot reports whether r was issued rather than split from another.
func (r *Receivable) IsRoot() bool { return r.ParentID == "" }

// CreditLine is an obligor's credit line (授信额度) with its outstanding
// total: the face value of its roots that are issued and not cancelled or
// rejected, less every settlement.
type CreditLine struct {
	Obligor        string `json:"obligor"`
	LimitFen       int64  `json:"limit_fen"`
	OutstandingFen int64  `json:"outstanding_fen"`
	SetBy          Party  `json:"set_by"` // the bank that set the limit last
	Height         int64  `json:"height"`
	Time           string `json:"time"`
	TxHash         string `json:"tx_hash"`
}

// Invoice is an invoice registered by its first use as trade background.
// UsedFen is the face value of the live roots (not cancelled or rejected)
// it backs; it never exceeds AmountFen.
type Invoice struct {
	InvoiceNo string `json:"invoice_no"`
	Seller    string `json:"seller"` // the supplier the first root went to
	Buyer     string `json:"buyer"`  // the obligor
	AmountFen int64  `json:"amount_fen"`
	SHA256    string `json:"sha256"`
	UsedFen   int64  `json:"used_fen"`
	FirstUse  string `json:"first_use"` // root id
	Height    int64  `json:"height"`
	Time      string `json:"time"`
}

// Transfer is the body of issued, offered, kept, accepted, rejected and
// cancelled log entries.
type Transfer struct {
	From      string `json:"from"`
	To        string `json:"to"`
	AmountFen int64  `json:"amount_fen"`
}

// Part is one child of a split.
type Part struct {
	ID        string `json:"id"`
	To        string `json:"to"`
	AmountFen int64  `json:"amount_fen"`
	Remainder bool   `json:"remainder,omitempty"` // the value no part named, kept by the splitter
}

// Split is the body of a split log entry.
type Split struct {
	Parts []Part `json:"parts"`
}

// Financing is the body of the financing log entries (保理融资/贴现): the
// terms quoted at the request and fixed at the approval.
//
//	days         = maturity_date - value_date, in whole days
//	discount_fen = floor(amount_fen * rate_bp * days / (10000 * 360))
//	advance_fen  = amount_fen - discount_fen - fee_fen
type Financing struct {
	Bank         string `json:"bank"`
	Applicant    string `json:"applicant"`  // the holder that sold the part
	AmountFen    int64  `json:"amount_fen"` // the part's face value
	RateBP       int    `json:"rate_bp"`    // annual discount rate, basis points
	FeeFen       int64  `json:"fee_fen"`
	Recourse     bool   `json:"recourse"` // 有追索权: the applicant answers if the obligor does not pay
	ValueDate    string `json:"value_date"`
	MaturityDate string `json:"maturity_date"`
	Days         int64  `json:"days"`
	DiscountFen  int64  `json:"discount_fen"`
	AdvanceFen   int64  `json:"advance_fen"`
}

// Settlement is the body of a settled log entry (兑付).
type Settlement struct {
	Payer        string `json:"payer"` // the obligor
	Payee        string `json:"payee"` // the holder paid
	AmountFen    int64  `json:"amount_fen"`
	SettledFen   int64  `json:"settled_fen"` // after this payment
	RemainingFen int64  `json:"remaining_fen"`
	Date         string `json:"date"`
}

// LogEntry is one entry of a receivable's append-only log.
type LogEntry struct {
	ReceivableID string      `json:"receivable_id"`
	Seq          uint64      `json:"seq"`
	Kind         string      `json:"kind"`
	Transfer     *Transfer   `json:"transfer,omitempty"`
	Split        *Split      `json:"split,omitempty"`
	Financing    *Financing  `json:"financing,omitempty"`
	Settlement   *Settlement `json:"settlement,omitempty"`
	Reason       string      `json:"reason,omitempty"` // of a rejection, freeze or unfreeze
	By           Party       `json:"by"`
	Height       int64       `json:"height"`
	Time         string      `json:"time"`
	TxHash       string      `json:"tx_hash"`
}

// Action bodies.

type creditBody struct {
	Obligor  string `json:"obligor"`
	LimitFen *int64 `json:"limit_fen"`
}

type tradeBody struct {
	ContractNo        string   `json:"contract_no"`
	InvoiceNo         string   `json:"invoice_no"`
	InvoiceAmountFen  int64    `json:"invoice_amount_fen"`
	InvoiceSHA256     string   `json:"invoice_sha256"`
	DeliveryDocHashes []string `json:"delivery_doc_hashes"`
}

type issueBody struct {
	To           string     `json:"to"`
	FaceFen      int64      `json:"face_fen"`
	MaturityDate string     `json:"maturity_date"`
	Trade        *tradeBody `json:"trade"`
}

type idBody struct {
	ID string `json:"id"`
}

type reasonBody struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type partBody struct {
	To        string `json:"to"`
	AmountFen int64  `json:"amount_fen"`
}

type splitBody struct {
	ID    string     `json:"id"`
	Parts []partBody `json:"parts"`
}

type financingBody struct {
	ID       string `json:"id"`
	Bank     string `json:"bank"`
	RateBP   *int   `json:"rate_bp"`
	FeeFen   *int64 `json:"fee_fen"`
	Recourse *bool  `json:"recourse"`
}

type settleBody struct {
	ID        string `json:"id"`
	AmountFen int64  `json:"amount_fen"`
}

// Action results (Context.SetResult).

type creditResult struct {
	Obligor        string `json:"obligor"`
	LimitFen       int64  `json:"limit_fen"`
	OutstandingFen int64  `json:"outstanding_fen"`
}

type statusResult struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Holder string `json:"holder"`
	Seq    uint64 `json:"seq"` // the log entry written
}

type splitResult struct {
	ID       string   `json:"id"`
	Children []string `json:"children"`
}

type financingResult struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Seq         uint64 `json:"seq"`
	Days        int64  `json:"days"`
	DiscountFen int64  `json:"discount_fen"`
	FeeFen      int64  `json:"fee_fen"`
	AdvanceFen  int64  `json:"advance_fen"`
}

type settleResult struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Seq          uint64 `json:"seq"`
	SettledFen   int64  `json:"settled_fen"`
	RemainingFen int64  `json:"remaining_fen"`
}
