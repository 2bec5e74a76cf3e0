package notary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// Getter reads single state values (module.KV and state.View satisfy it).
type Getter interface {
	Get(key []byte) ([]byte, error)
}

// Reader reads and lists state values; state.View satisfies it.
type Reader interface {
	Getter
	Iterate(prefix, start []byte, fn func(k, v []byte) bool) error
}

func getRecord(r Getter, key []byte, v any, what, id string) error {
	ok, err := module.GetJSON(r, key, v)
	if err != nil {
		return err
	}
	if !ok {
		return errcode.New(errcode.NotFound, "no %s %q", what, id)
	}
	return nil
}

// GetEvidence returns an evidence record, or a NotFound error.
func GetEvidence(r Getter, id string) (*Evidence, error) {
	if !evidenceIDPattern.MatchString(id) {
		return nil, errcode.New(errcode.NotFound, "no evidence %q (evidence ids look like EV20260101-0123456789ABCDEF0123)", id)
	}
	var e Evidence
	if err := getRecord(r, evKey(id), &e, "evidence", id); err != nil {
		return nil, err
	}
	return &e, nil
}

// GetBatch returns a batch record, or a NotFound error.
func GetBatch(r Getter, id string) (*Batch, error) {
	if !batchIDPattern.MatchString(id) {
		return nil, errcode.New(errcode.NotFound, "no batch %q (batch ids look like BA20260101-0123456789ABCDEF0123)", id)
	}
	var b Batch
	if err := getRecord(r, batchKey(id), &b, "batch", id); err != nil {
		return nil, err
	}
	return &b, nil
}

// GetWork returns a work record, or a NotFound error.
func GetWork(r Getter, id string) (*Work, error) {
	if !workIDPattern.MatchString(id) {
		return nil, errcode.New(errcode.NotFound, "no work %q (work ids look like WK20260101-0123456789ABCDEF0123)", id)
	}
	var w Work
	if err := getRecord(r, workKey(id), &w, "work", id); err != nil {
		return nil, err
	}
	return &w, nil
}

// queryHash normalises a digest given to a query (either case).
func queryHash(field, s string) (string, error) {
	l := strings.ToLower(s)
	if !isHex64(l) {
		return "", errcode.New(errcode.BadRequest, "%s must be 64 hex digits, got %q", field, s)
	}
	return l, nil
}

// idsUnder lists the last path element of every key under prefix, in key
// order.
func idsUnder(r Reader, prefix []byte) ([]string, error) {
	var ids []string
	err := r.Iterate(prefix, nil, func(k, _ []byte) bool {
		ids = append(ids, string(bytes.TrimPrefix(k, prefix)))
		return true
	})
	return ids, err
}

// FindEvidence lists the evidence records of files whose SHA-256 or SM3
// digest is hash (64 hex digits, either case), in id order: one record per
// depositing organisation.
func FindEvidence(r Reader, hash string) ([]Evidence, error) {
	h, err := queryHash("hash", hash)
	if err != nil {
		return nil, err
	}
	a, err := idsUnder(r, []byte(sha256Prefix+h+"/"))
	if err != nil {
		return nil, err
	}
	b, err := idsUnder(r, []byte(sm3Prefix+h+"/"))
	if err != nil {
		return nil, err
	}
	ids := slices.Compact(slices.Sorted(slices.Values(append(a, b...))))
	return loadEvidence(r, ids)
}

func loadEvidence(r Getter, ids []string) ([]Evidence, error) {
	out := make([]Evidence, 0, len(ids))
	for _, id := range ids {
		e, err := GetEvidence(r, id)
		if err != nil {
			return nil, fmt.Errorf("indexed evidence %s: %w", id, err)
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
	ids, err := idsUnder(r, []byte(suppPrefix+id+"/"))
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
	var decodeErr error
	err := r.Iterate([]byte(workLogPrefix+id+"/"), nil, func(k, v []byte) bool {
		var e LogEntry
		if decodeErr = json.Unmarshal(v, &e); decodeErr != nil {
			decodeErr = fmt.Errorf("decode %q: %w", k, decodeErr)
			return false
		}
		out = append(out, e)
		return true
	})
	if err == nil {
		err = decodeErr
	}
	return out, err
}

// Disputes lists the registrations of the same file that other
// organisations made after work id, the first registration, in id order.
func Disputes(r Reader, id string) ([]Work, error) {
	if _, err := GetWork(r, id); err != nil {
		return nil, err
	}
	ids, err := idsUnder(r, []byte(conflictPrefix+id+"/"))
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
	others, err := idsUnder(r, []byte(conflictPrefix+first+"/"))
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
	var ids []string
	next, last := "", ""
	err := r.Iterate(prefix, start, func(k, _ []byte) bool {
		if len(ids) == limit {
			next = last
			return false
		}
		rest := string(k[len(prefix):])
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
