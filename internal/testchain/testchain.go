// Package testchain drives a real Dengta application through its ABCI
// methods, without consensus or network: a genesis with organisations and
// keys, blocks of signed transactions, commits. Module and application
// tests use it to run transactions exactly as a node would execute them.
package testchain

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
)

// ChainID is the chain id of test chains.
const ChainID = "dengta-test"

// Org describes a test organisation.
type Org struct {
	ID        string
	Roles     []role.Role
	Validator bool
	// Operator gives the organisation a node operator key.
	Operator bool
}

// Member is a test organisation with its admin key and, when its Org
// asks for one, its node operator key.
type Member struct {
	Org
	Admin    *tx.PrivateKey
	Operator *tx.PrivateKey
}

// Chain is an application under test.
type Chain struct {
	TB      testing.TB
	App     *app.App
	Store   *state.Store
	Members map[string]*Member
	Genesis json.RawMessage
	Time    time.Time
	Height  int64

	nonces  map[tx.KeyID]uint64
	roles   *role.Set
	modules []module.Module
}

// Options configure a test chain. The app's clock for mempool checks is the
// chain's Time (the last block's), so tests stay deterministic.
type Options struct {
	Orgs []Org
	// Modules run besides identity: Registry's when nil (none without
	// a registry).
	Modules []module.Module
	// Roles is the chain's role set: Registry's when nil (the common
	// roles without a registry).
	Roles *role.Set
	// Registry, when set, gives the modules and the roles.
	Registry *plug.Registry
	Dir      string // state directory; "" for memory
	// Seed makes the generated keys reproducible (two chains with the same
	// seed have the same genesis).
	Seed uint64
	// Time is the genesis time (default 2026-01-01 08:00 UTC+8).
	Time time.Time
	// Snapshots and SnapshotInterval make the app take state-sync
	// snapshots (app.Options).
	Snapshots        *snapshot.Store
	SnapshotInterval int64
	// Genesis adds modules' sections to the app genesis, by module name.
	Genesis map[string]any
	// Release is the software release the app runs (nil: this build's;
	// app.Options.Release).
	Release *app.Release
}

// uscc makes a valid unified social credit code for test organisation i.
func uscc(i int) string {
	first := fmt.Sprintf("91110000MA%07d", i)
	c, err := identity.USCCCheck(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}

// SeededRand is a deterministic byte source for key generation in tests.
type SeededRand struct{ r *rand.ChaCha8 }

func (s SeededRand) Read(p []byte) (int, error) { return s.r.Read(p) }

// NewSeededRand returns a deterministic reader for reproducible test keys.
func NewSeededRand(seed uint64) SeededRand {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return SeededRand{rand.NewChaCha8(s)}
}

// opSeed derives the seed of the operator keys' stream from rnd's
// state without drawing from it.
func opSeed(rnd SeededRand) [32]byte {
	b, _ := rnd.r.MarshalBinary()
	return sha256.Sum256(append([]byte("dengta/testchain/operator-keys/"), b...))
}

// GenesisFor builds the app genesis and validator list of orgs, with keys
// drawn from rnd.
func GenesisFor(orgs []Org, rnd SeededRand) (json.RawMessage, map[string]*Member, []abci.ValidatorUpdate, error) {
	members := map[string]*Member{}
	var specs []identity.OrgSpec
	var vals []abci.ValidatorUpdate
	// Operator keys come from a stream of their own, so that giving an
	// organisation one leaves every other key as it was.
	opRand := SeededRand{rand.NewChaCha8(opSeed(rnd))}
	for i, o := range orgs {
		k, err := tx.GenerateKey(tx.AlgoEd25519, rnd)
		if err != nil {
			return nil, nil, nil, err
		}
		s := identity.OrgSpec{ID: o.ID, Name: "测试机构 " + o.ID, NameEN: "Test org " + o.ID, USCC: uscc(i + 1), Roles: o.Roles, AdminKeys: []tx.PublicKey{k.Public()}}
		if o.Validator {
			seed := make([]byte, 32)
			if _, err := rnd.Read(seed); err != nil {
				return nil, nil, nil, err
			}
			pk := ed25519.GenPrivKeyFromSecret(seed).PubKey()
			s.Validator = &identity.Validator{PubKey: pk.Bytes(), Power: identity.DefaultValidatorPower}
			vals = append(vals, abci.ValidatorUpdate{PubKeyType: "ed25519", PubKeyBytes: pk.Bytes(), Power: identity.DefaultValidatorPower})
		}
		m := &Member{Org: o, Admin: k}
		if o.Operator {
			if m.Operator, err = tx.GenerateKey(tx.AlgoEd25519, opRand); err != nil {
				return nil, nil, nil, err
			}
			s.OperatorKeys = []tx.PublicKey{m.Operator.Public()}
		}
		specs = append(specs, s)
		members[o.ID] = m
	}
	g, err := json.Marshal(map[string]any{identity.Name: identity.Genesis{Orgs: specs}})
	return g, members, vals, err
}

// New starts a chain: it opens the store, creates the app and runs
// InitChain. The store is closed at the end of the test.
func New(tb testing.TB, opts Options) *Chain {
	tb.Helper()
	if len(opts.Orgs) == 0 {
		opts.Orgs = []Org{{ID: "org-a", Roles: []role.Role{role.Regulator}, Validator: true}}
	}
	if opts.Time.IsZero() {
		opts.Time = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	st, err := state.Open(opts.Dir)
	if err != nil {
		tb.Fatalf("open state: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	if opts.Registry != nil {
		if opts.Modules == nil {
			opts.Modules = opts.Registry.Core()
		}
		if opts.Roles == nil {
			opts.Roles = opts.Registry.Roles()
		}
	}
	if opts.Roles == nil {
		opts.Roles = role.MustSet()
	}
	c := &Chain{roles: opts.Roles}
	a, err := app.New(app.Options{ChainID: ChainID, Store: st, Modules: opts.Modules, Roles: opts.Roles, Now: func() time.Time { return c.Time },
		Snapshots: opts.Snapshots, SnapshotInterval: opts.SnapshotInterval, Release: opts.Release})
	if err != nil {
		tb.Fatalf("new app: %v", err)
	}
	tb.Cleanup(a.WaitSnapshots) // before the store closes (cleanups run last in, first out)
	g, members, vals, err := GenesisFor(opts.Orgs, NewSeededRand(opts.Seed))
	if err != nil {
		tb.Fatalf("genesis: %v", err)
	}
	if len(opts.Genesis) > 0 {
		var sections map[string]json.RawMessage
		if err := json.Unmarshal(g, &sections); err != nil {
			tb.Fatalf("genesis: %v", err)
		}
		for name, v := range opts.Genesis {
			b, err := json.Marshal(v)
			if err != nil {
				tb.Fatalf("genesis section %s: %v", name, err)
			}
			sections[name] = b
		}
		if g, err = json.Marshal(sections); err != nil {
			tb.Fatalf("genesis: %v", err)
		}
	}
	*c = Chain{TB: tb, App: a, Store: st, Members: members, Genesis: g, Time: opts.Time, nonces: map[tx.KeyID]uint64{}, roles: opts.Roles, modules: opts.Modules}
	_, err = a.InitChain(context.Background(), &abci.InitChainRequest{ChainId: ChainID, Time: opts.Time, AppStateBytes: g, Validators: vals, InitialHeight: 1})
	if err != nil {
		tb.Fatalf("init chain: %v", err)
	}
	return c
}

// Sign builds a signed transaction with the key's next nonce (as tracked
// by this chain) and returns its bytes.
func (c *Chain) Sign(k *tx.PrivateKey, mod, action string, body any) []byte {
	c.TB.Helper()
	n := c.nonces[k.ID()] + 1
	raw := c.SignNonce(k, n, mod, action, body)
	c.nonces[k.ID()] = n
	return raw
}

// SignUnconsumed builds a signed transaction with the key's next nonce,
// as Sign does, without counting it: for a transaction the application
// refuses before it consumes the nonce (one whose signer lacks the
// action's role), after which the same nonce is the next again.
func (c *Chain) SignUnconsumed(k *tx.PrivateKey, mod, action string, body any) []byte {
	c.TB.Helper()
	return c.SignNonce(k, c.nonces[k.ID()]+1, mod, action, body)
}

// SignNonce builds a signed transaction with an explicit nonce.
func (c *Chain) SignNonce(k *tx.PrivateKey, nonce uint64, mod, action string, body any) []byte {
	c.TB.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			c.TB.Fatalf("encode body: %v", err)
		}
	}
	t := &tx.Tx{ChainID: ChainID, Nonce: nonce, Module: mod, Action: action, Body: b}
	if err := t.Sign(k); err != nil {
		c.TB.Fatalf("sign: %v", err)
	}
	return t.Encode()
}

// ResetNonce makes the chain's nonce tracking for k agree with the state
// after a transaction failed before consuming its nonce.
func (c *Chain) ResetNonce(k tx.KeyID, last uint64) { c.nonces[k] = last }

// Restart replaces the app with a new one over the same store running
// release (nil: this build's), as a node started with other software
// would: what the old app held in memory is gone, the committed state
// stays.
func (c *Chain) Restart(release *app.Release) error {
	c.TB.Helper()
	a, err := app.New(app.Options{ChainID: ChainID, Store: c.Store, Modules: c.modules, Roles: c.roles, Now: func() time.Time { return c.Time }, Release: release})
	if err != nil {
		return err
	}
	c.App = a
	return nil
}

// Check runs CheckTx.
func (c *Chain) Check(raw []byte) *abci.CheckTxResponse {
	c.TB.Helper()
	res, err := c.App.CheckTx(context.Background(), &abci.CheckTxRequest{Tx: raw, Type: abci.CHECK_TX_TYPE_CHECK})
	if err != nil {
		c.TB.Fatalf("check tx: %v", err)
	}
	return res
}

// Block executes and commits one block with txs, one second after the
// previous one, and returns the results and the app hash.
func (c *Chain) Block(txs ...[]byte) ([]*abci.ExecTxResult, []byte) {
	c.TB.Helper()
	res, err := c.TryBlock(txs...)
	if err != nil {
		c.TB.Fatalf("block %d: %v", c.Height+1, err)
	}
	return res.TxResults, res.AppHash
}

// TryBlock is Block returning the error instead of failing the test. A
// block the app refuses to execute leaves the chain's height as it was.
func (c *Chain) TryBlock(txs ...[]byte) (*abci.FinalizeBlockResponse, error) {
	c.Height++
	c.Time = c.Time.Add(time.Second)
	res, err := c.App.FinalizeBlock(context.Background(), &abci.FinalizeBlockRequest{Txs: txs, Height: c.Height, Time: c.Time})
	if err != nil {
		// Not executed: the next block has the same height.
		c.Height--
		c.Time = c.Time.Add(-time.Second)
		return nil, err
	}
	if _, err := c.App.Commit(context.Background(), &abci.CommitRequest{}); err != nil {
		return nil, err
	}
	return res, nil
}

// Do signs one action with k, runs it in its own block and returns its
// result.
func (c *Chain) Do(k *tx.PrivateKey, mod, action string, body any) *abci.ExecTxResult {
	c.TB.Helper()
	res, _ := c.Block(c.Sign(k, mod, action, body))
	if res[0].Code != 0 {
		// The nonce is consumed only by transactions that got past the
		// envelope checks; keep the local count in step with the state.
		c.resync(k.ID())
	}
	return res[0]
}

func (c *Chain) resync(id tx.KeyID) {
	n, err := c.App.NextNonce(id)
	if err != nil {
		c.TB.Fatalf("next nonce: %v", err)
	}
	c.nonces[id] = n - 1
}

// View returns a view of the latest committed state.
func (c *Chain) View() *state.View {
	c.TB.Helper()
	v, err := c.Store.At(0)
	if err != nil {
		c.TB.Fatalf("view: %v", err)
	}
	return v
}

// NewKey makes a key with deterministic randomness from rnd.
func NewKey(tb testing.TB, algo tx.Algo, rnd SeededRand) *tx.PrivateKey {
	tb.Helper()
	k, err := tx.GenerateKey(algo, rnd)
	if err != nil {
		tb.Fatalf("generate key: %v", err)
	}
	return k
}

// Reopen opens the state in dir again with a new app, as a node restart
// does, keeping prev's modules, roles, members, height, time and nonce
// tracking. prev's store must be closed first.
func Reopen(tb testing.TB, dir string, prev *Chain) *Chain {
	tb.Helper()
	st, err := state.Open(dir)
	if err != nil {
		tb.Fatalf("reopen state: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	c := &Chain{}
	*c = *prev
	a, err := app.New(app.Options{ChainID: ChainID, Store: st, Modules: prev.modules, Roles: prev.roles, Now: func() time.Time { return c.Time }})
	if err != nil {
		tb.Fatalf("new app: %v", err)
	}
	c.TB, c.App, c.Store = tb, a, st
	return c
}

// RestoreLatest starts a new app on a new in-memory store with c's
// modules and roles, and restores c's latest snapshot into it through
// OfferSnapshot and ApplySnapshotChunk, as CometBFT's state sync does.
// c must have been created with Snapshots; it returns the restored store
// and the snapshot's height.
func (c *Chain) RestoreLatest(tb testing.TB) (*state.Store, int64) {
	tb.Helper()
	ctx := context.Background()
	list, err := c.App.ListSnapshots(ctx, &abci.ListSnapshotsRequest{})
	if err != nil || len(list.Snapshots) == 0 {
		tb.Fatalf("snapshots: %+v, %v", list, err)
	}
	sn := list.Snapshots[0]
	v, err := c.Store.At(int64(sn.Height))
	if err != nil {
		tb.Fatal(err)
	}
	root := v.Root()
	st, err := state.Open("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	dst, err := app.New(app.Options{ChainID: ChainID, Store: st, Modules: c.modules, Roles: c.roles})
	if err != nil {
		tb.Fatal(err)
	}
	if res, err := dst.OfferSnapshot(ctx, &abci.OfferSnapshotRequest{Snapshot: sn, AppHash: root[:]}); err != nil || res.Result != abci.OFFER_SNAPSHOT_RESULT_ACCEPT {
		tb.Fatalf("offer: %+v, %v", res, err)
	}
	for i := range sn.Chunks {
		ch, err := c.App.LoadSnapshotChunk(ctx, &abci.LoadSnapshotChunkRequest{Height: sn.Height, Format: sn.Format, Chunk: i})
		if err != nil {
			tb.Fatal(err)
		}
		if res, err := dst.ApplySnapshotChunk(ctx, &abci.ApplySnapshotChunkRequest{Index: i, Chunk: ch.Chunk, Sender: "peer"}); err != nil || res.Result != abci.APPLY_SNAPSHOT_CHUNK_RESULT_ACCEPT {
			tb.Fatalf("chunk %d: %+v, %v", i, res, err)
		}
	}
	return st, int64(sn.Height)
}
