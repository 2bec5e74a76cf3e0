// Package prooftest makes the real ingredients of proof bundles for tests,
// without running a chain: a committed Merkle state holding the records a
// test asks for, a CometBFT signed header whose app hash is that state's
// root, signed by in-memory Ed25519 validators, and the validator set.
//
// Nothing is mocked: the state is an internal/state store (in memory), the
// proofs are its proofs, the header and commit are CometBFT's types signed
// over CometBFT's vote sign bytes, and New checks the commit with
// ValidatorSet.VerifyCommitLightAllSignatures. A test turns them into a
// bundle with proof.New(c.ChainID, c.Height, proof, c.Header, c.Set).
//
// Keys derive from Config.Seed and the time is fixed, so the same Config
// and records always give byte-identical headers and bundles.
//
// The package does not import package proof, so that proof's own tests can
// use it.
package prooftest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	cmtversion "github.com/cometbft/cometbft/api/cometbft/version/v1"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"

	"github.com/dengta-chain/dengta/internal/state"
)

// Config describes the test chain. Zero fields take the defaults.
type Config struct {
	ChainID    string    // "dengta-test"
	Validators int       // 4
	Power      int64     // 10 each, as on Dengta chains
	Height     int64     // the state version holding the records: 1
	Time       time.Time // the header's time: 2024-06-01 08:00:00 UTC
	Seed       string    // key derivation: "prooftest"
}

func (c *Config) defaults() {
	if c.ChainID == "" {
		c.ChainID = "dengta-test"
	}
	if c.Validators == 0 {
		c.Validators = 4
	}
	if c.Power == 0 {
		c.Power = 10
	}
	if c.Height == 0 {
		c.Height = 1
	}
	if c.Time.IsZero() {
		c.Time = time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	}
	if c.Seed == "" {
		c.Seed = "prooftest"
	}
}

// Chain is a committed state and the signed header that commits to it.
type Chain struct {
	ChainID string
	// Height is the state version; Header is the block at Height+1.
	Height int64
	Root   state.Hash
	Set    *types.ValidatorSet
	// Keys[i] is the private key of Set.Validators[i].
	Keys   []ed25519.PrivKey
	Header *types.SignedHeader
	Time   time.Time

	store *state.Store
	view  *state.View
}

// New commits records (state key → value) at cfg.Height in a fresh
// in-memory state and signs the header of the next block with every
// validator.
func New(cfg Config, records map[string][]byte) (*Chain, error) {
	cfg.defaults()
	if cfg.Validators < 1 || cfg.Height < 1 || cfg.Power < 1 {
		return nil, fmt.Errorf("prooftest: need at least one validator, height and power; got %d, %d, %d", cfg.Validators, cfg.Height, cfg.Power)
	}
	st, err := state.Open("")
	if err != nil {
		return nil, err
	}
	c := &Chain{ChainID: cfg.ChainID, Height: cfg.Height, Time: cfg.Time, store: st}
	for v := int64(1); v < cfg.Height; v++ {
		if _, err := st.Commit(v); err != nil {
			st.Close()
			return nil, fmt.Errorf("prooftest: commit empty version %d: %w", v, err)
		}
	}
	keys := make([]string, 0, len(records))
	for k := range records {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := st.Set([]byte(k), records[k]); err != nil {
			st.Close()
			return nil, fmt.Errorf("prooftest: set %q: %w", k, err)
		}
	}
	if c.Root, err = st.Commit(cfg.Height); err != nil {
		st.Close()
		return nil, fmt.Errorf("prooftest: commit: %w", err)
	}
	if c.view, err = st.At(cfg.Height); err != nil {
		st.Close()
		return nil, err
	}

	byAddr := map[string]ed25519.PrivKey{}
	vals := make([]*types.Validator, cfg.Validators)
	for i := range vals {
		k := ed25519.GenPrivKeyFromSecret(fmt.Appendf(nil, "%s/validator/%d", cfg.Seed, i))
		byAddr[string(k.PubKey().Address())] = k
		vals[i] = types.NewValidator(k.PubKey(), cfg.Power)
	}
	c.Set = types.NewValidatorSet(vals)
	for _, v := range c.Set.Validators {
		c.Keys = append(c.Keys, byAddr[string(v.Address)])
	}

	if c.Header, err = c.SignHeader(c.NextHeader(c.Root.Bytes()), nil); err != nil {
		st.Close()
		return nil, err
	}
	if err := c.Set.VerifyCommitLightAllSignatures(c.ChainID, c.Header.Commit.BlockID, c.Header.Height, c.Header.Commit); err != nil {
		st.Close()
		return nil, fmt.Errorf("prooftest: the commit does not verify: %w", err)
	}
	return c, nil
}

// Close releases the state.
func (c *Chain) Close() error { return c.store.Close() }

// Prove returns the state proof of key (of its value, or of its absence).
func (c *Chain) Prove(key string) (*state.Proof, error) {
	return c.view.Prove([]byte(key))
}

// Get returns the committed value of key, nil if absent.
func (c *Chain) Get(key string) ([]byte, error) {
	return c.view.Get([]byte(key))
}

// SetHash is the validator set's hash, as headers name it and as
// `dengta verify --trust` takes it.
func (c *Chain) SetHash() []byte { return c.Set.Hash() }

// SetHashHex is SetHash in hex, for --trust.
func (c *Chain) SetHashHex() string { return hex.EncodeToString(c.SetHash()) }

// NextHeader returns a well-formed header for block Height+1 carrying
// appHash, naming the chain's validator set.
func (c *Chain) NextHeader(appHash []byte) *types.Header {
	h := c.Height + 1
	fake := func(what string) []byte {
		s := sha256.Sum256(fmt.Appendf(nil, "prooftest %s %d", what, h))
		return s[:]
	}
	empty := sha256.Sum256(nil)
	return &types.Header{
		Version: cmtversion.Consensus{Block: version.BlockProtocol, App: 1},
		ChainID: c.ChainID,
		Height:  h,
		Time:    c.Time,
		LastBlockID: types.BlockID{
			Hash:          fake("last block"),
			PartSetHeader: types.PartSetHeader{Total: 1, Hash: fake("last parts")},
		},
		LastCommitHash:     fake("last commit"),
		DataHash:           empty[:],
		ValidatorsHash:     c.Set.Hash(),
		NextValidatorsHash: c.Set.Hash(),
		ConsensusHash:      fake("consensus params"),
		AppHash:            bytes.Clone(appHash),
		LastResultsHash:    empty[:],
		EvidenceHash:       empty[:],
		ProposerAddress:    c.Set.Validators[0].Address,
	}
}

// SignHeader builds the commit for h: a precommit for its block from each
// validator whose index (in Set.Validators) is in signers, all of them if
// signers is nil; the others are absent. Each vote is signed over
// CometBFT's sign bytes, which is what verification recomputes.
func (c *Chain) SignHeader(h *types.Header, signers []int) (*types.SignedHeader, error) {
	signs := make([]bool, c.Set.Size())
	if signers == nil {
		for i := range signs {
			signs[i] = true
		}
	}
	for _, i := range signers {
		if i < 0 || i >= len(signs) {
			return nil, fmt.Errorf("prooftest: signer %d of %d validators", i, len(signs))
		}
		signs[i] = true
	}
	blockID := types.BlockID{
		Hash:          h.Hash(),
		PartSetHeader: types.PartSetHeader{Total: 1, Hash: bytes.Repeat([]byte{0x5a}, 32)},
	}
	commit := &types.Commit{Height: h.Height, Round: 0, BlockID: blockID}
	for i, v := range c.Set.Validators {
		if !signs[i] {
			commit.Signatures = append(commit.Signatures, types.CommitSig{BlockIDFlag: types.BlockIDFlagAbsent})
			continue
		}
		vote := &types.Vote{
			Type:             types.PrecommitType,
			Height:           h.Height,
			Round:            0,
			BlockID:          blockID,
			Timestamp:        h.Time.Add(time.Second + time.Duration(i)*time.Millisecond),
			ValidatorAddress: v.Address,
			ValidatorIndex:   int32(i),
		}
		sig, err := c.Keys[i].Sign(types.VoteSignBytes(c.ChainID, vote.ToProto()))
		if err != nil {
			return nil, fmt.Errorf("prooftest: sign vote %d: %w", i, err)
		}
		commit.Signatures = append(commit.Signatures, types.CommitSig{
			BlockIDFlag:      types.BlockIDFlagCommit,
			ValidatorAddress: v.Address,
			Timestamp:        vote.Timestamp,
			Signature:        sig,
		})
	}
	sh := &types.SignedHeader{Header: h, Commit: commit}
	if err := sh.ValidateBasic(c.ChainID); err != nil {
		return nil, fmt.Errorf("prooftest: signed header: %w", err)
	}
	// Each signature must be over what the verifier reconstructs.
	for i, s := range commit.Signatures {
		if s.BlockIDFlag == types.BlockIDFlagCommit && !c.Set.Validators[i].PubKey.VerifySignature(commit.VoteSignBytes(c.ChainID, int32(i)), s.Signature) {
			return nil, fmt.Errorf("prooftest: signature %d does not verify", i)
		}
	}
	return sh, nil
}

// Genesis returns a genesis document naming the chain's validators, for
// `dengta verify --trust genesis.json`.
func (c *Chain) Genesis() (*types.GenesisDoc, error) {
	doc := &types.GenesisDoc{ChainID: c.ChainID, GenesisTime: c.Time.Add(-time.Hour), InitialHeight: 1}
	for i, v := range c.Set.Validators {
		doc.Validators = append(doc.Validators, types.GenesisValidator{
			Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower, Name: fmt.Sprintf("validator-%d", i),
		})
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("prooftest: genesis: %w", err)
	}
	return doc, nil
}

// WriteGenesis saves Genesis to path.
func (c *Chain) WriteGenesis(path string) error {
	doc, err := c.Genesis()
	if err != nil {
		return err
	}
	return doc.SaveAs(path)
}
