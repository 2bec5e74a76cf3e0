package notary

import "github.com/dengta-chain/dengta/internal/module"

// EvidenceTypes are the kinds of evidence a deposit may declare.
var EvidenceTypes = []string{"document", "contract", "invoice", "image", "audio", "video", "webpage", "email", "chat", "code", "data", "other"}

// WorkTypes are the kinds of work a copyright registration may declare.
var WorkTypes = []string{"literary", "music", "art", "photo", "film", "software", "design", "other"}

// ItemFormat is the only batch item format: how each item of a batch is
// encoded before it is hashed into the RFC 6962 tree.
const ItemFormat = "dengta-batch-item/1"

// MaxBatchSize is the largest number of items a batch may declare.
const MaxBatchSize = 10_000_000

// Work statuses. A status is set at registration and never changes.
const (
	StatusRegistered = "registered" // the first registration of its file
	StatusDisputed   = "disputed"   // another organisation registered the file first
)

// Log entry kinds.
const (
	KindTransfer = "transfer"
	KindLicense  = "license"
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

// Work is a copyright registration (著作权登记). Everything but Owner is
// fixed at registration.
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
	Owner      string `json:"owner"`
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

// LogEntry is one entry of a work's append-only log.
type LogEntry struct {
	WorkID   string    `json:"work_id"`
	Seq      uint64    `json:"seq"`
	Kind     string    `json:"kind"`
	Transfer *Transfer `json:"transfer,omitempty"`
	License  *License  `json:"license,omitempty"`
	By       Party     `json:"by"`
	Height   int64     `json:"height"`
	Time     string    `json:"time"`
	TxHash   string    `json:"tx_hash"`
}

// Action bodies.

type captureBody struct {
	SourceURL  string `json:"source_url"`
	Tool       string `json:"tool"`
	CapturedAt string `json:"captured_at"`
}

type depositBody struct {
	SHA256       string       `json:"sha256"`
	SM3          string       `json:"sm3"`
	FileName     string       `json:"file_name"`
	Size         *int64       `json:"size"`
	MediaType    string       `json:"media_type"`
	EvidenceType string       `json:"evidence_type"`
	Capture      *captureBody `json:"capture"`
	Supplements  string       `json:"supplements"`
	Description  string       `json:"description"`
}

type batchBody struct {
	MerkleRoot string `json:"merkle_root"`
	Size       int64  `json:"size"`
	Label      string `json:"label"`
	ItemFormat string `json:"item_format"`
}

type registerBody struct {
	Title      string   `json:"title"`
	Authors    []string `json:"authors"`
	CreatedOn  string   `json:"created_on"`
	License    string   `json:"license"`
	WorkType   string   `json:"work_type"`
	SHA256     string   `json:"sha256"`
	SM3        string   `json:"sm3"`
	EvidenceID string   `json:"evidence_id"`
}

type transferBody struct {
	WorkID string `json:"work_id"`
	To     string `json:"to"`
	Note   string `json:"note"`
}

type licenseBody struct {
	WorkID    string `json:"work_id"`
	Licensee  string `json:"licensee"`
	Terms     string `json:"terms"`
	From      string `json:"from"`
	Until     string `json:"until"`
	Exclusive bool   `json:"exclusive"`
}

// Action results (Context.SetResult).

type depositResult struct {
	EvidenceID string `json:"evidence_id"`
	Existing   bool   `json:"existing"`
}

type batchResult struct {
	BatchID  string `json:"batch_id"`
	Existing bool   `json:"existing"`
}

type registerResult struct {
	WorkID        string `json:"work_id"`
	Status        string `json:"status"`
	ConflictsWith string `json:"conflicts_with,omitempty"`
}

type logResult struct {
	WorkID string `json:"work_id"`
	Seq    uint64 `json:"seq"`
}
