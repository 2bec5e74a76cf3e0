// Package verdict holds what a verification of a proof bundle found: each
// check with its outcome, and what the bundle proved. It is the light part
// of proof, so that API answers and the SDK can carry a verdict
// without the verifier's dependencies.
package verdict

import (
	"fmt"

	"github.com/dengta-chain/dengta/batch"
)

// Check is one step of a verification.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Report is the outcome of verifying a bundle.
type Report struct {
	Checks  []Check `json:"checks"`
	OK      bool    `json:"ok"`
	ChainID string  `json:"chain_id,omitempty"`
	Height  int64   `json:"height,omitempty"`
	Key     string  `json:"key,omitempty"`
	Exists  bool    `json:"exists"`
	Value   []byte  `json:"value,omitempty"`
	// Batch describes the batch item, when the bundle carries a verified
	// batch inclusion.
	Batch *BatchItem `json:"batch,omitempty"`
	// File is the outcome of the file check, once the file was hashed.
	File *FileCheck `json:"file,omitempty"`
}

// Pass records a check that passed.
func (r *Report) Pass(name, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: true, Detail: fmt.Sprintf(format, args...)})
}

// Fail records a failed check and returns the report's error.
func (r *Report) Fail(name, format string, args ...any) error {
	c := Check{Name: name, OK: false, Detail: fmt.Sprintf(format, args...)}
	r.Checks = append(r.Checks, c)
	return fmt.Errorf("%s: %s", name, c.Detail)
}

// BatchItem is what a verified batch inclusion shows.
type BatchItem struct {
	Item  batch.Item `json:"item"`
	Index uint64     `json:"index"`
	Size  uint64     `json:"size"`
	Root  string     `json:"merkle_root"`
}

// FileCheck is the outcome of hashing a file against a certificate.
type FileCheck struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	SM3    string `json:"sm3"`
	// Subject is what the file was compared with: the batch item, or the
	// proven record.
	Subject string `json:"subject"`
	// Matched names the digests that matched: "sha256", "sm3".
	Matched []string `json:"matched"`
}
