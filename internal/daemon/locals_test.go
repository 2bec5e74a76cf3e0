package daemon

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dengta-chain/dengta/internal/state"
)

// TestLocalsRoundTrip writes a store's node-local records as a backup
// does and reads them into another store as a restore does: every record
// comes back except those the restore wrote itself, and a file that does
// not match backup.json is refused.
func TestLocalsRoundTrip(t *testing.T) {
	src, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	want := map[string][]byte{}
	for i := range 25_000 {
		k, v := fmt.Sprintf("app/tx/%06d", i), bytes.Repeat([]byte{byte(i)}, 1+i%300)
		want[k] = v
		src.SetLocal([]byte(k), v)
	}
	src.SetLocal([]byte("app/block/time"), []byte("old"))
	if err := src.Set([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Commit(1); err != nil {
		t.Fatal(err)
	}
	src.SetLocal([]byte("app/tx/uncommitted"), []byte("x")) // buffered: not in a backup
	path := filepath.Join(t.TempDir(), backupLocals)
	n, sum, err := writeLocals(src, path)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(want))+1 {
		t.Fatalf("%d records written, want %d", n, len(want)+1)
	}
	info := &BackupInfo{Locals: n, LocalsSHA256: sum}
	dst, err := state.Open(filepath.Join(t.TempDir(), "dst"))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := readLocals(path, info, dst, map[string][]byte{"app/block/time": nil}); err != nil {
		t.Fatal(err)
	}
	got := 0
	if err := dst.IterateLocal(func(k, v []byte) bool {
		if w, ok := want[string(k)]; !ok || !bytes.Equal(w, v) {
			t.Errorf("record %q = %q", k, v)
		}
		got++
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if got != len(want) {
		t.Fatalf("%d records restored, want %d", got, len(want))
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := state.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := readLocals(path, info, other, nil); err == nil {
		t.Fatal("an altered locals file was read")
	}
	if err := readLocals(filepath.Join(t.TempDir(), "none"), info, other, nil); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing locals file: %v", err)
	}
}

// FuzzReadLocals feeds arbitrary files (with a matching checksum) to the
// restore's reader of node-local records: it may refuse them, never
// panic or allocate past its bound.
func FuzzReadLocals(f *testing.F) {
	src, err := state.Open("")
	if err != nil {
		f.Fatal(err)
	}
	defer src.Close()
	src.SetLocal([]byte("a"), []byte("1"))
	src.SetLocal([]byte("b"), []byte("22"))
	if err := src.Set([]byte("k"), []byte("v")); err != nil {
		f.Fatal(err)
	}
	if _, err := src.Commit(1); err != nil {
		f.Fatal(err)
	}
	seed := filepath.Join(f.TempDir(), "seed")
	if _, _, err := writeLocals(src, seed); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, int64(2))
	f.Add([]byte{}, int64(0))
	f.Add([]byte{0xff, 0xff, 0xff}, int64(1))
	f.Fuzz(func(t *testing.T, data []byte, count int64) {
		path := filepath.Join(t.TempDir(), "locals")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256sum(data)
		st, err := state.Open("")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_ = readLocals(path, &BackupInfo{Locals: count, LocalsSHA256: sum}, st, nil)
	})
}

func sha256sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
