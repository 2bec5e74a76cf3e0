package auditlog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

func full(i int, owner string) Full {
	return Full{Node: owner, Owner: owner, Time: "2026-03-01T08:00:00+08:00", Event: datashareapi.EventFetch, Outcome: datashareapi.OutcomeServe,
		Record: fmt.Sprintf("DR20260301-%020d", i), Grant: "DG20260301-00000000000000000001", Org: "hospb", Key: tx.KeyID{1, byte(i)},
		Request: Request{Method: "GET", Path: "/v1/datashare/records/x/content", Signature: "c2ln"}}
}

// chain is a hand-written fake of the chain's audit action, with fault
// hooks: it keeps what it records, refuses batches holding a poisoned
// record, and fails while down.
type chain struct {
	mu       sync.Mutex
	got      []datashareapi.AuditEvent
	batches  int
	poisoned string
	down     bool
}

func (c *chain) submit(_ context.Context, owner string, ev []datashareapi.AuditEvent) (uint32, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return 0, "", errors.New("mempool full")
	}
	for _, e := range ev {
		if e.Record == c.poisoned {
			return 10, "malformed_body: poisoned", nil
		}
	}
	c.got = append(c.got, ev...)
	c.batches++
	return 0, "", nil
}

func TestJournalToChain(t *testing.T) {
	dir := t.TempDir()
	j, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 7 {
		owner := "hospa"
		if i >= 5 {
			owner = "factory"
		}
		ev, err := j.Append(full(i, owner))
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.ID) != 32 || ev.ID != ev.Digest[:32] {
			t.Fatalf("event %+v", ev)
		}
		want = append(want, ev.ID)
	}
	c := &chain{down: true}
	b := NewBatcher(j, c.submit, 3, time.Hour, nil)
	if b.Flush(context.Background()) {
		t.Fatal("flushed while the chain is down")
	}
	c.down = false
	if !b.Flush(context.Background()) {
		t.Fatal("flush failed")
	}
	var got []string
	for _, e := range c.got {
		got = append(got, e.ID)
	}
	if !slices.Equal(got, want) || c.batches != 3 { // hospa 3 + 2 (runs of one owner, at most 3), factory 2
		t.Fatalf("chain got %v in %d batches, want %v in 3", got, c.batches, want)
	}
	// A restart finds nothing left to record, and appends after the end.
	j.Close()
	j, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lines, _, err := j.Pending(10); err != nil || len(lines) != 0 {
		t.Fatalf("after restart: %d pending, %v", len(lines), err)
	}
	ev, _ := j.Append(full(9, "hospa"))
	if full, err := j.Find(ev.ID); err != nil || full == nil || full.Record != ev.Record {
		t.Fatalf("find %s: %+v %v", ev.ID, full, err)
	}
}

func TestRefusedEventKeptApart(t *testing.T) {
	j, _ := Open(t.TempDir(), nil)
	for i := range 4 {
		j.Append(full(i, "hospa"))
	}
	c := &chain{poisoned: full(2, "hospa").Record}
	b := NewBatcher(j, c.submit, 10, time.Hour, nil)
	if !b.Flush(context.Background()) {
		t.Fatal("flush failed")
	}
	if len(c.got) != 3 || b.Stats().Rejected != 1 {
		t.Fatalf("recorded %d, stats %+v", len(c.got), b.Stats())
	}
	if data, err := os.ReadFile(filepath.Join(j.dir, "rejected.jsonl")); err != nil || len(data) == 0 {
		t.Fatalf("rejected.jsonl: %v", err)
	}
}

// TestTornTail: a line the node did not finish (no answer depended on
// it, since answers wait for the sync) is cut at the next start.
func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	j, _ := Open(dir, nil)
	j.Append(full(1, "hospa"))
	j.Close()
	f, _ := os.OpenFile(filepath.Join(dir, "audit-000001.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"owner":"hospa","digest":"ab`)
	f.Close()
	j, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	lines, _, err := j.Pending(10)
	if err != nil || len(lines) != 1 {
		t.Fatalf("pending %d, %v", len(lines), err)
	}
	j.Append(full(2, "hospa"))
	if lines, _, err = j.Pending(10); err != nil || len(lines) != 2 {
		t.Fatalf("pending %d, %v", len(lines), err)
	}
}

func TestSegments(t *testing.T) {
	j, _ := Open(t.TempDir(), nil)
	j.segSize = 1000
	c := &chain{}
	b := NewBatcher(j, c.submit, 2, time.Hour, nil)
	for i := range 20 {
		j.Append(full(i, "hospa"))
		if i%3 == 0 && !b.Flush(context.Background()) {
			t.Fatal("flush failed")
		}
	}
	if !b.Flush(context.Background()) || len(c.got) != 20 {
		t.Fatalf("recorded %d of 20", len(c.got))
	}
	segs, _ := j.segments()
	if len(segs) < 2 {
		t.Fatalf("segments %v: none was closed", segs)
	}
	seen := map[string]bool{}
	for _, e := range c.got {
		if seen[e.ID] {
			t.Fatalf("event %s recorded twice", e.ID)
		}
		seen[e.ID] = true
	}
}

func TestTamperedLine(t *testing.T) {
	j, _ := Open(t.TempDir(), nil)
	j.Append(full(1, "hospa"))
	data, _ := os.ReadFile(j.segPath(1))
	for _, mutate := range []func([]byte) []byte{
		func(b []byte) []byte { return []byte(string(b[:len(b)-1]) + " ") },
		func(b []byte) []byte { return []byte(replace(string(b), `"org":"hospb"`, `"org":"hospc"`)) },
	} {
		if _, _, err := ParseLine(mutate(data[:len(data)-1])); err == nil {
			t.Fatal("a changed line parses")
		}
	}
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

func FuzzParseLine(f *testing.F) {
	j, _ := Open(f.TempDir(), nil)
	j.Append(full(1, "hospa"))
	data, _ := os.ReadFile(j.segPath(1))
	f.Add(data[:len(data)-1])
	f.Add([]byte(`{"owner":"x","digest":"","full":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, fu, err := ParseLine(b)
		if err != nil {
			return
		}
		d, _, err := fu.Digest()
		if err != nil || len(l.Digest) != 64 || fu.Owner != l.Owner {
			t.Fatalf("accepted %q", b)
		}
		_ = d
	})
}

func BenchmarkAppend(b *testing.B) {
	j, _ := Open(b.TempDir(), nil)
	for i := 0; b.Loop(); i++ {
		if _, err := j.Append(full(i, "hospa")); err != nil {
			b.Fatal(err)
		}
	}
}
