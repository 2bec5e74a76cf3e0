// Package notaryapi is the notary module's wire: the roles it declares,
// its signed actions with their bodies and results, its records, and its
// read endpoints with their answers. The state machine, the API, the pages,
// the CLI, the bench and the SDK's callers all use these types; nothing
// re-spells them.
package notaryapi

import (
	"encoding/json"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/proof/verdict"
)

// Name is the module name used in transactions and keys.
const Name = "notary"

// The roles the notary module declares. The strings are stored on chain:
// never rename.
const (
	Depositor role.Role = "depositor" // preserves its own evidence and registers works
	Notary    role.Role = "notary"    // preserves evidence for others
	Court     role.Role = "court"     // judges evidence and resolves copyright disputes
)

// Roles are the declarations of the module's roles.
var Roles = []role.Spec{
	{Role: Depositor, ZH: "存证人", EN: "Depositor"},
	{Role: Notary, ZH: "公证机构", EN: "Notary"},
	{Role: Court, ZH: "法院", EN: "Court"},
}

// The actions of the module.
var (
	Deposit           = api.Action[DepositBody, DepositResult]{Module: Name, Name: "deposit", Doc: "preserve a file's SHA-256 and SM3 digests as evidence (存证); the same file again answers the existing record"}
	BatchDeposit      = api.Action[BatchBody, BatchResult]{Module: Name, Name: "batch_deposit", Doc: "preserve the RFC 6962 Merkle root of a batch of items"}
	RegisterWork      = api.Action[RegisterWorkBody, RegisterResult]{Module: Name, Name: "register_work", Doc: "register the copyright of a work (著作权登记); a file registered first by another organisation is recorded as disputed"}
	TransferWork      = api.Action[TransferWorkBody, LogResult]{Module: Name, Name: "transfer_work", Doc: "transfer a registered work the organisation owns to another organisation; not while it is in dispute, nor after it lost one"}
	LicenseWork       = api.Action[LicenseWorkBody, LogResult]{Module: Name, Name: "license_work", Doc: "record a licence of a work the organisation owns; exclusive licences may not overlap, nor be granted while the work is in dispute"}
	ResolveDispute    = api.Action[ResolveDisputeBody, DisputeResult]{Module: Name, Name: "resolve_dispute", Doc: "resolve a copyright dispute (权属争议) by a court's judgment naming the prevailing registration"}
	ProposeSettlement = api.Action[SettlementBody, DisputeResult]{Module: Name, Name: "propose_settlement", Doc: "propose settling a copyright dispute, naming the prevailing registration; for the owner of either registration"}
	AcceptSettlement  = api.Action[AcceptSettlementBody, DisputeResult]{Module: Name, Name: "accept_settlement", Doc: "accept the other party's standing settlement proposal, which resolves the dispute"}
)

// The read endpoints of the module.
var (
	GetEvidence         = api.Query[IDParams, EvidenceResponse]{Path: "/v1/notary/evidence/{id}", Public: true}
	FindEvidence        = api.Query[HashParams, api.Page[Evidence]]{Path: "/v1/notary/evidence"}
	EvidenceCertificate = api.Query[CertificateParams, json.RawMessage]{Path: "/v1/notary/evidence/{id}/certificate", Public: true}
	GetBatch            = api.Query[IDParams, Batch]{Path: "/v1/notary/batches/{id}", Public: true}
	BatchCertificate    = api.Query[CertificateParams, json.RawMessage]{Path: "/v1/notary/batches/{id}/certificate", Public: true}
	FindWorks           = api.Query[HashParams, api.Page[Work]]{Path: "/v1/notary/works", Public: true}
	ListDisputes        = api.Query[DisputeParams, api.Page[Dispute]]{Path: "/v1/notary/disputes", Doc: "copyright disputes, open or resolved, by disputed registration id", Public: true}
	GetWork             = api.Query[IDParams, WorkResponse]{Path: "/v1/notary/works/{id}", Public: true}
	WorkCertificate     = api.Query[CertificateParams, json.RawMessage]{Path: "/v1/notary/works/{id}/certificate", Public: true}
	Verify              = api.Query[VerifyParams, VerifyResponse]{Path: "/v1/notary/verify", Public: true, Doc: "The records of an evidence id or a digest, each with its proof checked. Given one digest, a record is matched on that digest alone: the depositor's other digest is as it declared it. Upload the file (POST) to check both."}
	VerifyUpload        = api.Query[struct{}, VerifyResponse]{Method: "POST", Path: "/v1/notary/verify", Public: true}
)

// EvidenceTypes are the kinds of evidence a deposit may declare.
var EvidenceTypes = []string{"document", "contract", "invoice", "image", "audio", "video", "webpage", "email", "chat", "code", "data", "other"}

// WorkTypes are the kinds of work a copyright registration may declare.
var WorkTypes = []string{"literary", "music", "art", "photo", "film", "software", "design", "other"}

// ItemFormat is the only batch item format: how each item of a batch is
// encoded before it is hashed into the RFC 6962 tree. Package batch
// (github.com/dengta-chain/dengta/batch) is its definition and builds
// trees and receipts: batch.Item.Leaf is an item's encoding, batch.Build
// the tree whose root a batch_deposit carries, and Tree.Receipt an item's
// inclusion path, which proof.WithInclusion adds to the batch's
// certificate.
const ItemFormat = "dengta-batch-item/1"

// MaxBatchSize is the largest number of items a batch may declare.
const MaxBatchSize = 10_000_000

// Work statuses. A status is set at registration and never changes; what
// became of a dispute is in the Dispute record, the works' OpenDisputes
// and LostTo, and their logs.
const (
	StatusRegistered = "registered" // the first registration of its file
	StatusDisputed   = "disputed"   // another organisation registered the file first
)

// Dispute statuses.
const (
	DisputeOpen     = "open"
	DisputeResolved = "resolved"
)

// How a dispute was resolved.
const (
	BasisJudgment   = "judgment"   // a court's judgment (resolve_dispute)
	BasisSettlement = "settlement" // the parties' settlement (propose_settlement, accept_settlement)
)

// Log entry kinds.
const (
	KindTransfer           = "transfer"
	KindLicense            = "license"
	KindSettlementProposed = "settlement_proposed" // in the disputed registration's log
	KindDisputeResolved    = "dispute_resolved"    // in both registrations' logs
)

// Party is who signed an action: the organisation and its key.
type Party = module.Party

// Capture says how a piece of evidence was captured (取证), for example a
// web page saved by a capture tool.
type Capture struct {
	SourceURL  string `json:"source_url,omitempty"`
	Tool       string `json:"tool,omitempty"`
	CapturedAt string `json:"captured_at"` // RFC 3339, as given
}

// Evidence is a preserved file (存证): its hashes and description. The file
// itself stays off chain; "sha256" and "sm3" are what a verifier compares a
// file with.
type Evidence struct {
	ID           string   `json:"id"` // 存证编号
	SHA256       string   `json:"sha256"`
	SM3          string   `json:"sm3"`
	FileName     string   `json:"file_name"`
	Size         int64    `json:"size"`
	MediaType    string   `json:"media_type"`
	EvidenceType string   `json:"evidence_type"`
	Capture      *Capture `json:"capture,omitempty"`
	// Supplements is the earlier record this one supplements (补充证据).
	Supplements string `json:"supplements,omitempty"`
	Description string `json:"description,omitempty"`
	Depositor   Party  `json:"depositor"`
	Height      int64  `json:"height"`
	Time        string `json:"time"`    // block time, RFC 3339 in China Standard Time
	TxHash      string `json:"tx_hash"` // uppercase hex
}

// Batch is a batch deposit: the root of an RFC 6962 SHA-256 Merkle tree
// over many items, each provable later with an inclusion path against
// "merkle_root" and "size".
type Batch struct {
	ID         string `json:"id"`
	MerkleRoot string `json:"merkle_root"` // lowercase hex
	Size       int64  `json:"size"`
	Label      string `json:"label,omitempty"`
	ItemFormat string `json:"item_format"`
	Depositor  Party  `json:"depositor"`
	Height     int64  `json:"height"`
	Time       string `json:"time"`
	TxHash     string `json:"tx_hash"`
}

// Work is a copyright registration (著作权登记). Everything but Owner,
// OpenDisputes and LostTo is fixed at registration.
type Work struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Authors    []string `json:"authors"`
	CreatedOn  string   `json:"created_on"` // YYYY-MM-DD
	License    string   `json:"license"`
	WorkType   string   `json:"work_type"`
	SHA256     string   `json:"sha256"`
	SM3        string   `json:"sm3"`
	EvidenceID string   `json:"evidence_id,omitempty"`
	Status     string   `json:"status"`
	// ConflictsWith is the first registration of the same file, when the
	// status is disputed.
	ConflictsWith string `json:"conflicts_with,omitempty"`
	// Owner is the organisation holding the copyright now: the registrant
	// until the first transfer, then the last transfer's recipient.
	Owner string `json:"owner"`
	// OpenDisputes counts the disputes this registration is party to that
	// stand: for a disputed registration its own (1 until resolved), for a
	// first registration those of the later ones. While any stands, the
	// work is neither transferred nor licensed exclusively.
	OpenDisputes int `json:"open_disputes,omitempty"`
	// LostTo is the registration that prevailed over this one when a
	// dispute was resolved; a registration that lost is neither
	// transferred nor licensed again.
	LostTo     string `json:"lost_to,omitempty"`
	Registrant Party  `json:"registrant"`
	Height     int64  `json:"height"`
	Time       string `json:"time"`
	TxHash     string `json:"tx_hash"`
}

// Transfer is the body of a transfer log entry (著作权转让).
type Transfer struct {
	From string `json:"from"`
	To   string `json:"to"`
	Note string `json:"note,omitempty"`
}

// License is the body of a licence log entry (著作权许可).
type License struct {
	Licensor  string `json:"licensor"`
	Licensee  string `json:"licensee"`
	Terms     string `json:"terms"`
	From      string `json:"from"`            // YYYY-MM-DD, inclusive
	Until     string `json:"until,omitempty"` // YYYY-MM-DD, inclusive; open-ended when empty
	Exclusive bool   `json:"exclusive"`
}

// DisputeStep is the body of the dispute log entries of a work: a
// settlement proposed, or the dispute resolved.
type DisputeStep struct {
	DisputedWork string `json:"disputed_work"`       // the later registration
	FirstWork    string `json:"first_work"`          // the first registration of the file
	Prevailing   string `json:"prevailing"`          // one of the two
	Basis        string `json:"basis"`               // judgment or settlement
	Reference    string `json:"reference,omitempty"` // a judgment's case number (案号)
	Terms        string `json:"terms,omitempty"`     // a settlement's terms, or the court's note
}

// Settlement is a standing settlement proposal of a dispute.
type Settlement struct {
	Prevailing string `json:"prevailing"`
	Terms      string `json:"terms"`
	ProposedBy Party  `json:"proposed_by"`
	Seq        uint64 `json:"seq"` // its entry in the disputed registration's log
}

// Resolution is how a dispute ended.
type Resolution struct {
	DisputeStep
	By         Party  `json:"by"`                    // the court, or the party that accepted the settlement
	ProposedBy *Party `json:"proposed_by,omitempty"` // a settlement's proposer
	Seq        uint64 `json:"seq"`                   // its entry in the disputed registration's log
	Height     int64  `json:"height"`
	Time       string `json:"time"`
	TxHash     string `json:"tx_hash"`
}

// Dispute is a copyright dispute (权属争议): a registration of a file that
// another organisation registered first. It is opened by that
// registration and stands until a court resolves it (resolve_dispute) or
// the owners of both registrations settle (one proposes, the other
// accepts). Its status, standing proposal and resolution change in place;
// the works' logs keep every step.
type Dispute struct {
	WorkID     string      `json:"work_id"`    // the disputed (later) registration
	FirstWork  string      `json:"first_work"` // the first registration of the file
	SHA256     string      `json:"sha256"`
	Status     string      `json:"status"` // open or resolved
	Proposal   *Settlement `json:"proposal,omitempty"`
	Resolution *Resolution `json:"resolution,omitempty"`
	Height     int64       `json:"height"` // opened
	Time       string      `json:"time"`
	TxHash     string      `json:"tx_hash"`
}

// LogEntry is one entry of a work's append-only log.
type LogEntry struct {
	WorkID   string       `json:"work_id"`
	Seq      uint64       `json:"seq"`
	Kind     string       `json:"kind"`
	Transfer *Transfer    `json:"transfer,omitempty"`
	License  *License     `json:"license,omitempty"`
	Dispute  *DisputeStep `json:"dispute,omitempty"`
	By       Party        `json:"by"`
	Height   int64        `json:"height"`
	Time     string       `json:"time"`
	TxHash   string       `json:"tx_hash"`
}

// CaptureBody says how the deposited evidence was captured.
type CaptureBody struct {
	SourceURL  string `json:"source_url,omitempty" doc:"where the evidence was captured from (a web page's URL)"`
	Tool       string `json:"tool,omitempty" doc:"the capture tool"`
	CapturedAt string `json:"captured_at" doc:"when it was captured, RFC 3339"`
}

// DepositBody is the body of notary/deposit.
type DepositBody struct {
	SHA256       string       `json:"sha256" doc:"the file's SHA-256, 64 hex digits"`
	SM3          string       `json:"sm3" doc:"the file's SM3 digest, 64 hex digits"`
	FileName     string       `json:"file_name" doc:"the file's name, without directories"`
	Size         *int64       `json:"size" doc:"the file's size in bytes"`
	MediaType    string       `json:"media_type" doc:"the file's media type, e.g. application/pdf"`
	EvidenceType string       `json:"evidence_type" doc:"document, contract, invoice, image, audio, video, webpage, email, chat, code, data or other"`
	Capture      *CaptureBody `json:"capture,omitempty"`
	Supplements  string       `json:"supplements,omitempty" doc:"the evidence id this record supplements"`
	Description  string       `json:"description,omitempty" doc:"what the evidence is"`
}

// BatchBody is the body of notary/batch_deposit.
type BatchBody struct {
	MerkleRoot string `json:"merkle_root" doc:"the RFC 6962 SHA-256 Merkle root of the items, 64 hex digits"`
	Size       int64  `json:"size" doc:"the number of items"`
	Label      string `json:"label,omitempty" doc:"a label for people"`
	ItemFormat string `json:"item_format" doc:"how each item is encoded before it is hashed: dengta-batch-item/1"`
}

// RegisterWorkBody is the body of notary/register_work.
type RegisterWorkBody struct {
	Title      string   `json:"title"`
	Authors    []string `json:"authors"`
	CreatedOn  string   `json:"created_on" doc:"YYYY-MM-DD"`
	License    string   `json:"license" doc:"the licence the work is published under, e.g. all-rights-reserved"`
	WorkType   string   `json:"work_type" doc:"literary, music, art, photo, film, software, design or other"`
	SHA256     string   `json:"sha256"`
	SM3        string   `json:"sm3"`
	EvidenceID string   `json:"evidence_id,omitempty" doc:"the evidence record of the work's file"`
}

// TransferWorkBody is the body of notary/transfer_work.
type TransferWorkBody struct {
	WorkID string `json:"work_id"`
	To     string `json:"to" doc:"the receiving organisation's id"`
	Note   string `json:"note,omitempty"`
}

// LicenseWorkBody is the body of notary/license_work.
type LicenseWorkBody struct {
	WorkID    string `json:"work_id"`
	Licensee  string `json:"licensee" doc:"the licensed organisation's id"`
	Terms     string `json:"terms"`
	From      string `json:"from" doc:"first day, YYYY-MM-DD"`
	Until     string `json:"until,omitempty" doc:"last day, YYYY-MM-DD; open-ended when absent"`
	Exclusive bool   `json:"exclusive"`
}

// ResolveDisputeBody is the body of notary/resolve_dispute.
type ResolveDisputeBody struct {
	WorkID     string `json:"work_id" doc:"the disputed registration (its conflicts_with names the first one)"`
	Prevailing string `json:"prevailing" doc:"the registration the court upholds: work_id or its conflicts_with"`
	Reference  string `json:"reference" doc:"the judgment's case number (案号)"`
	Note       string `json:"note,omitempty"`
}

// SettlementBody is the body of notary/propose_settlement.
type SettlementBody struct {
	WorkID     string `json:"work_id" doc:"the disputed registration"`
	Prevailing string `json:"prevailing" doc:"the registration both parties will recognise: work_id or its conflicts_with"`
	Terms      string `json:"terms" doc:"the terms of the settlement"`
}

// AcceptSettlementBody is the body of notary/accept_settlement.
type AcceptSettlementBody struct {
	WorkID      string `json:"work_id" doc:"the disputed registration"`
	ProposalSeq uint64 `json:"proposal_seq" doc:"the log entry of the proposal accepted (the dispute's proposal.seq); a newer proposal makes it stale"`
}

// DisputeResult is what the dispute actions answer.
type DisputeResult struct {
	WorkID     string `json:"work_id"`
	Status     string `json:"status"`
	Prevailing string `json:"prevailing"` // proposed, or decided once resolved
	Seq        uint64 `json:"seq"`        // the entry in the disputed registration's log
}

// DepositResult is what notary/deposit answers.
type DepositResult struct {
	EvidenceID string `json:"evidence_id"`
	Existing   bool   `json:"existing"`
}

// BatchResult is what notary/batch_deposit answers.
type BatchResult struct {
	BatchID  string `json:"batch_id"`
	Existing bool   `json:"existing"`
}

// RegisterResult is what notary/register_work answers.
type RegisterResult struct {
	WorkID        string `json:"work_id"`
	Status        string `json:"status"`
	ConflictsWith string `json:"conflicts_with,omitempty"`
}

// LogResult is what notary/transfer_work and notary/license_work answer.
type LogResult struct {
	WorkID string `json:"work_id"`
	Seq    uint64 `json:"seq"`
}

// IDParams name a record, read at a height (0: the latest).
type IDParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height"`
}

// HashParams look records up by a file's digest.
type HashParams struct {
	SHA256 string `query:"sha256"`
	SM3    string `query:"sm3"`
	Height int64  `query:"height"`
}

// DisputeParams filter disputes by status.
type DisputeParams struct {
	Status string `query:"status" doc:"open or resolved; all when absent"`
	Height int64  `query:"height"`
}

// CertificateParams name a record whose certificate to fetch.
type CertificateParams struct {
	ID string `path:"id"`
	// Download asks for an attachment (a file name) rather than inline JSON.
	Download bool `query:"download"`
}

// VerifyParams name what to verify: an evidence id, or a digest.
type VerifyParams struct {
	ID     string `query:"id"`
	SHA256 string `query:"sha256"`
	SM3    string `query:"sm3"`
}

// EvidenceResponse answers GET /v1/notary/evidence/{id}.
type EvidenceResponse struct {
	Height      int64      `json:"height"`
	Evidence    *Evidence  `json:"evidence"`
	Supplements []Evidence `json:"supplements"`
}

// WorkResponse answers GET /v1/notary/works/{id}.
type WorkResponse struct {
	Height int64      `json:"height"`
	Work   *Work      `json:"work"`
	Log    []LogEntry `json:"log"`
	// Disputes are the later registrations of the file by other
	// organisations (for a first registration).
	Disputes []Work `json:"disputes"`
	// DisputeRecords are the disputes the work is party to: its own (a
	// disputed registration), or those of the later registrations.
	DisputeRecords []Dispute `json:"dispute_records"`
}

// FileInfo is the digests and size of a file.
type FileInfo struct {
	SHA256 string `json:"sha256"`
	SM3    string `json:"sm3"`
	Size   int64  `json:"size"`
}

// VerifiedRecord is an evidence record with the checks the node made.
type VerifiedRecord struct {
	Evidence *Evidence       `json:"evidence"`
	Verified bool            `json:"verified"`
	Checks   []verdict.Check `json:"checks"`
}

// VerifyResponse answers the public verify endpoints.
type VerifyResponse struct {
	// File is the digests of an uploaded file.
	File *FileInfo `json:"file,omitempty"`
	// Records are the evidence records found for the file, hash or id.
	Records []VerifiedRecord `json:"records"`
	// Certificate is the outcome of an uploaded certificate, when one was.
	Certificate *verdict.Report `json:"certificate,omitempty"`
}
