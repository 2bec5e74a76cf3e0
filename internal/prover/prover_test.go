package prover_test

import (
	"context"
	crand "crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	ctypes "github.com/cometbft/cometbft/rpc/core/types"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// headlessChain is a consensus node whose newest block is the app's latest
// version: the header that signs that version is not made yet. It records
// the heights whose commit (signed header) is asked for.
type headlessChain struct {
	prover.Chain
	app *app.App

	mu    sync.Mutex
	asked []int64
}

func (c *headlessChain) Status(context.Context) (*ctypes.ResultStatus, error) {
	st := &ctypes.ResultStatus{}
	st.SyncInfo.LatestBlockHeight = c.app.Store().Version()
	return st, nil
}

func (c *headlessChain) Commit(_ context.Context, h *int64) (*ctypes.ResultCommit, error) {
	c.mu.Lock()
	c.asked = append(c.asked, *h)
	c.mu.Unlock()
	return nil, errors.New("no commit in this test")
}

// TestBundleNewestProvable: a proof of the newest state of a key that the
// newest block did not change is made at the version before, whose header
// exists, without waiting; a key the newest block changed waits for the
// next header.
func TestBundleNewestProvable(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: []testchain.Org{
		{ID: "org-a", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "org-b", Roles: []role.Role{role.Producer}},
	}})
	a, b := c.Members["org-a"].Admin, c.Members["org-b"].Admin
	for _, k := range []*tx.PrivateKey{a, b} { // one block each: a's nonce, then b's
		nk, err := tx.GenerateKey(tx.AlgoEd25519, crand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		raw := c.Sign(k, "identity", "register_key", identity.RegisterKeyBody{PublicKey: nk.Public(), Name: "provable"})
		if res, _ := c.Block(raw); res[0].Code != 0 {
			t.Fatalf("block: %s", res[0].Log)
		}
	}
	latest := c.App.Store().Version()
	chain := &headlessChain{app: c.App}
	s := prover.New(c.App.ChainID(), c.App.Store(), chain)

	// a's nonce is as it was one version ago: proven there, with the
	// header of the latest block (asked at once).
	if _, err := s.Bundle(t.Context(), app.NonceStateKey(a.ID()), 0); err == nil {
		t.Fatal("bundle without a commit succeeded")
	}
	if len(chain.asked) != 1 || chain.asked[0] != latest {
		t.Fatalf("asked for commits %v, want [%d]", chain.asked, latest)
	}

	// b's nonce changed in the latest version: its bundle needs the next
	// header, which this chain never makes.
	chain.asked = nil
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := s.Bundle(ctx, app.NonceStateKey(b.ID()), 0)
	if errcode.Of(err) != errcode.Timeout || len(chain.asked) != 0 {
		t.Fatalf("bundle of a key changed in the newest block: %v (commits asked %v), want a timeout waiting for block %d", err, chain.asked, latest+1)
	}
}
