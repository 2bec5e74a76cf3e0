// Package charityapi is the charity module's wire (公益慈善): the roles it
// declares, its signed actions with their bodies and results, its records,
// and the answers of its read endpoints. The state machine, the API, the
// pages, the CLI, the bench, the trail verifier and the SDK's callers all
// use these types.
package charityapi

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "charity"

// The roles the module declares (suppliers and auditors hold the common
// roles supplier and auditor). The strings are stored on chain: never
// rename.
const (
	// Charity is a charitable organisation (慈善组织: a foundation, a social
	// organisation or a social service agency) registered by the
	// civil-affairs regulator: it files projects, receives donations,
	// makes grants and pays suppliers and beneficiaries.
	Charity role.Role = "charity"
	// Channel is a payment channel (募捐支付渠道: a bank, an online
	// fundraising platform) that records the donations it collects for a
	// registered charity.
	Channel role.Role = "payment_channel"
	// Beneficiary is an institution that receives what donations pay for
	// (受益机构: a school, a village committee, a hospital) and signs for
	// it.
	Beneficiary role.Role = "beneficiary"
	// CivilAffairs is the civil-affairs regulator (民政部门): it registers
	// charities, approves their projects' filings and oversees them.
	CivilAffairs role.Role = "civil_affairs"
)

// Auditor files audit reports on projects (审计机构): the common role
// auditor, which reads everything in its remit.
const Auditor = role.Auditor

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Charity, ZH: "慈善组织", EN: "Charity"},
	{Role: Channel, ZH: "募捐支付渠道", EN: "Donation payment channel"},
	{Role: Beneficiary, ZH: "受益机构", EN: "Beneficiary institution"},
	{Role: CivilAffairs, ZH: "民政部门", EN: "Civil-affairs regulator"},
}

// The actions of the module.
var (
	RegisterOrg    = api.Action[RegisterOrgBody, OrgResult]{Module: Name, Name: "register_org", Doc: "record a charity's registration (慈善组织登记) with its registration number; opens its general fund"}
	FileProject    = api.Action[ProjectBody, IDResult]{Module: Name, Name: "file_project", Doc: "file a charitable project with its goal, budget lines and period, for the regulator's approval"}
	Approve        = api.Action[ApproveBody, IDResult]{Module: Name, Name: "approve_project", Doc: "approve a filed project under its filing number (备案编号); it may then receive donations"}
	Donate         = api.Action[DonateBody, DonateResult]{Module: Name, Name: "donate", Doc: "record a donation of money (fen) for a charity, a project or one of its budget lines; answers the receipt number"}
	DonateBatch    = api.Action[DonateBatchBody, BatchResult]{Module: Name, Name: "donate_batch", Doc: "record up to 200 donations of money in one transaction; answers their receipt numbers in order"}
	DonateInKind   = api.Action[InKindBody, DonateResult]{Module: Name, Name: "donate_in_kind", Doc: "record a donation in kind (items, quantities and their valuation in fen)"}
	Grant          = api.Action[GrantBody, IDResult]{Module: Name, Name: "grant", Doc: "pass funds from a project or the general fund on to another project (a pass-through grant)"}
	ConfirmGrant   = api.Action[IDBody, IDResult]{Module: Name, Name: "confirm_grant", Doc: "confirm, as the receiving charity, that a grant's funds arrived"}
	Disburse       = api.Action[DisburseBody, IDResult]{Module: Name, Name: "disburse", Doc: "pay a supplier or beneficiary against a budget line, with the invoice's digest"}
	Distribute     = api.Action[DistributeBody, IDResult]{Module: Name, Name: "distribute", Doc: "hand items of an in-kind donation to a beneficiary institution"}
	Accept         = api.Action[AcceptBody, IDResult]{Module: Name, Name: "accept", Doc: "sign for what a disbursement or distribution delivered (验收), with the acceptance document's digest"}
	Dispute        = api.Action[DisputeBody, IDResult]{Module: Name, Name: "dispute", Doc: "refuse to sign for a disbursement or distribution, saying why"}
	RefundDonation = api.Action[RefundBody, IDResult]{Module: Name, Name: "refund", Doc: "return unspent money of a donation to its donor"}
	ReviseBudget   = api.Action[ReviseBody, IDResult]{Module: Name, Name: "revise_budget", Doc: "revise a project's budget lines, with the reason; never below what a line spent or was given"}
	FileReport     = api.Action[ReportBody, IDResult]{Module: Name, Name: "file_report", Doc: "file a progress, final or audit report on a project with its files' digests"}
	Close          = api.Action[CloseBody, IDResult]{Module: Name, Name: "close_project", Doc: "close a project, passing any unspent balance on to another open project"}
)

// Amounts, limits and deadlines.
const (
	// MaxFen bounds every amount: 10^15 fen, ten trillion yuan.
	MaxFen int64 = 1_000_000_000_000_000
	// MaxQueueFen bounds the money that may ever enter one queue, so that
	// positions on its axis never overflow.
	MaxQueueFen int64 = 1_000_000_000_000_000_000
	// MaxLines is the most budget lines a project has.
	MaxLines = 20
	// MaxHoles is the most refunded ranges a queue keeps ahead of its
	// spending position (see the allocation rule in the module's doc).
	MaxHoles = 64
	// MaxRefunds is the most refunds one donation takes.
	MaxRefunds = 10
	// MaxBatch is the most donations one donate_batch records (the 64 KiB
	// transaction limit holds about 250 typical ones).
	MaxBatch = 200
	// MaxItems is the most items one in-kind donation lists.
	MaxItems = 20
	// MaxDocs is the most document digests a disbursement or report
	// carries.
	MaxDocs = 10
	// ManagementLimitBP is the share of a project's spending on its
	// management lines beyond which the regulator is alerted: 10%, in
	// basis points.
	ManagementLimitBP = 1000
	// AcceptanceDueDays is how long a beneficiary has to sign for a
	// delivery before the regulator is alerted.
	AcceptanceDueDays = 30
	// GrantConfirmDueDays is how long a receiving charity has to confirm a
	// grant before the regulator is alerted.
	GrantConfirmDueDays = 30
	// FinalReportDueDays is how long after a project's end (or closure,
	// if earlier) its final report is due.
	FinalReportDueDays = 90
	// DefaultReportEveryDays is the progress-report interval when a
	// project names none; MinReportEveryDays and MaxReportEveryDays bound
	// it.
	DefaultReportEveryDays = 90
	MinReportEveryDays     = 30
	MaxReportEveryDays     = 180
)

// Organisation kinds: the three legal forms of a charitable organisation.
const (
	KindFoundation       = "foundation"            // 基金会
	KindSocialOrg        = "social_organisation"   // 社会团体
	KindSocialService    = "social_service_agency" // 社会服务机构
	GeneralFundPrefix    = "GF-"                   // a general fund's id is GF-<org>
	ProjectKindProject   = "project"
	ProjectKindGeneral   = "general"
	StatusFiled          = "filed"
	StatusOpen           = "open"
	StatusClosed         = "closed"
	CategoryProgram      = "program"     // 项目支出
	CategoryManagement   = "management"  // 管理费用
	CategoryFundraising  = "fundraising" // 募捐成本
	DonationMoney        = "money"
	DonationInKind       = "in_kind"
	DisbursementMoney    = "money"
	DisbursementInKind   = "in_kind"
	TransferGrant        = "grant"
	TransferBalance      = "balance" // a closing project's balance passed on
	ReportProgress       = "progress"
	ReportFinal          = "final"
	ReportAudit          = "audit"
	AcceptanceAccepted   = "accepted"
	AcceptanceDisputed   = "disputed"
	AcceptancePending    = "pending"
	AcceptanceNotNeeded  = "not_needed"
	SourceDonation       = "donation"
	SourceTransfer       = "transfer"
	SpendDisbursement    = "disbursement"
	SpendTransfer        = "transfer"
	StepDisbursement     = "disbursement"
	StepTransfer         = "transfer"
	StepRefund           = "refund"
	StepUnspent          = "unspent"
	StepDistribution     = "distribution"
	StepUndistributed    = "undistributed"
	ProjectLevel         = "" // the queue of money restricted to the project but to none of its lines
	ProjectLevelKey      = "_"
	DonorHashDomain      = "dengta/charity/donor/v1"
	ReceiptKeyBytes      = 16
	ReceiptFragmentParam = "k"
)

// The vocabularies, in the order forms show them.
var (
	OrgKinds        = []string{KindFoundation, KindSocialOrg, KindSocialService}
	Categories      = []string{CategoryProgram, CategoryManagement, CategoryFundraising}
	ReportKinds     = []string{ReportProgress, ReportFinal, ReportAudit}
	Channels        = []string{"bank_transfer", "wechat_pay", "alipay", "unionpay", "online_platform", "cash", "other"}
	ProjectStatuses = []string{StatusFiled, StatusOpen, StatusClosed}
)

// NormalizeIdentity is what the donor hash is computed over: the identity
// the donor gave (a phone number, an ID card number, an e-mail address)
// with all white space removed and letters in upper case, so that "138
// 0013 8000" and "13800138000", or an ID number ending in x or X, hash
// alike.
func NormalizeIdentity(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// DonorHash is the donor's identity as the chain keeps it: hex of
//
//	SHA-256("dengta/charity/donor/v1" 0x00 salt 0x00 NormalizeIdentity(identity))
//
// salt is the receipt key (16 random bytes), which only the donor's
// receipt and the recording party's own records hold; without it the hash
// cannot be tested against guessed identities, and two donations by the
// same person cannot be linked.
func DonorHash(salt []byte, identity string) string {
	h := sha256.New()
	h.Write([]byte(DonorHashDomain))
	h.Write([]byte{0})
	h.Write(salt)
	h.Write([]byte{0})
	h.Write([]byte(NormalizeIdentity(identity)))
	return hex.EncodeToString(h.Sum(nil))
}

// GeneralFund returns the id of an organisation's general fund, the pool
// of its unrestricted donations.
func GeneralFund(org string) string { return GeneralFundPrefix + org }

// QueueID names the queue of a project's money restricted to line ("" for
// the project-level queue).
func QueueID(project, line string) string {
	if line == ProjectLevel {
		line = ProjectLevelKey
	}
	return project + "/" + line
}

// SplitQueue is QueueID's inverse.
func SplitQueue(q string) (project, line string) {
	i := strings.LastIndexByte(q, '/')
	if i < 0 {
		return q, ""
	}
	project, line = q[:i], q[i+1:]
	if line == ProjectLevelKey {
		line = ProjectLevel
	}
	return project, line
}
