package charityapi

import (
	"encoding/json"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
)

// Party is who signed an action: the organisation and its key.
type Party = module.Party

// Bodies of the actions.

// RegisterOrgBody is the body of register_org.
type RegisterOrgBody struct {
	Org               string `json:"org" doc:"the member organisation being registered; it must hold the charity role"`
	Kind              string `json:"kind" doc:"foundation, social_organisation or social_service_agency"`
	RegistrationNo    string `json:"registration_no" doc:"registration number: its unified social credit code (18 characters)"`
	PublicFundraising bool   `json:"public_fundraising,omitempty" doc:"holds the public fundraising qualification (公开募捐资格)"`
}

// LineBody is one budget line of a project.
type LineBody struct {
	Code      string `json:"code" doc:"1-16 lowercase letters, digits, '-' or '_', unique in the project"`
	Name      string `json:"name" doc:"1 to 40 characters"`
	Category  string `json:"category" doc:"program, management or fundraising"`
	BudgetFen int64  `json:"budget_fen" doc:"the line's budget in fen, positive"`
}

// ProjectBody is the body of file_project.
type ProjectBody struct {
	Title           string     `json:"title" doc:"1 to 60 characters"`
	Summary         string     `json:"summary" doc:"the project's goal: what it will achieve, for whom; 1 to 1000 characters"`
	Sector          string     `json:"sector,omitempty" doc:"OECD DAC 5-digit purpose code (e.g. 11220 primary education), for IATI"`
	Region          string     `json:"region,omitempty" doc:"where the project works, e.g. 安徽省宿州市砀山县"`
	GoalFen         int64      `json:"goal_fen,omitempty" doc:"fundraising goal in fen; the budget's total when absent"`
	StartDate       string     `json:"start_date" doc:"YYYY-MM-DD"`
	EndDate         string     `json:"end_date" doc:"YYYY-MM-DD, after the start, within five years"`
	ReportEveryDays int        `json:"report_every_days,omitempty" doc:"days between progress reports, 30 to 180; 90 when absent"`
	Lines           []LineBody `json:"lines" doc:"1 to 20 budget lines"`
}

// ApproveBody is the body of approve_project.
type ApproveBody struct {
	Project  string `json:"project"`
	FilingNo string `json:"filing_no" doc:"the filing (备案) number the regulator gives the project, 1 to 40 characters"`
}

// DonateBody is the body of donate, and one donation of donate_batch.
type DonateBody struct {
	Project    string `json:"project,omitempty" doc:"the project given to; absent: the receiving charity's general fund (unrestricted)"`
	Org        string `json:"org,omitempty" doc:"the receiving charity when no project is named"`
	Line       string `json:"line,omitempty" doc:"the budget line the donation is restricted to; absent: any line of the project"`
	AmountFen  int64  `json:"amount_fen" doc:"positive, in fen"`
	Channel    string `json:"channel" doc:"bank_transfer, wechat_pay, alipay, unionpay, online_platform, cash or other"`
	ChannelRef string `json:"channel_ref,omitempty" doc:"the payment's reference in the channel; only its SHA-256 is kept, and the same reference is never recorded twice by the same organisation"`
	DonorHash  string `json:"donor_hash" doc:"the donor's salted identity hash (DonorHash): 64 lowercase hex digits"`
	DonorName  string `json:"donor_name,omitempty" doc:"the name the donor agreed to show, at most 20 characters; anonymous when absent"`
	Message    string `json:"message,omitempty" doc:"the donor's message, at most 200 characters"`
}

// DonateBatchBody is the body of donate_batch.
type DonateBatchBody struct {
	Donations []DonateBody `json:"donations" doc:"1 to 200 donations (the 64 KiB transaction limit holds about 250 typical ones)"`
}

// ItemBody is one item of an in-kind donation.
type ItemBody struct {
	Name     string `json:"name" doc:"1 to 40 characters"`
	Quantity int64  `json:"quantity" doc:"positive whole units"`
	Unit     string `json:"unit" doc:"1 to 8 characters: 册, 套, 箱..."`
	ValueFen int64  `json:"value_fen" doc:"the valuation of the whole quantity in fen, positive"`
}

// InKindBody is the body of donate_in_kind.
type InKindBody struct {
	Project   string     `json:"project,omitempty" doc:"the project given to; absent: the charity's general fund"`
	Org       string     `json:"org,omitempty" doc:"the receiving charity when no project is named"`
	Items     []ItemBody `json:"items" doc:"1 to 20 items"`
	DonorHash string     `json:"donor_hash"`
	DonorName string     `json:"donor_name,omitempty"`
	Message   string     `json:"message,omitempty"`
}

// GrantBody is the body of grant.
type GrantBody struct {
	From            string `json:"from" doc:"the granting project, or the granting charity's general fund GF-<org>"`
	Line            string `json:"line,omitempty" doc:"the granting project's budget line the grant is spent against; none for a general fund"`
	To              string `json:"to" doc:"the receiving open project"`
	ToLine          string `json:"to_line,omitempty" doc:"the receiving project's line the grant is restricted to; absent: the whole project"`
	AmountFen       int64  `json:"amount_fen"`
	Purpose         string `json:"purpose" doc:"1 to 200 characters"`
	AgreementSHA256 string `json:"agreement_sha256,omitempty" doc:"SHA-256 of the grant agreement, kept off chain"`
}

// IDBody names a record.
type IDBody struct {
	ID string `json:"id"`
}

// DisburseBody is the body of disburse.
type DisburseBody struct {
	Project       string   `json:"project"`
	Line          string   `json:"line"`
	AmountFen     int64    `json:"amount_fen"`
	Payee         string   `json:"payee" doc:"the member organisation paid: a supplier or a beneficiary institution"`
	Beneficiary   string   `json:"beneficiary,omitempty" doc:"the institution that receives what was paid for and signs for it; the payee when absent and the payee is a beneficiary; required for program lines"`
	Purpose       string   `json:"purpose" doc:"what was bought or paid, 1 to 200 characters"`
	InvoiceSHA256 string   `json:"invoice_sha256" doc:"SHA-256 of the invoice (发票), kept off chain"`
	DocHashes     []string `json:"doc_hashes,omitempty" doc:"SHA-256 digests of the contract, delivery note and the like, at most 10"`
}

// DistributeBody is the body of distribute.
type DistributeBody struct {
	Receipt     string `json:"receipt" doc:"the in-kind donation's receipt number"`
	Item        int    `json:"item" doc:"the item's index in the donation, from 0"`
	Quantity    int64  `json:"quantity"`
	Beneficiary string `json:"beneficiary"`
	Purpose     string `json:"purpose"`
	DocSHA256   string `json:"doc_sha256,omitempty" doc:"SHA-256 of the handover list, kept off chain"`
}

// AcceptBody is the body of accept.
type AcceptBody struct {
	Disbursement string `json:"disbursement"`
	DocSHA256    string `json:"doc_sha256" doc:"SHA-256 of the signed acceptance document (验收单), kept off chain"`
	Note         string `json:"note,omitempty" doc:"at most 200 characters"`
}

// DisputeBody is the body of dispute.
type DisputeBody struct {
	Disbursement string `json:"disbursement"`
	Reason       string `json:"reason" doc:"1 to 200 characters"`
	DocSHA256    string `json:"doc_sha256,omitempty"`
}

// RefundBody is the body of refund.
type RefundBody struct {
	Receipt   string `json:"receipt"`
	AmountFen int64  `json:"amount_fen" doc:"at most what is still unspent of the donation"`
	Reason    string `json:"reason" doc:"1 to 200 characters"`
}

// ReviseBody is the body of revise_budget.
type ReviseBody struct {
	Project string     `json:"project"`
	Lines   []LineBody `json:"lines" doc:"the whole new set of lines"`
	Reason  string     `json:"reason" doc:"1 to 200 characters"`
}

// FileBody names one file of a report by its digest.
type FileBody struct {
	Name   string `json:"name" doc:"1 to 80 characters"`
	SHA256 string `json:"sha256"`
}

// ReportBody is the body of file_report.
type ReportBody struct {
	Project    string     `json:"project"`
	Kind       string     `json:"kind" doc:"progress or final (the project's charity), audit (an auditor)"`
	PeriodFrom string     `json:"period_from" doc:"YYYY-MM-DD"`
	PeriodTo   string     `json:"period_to" doc:"YYYY-MM-DD, not before period_from"`
	Summary    string     `json:"summary" doc:"1 to 1000 characters"`
	Files      []FileBody `json:"files" doc:"1 to 10 files"`
}

// CloseBody is the body of close_project.
type CloseBody struct {
	Project   string `json:"project"`
	BalanceTo string `json:"balance_to,omitempty" doc:"the open project that receives the unspent balance; required when there is one"`
	Reason    string `json:"reason" doc:"1 to 200 characters"`
}

// Results.

// OrgResult is what register_org answers.
type OrgResult struct {
	Org         string `json:"org"`
	GeneralFund string `json:"general_fund"`
}

// IDResult answers the id of the record an action made or changed.
type IDResult struct {
	ID string `json:"id"`
}

// DonateResult is what donate and donate_in_kind answer.
type DonateResult struct {
	Receipt string `json:"receipt"`
	Project string `json:"project"`
}

// BatchResult is what donate_batch answers.
type BatchResult struct {
	Receipts []string `json:"receipts"`
}

// Records.

// Org is a registered charitable organisation (慈善组织登记).
type Org struct {
	Org               string `json:"org"`
	Kind              string `json:"kind"`
	RegistrationNo    string `json:"registration_no"`
	PublicFundraising bool   `json:"public_fundraising"`
	GeneralFund       string `json:"general_fund"`
	RegisteredBy      Party  `json:"registered_by"`
	Height            int64  `json:"height"`
	Time              string `json:"time"`
	TxHash            string `json:"tx_hash"`
}

// Line is a project's budget line with what it spent and was given.
type Line struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Category  string `json:"category"`
	BudgetFen int64  `json:"budget_fen"`
	// SpentFen is what disbursements and grants spent against the line.
	SpentFen int64 `json:"spent_fen"`
	// RestrictedFen is the money given restricted to the line (donations
	// and grants), less refunds of it.
	RestrictedFen int64 `json:"restricted_fen"`
}

// Project is a charitable project, or an organisation's general fund
// (kind "general", id GF-<org>, no lines). Its descriptive fields never
// change but by revise_budget (lines) and approve_project (filing); its
// running totals change with every donation and spending.
type Project struct {
	ID              string `json:"id"`
	Kind            string `json:"kind"`
	Owner           string `json:"owner"`
	Title           string `json:"title"`
	Summary         string `json:"summary,omitempty"`
	Sector          string `json:"sector,omitempty"`
	Region          string `json:"region,omitempty"`
	GoalFen         int64  `json:"goal_fen"`
	StartDate       string `json:"start_date,omitempty"`
	EndDate         string `json:"end_date,omitempty"`
	ReportEveryDays int    `json:"report_every_days,omitempty"`
	Lines           []Line `json:"lines"`
	Status          string `json:"status"`
	FilingNo        string `json:"filing_no,omitempty"`
	ApprovedBy      string `json:"approved_by,omitempty"`
	ApprovedDate    string `json:"approved_date,omitempty"`
	// Money in and out, in fen.
	DonatedFen     int64 `json:"donated_fen"`      // money donations received, refunds not deducted
	RefundedFen    int64 `json:"refunded_fen"`     // returned to donors
	TransferInFen  int64 `json:"transfer_in_fen"`  // grants and balances received
	TransferOutFen int64 `json:"transfer_out_fen"` // grants and balances passed on
	DisbursedFen   int64 `json:"disbursed_fen"`    // paid to suppliers and beneficiaries
	// In kind, by valuation in fen.
	InKindFen            int64 `json:"in_kind_fen"`
	InKindDistributedFen int64 `json:"in_kind_distributed_fen"`
	// Counts, which number the project's lists.
	Donations     int64 `json:"donations"`
	Disbursements int64 `json:"disbursements"`
	TransfersIn   int64 `json:"transfers_in"`
	TransfersOut  int64 `json:"transfers_out"`
	Reports       int64 `json:"reports"`
	Revisions     int64 `json:"revisions"`
	// Reporting: the dates (CST) of the latest reports.
	LastReportDate  string `json:"last_report_date,omitempty"` // progress or final
	FinalReportDate string `json:"final_report_date,omitempty"`
	AuditReportDate string `json:"audit_report_date,omitempty"`
	// Closure.
	ClosedDate  string `json:"closed_date,omitempty"`
	CloseReason string `json:"close_reason,omitempty"`
	BalanceTo   string `json:"balance_to,omitempty"` // the transfer that passed the balance on
	FiledBy     Party  `json:"filed_by"`
	Height      int64  `json:"height"`
	Time        string `json:"time"`
	TxHash      string `json:"tx_hash"`
}

// BalanceFen is the project's unspent money.
func (p *Project) BalanceFen() int64 {
	return p.DonatedFen - p.RefundedFen + p.TransferInFen - p.TransferOutFen - p.DisbursedFen
}

// RaisedFen is the money the project received and kept: donations less
// refunds, plus transfers in.
func (p *Project) RaisedFen() int64 { return p.DonatedFen - p.RefundedFen + p.TransferInFen }

// BudgetFen is the total of the project's lines.
func (p *Project) BudgetFen() int64 {
	var n int64
	for _, l := range p.Lines {
		n += l.BudgetFen
	}
	return n
}

// SpentFen is what the project's lines spent (disbursements and grants).
func (p *Project) SpentFen() int64 {
	var n int64
	for _, l := range p.Lines {
		n += l.SpentFen
	}
	return n
}

// Line returns the line with code, or nil.
func (p *Project) Line(code string) *Line {
	for i := range p.Lines {
		if p.Lines[i].Code == code {
			return &p.Lines[i]
		}
	}
	return nil
}

// Item is one item of an in-kind donation with how much of it was handed
// on.
type Item struct {
	Name        string `json:"name"`
	Quantity    int64  `json:"quantity"`
	Unit        string `json:"unit"`
	ValueFen    int64  `json:"value_fen"`
	Distributed int64  `json:"distributed"`
}

// Donation is a recorded donation (its receipt). The donor appears only as
// a salted hash. A money donation occupies [Start, End) on its queue's
// axis; its refunds take the last RefundedFen of that range.
type Donation struct {
	Receipt          string   `json:"receipt"`
	Kind             string   `json:"kind"`
	Org              string   `json:"org"`     // the receiving charity
	Project          string   `json:"project"` // its project or general fund
	Line             string   `json:"line,omitempty"`
	AmountFen        int64    `json:"amount_fen"` // money, or the items' valuation
	Channel          string   `json:"channel"`
	ChannelRefSHA256 string   `json:"channel_ref_sha256,omitempty"`
	DonorHash        string   `json:"donor_hash"`
	DonorName        string   `json:"donor_name,omitempty"`
	Message          string   `json:"message,omitempty"`
	Items            []Item   `json:"items,omitempty"`
	Queue            string   `json:"queue,omitempty"`
	Start            int64    `json:"start"`
	End              int64    `json:"end"`
	RefundedFen      int64    `json:"refunded_fen"`
	Refunds          []string `json:"refunds,omitempty"`
	Seq              int64    `json:"seq"` // its number among the project's donations, from 1
	RecordedBy       Party    `json:"recorded_by"`
	Height           int64    `json:"height"`
	Time             string   `json:"time"`
	TxHash           string   `json:"tx_hash"`
}

// Range is a stretch [Start, End) of a queue's axis: the fen numbered
// Start to End-1 of the money that ever entered the queue.
type Range struct {
	Queue string `json:"queue"`
	Start int64  `json:"start"`
	End   int64  `json:"end"`
}

// Len is the range's amount in fen.
func (r Range) Len() int64 { return r.End - r.Start }

// Queue is the ordered money of one project restricted to one of its lines
// (or to none: the project-level queue). Money enters at the end; FIFO
// spending takes it from Cursor on, stepping over Holes, the refunded
// ranges ahead of it.
type Queue struct {
	ID        string  `json:"id"`
	TotalFen  int64   `json:"total_fen"`
	CursorFen int64   `json:"cursor_fen"`
	Holes     []Range `json:"holes,omitempty"`
	HoleFen   int64   `json:"hole_fen"`
	Sources   int64   `json:"sources"`
}

// AvailableFen is the queue's unspent money.
func (q *Queue) AvailableFen() int64 { return q.TotalFen - q.CursorFen - q.HoleFen }

// Source is an index entry of a queue: the donation or transfer whose
// money occupies [Start, End).
type Source struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Start int64  `json:"start"`
	End   int64  `json:"end"`
}

// Spend is an index entry of a queue: the disbursement or transfer that
// spent [Start, End), the Index-th of its ranges.
type Spend struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Start int64  `json:"start"`
	End   int64  `json:"end"`
	Index int    `json:"index"`
}

// Transfer is a pass-through grant, or a closing project's balance passed
// on: the money it took from the sender's queues (Ranges, in order), which
// enters the receiver's queue as one source [ToStart, ToEnd).
type Transfer struct {
	ID              string  `json:"id"`
	Kind            string  `json:"kind"`
	From            string  `json:"from"`
	FromOrg         string  `json:"from_org"`
	Line            string  `json:"line,omitempty"`
	To              string  `json:"to"`
	ToOrg           string  `json:"to_org"`
	ToLine          string  `json:"to_line,omitempty"`
	AmountFen       int64   `json:"amount_fen"`
	Purpose         string  `json:"purpose"`
	AgreementSHA256 string  `json:"agreement_sha256,omitempty"`
	Ranges          []Range `json:"ranges"`
	ToQueue         string  `json:"to_queue"`
	ToStart         int64   `json:"to_start"`
	ToEnd           int64   `json:"to_end"`
	By              Party   `json:"by"`
	Height          int64   `json:"height"`
	Time            string  `json:"time"`
	TxHash          string  `json:"tx_hash"`
}

// Confirmation is a receiving charity's confirmation that a transfer's
// funds arrived.
type Confirmation struct {
	Transfer string `json:"transfer"`
	By       Party  `json:"by"`
	Height   int64  `json:"height"`
	Time     string `json:"time"`
	TxHash   string `json:"tx_hash"`
}

// Disbursement is a payment to a supplier or beneficiary against a budget
// line (the money it took is Ranges), or items of an in-kind donation
// handed to a beneficiary.
type Disbursement struct {
	ID            string   `json:"id"`
	Kind          string   `json:"kind"`
	Project       string   `json:"project"`
	Org           string   `json:"org"` // the paying charity
	Line          string   `json:"line,omitempty"`
	Category      string   `json:"category,omitempty"`
	AmountFen     int64    `json:"amount_fen"` // money, or the items' valuation
	Payee         string   `json:"payee,omitempty"`
	Beneficiary   string   `json:"beneficiary,omitempty"`
	Purpose       string   `json:"purpose"`
	InvoiceSHA256 string   `json:"invoice_sha256,omitempty"`
	DocHashes     []string `json:"doc_hashes,omitempty"`
	Ranges        []Range  `json:"ranges,omitempty"`
	Receipt       string   `json:"receipt,omitempty"` // in kind: the donation
	Item          int      `json:"item,omitempty"`
	Quantity      int64    `json:"quantity,omitempty"`
	Seq           int64    `json:"seq"` // its number among the project's disbursements, from 1
	By            Party    `json:"by"`
	Height        int64    `json:"height"`
	Time          string   `json:"time"`
	TxHash        string   `json:"tx_hash"`
}

// Acceptance is the beneficiary's signature for a disbursement: accepted
// (验收) or disputed.
type Acceptance struct {
	Disbursement string `json:"disbursement"`
	Status       string `json:"status"`
	DocSHA256    string `json:"doc_sha256,omitempty"`
	Note         string `json:"note,omitempty"`
	By           Party  `json:"by"`
	Height       int64  `json:"height"`
	Time         string `json:"time"`
	TxHash       string `json:"tx_hash"`
}

// Refund is money of a donation returned to its donor: the range it took
// from the donation's tail.
type Refund struct {
	ID        string `json:"id"`
	Receipt   string `json:"receipt"`
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason"`
	Range     Range  `json:"range"`
	By        Party  `json:"by"`
	Height    int64  `json:"height"`
	Time      string `json:"time"`
	TxHash    string `json:"tx_hash"`
}

// File is one file of a report, by its digest.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Report is a progress, final or audit report on a project.
type Report struct {
	Project    string `json:"project"`
	Seq        int64  `json:"seq"`
	Kind       string `json:"kind"`
	PeriodFrom string `json:"period_from"`
	PeriodTo   string `json:"period_to"`
	Summary    string `json:"summary"`
	Files      []File `json:"files"`
	Date       string `json:"date"` // filing date, CST
	By         Party  `json:"by"`
	Height     int64  `json:"height"`
	Time       string `json:"time"`
	TxHash     string `json:"tx_hash"`
}

// Revision is a budget revision of a project: its lines before and after.
type Revision struct {
	Project string `json:"project"`
	Seq     int64  `json:"seq"`
	Reason  string `json:"reason"`
	Before  []Line `json:"before"`
	After   []Line `json:"after"`
	By      Party  `json:"by"`
	Height  int64  `json:"height"`
	Time    string `json:"time"`
	TxHash  string `json:"tx_hash"`
}

// Answers of the read endpoints.

// ProjectSummary is one line of a list of projects.
type ProjectSummary struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Owner      string `json:"owner"`
	Title      string `json:"title"`
	Status     string `json:"status"`
	FilingNo   string `json:"filing_no,omitempty"`
	StartDate  string `json:"start_date,omitempty"`
	EndDate    string `json:"end_date,omitempty"`
	GoalFen    int64  `json:"goal_fen"`
	BudgetFen  int64  `json:"budget_fen"`
	RaisedFen  int64  `json:"raised_fen"`
	SpentFen   int64  `json:"spent_fen"`
	BalanceFen int64  `json:"balance_fen"`
	Donations  int64  `json:"donations"`
}

// OrgView is a registered charity with its projects.
type OrgView struct {
	Height   int64            `json:"height"`
	Org      Org              `json:"org"`
	Projects []ProjectSummary `json:"projects"`
}

// ProjectView is a project with its figures and open alerts.
type ProjectView struct {
	Height  int64   `json:"height"`
	Date    string  `json:"date"`
	Project Project `json:"project"`
	// Figures, in fen.
	BudgetFen  int64 `json:"budget_fen"`
	RaisedFen  int64 `json:"raised_fen"`
	SpentFen   int64 `json:"spent_fen"`
	BalanceFen int64 `json:"balance_fen"`
	// ManagementBP is the management lines' share of the spending, basis
	// points.
	ManagementBP  int     `json:"management_bp"`
	NextReportDue string  `json:"next_report_due,omitempty"`
	Alerts        []Alert `json:"alerts"`
}

// DisbursementView is a disbursement with its acceptance, if signed.
type DisbursementView struct {
	Disbursement Disbursement `json:"disbursement"`
	Status       string       `json:"status" doc:"accepted, disputed, pending or not_needed"`
	Acceptance   *Acceptance  `json:"acceptance,omitempty"`
}

// TransferView is a transfer with its confirmation, if given.
type TransferView struct {
	Transfer     Transfer      `json:"transfer"`
	Confirmation *Confirmation `json:"confirmation,omitempty"`
}

// TransfersView lists a project's transfers.
type TransfersView struct {
	Height int64          `json:"height"`
	In     []TransferView `json:"in"`
	Out    []TransferView `json:"out"`
}

// ReportsView lists a project's reports and budget revisions.
type ReportsView struct {
	Height    int64      `json:"height"`
	Reports   []Report   `json:"reports"`
	Revisions []Revision `json:"revisions"`
}

// Funding is one source that paid for part of a disbursement or transfer:
// a donation or an incoming transfer, and how much of it.
type Funding struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	Queue     string `json:"queue"`
	Start     int64  `json:"start"`
	End       int64  `json:"end"`
	AmountFen int64  `json:"amount_fen"`
	DonorName string `json:"donor_name,omitempty"`
}

// PendingView is what waits for an organisation: deliveries to sign for,
// grants to confirm.
type PendingView struct {
	Height        int64              `json:"height"`
	Org           string             `json:"org"`
	Disbursements []DisbursementView `json:"disbursements"`
	Transfers     []TransferView     `json:"transfers"`
	Paid          []DisbursementView `json:"paid"` // the latest disbursements that paid org
}

// Step is one step of a donation's trail. Steps are listed depth first:
// the steps that follow a transfer step with a greater depth are where
// that transfer's part of the donation went, and their amounts add up to
// the transfer step's.
type Step struct {
	Depth     int    `json:"depth"`
	Kind      string `json:"kind" doc:"disbursement, transfer, refund, unspent, distribution or undistributed"`
	AmountFen int64  `json:"amount_fen"`
	Project   string `json:"project"`
	// The donation's money on its queue's axis at this step (money steps).
	Queue        string        `json:"queue,omitempty"`
	Start        int64         `json:"start"`
	End          int64         `json:"end"`
	Disbursement *Disbursement `json:"disbursement,omitempty"`
	Acceptance   *Acceptance   `json:"acceptance,omitempty"`
	Transfer     *Transfer     `json:"transfer,omitempty"`
	Confirmation *Confirmation `json:"confirmation,omitempty"`
	Refund       *Refund       `json:"refund,omitempty"`
	Item         int           `json:"item,omitempty"`
	Quantity     int64         `json:"quantity,omitempty"`
}

// Trail is where a donation went: every fen of it is in exactly one step
// of depth 0, and every fen of a transfer step in exactly one step below
// it.
type Trail struct {
	Height   int64    `json:"height"`
	Donation Donation `json:"donation"`
	Project  Project  `json:"project"`
	Steps    []Step   `json:"steps"`
	// Totals over the steps: what reached suppliers and beneficiaries
	// (disbursed or distributed), what was refunded, what is unspent.
	DeliveredFen int64 `json:"delivered_fen"`
	RefundedFen  int64 `json:"refunded_fen"`
	UnspentFen   int64 `json:"unspent_fen"`
}

// TrailResponse is a trail, with its offline proof bundle when asked.
type TrailResponse struct {
	Trail
	// Bundle, with ?prove=true, is the trail's proof bundle (format
	// dengta-charity-trail/1): the trail with a proof of every record it
	// rests on, all at one height, which `dengta charity verify` checks
	// offline.
	Bundle json.RawMessage `json:"bundle,omitempty"`
}

// Alert is something the regulator should look at.
type Alert struct {
	Code    string `json:"code" doc:"report_overdue, final_report_overdue, past_period, management_share, acceptance_overdue, disputed, grant_unconfirmed"`
	Project string `json:"project"`
	Subject string `json:"subject,omitempty" doc:"the disbursement or transfer concerned"`
	Since   string `json:"since" doc:"the date the condition began, YYYY-MM-DD"`
	Detail  string `json:"detail"`
}

// Alert codes.
const (
	AlertReportOverdue      = "report_overdue"
	AlertFinalReportOverdue = "final_report_overdue"
	AlertPastPeriod         = "past_period"
	AlertManagementShare    = "management_share"
	AlertAcceptanceOverdue  = "acceptance_overdue"
	AlertDisputed           = "disputed"
	AlertGrantUnconfirmed   = "grant_unconfirmed"
)

// ProjectFigures is a project's line of the regulator's view.
type ProjectFigures struct {
	ProjectSummary
	ManagementBP  int    `json:"management_bp"`
	NextReportDue string `json:"next_report_due,omitempty"`
	Alerts        int    `json:"alerts"`
}

// Oversight is the civil-affairs regulator's view: every project's
// figures and every alert.
type Oversight struct {
	Height   int64            `json:"height"`
	Date     string           `json:"date"`
	Orgs     []Org            `json:"orgs"`
	Projects []ProjectFigures `json:"projects"`
	Alerts   []Alert          `json:"alerts"`
	// Totals over the projects, in fen.
	DonatedFen   int64 `json:"donated_fen"`
	RefundedFen  int64 `json:"refunded_fen"`
	DisbursedFen int64 `json:"disbursed_fen"`
	BalanceFen   int64 `json:"balance_fen"`
}

// The read endpoints.
var (
	GetOrg        = api.Query[OrgParams, OrgView]{Path: "/v1/charity/orgs/{org}", Doc: "A registered charity and its projects", Public: true}
	Projects      = api.Query[ProjectsParams, api.Page[ProjectSummary]]{Path: "/v1/charity/projects", Doc: "Projects, by owner and status", Public: true}
	GetProject    = api.Query[IDParams, ProjectView]{Path: "/v1/charity/projects/{id}", Doc: "A project: budget, money raised and spent, alerts", Public: true}
	Donations     = api.Query[PageParams, api.Page[Donation]]{Path: "/v1/charity/projects/{id}/donations", Doc: "A project's donations, in order", Public: true}
	Disbursements = api.Query[PageParams, api.Page[DisbursementView]]{Path: "/v1/charity/projects/{id}/disbursements", Doc: "A project's disbursements and distributions, in order, with their acceptance", Public: true}
	Transfers     = api.Query[IDParams, TransfersView]{Path: "/v1/charity/projects/{id}/transfers", Doc: "A project's transfers in and out", Public: true}
	Reports       = api.Query[IDParams, ReportsView]{Path: "/v1/charity/projects/{id}/reports", Doc: "A project's reports and budget revisions", Public: true}
	IATI          = api.Query[IDParams, []byte]{Path: "/v1/charity/projects/{id}/iati", Doc: "A project as an IATI 2.03 activity (XML)", Public: true}
	GetDonation   = api.Query[ReceiptParams, Donation]{Path: "/v1/charity/donations/{receipt}", Doc: "A donation by its receipt number", Public: true}
	GetTrail      = api.Query[TrailParams, TrailResponse]{Path: "/v1/charity/donations/{receipt}/trail", Doc: "Where a donation went, with its proof bundle on ?prove=true", Public: true}
	GetDisb       = api.Query[IDParams, DisbursementView]{Path: "/v1/charity/disbursements/{id}", Doc: "A disbursement and its acceptance", Public: true}
	Funders       = api.Query[PageParams, api.Page[Funding]]{Path: "/v1/charity/disbursements/{id}/funders", Doc: "The donations and transfers that paid for a disbursement, by the allocation rule", Public: true}
	GetTransfer   = api.Query[IDParams, TransferView]{Path: "/v1/charity/transfers/{id}", Doc: "A grant or balance transfer and its confirmation", Public: true}
	Pending       = api.Query[OrgParams, PendingView]{Path: "/v1/charity/pending/{org}", Doc: "What waits for an organisation: deliveries to sign for, grants to confirm"}
	GetOversight  = api.Query[HeightParams, Oversight]{Path: "/v1/charity/oversight", Doc: "The civil-affairs regulator's view: every project's figures and alerts"}
)

// Parameters of the read endpoints.

// HeightParams pick a state version.
type HeightParams struct {
	Height int64 `query:"height" doc:"state version; latest when absent"`
}

// IDParams name a record.
type IDParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// OrgParams name an organisation.
type OrgParams struct {
	Org    string `path:"org"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// ReceiptParams name a donation.
type ReceiptParams struct {
	Receipt string `path:"receipt"`
	Height  int64  `query:"height" doc:"state version; latest when absent"`
}

// TrailParams name a donation whose trail to read.
type TrailParams struct {
	Receipt string `path:"receipt"`
	Prove   bool   `query:"prove" doc:"add the trail's offline proof bundle"`
}

// PageParams page through a record's list.
type PageParams struct {
	ID     string `path:"id"`
	After  string `query:"after" doc:"the next value of the previous page"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// ProjectsParams filter the list of projects.
type ProjectsParams struct {
	Owner  string `query:"owner" doc:"the owning charity"`
	Status string `query:"status" doc:"filed, open or closed"`
	Q      string `query:"q" doc:"search text: a project's id, title, filing number, region, sector or status (执行中, closed...); case-insensitive"`
	After  string `query:"after" doc:"the next value of the previous page (a project id); another value is refused with 400"`
	Limit  int    `query:"limit" doc:"1 to 100; 50 when absent"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}
