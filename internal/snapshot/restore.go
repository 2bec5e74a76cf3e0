package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/dengta-chain/dengta/internal/state"
)

// Restore applies a snapshot's chunks, in order, to an empty state store.
type Restore struct {
	m       *Manifest
	trusted state.Hash
	r       *state.Restorer
	next    int
	keys    int64
}

// StartRestore checks a manifest against the app hash the light client
// trusts and starts rebuilding its state into st, which must be empty.
func StartRestore(st *state.Store, m *Manifest, trusted []byte) (*Restore, error) {
	root, err := m.Root()
	if err != nil {
		return nil, err
	}
	if len(trusted) != len(root) || state.Hash(trusted) != root {
		return nil, fmt.Errorf("%w: the manifest's app hash %s is not the trusted app hash %X of height %d", ErrBadManifest, root, trusted, m.Height)
	}
	r, err := st.Restore(m.Height)
	if err != nil {
		return nil, err
	}
	return &Restore{m: m, trusted: root, r: r}, nil
}

// Manifest returns the manifest being restored.
func (x *Restore) Manifest() *Manifest { return x.m }

// Next returns the index of the next chunk to apply.
func (x *Restore) Next() int { return x.next }

// Done reports whether every chunk was applied.
func (x *Restore) Done() bool { return x.next == len(x.m.Chunks) }

// Apply checks chunk index against the manifest and adds its pairs. A
// chunk that does not match is ErrChunkHash (fetch it again, from another
// sender); one that matches and does not decode, or breaks the key order,
// is ErrBadChunk (the snapshot is bad).
func (x *Restore) Apply(index int, chunk []byte) error {
	if index != x.next {
		return fmt.Errorf("snapshot %d: chunk %d applied, %d expected", x.m.Height, index, x.next)
	}
	want := x.m.Chunks[index]
	sum := sha256.Sum256(chunk)
	if hex.EncodeToString(sum[:]) != want.SHA256 || int64(len(chunk)) != want.Size {
		return fmt.Errorf("%w: chunk %d of snapshot %d", ErrChunkHash, index, x.m.Height)
	}
	n, err := decodeChunk(chunk, func(k, v []byte) error {
		if err := x.r.Add(k, v); err != nil {
			return fmt.Errorf("%w: %v", ErrBadChunk, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n != want.Keys {
		return fmt.Errorf("%w: chunk %d holds %d pairs, the manifest says %d", ErrBadChunk, index, n, want.Keys)
	}
	if err := x.r.Flush(); err != nil {
		return err
	}
	x.keys += n
	x.next++
	return nil
}

// Finish checks, once every chunk is applied, that the state hashes to
// the trusted app hash, and commits it with the node-local records
// locals. A mismatch is state.ErrRootMismatch and leaves the store empty.
func (x *Restore) Finish(locals map[string][]byte) error {
	if !x.Done() {
		return fmt.Errorf("snapshot %d: %d of %d chunks applied", x.m.Height, x.next, len(x.m.Chunks))
	}
	if x.keys != x.m.Keys {
		x.r.Abort()
		return fmt.Errorf("%w: %d pairs restored, the manifest says %d", ErrBadChunk, x.keys, x.m.Keys)
	}
	return x.r.Finish(x.trusted, locals)
}

// Abort drops the restore; the store stays empty.
func (x *Restore) Abort() error { return x.r.Abort() }

// IsSenderFault reports whether err blames the peer that sent a chunk
// rather than the snapshot.
func IsSenderFault(err error) bool { return errors.Is(err, ErrChunkHash) }
