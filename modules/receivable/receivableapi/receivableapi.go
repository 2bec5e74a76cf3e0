// Package receivableapi is the supply-chain finance module's wire: the
// roles it declares, its signed actions with their bodies and results, its
// records, and the answers of its read endpoints. The state machine, the
// API, the pages, the CLI, the bench and the SDK's callers all use these
// types.
package receivableapi

import (
	"encoding/json"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "receivable"

// CoreEnterprise is the role the module declares: the obligor of
// supply-chain receivables (the common roles supplier, bank and regulator
// take part too). The string is stored on chain: never rename.
const CoreEnterprise role.Role = "core_enterprise"

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{{Role: CoreEnterprise, ZH: "核心企业", EN: "Core enterprise"}}

// The actions of the module.
var (
	SetCreditLine        = api.Action[CreditBody, CreditResult]{Module: Name, Name: "set_credit_line", Doc: "set a core enterprise's credit line (授信额度) in fen; it bounds the face value it has outstanding"}
	Issue                = api.Action[IssueBody, StatusResult]{Module: Name, Name: "issue", Doc: "issue a digital receivable (应收账款凭证) to a supplier, backed by a contract, an invoice and delivery documents"}
	Accept               = api.Action[IDBody, StatusResult]{Module: Name, Name: "accept", Doc: "accept a receivable or part sent to the organisation (签收)"}
	Reject               = api.Action[ReasonBody, StatusResult]{Module: Name, Name: "reject", Doc: "refuse a receivable or part sent to the organisation; a part goes back to its sender"}
	Cancel               = api.Action[IDBody, StatusResult]{Module: Name, Name: "cancel", Doc: "withdraw a receivable or part the organisation sent, before it is accepted"}
	RequestConfirmation  = api.Action[ConfirmationBody, StatusResult]{Module: Name, Name: "request_confirmation", Doc: "ask one bank to confirm (保兑) an accepted root receivable; for its holder or its obligor"}
	WithdrawConfirmation = api.Action[IDBody, StatusResult]{Module: Name, Name: "withdraw_confirmation", Doc: "withdraw the organisation's standing confirmation request"}
	DeclineConfirmation  = api.Action[ReasonBody, StatusResult]{Module: Name, Name: "decline_confirmation", Doc: "decline a confirmation request made to the bank"}
	Confirm              = api.Action[IDBody, StatusResult]{Module: Name, Name: "confirm", Doc: "confirm a root receivable (保兑) as the bank its holder or obligor asked, while the request stands"}
	SplitTransfer        = api.Action[SplitBody, SplitResult]{Module: Name, Name: "split_transfer", Doc: "split a held receivable (拆分) into parts sent to suppliers or banks, keeping the remainder"}
	RequestFinancing     = api.Action[FinancingBody, FinancingResult]{Module: Name, Name: "request_financing", Doc: "ask a bank to finance (融资) a held receivable at a discount rate and fee"}
	ApproveFinancing     = api.Action[IDBody, FinancingResult]{Module: Name, Name: "approve_financing", Doc: "finance a receivable as requested: pay the advance and become its holder"}
	DeclineFinancing     = api.Action[IDBody, FinancingResult]{Module: Name, Name: "decline_financing", Doc: "decline a financing request"}
	Settle               = api.Action[SettleBody, SettleResult]{Module: Name, Name: "settle", Doc: "pay the holder of a receivable at or after maturity (兑付), in full or in part"}
	Freeze               = api.Action[ReasonBody, StatusResult]{Module: Name, Name: "freeze", Doc: "freeze a receivable and its parts (冻结): no transfer, financing or settlement"}
	Unfreeze             = api.Action[ReasonBody, StatusResult]{Module: Name, Name: "unfreeze", Doc: "lift a freeze the organisation set itself"}
	UnfreezeByDecision   = api.Action[DecisionBody, StatusResult]{Module: Name, Name: "unfreeze_by_decision", Doc: "lift a freeze as a passed governance proposal (identity/propose kind authorize_action naming this action and the receivable) decided; any member's admin key carries it out"}
)

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
	KindConfirmed          = "confirmed" // the bank asked confirmed the root (保兑)
	KindSplit              = "split"     // the receivable was divided into its children
	KindFinancingRequested = "financing_requested"
	KindFinancingApproved  = "financing_approved"
	KindFinancingDeclined  = "financing_declined"
	KindSettled            = "settled" // a payment by the obligor
	KindFrozen             = "frozen"
	KindUnfrozen           = "unfrozen" // by the freezing regulator, or by a governance decision (proposal_id)
	// Confirmation requests: the holder or obligor asks one bank; the
	// request ends when that bank confirms or declines, when its maker
	// withdraws it, or when the root is split (lapsed).
	KindConfirmationRequested = "confirmation_requested"
	KindConfirmationWithdrawn = "confirmation_withdrawn"
	KindConfirmationDeclined  = "confirmation_declined"
	KindConfirmationLapsed    = "confirmation_lapsed"
)

// LogKinds lists every kind of log entry.
var LogKinds = []string{KindIssued, KindOffered, KindKept, KindAccepted, KindRejected, KindCancelled, KindConfirmed,
	KindSplit, KindFinancingRequested, KindFinancingApproved, KindFinancingDeclined, KindSettled, KindFrozen, KindUnfrozen,
	KindConfirmationRequested, KindConfirmationWithdrawn, KindConfirmationDeclined, KindConfirmationLapsed}

// Party is who signed an action: the organisation and its key.
type Party = module.Party

// Trade is a root receivable's trade background (贸易背景): the contract,
// the invoice and the delivery documents (digests only; files stay off
// chain).
type Trade struct {
	ContractNo string `json:"contract_no"`
	// InvoiceSeller is the invoice's issuer: the supplier the root was
	// issued to. Invoices are registered by seller and number.
	InvoiceSeller     string   `json:"invoice_seller"`
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
	// ConfirmationBank, on a root, is the bank its holder or obligor asked
	// to confirm it while that request stands; ConfirmationSeq is the log
	// entry of the request.
	ConfirmationBank string `json:"confirmation_bank,omitempty"`
	ConfirmationSeq  uint64 `json:"confirmation_seq,omitempty"`
	FaceFen          int64  `json:"face_fen"`
	SettledFen       int64  `json:"settled_fen"`
	IssueDate        string `json:"issue_date"`    // the root's issue date, YYYY-MM-DD (CST)
	MaturityDate     string `json:"maturity_date"` // the root's maturity date, YYYY-MM-DD
	Status           string `json:"status"`
	// Frozen is a regulator's own freeze of this receivable; a freeze
	// also locks every descendant (see Frozen in doc.go). FrozenBy is the
	// regulator that set it, the only organisation that may lift it
	// (besides a governance decision); FrozenAt the height it was set.
	Frozen       bool   `json:"frozen"`
	FreezeReason string `json:"freeze_reason,omitempty"`
	FrozenBy     string `json:"frozen_by,omitempty"`
	FrozenAt     int64  `json:"frozen_at,omitempty"`
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

// Invoice is an invoice registered by its first use as trade background,
// under its seller (the issuer, who numbers its own invoices) and number.
// UsedFen is the face value of the live roots (not cancelled or rejected)
// it backs; it never exceeds AmountFen. The registration is fixed once
// the seller accepts a receivable it backs (SellerAccepted); until then a
// registration left backing nothing by a rejection or cancellation is
// removed, so that a buyer cannot hold a seller's invoice number.
type Invoice struct {
	InvoiceNo      string `json:"invoice_no"`
	Seller         string `json:"seller"` // the issuer: the supplier the roots go to
	Buyer          string `json:"buyer"`  // the obligor
	AmountFen      int64  `json:"amount_fen"`
	SHA256         string `json:"sha256"`
	UsedFen        int64  `json:"used_fen"`
	SellerAccepted bool   `json:"seller_accepted"`
	FirstUse       string `json:"first_use"` // root id
	Height         int64  `json:"height"`
	Time           string `json:"time"`
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
	Reason       string      `json:"reason,omitempty"`      // of a rejection, freeze, unfreeze or declined confirmation
	Bank         string      `json:"bank,omitempty"`        // of a confirmation entry: the bank asked, or that confirmed
	ProposalID   uint64      `json:"proposal_id,omitempty"` // of an unfreeze carried out by a governance decision
	By           Party       `json:"by"`
	Height       int64       `json:"height"`
	Time         string      `json:"time"`
	TxHash       string      `json:"tx_hash"`
}

// Action bodies.

type CreditBody struct {
	Obligor  string `json:"obligor"`
	LimitFen *int64 `json:"limit_fen"`
}

type TradeBody struct {
	ContractNo        string   `json:"contract_no"`
	InvoiceNo         string   `json:"invoice_no"`
	InvoiceAmountFen  int64    `json:"invoice_amount_fen"`
	InvoiceSHA256     string   `json:"invoice_sha256"`
	DeliveryDocHashes []string `json:"delivery_doc_hashes"`
}

type IssueBody struct {
	To           string     `json:"to"`
	FaceFen      int64      `json:"face_fen"`
	MaturityDate string     `json:"maturity_date"`
	Trade        *TradeBody `json:"trade"`
}

type IDBody struct {
	ID string `json:"id"`
}

type ReasonBody struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type PartBody struct {
	To        string `json:"to"`
	AmountFen int64  `json:"amount_fen"`
}

type SplitBody struct {
	ID    string     `json:"id"`
	Parts []PartBody `json:"parts"`
}

type FinancingBody struct {
	ID       string `json:"id"`
	Bank     string `json:"bank"`
	RateBP   *int   `json:"rate_bp"`
	FeeFen   *int64 `json:"fee_fen"`
	Recourse *bool  `json:"recourse"`
}

type SettleBody struct {
	ID        string `json:"id"`
	AmountFen int64  `json:"amount_fen"`
}

// ConfirmationBody asks a bank to confirm a root receivable.
type ConfirmationBody struct {
	ID   string `json:"id" doc:"a root receivable id"`
	Bank string `json:"bank" doc:"the bank asked to confirm it (保兑行)"`
}

// DecisionBody carries out a governance decision on a receivable.
type DecisionBody struct {
	ID         string `json:"id"`
	ProposalID uint64 `json:"proposal_id" doc:"the passed identity proposal of kind authorize_action naming this action and the receivable"`
	Reason     string `json:"reason,omitempty" doc:"a note; the proposal's reason is the decision's"`
}

// Action results (Context.SetResult).

type CreditResult struct {
	Obligor        string `json:"obligor"`
	LimitFen       int64  `json:"limit_fen"`
	OutstandingFen int64  `json:"outstanding_fen"`
}

type StatusResult struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Holder string `json:"holder"`
	Seq    uint64 `json:"seq"` // the log entry written
}

type SplitResult struct {
	ID       string   `json:"id"`
	Children []string `json:"children"`
}

type FinancingResult struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Seq         uint64 `json:"seq"`
	Days        int64  `json:"days"`
	DiscountFen int64  `json:"discount_fen"`
	FeeFen      int64  `json:"fee_fen"`
	AdvanceFen  int64  `json:"advance_fen"`
}

type SettleResult struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Seq          uint64 `json:"seq"`
	SettledFen   int64  `json:"settled_fen"`
	RemainingFen int64  `json:"remaining_fen"`
}

// Holding is a receivable as a query shows it on a date: its effective
// status (overdue derived from the date) and the freeze that locks it, if
// any (itself or an ancestor).
type Holding struct {
	Receivable
	EffectiveStatus string `json:"effective_status"`
	LockedBy        string `json:"locked_by,omitempty"`
}

// StatusTotal counts receivables of one (effective) status.
type StatusTotal struct {
	Status     string `json:"status"`
	Count      int    `json:"count"`
	FaceFen    int64  `json:"face_fen"`
	SettledFen int64  `json:"settled_fen"`
}

// PortfolioView is what an organisation holds: the leaf receivables it
// holds (including those it sent and that await acceptance, those under
// financing review and those settled) and those sent to it.
type PortfolioView struct {
	Holder   string        `json:"holder"`
	Date     string        `json:"date"`
	Leaves   []Holding     `json:"leaves"`   // in id order
	Incoming []Holding     `json:"incoming"` // waiting for the holder's acceptance
	ByStatus []StatusTotal `json:"by_status"`
	// FaceFen and SettledFen sum the leaves; OpenFen is what remains to
	// be paid to the holder: face less settled of the leaves it holds.
	FaceFen     int64 `json:"face_fen"`
	SettledFen  int64 `json:"settled_fen"`
	OpenFen     int64 `json:"open_fen"`
	IncomingFen int64 `json:"incoming_fen"`
}

// LineageNode is one receivable of a root's tree, for drawing it.
type LineageNode struct {
	ID            string   `json:"id"`
	ParentID      string   `json:"parent_id,omitempty"`
	Children      []string `json:"children,omitempty"`
	Depth         int      `json:"depth"` // 0 for the root
	Holder        string   `json:"holder"`
	PendingHolder string   `json:"pending_holder,omitempty"`
	FaceFen       int64    `json:"face_fen"`
	SettledFen    int64    `json:"settled_fen"`
	Status        string   `json:"status"` // effective on the date
	Frozen        bool     `json:"frozen"` // its own freeze
	LockedBy      string   `json:"locked_by,omitempty"`
	Financed      bool     `json:"financed"`
	FinancingBank string   `json:"financing_bank,omitempty"`
}

// LineageView is a root's whole tree in pre-order (a node, then each
// child's subtree in the order of Children).
type LineageView struct {
	RootID         string        `json:"root_id"`
	Obligor        string        `json:"obligor"`
	ConfirmingBank string        `json:"confirming_bank,omitempty"`
	IssueDate      string        `json:"issue_date"`
	MaturityDate   string        `json:"maturity_date"`
	Date           string        `json:"date"`
	Nodes          []LineageNode `json:"nodes"`
	// Leaves, LeafFaceFen and SettledFen sum the leaves; LeafFaceFen
	// always equals the root's face value.
	Leaves      int   `json:"leaves"`
	LeafFaceFen int64 `json:"leaf_face_fen"`
	SettledFen  int64 `json:"settled_fen"`
}

// RootSummary is a root receivable with the totals of its tree.
type RootSummary struct {
	ID             string `json:"id"`
	Obligor        string `json:"obligor"`
	Status         string `json:"status"` // the root's effective status ("split" once divided)
	FaceFen        int64  `json:"face_fen"`
	SettledFen     int64  `json:"settled_fen"` // paid on all its leaves
	OpenFen        int64  `json:"open_fen"`    // face less settled; 0 when cancelled or rejected
	Leaves         int    `json:"leaves"`
	IssueDate      string `json:"issue_date"`
	MaturityDate   string `json:"maturity_date"`
	TermDays       int64  `json:"term_days"`
	ConfirmingBank string `json:"confirming_bank,omitempty"`
}

// ObligorView is a core enterprise's debt: its credit line, outstanding
// total and the roots not yet paid in full.
type ObligorView struct {
	Obligor        string        `json:"obligor"`
	Date           string        `json:"date"`
	HasCreditLine  bool          `json:"has_credit_line"`
	LimitFen       int64         `json:"limit_fen"`
	OutstandingFen int64         `json:"outstanding_fen"`
	AvailableFen   int64         `json:"available_fen"`
	Roots          []RootSummary `json:"roots"`    // open roots, in id order; their OpenFen sum to OutstandingFen
	Overdue        []Holding     `json:"overdue"`  // leaves past maturity not paid in full, on the date
	Issued         int           `json:"issued"`   // every root ever issued
	OpenFen        int64         `json:"open_fen"` // sum of Roots' OpenFen
}

// BookEntry is one financing of a bank: the terms and the part's state.
type BookEntry struct {
	ReceivableID   string    `json:"receivable_id"`
	RootID         string    `json:"root_id"`
	Obligor        string    `json:"obligor"`
	ConfirmingBank string    `json:"confirming_bank,omitempty"`
	Seq            uint64    `json:"seq"` // the log entry of the approval (or request)
	Financing      Financing `json:"financing"`
	Status         string    `json:"status"` // the part's effective status
	SettledFen     int64     `json:"settled_fen"`
}

// BookView is a bank's financing book (融资台账): the financings it
// approved and the requests waiting for it.
type BookView struct {
	Bank        string      `json:"bank"`
	Date        string      `json:"date"`
	Entries     []BookEntry `json:"entries"`  // approved, in receivable id order
	Requests    []BookEntry `json:"requests"` // pending, with the terms quoted at the request
	AmountFen   int64       `json:"amount_fen"`
	AdvanceFen  int64       `json:"advance_fen"`
	DiscountFen int64       `json:"discount_fen"`
	FeeFen      int64       `json:"fee_fen"`
	RecourseFen int64       `json:"recourse_fen"` // amount financed with recourse
	SettledFen  int64       `json:"settled_fen"`  // collected from obligors so far
}

// ConfirmationEntry is a root receivable whose holder or obligor asked a
// bank to confirm it, on a date.
type ConfirmationEntry struct {
	Holding
	Seq         uint64 `json:"seq"` // the request's log entry
	RequestedBy Party  `json:"requested_by"`
	RequestedAt string `json:"requested_at"`
}

// ConfirmationsView lists the confirmation requests standing for a bank.
type ConfirmationsView struct {
	Bank     string              `json:"bank"`
	Date     string              `json:"date"`
	Requests []ConfirmationEntry `json:"requests"` // in receivable id order
}

// OverviewView is the regulator's view of every receivable on a date.
type OverviewView struct {
	Date        string        `json:"date"`
	Receivables int           `json:"receivables"` // every node, roots and parts
	Roots       int           `json:"roots"`
	ByStatus    []StatusTotal `json:"by_status"` // every node by effective status; "split" nodes' value is in their parts
	// OpenFen is the face less settled of the leaves that are neither
	// cancelled nor rejected: what obligors still owe.
	OpenFen int64 `json:"open_fen"`
	// LongTerm lists the live roots (not cancelled or rejected) whose term
	// from issue to maturity exceeds LongTermDays.
	LongTerm []RootSummary `json:"long_term"`
	Frozen   []Holding     `json:"frozen"`  // receivables frozen themselves (parts under them are locked too)
	Overdue  []Holding     `json:"overdue"` // leaves past maturity not paid in full
}

// The read endpoints of the module. Dated answers judge status (overdue)
// on the date of the latest block, in China Standard Time.
var (
	Portfolio             = api.Query[HolderParams, PortfolioView]{Path: "/v1/receivables"}
	Overview              = api.Query[HeightParams, OverviewView]{Path: "/v1/receivables/overview"}
	Obligor               = api.Query[OrgParams, ObligorView]{Path: "/v1/obligors/{org}"}
	FinancedBook          = api.Query[OrgParams, BookView]{Path: "/v1/banks/{org}/financings"}
	Confirmations         = api.Query[OrgParams, ConfirmationsView]{Path: "/v1/banks/{org}/confirmations", Doc: "the confirmation requests (保兑申请) standing for a bank; for the bank itself, regulators and auditors"}
	GetInvoice            = api.Query[InvoiceParams, Invoice]{Path: "/v1/invoices/{seller}/{no}"}
	GetReceivable         = api.Query[IDParams, ReceivableResponse]{Path: "/v1/receivables/{id}"}
	Find                  = api.Query[FindParams, api.Page[Holding]]{Path: "/v1/receivables/find", Doc: "a page of the receivables the caller is party to now (every receivable for regulators and auditors), newest first, with a search; an exact receivable id also finds one the caller was party to once"}
	Lineage               = api.Query[LineageParams, LineageResponse]{Path: "/v1/receivables/{id}/lineage"}
	ReceivableCertificate = api.Query[CertificateParams, json.RawMessage]{Path: "/v1/receivables/{id}/certificate"}
)

// HeightParams read at a height (0: the latest).
type HeightParams struct {
	Height int64 `query:"height"`
}

// FindParams search and page the receivables the caller is party to.
type FindParams struct {
	Q     string `query:"q" doc:"search text: a receivable id, contract or invoice number, an organisation's id or name (Chinese or English), or a status name; case-insensitive"`
	In    string `query:"in" doc:"one list only: held, incoming, issued, financing or confirmations; every list when absent"`
	After string `query:"after" doc:"the next value of the previous page"`
	Limit int    `query:"limit" doc:"1 to 100; 20 when absent"`
}

// HolderParams name the holding organisation: the caller's own when
// absent. Only regulators and auditors read another's portfolio.
type HolderParams struct {
	Holder string `query:"holder" doc:"organisation id; the caller's own when absent (regulators and auditors may name any)"`
	Height int64  `query:"height"`
}

// OrgParams name an obligor or a bank.
type OrgParams struct {
	Org    string `path:"org"`
	Height int64  `query:"height"`
}

// InvoiceParams name an invoice by its seller (issuer) and number.
type InvoiceParams struct {
	Seller string `path:"seller" doc:"organisation id of the invoice's seller (issuer)"`
	No     string `path:"no" doc:"invoice number (with the invoice code when there is one)"`
	Height int64  `query:"height"`
}

// IDParams name a receivable; Prove adds proof bundles of its record and
// of every entry of its log.
type IDParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height"`
	Prove  bool   `query:"prove"`
}

// LineageParams name a receivable whose whole tree to read; Prove adds a
// proof bundle of every node's record (at most 200).
type LineageParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height"`
	Prove  bool   `query:"prove"`
}

// CertificateParams name a receivable whose certificate to fetch.
type CertificateParams struct {
	ID       string `path:"id"`
	Download bool   `query:"download"`
}

// ReceivableResponse answers GET /v1/receivables/{id}.
type ReceivableResponse struct {
	Height     int64       `json:"height"`
	Date       string      `json:"date"`
	Receivable *Receivable `json:"receivable"`
	Status     string      `json:"effective_status"`
	Log        []LogEntry  `json:"log"`
	// Proofs, with ?prove=true, are proof bundles by state key: the
	// receivable's record and each log entry. Each is the text of a
	// bundle file, byte for byte as `dengta verify --bundle` reads it (a
	// bundle is checked in its canonical form, so it travels as a
	// string).
	Proofs map[string]string `json:"proofs,omitempty"`
}

// LineageResponse answers GET /v1/receivables/{id}/lineage.
type LineageResponse struct {
	Height int64 `json:"height"`
	*LineageView
	// Proofs, with ?prove=true, are proof bundles of every node's record
	// (at most 200), by state key (receivable/rc/<id>). Each is the text
	// of a bundle file, byte for byte as `dengta verify --bundle` reads
	// it (a bundle is checked in its canonical form, so it travels as a
	// string).
	Proofs map[string]string `json:"proofs,omitempty"`
}
