package state

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

const (
	benchBlockWrites = 1000
	benchValueLen    = 200
)

func benchKey(i uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], i)
	return crypto.Keccak256(b[:]) // 32 bytes, uniformly spread
}

// populate commits n keys benchKey(0..n-1) in blocks of 10k writes.
func populate(b *testing.B, s *Store, n int) {
	b.Helper()
	val := make([]byte, benchValueLen)
	for i := 0; i < n; i++ {
		val[0] = byte(i)
		if err := s.Set(benchKey(uint64(i)), val); err != nil {
			b.Fatal(err)
		}
		if (i+1)%10000 == 0 || i == n-1 {
			if _, err := s.Commit(s.Version() + 1); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSetCommit measures one block: 1000 writes of 32-byte keys and
// 200-byte values (half updates of existing keys, half inserts) followed by
// Commit, on a state that already holds preload keys. ns/keywrite is the
// whole block time (including the synced commit) divided by the writes.
func BenchmarkSetCommit(b *testing.B) {
	for _, bc := range []struct {
		name     string
		disk     bool
		preload  int
		unsorted bool // the nodes go into the batch in map order (sortNodeWrites off)
	}{
		{"mem/preload=100k", false, 100_000, false},
		{"disk/preload=100k/sorted", true, 100_000, false},
		{"disk/preload=100k/unsorted", true, 100_000, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			defer func(v bool) { sortNodeWrites = v }(sortNodeWrites)
			sortNodeWrites = !bc.unsorted
			dir := ""
			if bc.disk {
				dir = b.TempDir()
			}
			s := openT(b, dir)
			populate(b, s, bc.preload)
			r := rand.New(rand.NewPCG(1, 2))
			next := uint64(bc.preload)
			val := make([]byte, benchValueLen)
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				for i := 0; i < benchBlockWrites; i++ {
					var k []byte
					if i%2 == 0 {
						k = benchKey(r.Uint64N(uint64(bc.preload)))
					} else {
						k = benchKey(next)
						next++
					}
					val[0], val[1] = byte(n), byte(i)
					if err := s.Set(k, val); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Commit(s.Version() + 1); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			perKey := float64(b.Elapsed().Nanoseconds()) / float64(b.N*benchBlockWrites)
			b.ReportMetric(perKey, "ns/keywrite")
			b.ReportMetric(1e9/perKey, "keywrites/s")
		})
	}
}

// benchView returns the latest View of an on-disk store holding n keys.
func benchView(b *testing.B, n int) *View {
	s := openT(b, b.TempDir())
	populate(b, s, n)
	// Settle the LSM so background compaction does not skew the reads.
	if err := s.kv.Compact(nil, nil); err != nil {
		b.Fatal(err)
	}
	v, err := s.At(0)
	if err != nil {
		b.Fatal(err)
	}
	return v
}

const benchReadKeys = 100_000

// BenchmarkGet reads random committed keys through a View (on disk).
func BenchmarkGet(b *testing.B) {
	v := benchView(b, benchReadKeys)
	r := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		val, err := v.Get(benchKey(r.Uint64N(benchReadKeys)))
		if err != nil || val == nil {
			b.Fatal(val, err)
		}
	}
}

// BenchmarkProve proves random committed keys through a View (on disk).
func BenchmarkProve(b *testing.B) {
	v := benchView(b, benchReadKeys)
	r := rand.New(rand.NewPCG(5, 6))
	var nodes, size int
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		p, err := v.Prove(benchKey(r.Uint64N(benchReadKeys)))
		if err != nil || p.Value == nil {
			b.Fatal(p, err)
		}
		nodes += len(p.Nodes)
		for _, nd := range p.Nodes {
			size += len(nd)
		}
	}
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/proof")
	b.ReportMetric(float64(size)/float64(b.N), "bytes/proof")
}

// BenchmarkVerifyProof verifies proofs of random keys (no database).
func BenchmarkVerifyProof(b *testing.B) {
	v := benchView(b, benchReadKeys)
	r := rand.New(rand.NewPCG(7, 8))
	proofs := make([]*Proof, 256)
	for i := range proofs {
		p, err := v.Prove(benchKey(r.Uint64N(benchReadKeys)))
		if err != nil {
			b.Fatal(err)
		}
		proofs[i] = p
	}
	root := v.Root()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if _, err := VerifyProof(root, proofs[n%len(proofs)]); err != nil {
			b.Fatal(err)
		}
	}
}
