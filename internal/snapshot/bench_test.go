package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/state"
)

// evidenceState writes n notary evidence records the way the notary
// module lays them out (a record of about 420 bytes of JSON and four index
// entries: by depositor and file, by SHA-256, by SM3, by organisation and
// height), committing a version every 10,000 records, as blocks would.
func evidenceState(b *testing.B, dir string, n int) *state.Store {
	b.Helper()
	s, err := state.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	set := func(k string, v []byte) {
		if err := s.Set([]byte(k), v); err != nil {
			b.Fatal(err)
		}
	}
	for i := range n {
		org := fmt.Sprintf("org-%03d", i%50)
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		sha := hex.EncodeToString(sum[:])
		sm3 := hex.EncodeToString(sha256.New().Sum(sum[:16]))[:64]
		id := fmt.Sprintf("EV%016X", i)
		height := uint64(i/100 + 1)
		ev := fmt.Sprintf(`{"id":%q,"org":%q,"sha256":%q,"sm3":%q,"title":"合同扫描件 第%d号","kind":"contract","size":%d,`+
			`"submitted_by":"%s/clerk","height":%d,"tx":%q,"time":"2026-03-01T08:00:00Z","labels":["procurement","2026"]}`,
			id, org, sha, sm3, i, 100_000+i%900_000, org, height, sha)
		set("notary/ev/"+id, []byte(ev))
		set("notary/dep/"+org+"/"+sha+"/"+sm3, []byte(id))
		set("notary/sha256/"+sha+"/"+id, []byte("1"))
		set("notary/sm3/"+sm3+"/"+id, []byte("1"))
		set(fmt.Sprintf("notary/orgev/%s/%016x/%s", org, ^height, id), []byte("1"))
		if (i+1)%10_000 == 0 {
			if _, err := s.Commit(s.Version() + 1); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := s.Commit(s.Version() + 1); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkEvidenceSnapshot measures taking a snapshot of a state holding
// DENGTA_BENCH_EVIDENCE notary evidence records (default 100,000) and
// restoring it into an empty store, as a joining node does (every chunk
// checked, the trie rebuilt and its root compared). It reports the
// snapshot's size and both times; it runs once whatever b.N is.
func BenchmarkEvidenceSnapshot(b *testing.B) {
	n := 100_000
	if v := os.Getenv("DENGTA_BENCH_EVIDENCE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("DENGTA_BENCH_EVIDENCE=%q", v)
		}
	}
	dir := b.TempDir()
	start := time.Now()
	src := evidenceState(b, filepath.Join(dir, "src"), n)
	b.Logf("%d evidence records written in %s", n, time.Since(start).Round(time.Millisecond))
	store, err := Open(filepath.Join(dir, "snapshots"), 1)
	if err != nil {
		b.Fatal(err)
	}
	view, err := src.At(0)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		start = time.Now()
		sn, err := store.Create(view, Meta{ChainID: "bench", AppVersion: 1, BlockTime: time.Unix(0, 0)})
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		var size int64
		for _, c := range sn.Manifest.Chunks {
			size += c.Size
		}
		dst, err := state.Open(filepath.Join(dir, fmt.Sprintf("dst-%d", time.Now().UnixNano())))
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		m, err := ParseManifest(sn.Metadata, uint64(sn.Height), sn.Format, sn.Chunks, sn.Hash)
		if err != nil {
			b.Fatal(err)
		}
		root := view.Root()
		x, err := StartRestore(dst, m, root[:])
		if err != nil {
			b.Fatal(err)
		}
		for i := range int(sn.Chunks) {
			c, err := store.Chunk(sn.Height, sn.Format, uint32(i))
			if err != nil {
				b.Fatal(err)
			}
			if err := x.Apply(i, c); err != nil {
				b.Fatal(err)
			}
		}
		if err := x.Finish(nil); err != nil {
			b.Fatal(err)
		}
		restored := time.Since(start)
		dst.Close()
		b.ReportMetric(float64(n), "records")
		b.ReportMetric(float64(sn.Manifest.Keys), "keys")
		b.ReportMetric(float64(size)/(1<<20), "snapshot-MiB")
		b.ReportMetric(float64(sn.Manifest.RawBytes)/(1<<20), "raw-MiB")
		b.ReportMetric(float64(sn.Chunks), "chunks")
		b.ReportMetric(took.Seconds(), "create-s")
		b.ReportMetric(restored.Seconds(), "restore-s")
		// The next iteration writes the same height again: start afresh.
		if err := os.RemoveAll(store.Dir()); err != nil {
			b.Fatal(err)
		}
		if store, err = Open(filepath.Join(dir, "snapshots"), 1); err != nil {
			b.Fatal(err)
		}
	}
}
