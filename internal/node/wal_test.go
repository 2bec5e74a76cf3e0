package node

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	abcitypes "github.com/cometbft/cometbft/abci/types"
)

// walEntry encodes data as one WAL entry (CometBFT's WALEncoder format).
func walEntry(data []byte) []byte {
	out := make([]byte, 8+len(data))
	binary.BigEndian.PutUint32(out[0:4], crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	binary.BigEndian.PutUint32(out[4:8], uint32(len(data)))
	copy(out[8:], data)
	return out
}

func TestRepairWAL(t *testing.T) {
	var good []byte
	for i := range 5 {
		good = append(good, walEntry(bytes.Repeat([]byte{byte(i)}, 10+i))...)
	}
	bad := walEntry([]byte("this entry's checksum is wrong"))
	bad[0] ^= 0xff
	tooLong := walEntry([]byte("x"))
	binary.BigEndian.PutUint32(tooLong[4:8], walMaxEntryBytes+1)
	whole := walEntry([]byte("a whole entry after the tear"))
	cases := []struct {
		name   string
		tail   []byte
		reason string // "" for a clean file
	}{
		{"clean", nil, ""},
		{"header cut", walEntry([]byte("torn"))[:5], "header cut"},
		{"data cut", walEntry([]byte("a torn entry"))[:14], "entry cut"},
		{"bad checksum", append(bad, whole...), "checksum"},
		{"length over the limit", append(tooLong, whole...), "over the"},
		{"zeros", make([]byte, 64), "empty entry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cs.wal")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			head := filepath.Join(dir, "wal")
			// An older, rotated file that is whole, and the head.
			if err := os.WriteFile(head+".000", good, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(head, append(append([]byte{}, good...), c.tail...), 0o600); err != nil {
				t.Fatal(err)
			}
			rep, err := RepairWAL(head)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Files != 2 || rep.Entries < 10 {
				t.Errorf("repair: %+v, want 2 files and at least 10 entries", rep)
			}
			got, _ := os.ReadFile(head)
			if c.reason == "" {
				if len(rep.Truncated) != 0 || !bytes.Equal(got, good) {
					t.Fatalf("clean WAL changed: %+v", rep)
				}
				return
			}
			if len(rep.Truncated) != 1 || !strings.Contains(rep.Truncated[0].Reason, c.reason) {
				t.Fatalf("repair: %+v, want one cut for %q", rep, c.reason)
			}
			cut := rep.Truncated[0]
			if !bytes.HasPrefix(got, good) || cut.Offset != int64(len(got)) || cut.File != head {
				t.Fatalf("head after repair: %d bytes, cut %+v", len(got), cut)
			}
			kept, err := os.ReadFile(cut.Backup)
			if err != nil || int64(len(kept)) != cut.Dropped || !bytes.Equal(append(got, kept...), append(append([]byte{}, good...), c.tail...)) {
				t.Fatalf("torn tail kept in %s: %d bytes, %v; dropped %d", cut.Backup, len(kept), err, cut.Dropped)
			}
			if filepath.Dir(cut.Backup) == dir {
				t.Errorf("torn tail kept in the WAL's own directory %s", cut.Backup)
			}
			// Once repaired, a second check changes nothing.
			again, err := RepairWAL(head)
			if err != nil || len(again.Truncated) != 0 {
				t.Fatalf("second repair: %+v, %v", again, err)
			}
		})
	}
	t.Run("no WAL", func(t *testing.T) {
		rep, err := RepairWAL(filepath.Join(t.TempDir(), "cs.wal", "wal"))
		if err != nil || rep.Files != 0 {
			t.Fatalf("missing WAL: %+v, %v", rep, err)
		}
	})
}

// TestTornWALRestart tears the tail of a real node's consensus WAL, as a
// kill in the middle of a write does, and restarts it: the WAL is cut
// once, the node goes on committing, and the next restart finds nothing
// to repair.
func TestTornWALRestart(t *testing.T) {
	h := initTestHome(t, "torn", true)
	if err := WriteGenesis(h.dir, testGenesis("torn-chain", h)); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, h.dir, kvstore.NewInMemoryApplication())
	waitHeight(t, n, 4, 30*time.Second)
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	wal := c.Consensus.WalFile()
	f, err := os.OpenFile(wal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Half of an entry: its header promises 300 bytes, 20 follow.
	torn := walEntry(bytes.Repeat([]byte{7}, 300))[:28]
	if _, err := f.Write(torn); err != nil {
		t.Fatal(err)
	}
	f.Close()

	n = startNode(t, h.dir, kvstore.NewInMemoryApplication())
	if kept, err := os.ReadFile(filepath.Join(filepath.Dir(wal)+".torn", "wal.1")); err != nil || !bytes.Equal(kept, torn) {
		t.Fatalf("the torn tail was not cut and kept: %x, %v", kept, err)
	}
	h1 := height(t, n)
	waitHeight(t, n, h1+3, 30*time.Second)
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	rep, err := RepairWAL(wal)
	if err != nil || len(rep.Truncated) != 0 || rep.Entries == 0 {
		t.Fatalf("WAL after the repaired node ran: %+v, %v", rep, err)
	}
}

// failingCommit is a kvstore whose Commit fails from a given height on,
// as an application's does when its disk is full.
type failingCommit struct {
	*kvstore.Application
	from   int64
	height int64
}

func (a *failingCommit) FinalizeBlock(ctx context.Context, req *abcitypes.FinalizeBlockRequest) (*abcitypes.FinalizeBlockResponse, error) {
	a.height = req.Height
	return a.Application.FinalizeBlock(ctx, req)
}

func (a *failingCommit) Commit(ctx context.Context, req *abcitypes.CommitRequest) (*abcitypes.CommitResponse, error) {
	if a.height >= a.from {
		return nil, errors.New("write state: no space left on device")
	}
	return a.Application.Commit(ctx, req)
}

// TestHaltedOnAppFailure makes the application fail to commit a block:
// CometBFT's consensus routine stops for good while the process goes on,
// and the node says so (Halted, HaltError) instead of staying up behind.
func TestHaltedOnAppFailure(t *testing.T) {
	h := initTestHome(t, "halt", true)
	if err := WriteGenesis(h.dir, testGenesis("halt-chain", h)); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, h.dir, &failingCommit{Application: kvstore.NewInMemoryApplication(), from: 3})
	if err := n.HaltError(); err != nil {
		t.Fatalf("halt error before any failure: %v", err)
	}
	select {
	case <-n.Halted():
	case <-time.After(30 * time.Second):
		t.Fatal("the node did not report that consensus stopped")
	}
	if err := n.HaltError(); err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("halt error: %v", err)
	}
	// Block 3 is stored; its commit failed, and nothing follows it.
	if got := height(t, n); got != 3 {
		t.Errorf("height after the failed commit of block 3: %d, want 3", got)
	}
}
