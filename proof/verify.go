package proof

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/proof/verdict"

	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/state/trieproof"
)

// Trust is what the verifier trusts without proof: the hash of a validator
// set, taken from a genesis file or obtained out of band.
type Trust struct {
	SetHash []byte
	Source  string // where the hash came from, for the report
	// ChainID is the chain the anchor is of, when it says (a genesis
	// does, a bare validator-set hash does not): a bundle of another chain
	// fails, whatever its validators, since chains may share validator
	// keys (a staging chain beside production).
	ChainID string
}

// ParseTrust reads --trust: a 64-hex-digit validator-set hash, or the path
// of a genesis file whose validators are trusted.
func ParseTrust(arg string) (Trust, error) {
	if h, err := hex.DecodeString(arg); err == nil && len(h) == 32 {
		return Trust{SetHash: h, Source: "validator-set hash " + strings.ToUpper(arg)}, nil
	}
	if _, err := os.Stat(arg); err != nil {
		return Trust{}, fmt.Errorf("trust %q is neither a 64-hex-digit validator-set hash nor a readable genesis file", arg)
	}
	doc, err := types.GenesisDocFromFile(arg)
	if err != nil {
		return Trust{}, fmt.Errorf("trust genesis %s: %w", arg, err)
	}
	h, err := SetHash(ValidatorsFromGenesis(doc))
	if err != nil {
		return Trust{}, fmt.Errorf("trust genesis %s: %w", arg, err)
	}
	return Trust{SetHash: h, Source: "genesis " + arg + " (chain " + doc.ChainID + ")", ChainID: doc.ChainID}, nil
}

// The verdict types, which answers and the SDK carry without the verifier.
type (
	// Check is one step of a verification.
	Check = verdict.Check
	// Report is the outcome of verifying a bundle.
	Report = verdict.Report
	// BatchItem is what a verified batch inclusion shows.
	BatchItem = verdict.BatchItem
	// FileCheck is the outcome of hashing a file against a certificate.
	FileCheck = verdict.FileCheck
)

// Verify checks a bundle against trust, with no network. It returns the
// report of every check made; the error names the first check that failed.
// When the bundle carries a batch inclusion, Verify also checks that the
// item is in the batch whose record the bundle proves ("batch inclusion").
func Verify(raw []byte, trust Trust) (*Report, error) {
	r, err := verify(raw, trust)
	r.OK = err == nil
	return r, err
}

// verify makes every check of Verify; the caller decides whether the
// report is OK (VerifyFile has one more check to make).
func verify(raw []byte, trust Trust) (*Report, error) {
	r := &Report{}
	b, sh, err := parse(raw)
	if err != nil {
		return r, r.Fail("bundle", "%v", err)
	}
	if b.Format != Format {
		return r, r.Fail("bundle", "format %q, this verifier reads %q", b.Format, Format)
	}
	r.ChainID, r.Height, r.Key = b.ChainID, b.Height, b.Key
	r.Pass("bundle", "format %s, chain %s, state at height %d, key %q", b.Format, b.ChainID, b.Height, b.Key)

	if sh == nil || sh.Header == nil || sh.Commit == nil {
		// Missing header, or a part of it: say which.
		if sh, err = b.signedHeader(); err != nil {
			return r, r.Fail("header", "%v", err)
		}
	}
	set, err := b.validatorSet()
	if err != nil {
		return r, r.Fail("validator set", "%v", err)
	}
	setHash := set.Hash()
	if len(trust.SetHash) == 0 {
		return r, r.Fail("trusted validator set", "no trust anchor given")
	}
	if trust.ChainID != "" && b.ChainID != trust.ChainID {
		return r, r.Fail("trusted validator set", "the bundle is of chain %q, but the trusted %s is of chain %q: check it against that chain's genesis", b.ChainID, trust.Source, trust.ChainID)
	}
	if !bytes.Equal(setHash, trust.SetHash) {
		return r, r.Fail("trusted validator set", "the bundle's validator set hashes to %X, but the trusted one (%s) is %X; if validators changed since genesis, trust the current set's hash", setHash, trust.Source, trust.SetHash)
	}
	r.Pass("trusted validator set", "%d validators, total power %d, hash %X matches %s", set.Size(), set.TotalVotingPower(), setHash, trust.Source)

	h := sh.Header
	if h.ChainID != b.ChainID {
		return r, r.Fail("header", "header is for chain %q, bundle says %q", h.ChainID, b.ChainID)
	}
	if h.Height != b.Height+1 {
		return r, r.Fail("header", "header height %d, but the state at height %d is committed by the header at %d", h.Height, b.Height, b.Height+1)
	}
	if !bytes.Equal(h.ValidatorsHash, setHash) {
		return r, r.Fail("header", "header names validator set %X, the bundle carries %X", h.ValidatorsHash, setHash)
	}
	if err := sh.ValidateBasic(b.ChainID); err != nil {
		return r, r.Fail("header", "header and commit do not match: %v", err)
	}
	r.Pass("header", "block %d hash %X, app hash %X, time %s", h.Height, h.Hash(), h.AppHash, h.Time.UTC().Format("2006-01-02 15:04:05 MST"))

	if err := set.VerifyCommitLightAllSignatures(b.ChainID, sh.Commit.BlockID, h.Height, sh.Commit); err != nil {
		return r, r.Fail("signatures", "%v", err)
	}
	signed, signers, err := tally(set, sh.Commit)
	if err != nil {
		return r, r.Fail("signatures", "%v", err)
	}
	if 3*signed <= 2*set.TotalVotingPower() {
		return r, r.Fail("signatures", "validators with power %d of %d signed; more than 2/3 is needed", signed, set.TotalVotingPower())
	}
	r.Pass("signatures", "%d of %d validators signed, power %d of %d (more than 2/3 needed)", signers, set.Size(), signed, set.TotalVotingPower())

	var root trieproof.Hash
	if len(h.AppHash) != len(root) {
		return r, r.Fail("merkle proof", "app hash has %d bytes, want %d", len(h.AppHash), len(root))
	}
	copy(root[:], h.AppHash)
	p := &trieproof.Proof{Key: []byte(b.Key), Value: b.Value, Nodes: b.Nodes}
	val, err := trieproof.VerifyProof(root, p)
	if err != nil {
		return r, r.Fail("merkle proof", "%v", err)
	}
	r.Exists, r.Value = val != nil, val
	if val == nil {
		r.Pass("merkle proof", "%d nodes prove that key %q is absent from the state with app hash %X", len(b.Nodes), b.Key, h.AppHash)
	} else {
		r.Pass("merkle proof", "%d nodes lead from the %d-byte value of %q to app hash %X", len(b.Nodes), len(val), b.Key, h.AppHash)
	}
	if b.Record != nil {
		// The record is the value re-indented for people.
		var compact bytes.Buffer
		if err := json.Compact(&compact, b.Record); err != nil || !bytes.Equal(compact.Bytes(), val) {
			return r, r.Fail("record", "the readable record differs from the proven value")
		}
		r.Pass("record", "the readable record is the proven value")
	}
	if b.Inclusion != nil {
		if err := checkInclusion(r, b.Inclusion, val); err != nil {
			return r, err
		}
	}
	return r, nil
}

// tally sums the power of validators whose commit signature is for the
// block. Commit signatures come in the validator set's order, and each must
// name the validator at its position.
func tally(set *types.ValidatorSet, c *types.Commit) (power int64, n int, err error) {
	if len(c.Signatures) != set.Size() {
		return 0, 0, fmt.Errorf("commit has %d signatures for %d validators", len(c.Signatures), set.Size())
	}
	for i, s := range c.Signatures {
		if s.BlockIDFlag == types.BlockIDFlagAbsent {
			continue
		}
		v := set.Validators[i]
		if !bytes.Equal(s.ValidatorAddress, v.Address) {
			return 0, 0, fmt.Errorf("commit signature %d names validator %s, but validator %d of the set is %s", i, s.ValidatorAddress, i, v.Address)
		}
		if s.BlockIDFlag == types.BlockIDFlagCommit {
			power += v.VotingPower
			n++
		}
	}
	return power, n, nil
}
