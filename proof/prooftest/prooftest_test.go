package prooftest

import (
	"bytes"
	"testing"
	"time"

	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/state"
)

func TestChain(t *testing.T) {
	records := map[string][]byte{"a/1": []byte("one"), "a/2": []byte(`{"n":2}`)}
	c, err := New(Config{Height: 5}, records)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Height != 5 || c.Header.Height != 6 || c.Set.Size() != 4 || c.ChainID != "dengta-test" {
		t.Fatalf("chain %s height %d header %d validators %d", c.ChainID, c.Height, c.Header.Height, c.Set.Size())
	}
	if !bytes.Equal(c.Header.AppHash, c.Root.Bytes()) || !bytes.Equal(c.Header.ValidatorsHash, c.SetHash()) {
		t.Fatal("header does not carry the root and the set")
	}
	p, err := c.Prove("a/2")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := state.VerifyProof(c.Root, p); err != nil || string(v) != `{"n":2}` {
		t.Fatalf("proof: %q, %v", v, err)
	}
	p, _ = c.Prove("a/3")
	if v, err := state.VerifyProof(c.Root, p); err != nil || v != nil {
		t.Fatalf("absence proof: %q, %v", v, err)
	}

	// Same config, same bytes.
	d, err := New(Config{Height: 5}, records)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !bytes.Equal(c.Header.Hash(), d.Header.Hash()) || !bytes.Equal(c.Header.Commit.Signatures[3].Signature, d.Header.Commit.Signatures[3].Signature) {
		t.Fatal("not deterministic")
	}

	// A subset of signers: the signatures verify, the power is too low.
	sh, err := c.SignHeader(c.NextHeader(c.Root.Bytes()), []int{0, 2})
	if err != nil {
		t.Fatal(err)
	}
	if sh.Commit.Signatures[1].BlockIDFlag != types.BlockIDFlagAbsent {
		t.Fatal("validator 1 signed")
	}
	if err := c.Set.VerifyCommitLightAllSignatures(c.ChainID, sh.Commit.BlockID, sh.Height, sh.Commit); err == nil {
		t.Fatal("2 of 4 signers is enough")
	}
	if _, err := c.SignHeader(c.NextHeader(nil), []int{4}); err == nil {
		t.Fatal("signer out of range accepted")
	}

	// The genesis names the same set.
	doc, err := c.Genesis()
	if err != nil {
		t.Fatal(err)
	}
	var vals []*types.Validator
	for _, v := range doc.Validators {
		vals = append(vals, types.NewValidator(v.PubKey, v.Power))
	}
	if !bytes.Equal(types.NewValidatorSet(vals).Hash(), c.SetHash()) {
		t.Fatal("genesis names another validator set")
	}

	other, err := New(Config{Seed: "other", Validators: 1, Time: time.Unix(1e9, 0).UTC()}, records)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if bytes.Equal(other.SetHash(), c.SetHash()) || !other.Header.Time.Equal(time.Unix(1e9, 0)) {
		t.Fatal("config ignored")
	}
}
