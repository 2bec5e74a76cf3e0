package gateway

import (
	"crypto/sha256"
	"sync"

	"github.com/dengta-chain/dengta/tx"
)

// maxSignedWrites bounds how many signed writes the replay guard holds
// (about 80 bytes each). Past it, signed writes are refused as busy until
// old ones expire: a member sending more than this in ten minutes is
// abusing the node, and letting one through unguarded would let a replay
// through.
const maxSignedWrites = 200_000

// replayGuard remembers the signed writes a node took within the
// window in which their time is accepted, so that the same signed
// request sent again (by whoever saw it) is refused instead of acting
// twice: a credential signed twice, a patient admitted twice (ADR 0007).
// An entry lives twice the request window past when it was taken, which
// covers a request signed at the far edge of the window either way. Safe
// for concurrent use.
type replayGuard struct {
	mu    sync.Mutex
	seen  map[[32]byte]int64 // digest of key id and signature -> expiry, unix seconds
	order []replayEntry      // in the order taken (so by expiry), from head
	head  int
}

type replayEntry struct {
	digest [32]byte
	expiry int64
}

// replayStatus is what the guard says of a signed write.
type replayStatus int

const (
	replayFirst replayStatus = iota // taken: the first time it is seen
	replaySeen                      // the same signed request again
	replayFull                      // the guard is full: try later
)

// take records a signed write of key with signature sig at now (unix
// seconds) and says whether it is new.
func (g *replayGuard) take(key tx.KeyID, sig []byte, now int64) replayStatus {
	h := sha256.New()
	h.Write(key[:])
	h.Write(sig)
	var d [32]byte
	h.Sum(d[:0])
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen == nil {
		g.seen = make(map[[32]byte]int64)
	}
	for g.head < len(g.order) && g.order[g.head].expiry <= now {
		e := g.order[g.head]
		if g.seen[e.digest] == e.expiry {
			delete(g.seen, e.digest)
		}
		g.head++
	}
	if g.head > 0 && g.head*2 >= len(g.order) { // compact the queue
		g.order = append(g.order[:0], g.order[g.head:]...)
		g.head = 0
	}
	if exp, ok := g.seen[d]; ok && exp > now {
		return replaySeen
	}
	if len(g.seen) >= maxSignedWrites {
		return replayFull
	}
	exp := now + 2*tx.RequestWindowSeconds
	g.seen[d] = exp
	g.order = append(g.order, replayEntry{d, exp})
	return replayFirst
}
