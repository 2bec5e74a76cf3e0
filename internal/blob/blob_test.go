package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPutStatOpen(t *testing.T) {
	s, err := Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// SM3("abc") from GB/T 32905-2016, appendix A.
	info, err := s.Put(strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	wantSHA := sha256.Sum256([]byte("abc"))
	if info.SHA256 != hex.EncodeToString(wantSHA[:]) || info.SM3 != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" || info.Size != 3 {
		t.Fatalf("Put = %+v", info)
	}
	again, err := s.Put(strings.NewReader("abc"))
	if err != nil || again != info {
		t.Fatalf("second Put = %+v, %v", again, err)
	}
	got, err := s.Stat(strings.ToUpper(info.SHA256))
	if err != nil || got != info {
		t.Fatalf("Stat = %+v, %v", got, err)
	}
	rc, _, err := s.Open(info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "abc" {
		t.Fatalf("Open read %q", b)
	}
	if _, err := s.Stat(strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Stat(missing) = %v", err)
	}
	if _, err := s.Stat("../../etc/passwd"); err == nil {
		t.Fatal("Stat accepted a path")
	}
}

func TestTooLargeLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir, 10)
	if _, err := s.Put(bytes.NewReader(make([]byte, 11))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Put(11 bytes) = %v", err)
	}
	if _, err := s.Put(bytes.NewReader(make([]byte, 10))); err != nil {
		t.Fatalf("Put(10 bytes) = %v", err)
	}
	tmp, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
}

func TestQuota(t *testing.T) {
	s, err := Open(t.TempDir(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	put := func(owner string, content string) error {
		_, err := s.PutFor(owner, 500, strings.NewReader(content))
		return err
	}
	if err := put("coop", strings.Repeat("a", 300)); err != nil {
		t.Fatal(err)
	}
	// The same file again costs nothing, for anyone.
	if err := put("coop", strings.Repeat("a", 300)); err != nil {
		t.Fatal(err)
	}
	if err := put("bank", strings.Repeat("a", 300)); err != nil {
		t.Fatal(err)
	}
	if err := put("coop", strings.Repeat("b", 201)); !errors.Is(err, ErrQuota) {
		t.Fatalf("past the quota: %v", err)
	}
	if _, err := s.Stat(hexSHA(strings.Repeat("b", 201))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused file was stored: %v", err)
	}
	if err := put("coop", strings.Repeat("b", 200)); err != nil {
		t.Fatalf("up to the quota: %v", err)
	}
	if err := put("coop", "c"); !errors.Is(err, ErrQuota) {
		t.Fatalf("at the quota: %v", err)
	}
	for owner, want := range map[string]int64{"coop": 500, "bank": 0, "nobody": 0} {
		if got, err := s.Usage(owner); err != nil || got != want {
			t.Errorf("Usage(%s) = %d, %v; want %d", owner, got, err, want)
		}
	}
}

func hexSHA(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
