package gateway

import (
	"encoding/binary"
	"testing"

	"github.com/dengta-chain/dengta/tx"
)

// TestReplayGuard: a signature is taken once until twice the request
// window has passed; a full guard refuses new writes as busy until old
// ones expire; another key's identical signature bytes are another write.
func TestReplayGuard(t *testing.T) {
	var g replayGuard
	var k1, k2 tx.KeyID
	k2[0] = 1
	sig := []byte("signature")
	const t0 = 1_800_000_000
	for _, c := range []struct {
		key  tx.KeyID
		now  int64
		want replayStatus
	}{
		{k1, t0, replayFirst},
		{k1, t0 + 1, replaySeen},
		{k2, t0 + 1, replayFirst},
		{k1, t0 + 2*tx.RequestWindowSeconds - 1, replaySeen},
		{k1, t0 + 2*tx.RequestWindowSeconds, replayFirst},
	} {
		if got := g.take(c.key, sig, c.now); got != c.want {
			t.Fatalf("take(%x, %d) = %d, want %d", c.key[:1], c.now-t0, got, c.want)
		}
	}

	var full replayGuard
	b := make([]byte, 8)
	for i := range maxSignedWrites {
		binary.BigEndian.PutUint64(b, uint64(i))
		if got := full.take(k1, b, t0); got != replayFirst {
			t.Fatalf("write %d: %d", i, got)
		}
	}
	binary.BigEndian.PutUint64(b, maxSignedWrites)
	if got := full.take(k1, b, t0+1); got != replayFull {
		t.Fatalf("a write past the bound: %d, want busy", got)
	}
	if got := full.take(k1, b, t0+2*tx.RequestWindowSeconds); got != replayFirst {
		t.Fatalf("a write once the old ones expired: %d", got)
	}
	if len(full.seen) != 1 || len(full.order)-full.head != 1 {
		t.Fatalf("after expiry the guard holds %d (queue %d)", len(full.seen), len(full.order)-full.head)
	}
}
