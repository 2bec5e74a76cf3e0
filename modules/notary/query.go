package notary

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// Getter reads single state values (module.KV and state.View satisfy it).
type Getter = module.Getter

// Reader reads and lists state values; state.View satisfies it.
type Reader = module.Reader

// GetEvidence returns an evidence record, or a NotFound error.
func GetEvidence(r Getter, id string) (*Evidence, error) {
	if !field.IsRecordID(evidenceKind, id) {
		return nil, errcode.New(errcode.NotFound, "no evidence %q (evidence ids look like EV20260101-0123456789ABCDEF0123)", id)
	}
	var e Evidence
	if err := module.GetRecord(r, evKey(id), &e, "no evidence %q", id); err != nil {
		return nil, err
	}
	return &e, nil
}

// GetBatch returns a batch record, or a NotFound error.
func GetBatch(r Getter, id string) (*Batch, error) {
	if !field.IsRecordID(batchKind, id) {
		return nil, errcode.New(errcode.NotFound, "no batch %q (batch ids look like BA20260101-0123456789ABCDEF0123)", id)
	}
	var b Batch
	if err := module.GetRecord(r, batchKey(id), &b, "no batch %q", id); err != nil {
		return nil, err
	}
	return &b, nil
}

// GetWork returns a work record, or a NotFound error.
func GetWork(r Getter, id string) (*Work, error) {
	if !field.IsRecordID(workKind, id) {
		return nil, errcode.New(errcode.NotFound, "no work %q (work ids look like WK20260101-0123456789ABCDEF0123)", id)
	}
	var w Work
	if err := module.GetRecord(r, workKey(id), &w, "no work %q", id); err != nil {
		return nil, err
	}
	return &w, nil
}

// queryHash normalises a digest given to a query (either case).
func queryHash(name, s string) (string, error) {
	l := strings.ToLower(s)
	if !field.IsHex64(l) {
		return "", errcode.New(errcode.BadRequest, "%s must be 64 hex digits, got %q", name, s)
	}
	return l, nil
}

// FindEvidence lists the evidence records of files whose SHA-256 or SM3
// digest is hash (64 hex digits, either case), in id order: one record per
// depositing organisation.
func FindEvidence(r Reader, hash string) ([]Evidence, error) {
	h, err := queryHash("hash", hash)
	if err != nil {
		return nil, err
	}
	layout, err := layoutOf(r)
	if err != nil {
		return nil, err
	}
	var ids []string
	var read map[string]*Evidence // records already read, by id
	if layout == layout1 {
		a, err := module.List(r, []byte(sha256Prefix+h+"/"))
		if err != nil {
			return nil, err
		}
		b, err := module.List(r, []byte(sm3Prefix+h+"/"))
		if err != nil {
			return nil, err
		}
		ids = append(a, b...)
	} else {
		raw, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("notary: digest %q: %w", h, err)
		}
		collect := func(_, v []byte) bool {
			ids = append(ids, string(v))
			return true
		}
		if err := r.Iterate(append([]byte(bySHAPrefix), raw...), nil, collect); err != nil {
			return nil, err
		}
		bySM3 := append([]byte(bySM3Prefix), raw...)
		if layout == layout2 {
			if err := r.Iterate(bySM3, nil, collect); err != nil {
				return nil, err
			}
		} else {
			// The node's index by SM3: an entry may name a record of a
			// later version than r's, which r does not have, and only a
			// record whose SM3 is h answers.
			ix, err := localIndex(r)
			if err != nil {
				return nil, err
			}
			var more []string
			if err := ix.IterateLocal(bySM3, nil, func(_, v []byte) bool {
				more = append(more, string(v))
				return true
			}); err != nil {
				return nil, err
			}
			read = map[string]*Evidence{}
			for _, id := range more {
				e, err := GetEvidence(r, id)
				switch {
				case errcode.Of(err) == errcode.NotFound:
					continue
				case err != nil:
					return nil, fmt.Errorf("indexed evidence %s: %w", id, err)
				case e.SM3 == h:
					ids = append(ids, id)
					read[id] = e
				}
			}
		}
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	return loadEvidenceWith(r, ids, read)
}

// localIndex returns r as a reader of the node's local index (layout 3).
func localIndex(r Reader) (module.IndexReader, error) {
	ix, ok := r.(module.IndexReader)
	if !ok {
		return nil, fmt.Errorf("notary: listing layout-3 evidence needs the node's local index, which a %T does not read", r)
	}
	return ix, nil
}

func loadEvidence(r Getter, ids []string) ([]Evidence, error) { return loadEvidenceWith(r, ids, nil) }

// loadEvidenceWith is loadEvidence reading only the records read lacks.
func loadEvidenceWith(r Getter, ids []string, read map[string]*Evidence) ([]Evidence, error) {
	out := make([]Evidence, 0, len(ids))
	for _, id := range ids {
		e, ok := read[id]
		if !ok {
			var err error
			if e, err = GetEvidence(r, id); err != nil {
				return nil, fmt.Errorf("indexed evidence %s: %w", id, err)
			}
		}
		out = append(out, *e)
	}
	return out, nil
}

// Supplements lists the records that supplement evidence id, in id order.
func Supplements(r Reader, id string) ([]Evidence, error) {
	if _, err := GetEvidence(r, id); err != nil {
		return nil, err
	}
	ids, err := module.List(r, []byte(suppPrefix+id+"/"))
	if err != nil {
		return nil, err
	}
	return loadEvidence(r, ids)
}

// WorkLog returns a work's transfers and licences in order (seq 1, 2, ...).
func WorkLog(r Reader, id string) ([]LogEntry, error) {
	if _, err := GetWork(r, id); err != nil {
		return nil, err
	}
	var out []LogEntry
	err := module.EachJSON(r, []byte(workLogPrefix+id+"/"), func(_ []byte, e *LogEntry) { out = append(out, *e) })
	return out, err
}

// Disputes lists the registrations of the same file that other
// organisations made after work id, the first registration, in id order.
func Disputes(r Reader, id string) ([]Work, error) {
	if _, err := GetWork(r, id); err != nil {
		return nil, err
	}
	ids, err := module.List(r, []byte(conflictPrefix+id+"/"))
	if err != nil {
		return nil, err
	}
	return loadWorks(r, ids)
}

func loadWorks(r Getter, ids []string) ([]Work, error) {
	out := make([]Work, 0, len(ids))
	for _, id := range ids {
		w, err := GetWork(r, id)
		if err != nil {
			return nil, fmt.Errorf("indexed work %s: %w", id, err)
		}
		out = append(out, *w)
	}
	return out, nil
}

// WorksByHash lists every registration of the file with this SHA-256: the
// first (status registered) followed by the disputed ones.
func WorksByHash(r Reader, sha256 string) ([]Work, error) {
	h, err := queryHash("sha256", sha256)
	if err != nil {
		return nil, err
	}
	first, err := getRaw(r, workHashKey(h))
	if err != nil || first == "" {
		return nil, err
	}
	others, err := module.List(r, []byte(conflictPrefix+first+"/"))
	if err != nil {
		return nil, err
	}
	return loadWorks(r, append([]string{first}, others...))
}

// ByDepositor lists an organisation's evidence records, newest first, at
// most limit of them after the cursor (the next value of a previous page;
// "" for the first page), and the cursor of the following page.
func ByDepositor(r Reader, org string, after string, limit int) ([]Evidence, string, error) {
	prefix := []byte(orgEvPrefix + org + "/")
	var start []byte
	if after != "" {
		start = append(append(append([]byte{}, prefix...), after...), 0)
	}
	layout, err := layoutOf(r)
	if err != nil {
		return nil, "", err
	}
	iterate := r.Iterate
	// A layout-3 chain keeps the list in the node's local index, which
	// holds every committed block's entries: those of blocks after r's
	// version are skipped (the inverted height sorts them first).
	var skip string
	if layout == layout3 {
		ix, err := localIndex(r)
		if err != nil {
			return nil, "", err
		}
		iterate = ix.IterateLocal
		skip = fmt.Sprintf("%016x", ^uint64(ix.Version()))
	}
	var ids []string
	next, last := "", ""
	err = iterate(prefix, start, func(k, _ []byte) bool {
		rest := string(k[len(prefix):])
		if rest < skip {
			return true
		}
		if len(ids) == limit {
			next = last
			return false
		}
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			ids = append(ids, rest[i+1:])
		}
		last = rest
		return true
	})
	if err != nil {
		return nil, "", err
	}
	evs, err := loadEvidence(r, ids)
	return evs, next, err
}

// GetDispute returns the dispute disputed registration id opened, or a
// NotFound error.
func GetDispute(r Getter, id string) (*Dispute, error) {
	if !field.IsRecordID(workKind, id) {
		return nil, errcode.New(errcode.NotFound, "no dispute of %q: not a work id", id)
	}
	var d Dispute
	if err := module.GetRecord(r, disputeKey(id), &d, "work %s opened no dispute (it is not a disputed registration)", id); err != nil {
		return nil, err
	}
	return &d, nil
}

// ListDisputes lists the disputes with status (open or resolved; every
// dispute when empty), in disputed registration id order.
func ListDisputes(r Reader, status string) ([]Dispute, error) {
	if status != "" && status != DisputeOpen && status != DisputeResolved {
		return nil, errcode.New(errcode.BadRequest, "status %q: give open or resolved, or nothing for every dispute", status)
	}
	out := []Dispute{}
	err := module.EachJSON(r, []byte(disputePrefix), func(_ []byte, d *Dispute) {
		if status == "" || d.Status == status {
			out = append(out, *d)
		}
	})
	return out, err
}

// DisputesOf lists the disputes work id is party to: the one it opened
// (a disputed registration), or those of the later registrations of its
// file (a first registration).
func DisputesOf(r Reader, id string) ([]Dispute, error) {
	w, err := GetWork(r, id)
	if err != nil {
		return nil, err
	}
	ids := []string{id}
	if w.Status != StatusDisputed {
		if ids, err = module.List(r, []byte(conflictPrefix+id+"/")); err != nil {
			return nil, err
		}
	}
	out := []Dispute{}
	for _, x := range ids {
		d, err := GetDispute(r, x)
		if err != nil {
			return nil, fmt.Errorf("dispute of %s: %w", x, err)
		}
		out = append(out, *d)
	}
	return out, nil
}

// BatchesOf lists an organisation's batch deposits, newest first (at most
// limit; more reports whether there were more). The index is by Merkle
// root, so every batch record is read: batches are few beside files.
func BatchesOf(r Reader, org string, limit int) (batches []Batch, more bool, err error) {
	var ids []string
	err = r.Iterate([]byte(batchDepPrefix+org+"/"), nil, func(_, v []byte) bool {
		ids = append(ids, string(v))
		return true
	})
	if err != nil {
		return nil, false, err
	}
	for _, id := range ids {
		b, err := GetBatch(r, id)
		if err != nil {
			return nil, false, err
		}
		batches = append(batches, *b)
	}
	slices.SortFunc(batches, func(a, b Batch) int {
		if a.Height != b.Height {
			return cmp.Compare(b.Height, a.Height)
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(batches) > limit {
		return batches[:limit], true, nil
	}
	return batches, false, nil
}
