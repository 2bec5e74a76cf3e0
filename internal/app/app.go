// Package app is the Dengta ABCI application. It checks each transaction's
// envelope (size, chain id, signer, signature, nonce), checks that the
// signer's organisation holds a role allowed for the action, routes the
// action to its module, and commits the resulting state, whose Merkle root
// is the app hash of the block.
//
// CometBFT calls the application through local clients with one mutex per
// ABCI connection: consensus calls (InitChain, FinalizeBlock, Commit) come
// one at a time, but mempool checks (CheckTx) may run while a block
// executes. The mempool's view, the pending nonces and the last block's
// height and time are guarded by checkMu; CheckTx reads committed state
// only through a state view, never the block being executed. Read-only
// access from the gateway goes through state views and the methods
// documented as safe for concurrent use.
package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
)

// Options configure an App.
type Options struct {
	ChainID string
	Store   *state.Store
	Logger  *slog.Logger
	// Modules besides identity, which is always present. Their order is the
	// order in which their genesis sections are applied.
	Modules []module.Module
	// Roles is the chain's role set: the common roles and those the
	// modules declare (nil: the common roles only). Genesis and governance
	// accept only these, and every action's roles must be among them.
	Roles *role.Set
	// SigCacheSize bounds the signature cache (default 200,000 entries).
	SigCacheSize int
	// Now is the node's clock, used only to estimate the next block's time
	// when checking transactions for the mempool (never in a block). Nil:
	// time.Now.
	Now func() time.Time
	// Snapshots stores the state-sync snapshots the node takes every
	// SnapshotInterval blocks and serves (nil: none; ADR 0017). A new
	// node restores from its peers' snapshots either way.
	Snapshots        *snapshot.Store
	SnapshotInterval int64
	// Release is the software's release: the highest application version
	// it runs, its migrations and the modules it adds (nil: this build's,
	// ADR 0019). Tests give other releases to run two builds in one
	// process.
	Release *Release
	// OnUpgradeNeeded, if set, is called when a block at an upgrade height
	// needs a newer release, before FinalizeBlock refuses it. blockSync
	// says the block came from block sync (CometBFT then panics on the
	// refusal in a goroutine nobody recovers: the callee may stop the
	// process instead and not return).
	OnUpgradeNeeded func(e *UpgradeNeededError, blockSync bool)
}

type route struct {
	module string
	prefix []byte // the module's own keys: its name and "/"
	action module.Action
}

// App is the ABCI application.
type App struct {
	abci.BaseApplication

	chainID string
	store   *state.Store
	log     *slog.Logger
	roles   *role.Set
	modules []module.Module
	routes  map[string]route // "module/action"
	// ethRoute is the action that executes Ethereum transactions (ADR
	// 0011); nil when no module declares one.
	ethRoute *route
	// metered are the modules whose transactions reserve gas from a
	// budget per block, by name.
	metered map[string]module.Metered

	sigs sigCache
	// bodies are the bodies the mempool's Precheck decoded, for the block.
	bodies bodyMemo
	now    func() time.Time

	// check is the mempool's view: committed state plus the writes of the
	// transactions accepted since the last commit. Reset at every commit;
	// CometBFT's recheck then replays the remaining mempool through it.
	checkMu   sync.Mutex // guards check, checkView: NextNonce reads them from gateway goroutines
	check     *cache
	checkView *state.View
	// checkMemo remembers checkView's answers for the check cache (memo.go);
	// PreCheckTx reads it without checkMu.
	checkMemo atomic.Pointer[viewMemo]
	// signerWrites counts the working set's writes that can change a
	// signer lookup (identity.AffectsSigners): a memo's remembered signers
	// pass to the next version's memo only when none happened between
	// (resetCheck).
	signerWrites atomic.Uint64
	// pending is the highest nonce per key admitted to the mempool and not
	// yet committed (see trackPending); guarded by checkMu.
	pending map[tx.KeyID]uint64
	// deferred are the recheck's transactions kept with a nonce ahead of
	// the mempool's view (see order.go); guarded by checkMu.
	deferred   deferral
	lastTime   time.Time
	lastHeight int64

	// block is the state of the block being executed, between
	// FinalizeBlock and Commit.
	block *blockResult

	waiters waiters
	metrics *metrics

	// version is the application protocol version the chain runs
	// (module.ChainVersion of the committed state).
	version atomic.Uint64
	// release is what this software runs (ADR 0019); upgradeNeeded is set
	// when a block at an upgrade height needs a newer release.
	release       Release
	upgradeNeeded atomic.Pointer[UpgradeNeededError]
	onUpgrade     func(e *UpgradeNeededError, blockSync bool)

	snaps snapshots
}

var _ abci.Application = (*App)(nil)

// New returns an application over opts.Store.
func New(opts Options) (*App, error) {
	if opts.ChainID == "" {
		return nil, fmt.Errorf("new app: empty chain id")
	}
	if opts.Store == nil {
		return nil, fmt.Errorf("new app: no state store")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.SigCacheSize <= 0 {
		opts.SigCacheSize = 200_000
	}
	a := &App{
		chainID: opts.ChainID,
		store:   opts.Store,
		log:     opts.Logger,
		routes:  make(map[string]route),
		metered: make(map[string]module.Metered),
		sigs:    newSigCache(opts.SigCacheSize),
		bodies:  newBodyMemo(bodyMemoSize),
		now:     opts.Now,
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.store.OnWrite(func(key []byte) {
		if identity.AffectsSigners(key) {
			a.signerWrites.Add(1)
		}
	})
	a.waiters.m = make(map[[32]byte][]chan TxRecord)
	a.snaps.store, a.snaps.interval = opts.Snapshots, opts.SnapshotInterval
	a.pending = make(map[tx.KeyID]uint64)
	a.deferred.newRound()
	a.metrics = newMetrics(a)
	if opts.Roles == nil {
		opts.Roles = role.MustSet()
	}
	a.roles = opts.Roles
	a.onUpgrade = opts.OnUpgradeNeeded
	if opts.Release != nil {
		a.release = *opts.Release
	} else {
		a.release = currentRelease()
	}
	if err := a.release.check(); err != nil {
		return nil, fmt.Errorf("new app: %w", err)
	}
	opts.Modules = append(slices.Clip(opts.Modules), a.release.Modules...)
	// The decision actions are the only ones governance may authorise
	// (ADR 0007).
	decisions := map[string]bool{}
	for _, m := range opts.Modules {
		for _, act := range m.Actions() {
			if act.Decision {
				decisions[m.Name()+"/"+act.Name] = true
			}
		}
	}
	mods := append([]module.Module{identity.Module{Roles: opts.Roles, Decisions: decisions}}, opts.Modules...)
	for _, m := range mods {
		if strings.Contains(m.Name(), "/") || m.Name() == "" || m.Name() == appPrefix {
			return nil, fmt.Errorf("new app: module name %q", m.Name())
		}
		for _, act := range m.Actions() {
			k := m.Name() + "/" + act.Name
			if _, dup := a.routes[k]; dup {
				return nil, fmt.Errorf("new app: action %s registered twice", k)
			}
			if act.Handle == nil {
				return nil, fmt.Errorf("new app: action %s has no handler", k)
			}
			for _, r := range act.Roles {
				if !opts.Roles.Valid(r) {
					return nil, fmt.Errorf("new app: action %s names role %q, which no module declares", k, r)
				}
			}
			a.routes[k] = route{module: m.Name(), prefix: []byte(m.Name() + "/"), action: act}
		}
		if em, ok := m.(module.Ethereum); ok {
			act := em.EthereumAction()
			k := m.Name() + "/" + act.Name
			if a.ethRoute != nil {
				return nil, fmt.Errorf("new app: %s and %s/%s both take Ethereum transactions", k, a.ethRoute.module, a.ethRoute.action.Name)
			}
			if _, dup := a.routes[k]; dup || act.Handle == nil {
				return nil, fmt.Errorf("new app: Ethereum action %s is also an envelope action, or has no handler", k)
			}
			a.ethRoute = &route{module: m.Name(), prefix: []byte(m.Name() + "/"), action: act}
		}
		if mm, ok := m.(module.Metered); ok {
			a.metered[m.Name()] = mm
		}
	}
	a.modules = mods
	if b, err := a.store.GetLocal(localBlockTime); err != nil {
		return nil, fmt.Errorf("new app: %w", err)
	} else if len(b) == 8 {
		a.lastTime = time.Unix(0, int64(binary.BigEndian.Uint64(b))).UTC()
	}
	a.lastHeight = a.store.Version()
	if err := a.loadVersion(); err != nil {
		return nil, fmt.Errorf("new app: %w", err)
	}
	if err := a.resetCheck(); err != nil {
		return nil, fmt.Errorf("new app: %w", err)
	}
	return a, nil
}

// ConcurrentABCI declares the app safe for ABCI calls on different
// connections at once (node.ConcurrentApp): mempool checks run while a
// block executes.
func (a *App) ConcurrentABCI() {}

// ChainID returns the chain id the application accepts.
func (a *App) ChainID() string { return a.chainID }

// Store returns the state store. Use its views for reads.
func (a *App) Store() *state.Store { return a.store }

// Roles returns the chain's role set.
func (a *App) Roles() *role.Set { return a.roles }

// ActionSpec describes an action for documentation and authorization tests.
type ActionSpec struct {
	Module    string      `json:"module"`
	Action    string      `json:"action"`
	Roles     []role.Role `json:"roles"`
	AdminOnly bool        `json:"admin_only"`
	// OperatorOnly: only node operator keys may sign the action.
	OperatorOnly bool   `json:"operator_only,omitempty"`
	Doc          string `json:"doc"`
	// Body and Result are the Go types of the body and result (nil for
	// an action not declared through api.Action).
	Body   reflect.Type `json:"-"`
	Result reflect.Type `json:"-"`
}

// Actions lists every action the application routes, by module in
// registration order, each module's in its own order.
func (a *App) Actions() []ActionSpec {
	var out []ActionSpec
	for _, m := range a.modules {
		for _, act := range m.Actions() {
			out = append(out, ActionSpec{Module: m.Name(), Action: act.Name, Roles: act.Roles, AdminOnly: act.AdminOnly, OperatorOnly: act.OperatorOnly, Doc: act.Doc, Body: act.Body, Result: act.Result})
		}
	}
	return out
}

func (a *App) resetCheck() error {
	v, err := a.store.At(0)
	if err != nil {
		return fmt.Errorf("open check view: %w", err)
	}
	m := newViewMemo(v)
	m.signerWrites = a.signerWrites.Load()
	if prev := a.checkMemo.Load(); prev != nil {
		m.inheritSigners(prev)
	}
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	a.checkView = v
	a.check = newCache(m)
	a.checkMemo.Store(m)
	return nil
}

// Info implements abci.Application: it reports the last committed height
// and app hash, so CometBFT replays only the blocks the app has not seen.
func (a *App) Info(context.Context, *abci.InfoRequest) (*abci.InfoResponse, error) {
	root := a.store.Root()
	res := &abci.InfoResponse{
		Data:            "dengta",
		Version:         fmt.Sprint(a.release.Version),
		AppVersion:      a.version.Load(),
		LastBlockHeight: a.store.Version(),
	}
	if res.LastBlockHeight > 0 {
		res.LastBlockAppHash = root[:]
	}
	return res, nil
}

// Genesis is the app_state of the consensus genesis: one section per module.
type Genesis map[string]json.RawMessage

// InitChain implements abci.Application. It writes every module's genesis
// state and checks that the consensus validators are exactly the
// validators of the genesis organisations.
func (a *App) InitChain(_ context.Context, req *abci.InitChainRequest) (*abci.InitChainResponse, error) {
	if req.ChainId != a.chainID {
		return nil, fmt.Errorf("init chain: genesis chain id %q, node configured for %q", req.ChainId, a.chainID)
	}
	var g Genesis
	if err := json.Unmarshal(req.AppStateBytes, &g); err != nil {
		return nil, fmt.Errorf("init chain: app state: %w", err)
	}
	for name := range g {
		if !a.hasModule(name) {
			return nil, fmt.Errorf("init chain: app state has a section for unknown module %q", name)
		}
	}
	if err := checkGenesisValidators(g[identity.Name], req.Validators); err != nil {
		return nil, fmt.Errorf("init chain: %w", err)
	}
	// Genesis runs over the (empty) committed view; its writes then go to
	// the working state and, until the first commit, also make up the
	// mempool's view, so transactions can be checked before block 1.
	a.checkMu.Lock()
	c := newCache(a.checkView)
	a.checkMu.Unlock()
	ctx := &module.Context{ChainID: a.chainID, Height: req.InitialHeight, Time: req.Time, Store: c, Version: a.version.Load()}
	for _, m := range a.modules {
		gm, ok := m.(module.Genesis)
		if !ok {
			continue
		}
		if err := gm.InitGenesis(ctx, g[m.Name()]); err != nil {
			return nil, fmt.Errorf("init chain: %w", err)
		}
	}
	check := c.clone()
	if err := c.flush(a.store); err != nil {
		return nil, fmt.Errorf("init chain: %w", err)
	}
	a.checkMu.Lock()
	a.check = check
	a.lastTime = req.Time
	a.checkMu.Unlock()
	root := a.store.WorkingRoot()
	a.log.Info("chain initialised", "chain_id", req.ChainId, "app_hash", root.String())
	return &abci.InitChainResponse{AppHash: root[:]}, nil
}

func (a *App) hasModule(name string) bool {
	for _, m := range a.modules {
		if m.Name() == name {
			return true
		}
	}
	return false
}

func checkGenesisValidators(raw json.RawMessage, got []abci.ValidatorUpdate) error {
	want, err := identity.GenesisValidators(raw)
	if err != nil {
		return err
	}
	wantSet := make(map[string]int64, len(want))
	for _, v := range want {
		wantSet[string(v.PubKey)] = v.Power
	}
	if len(got) != len(want) {
		return fmt.Errorf("consensus genesis has %d validators, the organisations bring %d", len(got), len(want))
	}
	for _, v := range got {
		p, ok := wantSet[string(v.PubKeyBytes)]
		if !ok {
			return fmt.Errorf("consensus validator %X belongs to no genesis organisation", v.PubKeyBytes)
		}
		if p != v.Power {
			return fmt.Errorf("consensus validator %X has power %d, its organisation says %d", v.PubKeyBytes, v.Power, p)
		}
	}
	return nil
}

// envelope is a decoded transaction of either kind with its
// authenticated signer.
type envelope struct {
	raw  []byte
	hash [32]byte
	tx   *tx.Tx    // a Dengta envelope, or nil
	eth  *ethtx.Tx // an Ethereum transaction, or nil
	// signerID and nonce are the signer key and the transaction's number
	// in its sequence; body is what the action's handler gets (the raw
	// Ethereum transaction for the Ethereum action).
	signerID tx.KeyID
	nonce    uint64
	body     []byte
	route    route
	signer   module.Signer
	key      *identity.Key
	// decoded is the body as the mempool's Precheck decoded it, or nil
	// (module.Context.Decoded).
	decoded any
}

// name is "module/action".
func (e *envelope) name() string { return e.route.module + "/" + e.route.action.Name }

// checkEnvelope decodes raw and runs every check that does not depend on
// the nonce: size, encoding, chain id, route (and the action's version
// against the chain's, version), signer, signature, role.
func (a *App) checkEnvelope(r reader, raw []byte, hash [32]byte, decoded parsed, version uint64) (*envelope, error) {
	if len(raw) > tx.MaxTxBytes {
		return nil, errcode.New(errcode.TooLarge, "transaction is %d bytes; the limit is %d", len(raw), tx.MaxTxBytes)
	}
	p := decoded
	if !p.ok() {
		var err error
		if p, err = parse(raw); err != nil {
			return nil, err
		}
	}
	var e *envelope
	var err error
	if p.eth != nil {
		e, err = a.checkEthereum(r, raw, hash, p.eth)
	} else {
		e, err = a.checkDengta(r, raw, hash, p.tx)
	}
	if err != nil {
		return nil, err
	}
	rt, signer := e.route, e.signer
	if rt.action.Since > version {
		return nil, errcode.New(errcode.RuleViolation, "%s is available from application version %d; the chain runs version %d until an upgrade to it takes effect", e.name(), rt.action.Since, version)
	}
	if rt.action.AdminOnly && !signer.Admin {
		return nil, errcode.New(errcode.Unauthorized, "%s needs an admin key of the organisation; key %s is a member key", e.name(), e.signerID)
	}
	if rt.action.OperatorOnly && !signer.Operator {
		return nil, errcode.New(errcode.Unauthorized, "%s is signed only by a node operator key; key %s is not one (an admin registers its node's key with identity/register_key and \"operator\": true)", e.name(), e.signerID)
	}
	if len(rt.action.Roles) > 0 && !role.Any(signer.Roles, rt.action.Roles) {
		return nil, errcode.New(errcode.Unauthorized, "%s is for organisations with role %v; %s has %v", e.name(), rt.action.Roles, signer.Org, signer.Roles)
	}
	return e, nil
}

// checkDengta checks a Dengta envelope's chain, route, signer and
// signature.
func (a *App) checkDengta(r reader, raw []byte, hash [32]byte, t *tx.Tx) (*envelope, error) {
	if t.ChainID != a.chainID {
		return nil, errcode.New(errcode.WrongChain, "transaction is for chain %q, this is %q", t.ChainID, a.chainID)
	}
	rt, ok := a.routes[t.Module+"/"+t.Action]
	if !ok {
		if !a.hasModule(t.Module) {
			return nil, errcode.New(errcode.UnknownAction, "no module %q on this chain (GET /v1/actions lists the modules and their actions)", t.Module)
		}
		return nil, errcode.New(errcode.UnknownAction, "no action %q in module %q (GET /v1/actions lists the modules and their actions)", t.Action, t.Module)
	}
	signer, key, err := lookupSigner(r, t.Signer)
	if err != nil {
		return nil, err
	}
	if !a.sigs.has(hash) {
		if err := t.VerifySignature(key.PublicKey); err != nil {
			return nil, err
		}
		a.sigs.add(hash)
	}
	return &envelope{raw: raw, hash: hash, tx: t, signerID: t.Signer, nonce: t.Nonce, body: t.Body, route: rt, signer: signer, key: key}, nil
}

// checkEthereum checks an Ethereum transaction's route and recovers its
// signer, which must be a registered secp256k1 member key. Its chain id
// is the module's to check: the app does not know it.
func (a *App) checkEthereum(r reader, raw []byte, hash [32]byte, t *ethtx.Tx) (*envelope, error) {
	if a.ethRoute == nil {
		return nil, errcode.New(errcode.UnknownAction, "this chain takes no Ethereum transactions (no module executes them)")
	}
	nonce, err := parsed{eth: t}.seqNonce()
	if err != nil {
		return nil, err
	}
	id, err := a.ethSender(hash, t)
	if err != nil {
		return nil, err
	}
	signer, key, err := lookupSigner(r, id)
	if err != nil {
		if errcode.Of(err) == errcode.UnknownSigner {
			return nil, errcode.New(errcode.UnknownSigner, "sender account 0x%s is not a member key of this chain: an organisation's admin registers its secp256k1 public key first (identity/register_key)", id)
		}
		return nil, err
	}
	if key.PublicKey.Algo != tx.AlgoSecp256k1 {
		return nil, errcode.New(errcode.UnknownSigner, "key %s is a %s key; Ethereum transactions are signed by secp256k1 keys", id, key.PublicKey.Algo)
	}
	return &envelope{raw: raw, hash: hash, eth: t, signerID: id, nonce: nonce, body: t.Raw, route: *a.ethRoute, signer: signer, key: key}, nil
}

func checkNonce(r reader, e *envelope) (uint64, error) {
	last, err := getNonce(r, e.signerID)
	if err != nil {
		return 0, err
	}
	if e.nonce != last+1 {
		return 0, e.nonceError(last)
	}
	return last + 1, nil
}

// run executes an authenticated transaction over base: it consumes the
// nonce, then runs the handler in a cache that is kept only on success.
func (a *App) run(base readWriter, e *envelope, height int64, index int, t time.Time, check bool, version uint64) (*module.Context, error) {
	next, err := checkNonce(base, e)
	if err != nil {
		return nil, err
	}
	if err := putNonce(base, e.signerID, next); err != nil {
		return nil, err
	}
	c := newCache(base)
	ctx := &module.Context{ChainID: a.chainID, Height: height, Time: t, TxHash: e.hash, Signer: e.signer, Store: ownKeys{c, e.route}, Check: check, TxIndex: index, Nonce: e.nonce, Version: version, Decoded: e.decoded}
	if err := e.route.action.Handle(ctx, e.body); err != nil {
		return ctx, err
	}
	for _, kv := range ctx.Indexed() {
		if !bytes.HasPrefix(kv[0], e.route.prefix) || len(kv[1]) == 0 {
			return ctx, errcode.New(errcode.ForeignWrite, "module %s indexed key %q outside its own keys (%s…) or with an empty value; the transaction is refused", e.route.module, kv[0], e.route.prefix)
		}
	}
	return ctx, c.flush(base)
}

// precheck admits a transaction of an action with a stateless Precheck:
// the nonce is next, the body passes the action's own check, and the
// nonce is consumed in w (ADR 0018). It returns the body as decoded.
func (a *App) precheck(w readWriter, e *envelope, pre func([]byte) (any, error)) (any, error) {
	next, err := checkNonce(w, e)
	if err != nil {
		return nil, err
	}
	decoded, err := pre(e.body)
	if err != nil {
		return nil, err
	}
	return decoded, putNonce(w, e.signerID, next)
}

// CheckTx implements abci.Application. It runs the whole transaction
// against the mempool's view, so everything that would fail in a block
// fails here first and never reaches the chain; an action with a
// stateless Precheck runs only that (ADR 0018).
func (a *App) CheckTx(_ context.Context, req *abci.CheckTxRequest) (*abci.CheckTxResponse, error) {
	hash := tx.Hash(req.Tx)
	recheck := req.Type == abci.CHECK_TX_TYPE_RECHECK
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	e, err := a.checkEnvelope(a.check, req.Tx, hash, parsed{}, a.version.Load())
	switch {
	case err != nil:
	case recheck:
		// After a block, CometBFT rechecks what is left in the mempool. The
		// action was run when the transaction arrived; now only what a
		// block can have changed for the envelope is checked again (the
		// signer still active, its role, the nonce still next), not the
		// handler: a transaction the new state makes fail fails in its
		// block, with its code, as any other. This keeps rechecking a full
		// mempool cheap. The mempool's order may put a key's nonce n+1
		// ahead of n (order.go); recheckNonce keeps it for n.
		err = a.recheckNonce(e)
	default:
		// Run on a scratch cache over the check state: a failing handler
		// must not consume the nonce in the mempool's view either.
		scratch := newCache(a.check)
		// The next block's time is not known yet; the later of the last
		// block's time and this node's clock estimates it. This is local
		// mempool admission only: the block decides with its own time.
		t := a.lastTime
		if now := a.now().UTC(); now.After(t) {
			t = now
		}
		var decoded any
		if pre := e.route.action.Precheck; pre != nil {
			decoded, err = a.precheck(scratch, e, pre)
		} else {
			_, err = a.run(scratch, e, a.lastHeight+1, 0, t, true, a.version.Load())
		}
		if err == nil {
			err = scratch.flush(a.check)
		}
		if err == nil {
			a.bodies.keep(hash, decoded)
		}
	}
	a.trackPending(req.Tx, e, err, recheck)
	a.metrics.check(errcode.Of(err))
	if err != nil {
		code := errcode.Of(err)
		if code == errcode.Internal {
			a.log.Error("check tx", "hash", fmt.Sprintf("%X", hash), "err", err)
		}
		return &abci.CheckTxResponse{Code: uint32(code), Codespace: errcode.Codespace, Log: errcode.Message(err)}, nil
	}
	return &abci.CheckTxResponse{Code: 0}, nil
}

// trackPending keeps, per key, the highest nonce waiting in the mempool.
// The mempool's view is reset at every commit and refilled by the recheck
// that follows, so between the two it does not know the pending nonces;
// NextNonce must still count them. A transaction the recheck drops takes
// the ones after it out of the mempool too (their nonces no longer follow),
// so its key's entry is dropped. Called with checkMu held.
func (a *App) trackPending(raw []byte, e *envelope, err error, recheck bool) {
	if err == nil {
		if e.nonce > a.pending[e.signerID] {
			a.pending[e.signerID] = e.nonce
		}
		return
	}
	if !recheck {
		return
	}
	var id tx.KeyID
	var nonce uint64
	ok := false
	if e != nil {
		id, nonce, ok = e.signerID, e.nonce, true
	} else if p, derr := parse(raw); derr == nil {
		id, nonce, ok = a.signerNonce(p, tx.Hash(raw))
	}
	// The recheck drops this transaction and the key's later ones; the
	// earlier ones it kept are in the mempool's view again, which then
	// gives the next nonce by itself.
	if ok && a.pending[id] >= nonce {
		delete(a.pending, id)
	}
}

// PrepareProposal implements abci.Application: it takes the mempool's
// transactions in order, each signer's in nonce order (order.go), up to
// the block's byte limit.
func (a *App) PrepareProposal(_ context.Context, req *abci.PrepareProposalRequest) (*abci.PrepareProposalResponse, error) {
	ordered, err := a.orderByNonce(a.store, req.Txs)
	if err != nil {
		return nil, fmt.Errorf("prepare proposal: %w", err)
	}
	ordered, err = a.withinGas(a.store, ordered)
	if err != nil {
		return nil, fmt.Errorf("prepare proposal: %w", err)
	}
	var total int64
	txs := make([][]byte, 0, len(ordered))
	for _, t := range ordered {
		total += int64(len(t))
		if req.MaxTxBytes > 0 && total > req.MaxTxBytes {
			break
		}
		txs = append(txs, t)
	}
	return &abci.PrepareProposalResponse{Txs: txs}, nil
}

// ProcessProposal implements abci.Application. Every proposal is accepted:
// a bad transaction in a block fails on its own, with its code, and
// changes nothing.
func (a *App) ProcessProposal(context.Context, *abci.ProcessProposalRequest) (*abci.ProcessProposalResponse, error) {
	return &abci.ProcessProposalResponse{Status: abci.PROCESS_PROPOSAL_STATUS_ACCEPT}, nil
}

// blockResult is what FinalizeBlock leaves for Commit.
type blockResult struct {
	height int64
	time   time.Time
	// version is the application version the block ran.
	version uint64
	hashes  [][32]byte
	txs     []TxRecord
}

// TxRecord says where a committed transaction is and how it ended.
type TxRecord struct {
	Hash     string `json:"hash"`
	Height   int64  `json:"height"`
	Index    int    `json:"index"`
	Code     uint32 `json:"code"`
	CodeName string `json:"code_name"`
	Log      string `json:"log,omitempty"`
	Module   string `json:"module,omitempty"`
	Action   string `json:"action,omitempty"`
	Signer   string `json:"signer,omitempty"`
	// Nonce is the transaction's number in its signer key's sequence
	// (an Ethereum transaction's nonce + 1).
	Nonce uint64 `json:"nonce,omitempty"`
	// EthHash is an Ethereum transaction's own hash (Keccak-256, 0x hex),
	// which Ethereum tools know it by.
	EthHash   string `json:"eth_hash,omitempty"`
	Timestamp int64  `json:"time_unix_ms"`
	// Result is what the action answered (module-defined JSON), if anything.
	Result json.RawMessage `json:"result,omitempty"`
}

// prefetch decodes the block's transactions and verifies, in parallel, the
// signatures this node has not seen in CheckTx, against the keys as they
// were at the start of the block. A key registered inside the block is
// verified later, in order. The result only fills the signature cache, so
// it cannot change what the block does.
func (a *App) prefetch(txs [][]byte) ([]parsed, [][32]byte) {
	decoded := make([]parsed, len(txs))
	hashes := make([][32]byte, len(txs))
	var todo []int
	for i, raw := range txs {
		hashes[i] = tx.Hash(raw)
		if len(raw) > tx.MaxTxBytes {
			continue
		}
		p, err := parse(raw)
		if err != nil {
			continue
		}
		decoded[i] = p
		if !a.sigs.has(hashes[i]) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return decoded, hashes
	}
	keys := make([]*identity.Key, len(todo))
	for j, i := range todo {
		if t := decoded[i].tx; t != nil {
			if k, err := identity.GetKey(a.store, t.Signer); err == nil {
				keys[j] = k
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := w; j < len(todo); j += workers {
				i := todo[j]
				if t := decoded[i].eth; t != nil {
					// Recovering the sender is the Ethereum kind's
					// signature check; the key is looked up in order.
					if id, err := t.Sender(); err == nil {
						a.sigs.addSender(hashes[i], id)
					}
					continue
				}
				if keys[j] != nil && decoded[i].tx.VerifySignature(keys[j].PublicKey) == nil {
					a.sigs.add(hashes[i])
				}
			}
		}()
	}
	wg.Wait()
	return decoded, hashes
}

// FinalizeBlock implements abci.Application.
func (a *App) FinalizeBlock(_ context.Context, req *abci.FinalizeBlockRequest) (*abci.FinalizeBlockResponse, error) {
	start := time.Now() // for the metric only
	defer func() { a.metrics.finalize.Observe(time.Since(start).Seconds()) }()
	version, params, events, err := a.beginBlock(req.Height, req.Time)
	if e, ok := err.(*UpgradeNeededError); ok && a.onUpgrade != nil {
		a.onUpgrade(e, req.SyncingToHeight > req.Height)
	}
	if err != nil {
		return nil, fmt.Errorf("finalize block %d: %w", req.Height, err)
	}
	decoded, hashes := a.prefetch(req.Txs)
	res := &abci.FinalizeBlockResponse{TxResults: make([]*abci.ExecTxResult, len(req.Txs)), ConsensusParamUpdates: params, Events: events}
	b := &blockResult{height: req.Height, time: req.Time, version: version, hashes: hashes, txs: make([]TxRecord, len(req.Txs))}
	gas := a.newGasBudget(a.store)
	activity := map[string]uint64{} // the block's successful transactions by organisation
	for i, raw := range req.Txs {
		rec := TxRecord{Hash: hashHex(hashes[i]), Height: req.Height, Index: i, Timestamp: req.Time.UnixMilli()}
		var ctx *module.Context
		e, err := a.checkEnvelope(blockReader{a.store, a}, raw, hashes[i], decoded[i], version)
		if err == nil {
			rec.Module, rec.Action, rec.Signer, rec.Nonce = e.route.module, e.route.action.Name, e.signerID.String(), e.nonce
			if e.eth != nil {
				rec.EthHash = e.eth.Hash().Hex()
			}
			err = gas.reserve(e)
		}
		if err == nil {
			// An envelope refused before this point leaves its body for a
			// later run of the same bytes; one refused on its nonce in run
			// has taken it, which only costs a decoding should the same
			// bytes ever run again.
			e.decoded = a.bodies.take(hashes[i])
			ctx, err = a.run(a.store, e, req.Height, i, req.Time, false, version)
		}
		r := &abci.ExecTxResult{}
		if err != nil {
			code := errcode.Of(err)
			if code == errcode.Internal {
				// An internal error is a node fault, not a verdict on the
				// transaction: stop rather than diverge from the others.
				return nil, fmt.Errorf("finalize block %d tx %d: %w", req.Height, i, err)
			}
			r.Code, r.Codespace, r.Log = uint32(code), errcode.Codespace, errcode.Message(err)
		} else {
			// Node-local index entries (ADR 0028), committed with the block.
			for _, kv := range ctx.Indexed() {
				a.store.SetLocal(kv[0], kv[1])
			}
			r.Events = toABCIEvents(e, ctx.Events())
			r.Data = ctx.Result()
			rec.Result = ctx.Result()
			for _, v := range ctx.ValidatorUpdates() {
				res.ValidatorUpdates = append(res.ValidatorUpdates, abci.ValidatorUpdate{PubKeyType: "ed25519", PubKeyBytes: v.PubKey, Power: v.Power})
			}
		}
		rec.Code, rec.CodeName, rec.Log = r.Code, errcode.Code(r.Code).Name(), r.Log
		if err == nil && e.signer.Org != "" {
			activity[e.signer.Org]++
		}
		a.metrics.txs.WithLabelValues(rec.Module, rec.CodeName).Inc()
		res.TxResults[i] = r
		b.txs[i] = rec
		recJSON, err := json.Marshal(rec)
		if err != nil {
			return nil, fmt.Errorf("finalize block: %w", err)
		}
		if r.Code != 0 && a.recorded(hashes[i]) {
			// The same bytes ran before: a failure now (a replay, refused
			// before its nonce) changed nothing, and the earlier record
			// stays the transaction's.
			continue
		}
		a.store.SetLocal(txKey(hashes[i]), recJSON)
	}
	// Written once per organisation and block; the order of the writes
	// does not matter (node-local records, not state).
	for org, n := range activity {
		if err := a.countActivity(org, req.Time, n); err != nil {
			return nil, fmt.Errorf("finalize block: %w", err)
		}
	}
	a.store.SetLocal(localBlockTime, binary.BigEndian.AppendUint64(nil, uint64(req.Time.UnixNano())))
	root := a.store.WorkingRoot()
	res.AppHash = root[:]
	a.block = b
	return res, nil
}

func toABCIEvents(e *envelope, evs []module.Event) []abci.Event {
	out := make([]abci.Event, 0, len(evs)+1)
	out = append(out, abci.Event{Type: "tx", Attributes: []abci.EventAttribute{
		{Key: "module", Value: e.route.module, Index: true},
		{Key: "action", Value: e.route.action.Name, Index: true},
		{Key: "signer", Value: e.signerID.String(), Index: true},
		{Key: "org", Value: e.signer.Org, Index: true},
	}})
	for _, ev := range evs {
		ae := abci.Event{Type: ev.Type}
		for _, at := range ev.Attrs {
			ae.Attributes = append(ae.Attributes, abci.EventAttribute{Key: at.Key, Value: at.Value, Index: true})
		}
		out = append(out, ae)
	}
	return out
}

// Commit implements abci.Application: it persists the block's state and
// local records, resets the mempool's view and wakes the callers waiting
// for the block's transactions.
func (a *App) Commit(context.Context, *abci.CommitRequest) (*abci.CommitResponse, error) {
	b := a.block
	if b == nil {
		return nil, fmt.Errorf("commit: no block was finalized")
	}
	start := time.Now() // for the metric only
	defer func() { a.metrics.commit.Observe(time.Since(start).Seconds()) }()
	if _, err := a.store.Commit(b.height); err != nil {
		return nil, fmt.Errorf("commit block %d: %w", b.height, err)
	}
	a.block = nil
	a.version.Store(b.version)
	if err := a.resetCheck(); err != nil {
		return nil, fmt.Errorf("commit block %d: %w", b.height, err)
	}
	a.checkMu.Lock()
	a.lastHeight, a.lastTime = b.height, b.time
	a.deferred.newRound()
	// Keys whose pending transactions this block committed have nothing
	// pending any more (only the block's own signers can have caught up).
	for _, rec := range b.txs {
		if id, err := tx.ParseKeyID(rec.Signer); err == nil && a.pending[id] <= rec.Nonce {
			delete(a.pending, id)
		}
	}
	a.checkMu.Unlock()
	a.waiters.notify(b.hashes, b.txs)
	a.maybeTake(b.height, b.time)
	a.metrics.height.Set(float64(b.height))
	a.metrics.blockTxs.Observe(float64(len(b.txs)))
	return &abci.CommitResponse{}, nil
}

// Query implements abci.Application for CometBFT's RPC: path "/state"
// returns the value stored under the key in data, at the requested height
// (0 for the latest). The gateway offers the same with Merkle proofs.
func (a *App) Query(_ context.Context, req *abci.QueryRequest) (*abci.QueryResponse, error) {
	if req.Path != "/state" {
		return &abci.QueryResponse{Code: uint32(errcode.BadRequest), Codespace: errcode.Codespace, Log: fmt.Sprintf("unknown query path %q; use /state", req.Path)}, nil
	}
	v, err := a.store.At(req.Height)
	if err != nil {
		return &abci.QueryResponse{Code: uint32(errcode.NotFound), Codespace: errcode.Codespace, Log: fmt.Sprintf("no state at height %d", req.Height)}, nil
	}
	val, err := v.Get(req.Data)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return &abci.QueryResponse{Key: req.Data, Value: val, Height: v.Version()}, nil
}

// LookupTx returns the record of a committed transaction. Safe for
// concurrent use.
func (a *App) LookupTx(hash [32]byte) (*TxRecord, error) {
	b, err := a.store.GetLocal(txKey(hash))
	if err != nil {
		return nil, fmt.Errorf("lookup tx: %w", err)
	}
	if b == nil {
		return nil, nil
	}
	var r TxRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("lookup tx: %w", err)
	}
	return &r, nil
}

// recorded reports whether the transaction has a record (committed, or of
// this block so far). A read error counts as none: the record is then
// rewritten, as it is node-local.
func (a *App) recorded(hash [32]byte) bool {
	b, err := a.store.GetLocal(txKey(hash))
	return err == nil && b != nil
}

// NextNonce returns the nonce the key's next transaction must carry,
// counting the transactions this node has accepted into its mempool. Safe
// for concurrent use.
func (a *App) NextNonce(id tx.KeyID) (uint64, error) {
	a.checkMu.Lock()
	defer a.checkMu.Unlock()
	n, err := getNonce(a.check, id)
	if err != nil {
		return 0, fmt.Errorf("next nonce: %w", err)
	}
	return max(n, a.pending[id]) + 1, nil
}

// CommittedNonce returns the last nonce the key used in a committed
// transaction (0: none). Safe for concurrent use.
func (a *App) CommittedNonce(id tx.KeyID) (uint64, error) {
	v, err := a.store.At(0)
	if err != nil {
		return 0, fmt.Errorf("committed nonce: %w", err)
	}
	n, err := getNonce(v, id)
	if err != nil {
		return 0, fmt.Errorf("committed nonce: %w", err)
	}
	return n, nil
}

// SignatureCacheStats returns how many signature lookups the cache served
// and how many of them hit.
func (a *App) SignatureCacheStats() (lookups, hits uint64) { return a.sigs.stats() }

// DecodedBodyStats returns how many of the block's transactions looked for
// a body the mempool's Precheck decoded, and how many found one.
func (a *App) DecodedBodyStats() (lookups, hits uint64) { return a.bodies.stats() }

func errInternal(format string, args ...any) error {
	return fmt.Errorf("internal: "+format, args...)
}
