package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
)

// State sync (ADR 0017). A node takes a snapshot of its state every
// SnapshotInterval blocks, in the background, and serves it to joining
// nodes through CometBFT's snapshot calls; a joining node restores one,
// checking every chunk against the manifest and the rebuilt state's root
// against the app hash its light client verified.

// snapshots is the app's part in state sync.
type snapshots struct {
	store    *snapshot.Store // nil: the node takes and serves none
	interval int64

	mu      sync.Mutex
	taking  bool
	restore *snapshot.Restore // the restore in progress
	wg      sync.WaitGroup
}

// maybeTake starts a snapshot of height in the background when it is
// due and none is being taken.
func (a *App) maybeTake(height int64, blockTime time.Time) {
	s := &a.snaps
	if s.store == nil || s.interval <= 0 || height%s.interval != 0 {
		return
	}
	s.mu.Lock()
	if s.taking {
		s.mu.Unlock()
		a.log.Warn("snapshot skipped: the previous one is still being written", "height", height)
		return
	}
	s.taking = true
	s.mu.Unlock()
	view, err := a.store.At(height)
	if err != nil {
		a.log.Error("snapshot", "height", height, "err", err)
		s.mu.Lock()
		s.taking = false
		s.mu.Unlock()
		return
	}
	version := a.version.Load()
	s.wg.Go(func() {
		defer func() {
			s.mu.Lock()
			s.taking = false
			s.mu.Unlock()
		}()
		start := time.Now()
		sn, err := s.store.Create(view, snapshot.Meta{ChainID: a.chainID, AppVersion: version, BlockTime: blockTime})
		if err != nil {
			a.log.Error("snapshot", "height", height, "err", err)
			return
		}
		var size int64
		for _, c := range sn.Manifest.Chunks {
			size += c.Size
		}
		a.metrics.snapshotHeight.Set(float64(height))
		a.log.Info("snapshot taken", "height", height, "keys", sn.Manifest.Keys, "chunks", sn.Chunks, "bytes", size,
			"took", time.Since(start).Round(time.Millisecond))
	})
}

// WaitSnapshots waits for a snapshot being written to finish (before the
// state store is closed).
func (a *App) WaitSnapshots() { a.snaps.wg.Wait() }

// ListSnapshots implements abci.Application.
func (a *App) ListSnapshots(context.Context, *abci.ListSnapshotsRequest) (*abci.ListSnapshotsResponse, error) {
	res := &abci.ListSnapshotsResponse{}
	if a.snaps.store == nil {
		return res, nil
	}
	list, err := a.snaps.store.Offer()
	if err != nil {
		return nil, err
	}
	for _, sn := range list {
		res.Snapshots = append(res.Snapshots, &abci.Snapshot{Height: uint64(sn.Height), Format: sn.Format, Chunks: sn.Chunks, Hash: sn.Hash, Metadata: sn.Metadata})
	}
	return res, nil
}

// LoadSnapshotChunk implements abci.Application.
func (a *App) LoadSnapshotChunk(_ context.Context, req *abci.LoadSnapshotChunkRequest) (*abci.LoadSnapshotChunkResponse, error) {
	if a.snaps.store == nil {
		return &abci.LoadSnapshotChunkResponse{}, nil
	}
	c, err := a.snaps.store.Chunk(int64(req.Height), req.Format, req.Chunk)
	if err != nil {
		// A pruned snapshot: no chunk, and the joining node asks another.
		a.log.Info("snapshot chunk not served", "height", req.Height, "chunk", req.Chunk, "err", err)
		return &abci.LoadSnapshotChunkResponse{}, nil
	}
	return &abci.LoadSnapshotChunkResponse{Chunk: c}, nil
}

// OfferSnapshot implements abci.Application: a snapshot is taken if this
// node has no state yet, reads its format, is of this chain and an app
// version this software runs, and its manifest names the app hash the
// light client verified for its height.
func (a *App) OfferSnapshot(_ context.Context, req *abci.OfferSnapshotRequest) (*abci.OfferSnapshotResponse, error) {
	reply := func(r abci.OfferSnapshotResult) (*abci.OfferSnapshotResponse, error) {
		return &abci.OfferSnapshotResponse{Result: r}, nil
	}
	sn := req.Snapshot
	if sn == nil {
		return reply(abci.OFFER_SNAPSHOT_RESULT_REJECT)
	}
	if a.store.Version() != 0 {
		a.log.Error("snapshot offered to a node that has state; state sync is for new nodes", "height", a.store.Version())
		return reply(abci.OFFER_SNAPSHOT_RESULT_ABORT)
	}
	if sn.Format != snapshot.Format {
		return reply(abci.OFFER_SNAPSHOT_RESULT_REJECT_FORMAT)
	}
	m, err := snapshot.ParseManifest(sn.Metadata, sn.Height, sn.Format, sn.Chunks, sn.Hash)
	if err != nil {
		a.log.Warn("snapshot refused", "height", sn.Height, "err", err)
		return reply(abci.OFFER_SNAPSHOT_RESULT_REJECT)
	}
	if m.ChainID != a.chainID {
		a.log.Warn("snapshot refused: another chain", "height", sn.Height, "chain_id", m.ChainID)
		return reply(abci.OFFER_SNAPSHOT_RESULT_REJECT)
	}
	if m.AppVersion > a.release.Version {
		a.log.Error("snapshot refused: the chain runs a newer application version; install the release the consortium upgraded to",
			"height", sn.Height, "app_version", m.AppVersion, "software_runs", a.release.Version)
		return reply(abci.OFFER_SNAPSHOT_RESULT_REJECT)
	}
	s := &a.snaps
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.restore != nil {
		s.restore.Abort()
		s.restore = nil
	}
	x, err := snapshot.StartRestore(a.store, m, req.AppHash)
	if err != nil {
		a.log.Warn("snapshot refused", "height", sn.Height, "err", err)
		return reply(abci.OFFER_SNAPSHOT_RESULT_REJECT)
	}
	s.restore = x
	a.log.Info("restoring snapshot", "height", m.Height, "chunks", len(m.Chunks), "keys", m.Keys, "app_hash", m.AppHash)
	return reply(abci.OFFER_SNAPSHOT_RESULT_ACCEPT)
}

// ApplySnapshotChunk implements abci.Application. A chunk that does not
// match the manifest is fetched again from another peer; one that matches
// but does not decode, or a state whose root is not the trusted app hash,
// rejects the snapshot.
func (a *App) ApplySnapshotChunk(_ context.Context, req *abci.ApplySnapshotChunkRequest) (*abci.ApplySnapshotChunkResponse, error) {
	s := &a.snaps
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.restore
	if x == nil {
		return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_ABORT}, nil
	}
	reject := func(err error) (*abci.ApplySnapshotChunkResponse, error) {
		a.log.Warn("snapshot rejected", "height", x.Manifest().Height, "chunk", req.Index, "err", err)
		x.Abort()
		s.restore = nil
		return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_REJECT_SNAPSHOT}, nil
	}
	err := x.Apply(int(req.Index), req.Chunk)
	switch {
	case snapshot.IsSenderFault(err):
		a.log.Warn("snapshot chunk does not match its manifest; fetching it from another peer", "chunk", req.Index, "sender", req.Sender)
		return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_RETRY,
			RefetchChunks: []uint32{req.Index}, RejectSenders: []string{req.Sender}}, nil
	case err != nil:
		return reject(err)
	}
	if !x.Done() {
		return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT}, nil
	}
	m := x.Manifest()
	if err := x.Finish(SnapshotLocals(m)); err != nil {
		if errors.Is(err, state.ErrRootMismatch) || errors.Is(err, snapshot.ErrBadChunk) {
			return reject(err)
		}
		s.restore = nil
		return nil, fmt.Errorf("apply snapshot %d: %w", m.Height, err)
	}
	s.restore = nil
	if err := a.restored(m); err != nil {
		return nil, err
	}
	a.log.Info("snapshot restored", "height", m.Height, "keys", m.Keys, "app_hash", m.AppHash)
	return &abci.ApplySnapshotChunkResponse{Result: abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT}, nil
}

// SnapshotLocals returns the node-local records a state restored from
// the snapshot m needs beside the state itself (the last block's time).
func SnapshotLocals(m *snapshot.Manifest) map[string][]byte {
	return map[string][]byte{string(localBlockTime): binary.BigEndian.AppendUint64(nil, uint64(m.BlockTime.UnixNano()))}
}

// restored brings the app to the restored state's height, and rebuilds
// the modules' local indexes from the restored state.
func (a *App) restored(m *snapshot.Manifest) error {
	if err := a.loadVersion(); err != nil {
		return err
	}
	if err := a.Reindex(); err != nil {
		return err
	}
	a.checkMu.Lock()
	a.lastHeight, a.lastTime = m.Height, m.BlockTime
	a.checkMu.Unlock()
	// The restored state came in without the working set's writes: no
	// signer remembered before it may pass to it.
	a.signerWrites.Add(1)
	if err := a.resetCheck(); err != nil {
		return err
	}
	a.metrics.height.Set(float64(m.Height))
	return nil
}

// Reindex writes every local index entry (module.Context.Index) that the
// latest committed state implies, asking each module that implements
// module.Indexer (ADR 0028): what a node restored from a snapshot lacks
// for the blocks before it. Entries already there are written again with
// the same value. It must not run beside FinalizeBlock and Commit.
func (a *App) Reindex() error {
	v, err := a.store.At(0)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	w, err := a.store.WriteLocals()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	for _, m := range a.modules {
		ix, ok := m.(module.Indexer)
		if !ok {
			continue
		}
		prefix := []byte(m.Name() + "/")
		n := 0
		put := func(k, val []byte) error {
			if !bytes.HasPrefix(k, prefix) || len(val) == 0 {
				return fmt.Errorf("module %s indexed key %q outside its own keys or with an empty value", m.Name(), k)
			}
			n++
			return w.Put(k, val)
		}
		if err := ix.Reindex(v, put); err != nil {
			return fmt.Errorf("reindex %s: %w", m.Name(), err)
		}
		a.log.Info("local index rebuilt", "module", m.Name(), "entries", n, "height", v.Version())
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}
