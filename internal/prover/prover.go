// Package prover builds proof bundles from a running node: a state key's
// Merkle proof at a height, with the next block's signed header and the
// validator set that signed it, so that anyone can check the record
// offline (proof). It also names the validator set the node
// itself trusts now and checks a record against it, which is what the
// node's API and pages show their visitors. The API and the pages both
// call it; neither builds bundles itself.
package prover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/proof"
)

// Chain is what the prover needs of the consensus node; CometBFT's local
// RPC client satisfies it.
type Chain interface {
	Status(ctx context.Context) (*ctypes.ResultStatus, error)
	Commit(ctx context.Context, height *int64) (*ctypes.ResultCommit, error)
	Validators(ctx context.Context, height *int64, page, perPage *int) (*ctypes.ResultValidators, error)
}

// Prover builds and checks proof bundles of one node's state.
type Prover struct {
	chainID string
	store   *state.Store
	chain   Chain
}

// New returns a prover over the node's state store and consensus.
func New(chainID string, store *state.Store, chain Chain) *Prover {
	return &Prover{chainID: chainID, store: store, chain: chain}
}

// Bundle builds a proof bundle for key at state version height (0: the
// newest version that holds the key's current value). The bundle needs the
// next block's signed header, so when the key changed in the newest version
// it waits for that block.
func (p *Prover) Bundle(ctx context.Context, key []byte, height int64) (*proof.Bundle, error) {
	if height == 0 {
		height = p.newestProvable(ctx, key)
	}
	if height < 1 || height > p.store.Version() {
		return nil, errcode.New(errcode.NotFound, "no state at height %d on this node (latest is %d)", height, p.store.Version())
	}
	v, err := p.store.At(height)
	if errors.Is(err, state.ErrVersionPruned) {
		return nil, errcode.New(errcode.NotFound, "no state at height %d on this node: %v; ask a member whose node keeps every height", height, err)
	}
	if err != nil {
		return nil, errcode.New(errcode.NotFound, "no state at height %d on this node", height)
	}
	pr, err := v.Prove(key)
	if err != nil {
		return nil, err
	}
	next := height + 1
	sh, err := p.waitCommit(ctx, next)
	if err != nil {
		return nil, err
	}
	if root := v.Root(); string(sh.AppHash) != string(root[:]) {
		return nil, fmt.Errorf("bundle: header %d app hash %X differs from state root %s", next, sh.AppHash, root)
	}
	vals, err := p.ValidatorsAt(ctx, next)
	if err != nil {
		return nil, err
	}
	return proof.New(p.chainID, height, pr, sh, types.NewValidatorSet(vals))
}

// newestProvable picks the height to prove key at: the latest version
// itself when its next header exists, or else the newest version whose
// next header exists, if key has there the value it has now (the root is
// unchanged, or only other keys changed since), so that the bundle need
// not wait for a block. Otherwise the latest version, whose next header
// CometBFT makes at once because the state changed.
func (p *Prover) newestProvable(ctx context.Context, key []byte) int64 {
	latest := p.store.Version()
	st, err := p.chain.Status(ctx)
	if err != nil {
		return latest
	}
	h := min(latest, st.SyncInfo.LatestBlockHeight-1)
	if h < 1 || h == latest {
		return latest
	}
	older, err := p.store.At(h)
	if err != nil {
		return latest
	}
	if older.Root() == p.store.Root() {
		return h
	}
	newest, err := p.store.At(latest)
	if err != nil {
		return latest
	}
	was, err1 := older.Get(key)
	is, err2 := newest.Get(key)
	if err1 != nil || err2 != nil || !bytes.Equal(was, is) {
		return latest
	}
	return h
}

// waitCommit returns the signed header at height, waiting up to 15 s for
// the block to be committed.
func (p *Prover) waitCommit(ctx context.Context, height int64) (*types.SignedHeader, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		st, err := p.chain.Status(ctx)
		if err != nil {
			return nil, errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
		}
		if st.SyncInfo.LatestBlockHeight >= height {
			res, err := p.chain.Commit(ctx, &height)
			if err != nil {
				return nil, fmt.Errorf("commit at %d: %w", height, err)
			}
			return &res.SignedHeader, nil
		}
		select {
		case <-ctx.Done():
			return nil, errcode.New(errcode.Timeout, "block %d, which signs this state, is not committed yet; try again shortly", height)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ValidatorsAt returns the whole validator set at height.
func (p *Prover) ValidatorsAt(ctx context.Context, height int64) ([]*types.Validator, error) {
	var out []*types.Validator
	perPage := 100
	for page := 1; ; page++ {
		res, err := p.chain.Validators(ctx, &height, &page, &perPage)
		if err != nil {
			return nil, fmt.Errorf("validators at %d: %w", height, err)
		}
		out = append(out, res.Validators...)
		if len(out) >= res.Total || len(res.Validators) == 0 {
			return out, nil
		}
	}
}

// Trust returns the hash of the current validator set: what this node
// itself trusts when it checks a bundle for a visitor of its pages.
func (p *Prover) Trust(ctx context.Context) (proof.Trust, error) {
	st, err := p.chain.Status(ctx)
	if err != nil {
		return proof.Trust{}, errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	vals, err := p.ValidatorsAt(ctx, st.SyncInfo.LatestBlockHeight)
	if err != nil {
		return proof.Trust{}, err
	}
	return proof.Trust{SetHash: types.NewValidatorSet(vals).Hash(), Source: "the current validator set of this node", ChainID: p.chainID}, nil
}

// Check builds the proof bundle of a state key at the newest height and
// verifies it against the current validator set, with file when given
// (its digests must match the record's). It is what the node's own verify
// page and API show a visitor; anyone can repeat it offline with the
// bundle. The report is returned even when verification fails.
func (p *Prover) Check(ctx context.Context, key []byte, file io.Reader) (*proof.Report, []byte, error) {
	b, err := p.Bundle(ctx, key, 0)
	if err != nil {
		return nil, nil, err
	}
	raw, err := b.Marshal()
	if err != nil {
		return nil, nil, err
	}
	trust, err := p.Trust(ctx)
	if err != nil {
		return nil, nil, err
	}
	var rep *proof.Report
	if file != nil {
		rep, _ = proof.VerifyFile(raw, trust, file)
	} else {
		rep, _ = proof.Verify(raw, trust)
	}
	return rep, raw, nil
}

// CheckBundle verifies a bundle someone uploaded (a certificate) against
// the current validator set, with file when given. The report is nil only
// when the node cannot say what it trusts (consensus is not running); a
// bundle that fails verification has a report and an error.
func (p *Prover) CheckBundle(ctx context.Context, raw []byte, file io.Reader) (*proof.Report, error) {
	trust, err := p.Trust(ctx)
	if err != nil {
		return nil, err
	}
	if file != nil {
		return proof.VerifyFile(raw, trust, file)
	}
	return proof.Verify(raw, trust)
}
