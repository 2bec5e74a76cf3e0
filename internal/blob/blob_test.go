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
