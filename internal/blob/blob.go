// Package blob is a node's content-addressed store for files that stay off
// chain (evidence, invoices, medical records): only their hashes go on
// chain. A file is stored once under its SHA-256; its SM3 is computed on
// the way in and kept beside it. Files are written to a temporary name,
// synced and renamed, so a crash never leaves a partial file under a hash.
//
// Layout under the store's directory:
//
//	<aa>/<bb>/<sha256 hex>       the file's bytes (aa, bb: first two byte pairs)
//	<aa>/<bb>/<sha256 hex>.sm3   its SM3 digest, hex
//	tmp/                         files being written
//	usage/<owner>                bytes of the files first stored for owner (an organisation), decimal
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/emmansun/gmsm/sm3"
)

// ErrNotFound is returned for a hash the store does not hold.
var ErrNotFound = errors.New("blob not found")

// ErrTooLarge is returned when a file exceeds the store's size limit.
var ErrTooLarge = errors.New("blob too large")

// ErrQuota is returned when a file would take its owner past its quota.
var ErrQuota = errors.New("blob quota exceeded")

// Info describes a stored file.
type Info struct {
	SHA256 string `json:"sha256"`
	SM3    string `json:"sm3"`
	Size   int64  `json:"size"`
}

// Store is a content-addressed directory.
type Store struct {
	dir     string
	maxSize int64
	mu      sync.Mutex // orders the usage counters' updates
}

// Open opens (creating if needed) a store in dir that accepts files of at
// most maxSize bytes.
func Open(dir string, maxSize int64) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	return &Store{dir: dir, maxSize: maxSize}, nil
}

// MaxSize returns the largest file the store accepts.
func (s *Store) MaxSize() int64 { return s.maxSize }

var hexDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (s *Store) path(sha string) (string, error) {
	sha = strings.ToLower(sha)
	if !hexDigest.MatchString(sha) {
		return "", fmt.Errorf("blob hash %q is not 64 hex digits", sha)
	}
	return filepath.Join(s.dir, sha[:2], sha[2:4], sha), nil
}

// Put stores the content read from r and returns its hashes. Storing a file
// that is already there is a no-op that returns the same Info.
func (s *Store) Put(r io.Reader) (Info, error) { return s.PutFor("", 0, r) }

// Usage returns the bytes of the files first stored for owner.
func (s *Store) Usage(owner string) (int64, error) {
	if owner == "" {
		return 0, nil
	}
	b, err := os.ReadFile(s.usagePath(owner))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("blob usage: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("blob usage of %s: %w", owner, err)
	}
	return n, nil
}

func (s *Store) usagePath(owner string) string {
	return filepath.Join(s.dir, "usage", hex.EncodeToString([]byte(owner)))
}

// PutFor is Put on behalf of owner, whose files may take at most quota
// bytes (quota 0 and owner "" are unlimited). A file the store already
// holds costs nobody anything; a new one is charged to the owner that
// stored it first.
func (s *Store) PutFor(owner string, quota int64, r io.Reader) (Info, error) {
	if owner != "" && quota > 0 {
		if used, err := s.Usage(owner); err != nil {
			return Info{}, err
		} else if used >= quota {
			return Info{}, fmt.Errorf("%w: %d of %d bytes used", ErrQuota, used, quota)
		}
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
	if err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h256, hsm3 := sha256.New(), sm3.New()
	n, err := io.Copy(io.MultiWriter(tmp, h256, hsm3), io.LimitReader(r, s.maxSize+1))
	if err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	if n > s.maxSize {
		return Info{}, fmt.Errorf("%w: over %d bytes", ErrTooLarge, s.maxSize)
	}
	info := Info{SHA256: sum(h256), SM3: sum(hsm3), Size: n}
	if err := tmp.Sync(); err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	final, _ := s.path(info.SHA256)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(final); err == nil {
		return info, nil
	}
	var used int64
	if owner != "" {
		if used, err = s.Usage(owner); err != nil {
			return Info{}, err
		}
		if quota > 0 && used+n > quota {
			return Info{}, fmt.Errorf("%w: %d of %d bytes used, the file has %d", ErrQuota, used, quota, n)
		}
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	if err := os.WriteFile(final+".sm3", []byte(info.SM3), 0o600); err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Info{}, fmt.Errorf("put blob: %w", err)
	}
	if owner != "" {
		if err := os.MkdirAll(filepath.Join(s.dir, "usage"), 0o700); err != nil {
			return Info{}, fmt.Errorf("blob usage: %w", err)
		}
		if err := writeAtomic(s.usagePath(owner), []byte(strconv.FormatInt(used+n, 10))); err != nil {
			return Info{}, fmt.Errorf("blob usage: %w", err)
		}
	}
	return info, nil
}

// writeAtomic replaces path's content through a synced temporary file.
func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// Stat returns the Info of a stored file.
func (s *Store) Stat(sha string) (Info, error) {
	p, err := s.path(sha)
	if err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return Info{}, ErrNotFound
	}
	if err != nil {
		return Info{}, fmt.Errorf("stat blob: %w", err)
	}
	sm, err := os.ReadFile(p + ".sm3")
	if err != nil {
		return Info{}, fmt.Errorf("stat blob: %w", err)
	}
	return Info{SHA256: strings.ToLower(sha), SM3: string(sm), Size: fi.Size()}, nil
}

// Open returns a reader of a stored file; close it after use.
func (s *Store) Open(sha string) (io.ReadCloser, Info, error) {
	info, err := s.Stat(sha)
	if err != nil {
		return nil, Info{}, err
	}
	p, _ := s.path(sha)
	f, err := os.Open(p)
	if err != nil {
		return nil, Info{}, fmt.Errorf("open blob: %w", err)
	}
	return f, info, nil
}
