package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/cockroachdb/pebble"
	dbm "github.com/cometbft/cometbft-db"
	abcicli "github.com/cometbft/cometbft/abci/client"
	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/libs/service"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	"github.com/prometheus/client_golang/prometheus"
)

// StartOption changes how Start starts a node.
type StartOption func(*startOptions)

type startOptions struct {
	keys    *Keys
	planned func() bool
}

// WithKeys starts the node with keys already loaded (LoadKeys with the
// operator's passphrase).
func WithKeys(k *Keys) StartOption { return func(o *startOptions) { o.keys = k } }

// WithPlannedStop tells the node how to know that consensus stopped as
// planned: planned reports true once the application refused a block
// because it needs a newer release (ADR 0019). CometBFT then logs the
// stop as a failure with a stack trace; the node logs it as the planned
// stop it is, at warning level and without the stack.
func WithPlannedStop(planned func() bool) StartOption {
	return func(o *startOptions) { o.planned = planned }
}

// Node is a running CometBFT node with the application in-process.
type Node struct {
	home     string
	comet    *cmtnode.Node
	client   *local.Local
	registry *prometheus.Registry
	app      *gatedApp
	dbs      *dbTracker
	logger   *slog.Logger

	stopOnce sync.Once
	stopErr  error
	done     chan struct{}

	// halt is closed when consensus has stopped for good while the
	// process runs (haltErr says why).
	halt     chan struct{}
	haltOnce sync.Once
	haltErr  error
}

// ConcurrentApp is implemented by applications whose ABCI methods may run
// at once on different connections (a mempool check while a block
// executes). Such an app gets one mutex per connection
// (proxy.NewConnSyncLocalClientCreator); any other gets one mutex across
// all connections (proxy.NewLocalClientCreator) and never sees concurrent
// calls.
type ConcurrentApp interface {
	abcitypes.Application
	// ConcurrentABCI marks the application as safe for that.
	ConcurrentABCI()
}

func clientCreator(app abcitypes.Application, gated *gatedApp) proxy.ClientCreator {
	var cc proxy.ClientCreator
	if _, ok := app.(ConcurrentApp); ok {
		cc = proxy.NewConnSyncLocalClientCreator(gated)
	} else {
		cc = proxy.NewLocalClientCreator(gated)
	}
	if _, ok := app.(PreChecker); ok {
		cc = preCheckCreator{ClientCreator: cc, app: gated}
	}
	return cc
}

// Start runs CometBFT in-process for the home, with app behind local ABCI
// clients: one mutex per connection for a ConcurrentApp, else one mutex
// across the consensus, mempool, query and snapshot connections. A
// PreChecker's PreCheckTx runs before each new transaction's CheckTx,
// outside those mutexes.
//
// ctx bounds start-up only - above all the ABCI handshake, in which
// CometBFT asks the app for its last height (Info) and replays the blocks
// the app is missing, so a home that already ran resumes where it stopped.
// Cancelling ctx later does not stop the node; call Stop. If the genesis
// time lies in the future, Start sleeps until then (CometBFT behaviour).
//
// A nil logger discards CometBFT's logs.
//
// The node and validator keys are opts' WithKeys, or else read from the
// home with no passphrase (plain legacy or dev keys only).
func Start(ctx context.Context, home string, app abcitypes.Application, logger *slog.Logger, opts ...StartOption) (*Node, error) {
	if app == nil {
		return nil, errors.New("start node: nil app")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	c, err := LoadConfig(home)
	if err != nil {
		return nil, err
	}
	for _, w := range c.CheckDeprecated() {
		logger.Warn("deprecated setting in config.toml", "warning", w)
	}
	if c.Instrumentation.Prometheus {
		// It would serve the (empty) default registry and take a port;
		// the node's metrics are in Registry(), served by the gateway.
		logger.Warn("instrumentation.prometheus is ignored: metrics are served by the gateway")
		c.Instrumentation.Prometheus = false
	}
	var so startOptions
	for _, o := range opts {
		o(&so)
	}
	keys := so.keys
	if keys == nil {
		if keys, err = LoadKeys(home, nil); err != nil {
			return nil, err
		}
	}
	pv, err := loadFilePV(home, keys.Validator)
	if err != nil {
		return nil, err
	}
	rep, err := RepairWAL(c.Consensus.WalFile())
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	logWALRepair(logger, rep)

	n := &Node{
		home:     home,
		registry: prometheus.NewRegistry(),
		app:      &gatedApp{app: app},
		dbs:      &dbTracker{logger: logger},
		logger:   logger,
		done:     make(chan struct{}),
		halt:     make(chan struct{}),
	}
	clients := &clientTracker{inner: clientCreator(app, n.app)}
	cmtLog := newCmtLogger(logger)
	cmtLog.halted, cmtLog.planned = n.halted, so.planned

	comet, err := cmtnode.NewNode(ctx, c, pv, keys.NodeKey,
		clients,
		cmtnode.DefaultGenesisDocProviderFunc(c),
		n.dbs.provider,
		metricsProvider(n.registry, c.Instrumentation.Namespace),
		cmtLog,
	)
	if err != nil {
		// NewNode leaves what it opened behind: the databases (pebble
		// holds a lock on each, so a retry in this process would fail)
		// and the started ABCI clients. Release them.
		clients.stopAll()
		n.dbs.closeAll()
		n.app.close()
		return nil, fmt.Errorf("create node: %w", err)
	}
	if err := comet.Start(); err != nil {
		// A failed Start leaves the service marked not started, so Stop
		// would refuse; OnStop closes listeners and stores regardless.
		comet.OnStop()
		if perr := comet.ProxyApp().Stop(); perr != nil {
			logger.Error("stop ABCI connections", "err", perr)
		}
		n.dbs.closeUnowned()
		n.app.close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	n.comet = comet
	n.client = local.New(comet)
	n.client.SetLogger(cmtLog.With("module", "rpc-client"))
	// Whoever stops CometBFT (Stop, or Comet().Stop()), finish the job.
	go func() {
		<-comet.Quit()
		_ = n.Stop()
	}()

	logger.Info("Started node",
		"moniker", c.Moniker,
		"node_id", string(keys.NodeKey.ID()),
		"chain_id", comet.GenesisDoc().ChainID,
		"height", comet.BlockStore().Height(),
		"validator", pv.GetAddress().String(),
		"p2p", c.P2P.ListenAddress,
		"rpc", c.RPC.ListenAddress,
	)
	return n, nil
}

// Comet returns the embedded CometBFT node.
func (n *Node) Comet() *cmtnode.Node { return n.comet }

// Client returns an in-process RPC client (broadcast, status, block,
// commit, validators, ...). Its methods ignore their context argument, and
// it must not be used after Stop (CometBFT's stores are closed then).
func (n *Node) Client() *local.Local { return n.client }

// MempoolRoom returns how many more transactions the mempool can take
// now: 0 when it holds its limit of transactions or of bytes, and fewer
// than its transaction room when its byte room fills first.
func (n *Node) MempoolRoom() int {
	cfg, mp := n.comet.Config().Mempool, n.comet.Mempool()
	return mempoolRoom(cfg.Size, mp.Size(), cfg.MaxTxsBytes, mp.SizeBytes())
}

// mempoolRoom is how many more transactions a mempool holding size of
// at most limit, in bytes of at most maxBytes, can take: the lesser of
// its room in transactions and its room in bytes counted in transactions
// of the mean size it holds (large transactions, such as batches of
// scans, meet the byte limit first).
func mempoolRoom(limit, size int, maxBytes, bytes int64) int {
	if bytes >= maxBytes {
		return 0
	}
	room := max(limit-size, 0)
	if size > 0 {
		if mean := bytes / int64(size); mean > 0 {
			room = int(min(int64(room), (maxBytes-bytes)/mean))
		}
	}
	return room
}

// Registry returns the node's own Prometheus registry: CometBFT's metrics
// (namespace "cometbft", label chain_id) and whatever the caller registers.
func (n *Node) Registry() *prometheus.Registry { return n.registry }

// Home returns the node's home directory.
func (n *Node) Home() string { return n.home }

// Stop stops CometBFT and waits for it. When Stop returns, the consensus
// WAL and CometBFT's databases are closed and the application will not be
// called again, so the caller may close the application's own database.
// Stop is idempotent and safe for concurrent use; every call returns the
// first call's result.
func (n *Node) Stop() error {
	n.stopOnce.Do(func() {
		var errs []error
		if err := n.comet.Stop(); err != nil && !errors.Is(err, service.ErrAlreadyStopped) {
			errs = append(errs, fmt.Errorf("stop cometbft: %w", err))
		}
		<-n.comet.Quit() // closed after OnStop has returned
		// CometBFT's OnStop leaves the ABCI connections running.
		if err := n.comet.ProxyApp().Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stop ABCI connections: %w", err))
		}
		if err := n.dbs.closeUnowned(); err != nil {
			errs = append(errs, err)
		}
		n.app.close()
		n.stopErr = errors.Join(errs...)
		n.logger.Info("Stopped node", "home", n.home)
		close(n.done)
	})
	<-n.done
	return n.stopErr
}

// Wait blocks until the node has stopped.
func (n *Node) Wait() { <-n.done }

// Halted is closed when consensus has stopped for good while the process
// runs: CometBFT's consensus routine recovered a panic ("CONSENSUS
// FAILURE!!!"), as it does when a block cannot be stored or the
// application fails to execute or commit one (a full disk, a storage
// error). Nothing restarts it: the node must stop, and HaltError says why.
func (n *Node) Halted() <-chan struct{} { return n.halt }

// HaltError is why consensus halted; nil before Halted is closed.
func (n *Node) HaltError() error {
	select {
	case <-n.halt:
		return n.haltErr
	default:
		return nil
	}
}

// halted records the first reason consensus stopped.
func (n *Node) halted(err error) {
	n.haltOnce.Do(func() {
		n.haltErr = err
		close(n.halt)
	})
}

// logWALRepair logs one line about the consensus WAL check.
func logWALRepair(logger *slog.Logger, rep *WALRepair) {
	if len(rep.Truncated) == 0 {
		logger.Info("consensus WAL checked", "files", rep.Files, "entries", rep.Entries, "bytes", rep.Bytes)
		return
	}
	var dropped int64
	cuts := make([]string, 0, len(rep.Truncated))
	for _, c := range rep.Truncated {
		dropped += c.Dropped
		cuts = append(cuts, fmt.Sprintf("%s at byte %d (%s; %d bytes kept in %s)", c.File, c.Offset, c.Reason, c.Dropped, c.Backup))
	}
	logger.Warn("consensus WAL repaired: torn entries cut once; the height in progress is replayed from what was whole",
		"files", rep.Files, "entries", rep.Entries, "dropped_bytes", dropped, "cut", strings.Join(cuts, "; "))
}

// dbTracker is CometBFT's DB provider, remembering what it opened. Pebble
// databases log through the node's logger instead of pebble's default
// (the standard log package on stderr).
type dbTracker struct {
	logger *slog.Logger
	mu     sync.Mutex
	dbs    []trackedDB
}

type trackedDB struct {
	id string
	db dbm.DB
}

// ownedByNode are the databases CometBFT's Node.OnStop closes itself
// (block store, state store, evidence pool). Closing a pebble database
// twice panics, so these must be left alone after a stop.
var ownedByNode = map[string]bool{"blockstore": true, "state": true, "evidence": true}

func (t *dbTracker) provider(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	var db dbm.DB
	var err error
	if dbm.BackendType(ctx.Config.DBBackend) == dbm.PebbleDBBackend {
		l := pebbleLogger{t.logger.With("db", ctx.ID)}
		db, err = dbm.NewPebbleDBWithOpts(ctx.ID, ctx.Config.DBDir(), &pebble.Options{
			Logger: l,
			EventListener: &pebble.EventListener{
				BackgroundError: func(err error) { l.l.Error("pebble background error", "err", err) },
			},
		})
	} else {
		db, err = cmtcfg.DefaultDBProvider(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s db: %w", ctx.ID, err)
	}
	db = &closeGuard{DB: db}
	t.mu.Lock()
	t.dbs = append(t.dbs, trackedDB{id: ctx.ID, db: db})
	t.mu.Unlock()
	return db, nil
}

// closeGuard answers reads of a closed database as absent instead of
// letting pebble panic. CometBFT closes its stores in Node.OnStop while a
// consensus reactor's per-peer routine (queryMaj23Routine) may still wake
// from its sleep and read a commit; the panic took the whole process
// down as it stopped. A read that began before Close finishes first. A
// second Close does nothing (pebble panics on it).
type closeGuard struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
}

func (g *closeGuard) Get(key []byte) ([]byte, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return nil, nil
	}
	return g.DB.Get(key)
}

func (g *closeGuard) Has(key []byte) (bool, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.closed {
		return false, nil
	}
	return g.DB.Has(key)
}

func (g *closeGuard) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	return g.DB.Close()
}

// pebbleLogger adapts slog to pebble's logger. Pebble's info messages (WAL
// replay at open, etc.) are debug material.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) { p.l.Debug(fmt.Sprintf(format, args...)) }

// Fatalf must not return (pebble's default exits the process); panic so the
// failure surfaces where it happened.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.l.Error("pebble fatal error", "err", msg)
	panic("pebble: " + msg)
}

// closeAll closes every database opened; for a NewNode that failed.
func (t *dbTracker) closeAll() error { return t.close(func(string) bool { return true }) }

// closeUnowned closes the databases CometBFT does not close on stop (the
// tx indexer's, if one is configured).
func (t *dbTracker) closeUnowned() error {
	return t.close(func(id string) bool { return !ownedByNode[id] })
}

func (t *dbTracker) close(match func(id string) bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for _, d := range t.dbs {
		if match(d.id) {
			if err := d.db.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s db: %w", d.id, err))
			}
		}
	}
	t.dbs = nil
	return errors.Join(errs...)
}

// clientTracker wraps a ClientCreator to remember the ABCI clients, so a
// failed NewNode can stop them (which also ends the proxy's watchdog
// goroutine).
type clientTracker struct {
	inner   proxy.ClientCreator
	mu      sync.Mutex
	clients []abcicli.Client
}

func (t *clientTracker) track(c abcicli.Client, err error) (abcicli.Client, error) {
	if err == nil {
		t.mu.Lock()
		t.clients = append(t.clients, c)
		t.mu.Unlock()
	}
	return c, err
}

func (t *clientTracker) NewABCIConsensusClient() (abcicli.Client, error) {
	return t.track(t.inner.NewABCIConsensusClient())
}

func (t *clientTracker) NewABCIMempoolClient() (abcicli.Client, error) {
	return t.track(t.inner.NewABCIMempoolClient())
}

func (t *clientTracker) NewABCIQueryClient() (abcicli.Client, error) {
	return t.track(t.inner.NewABCIQueryClient())
}

func (t *clientTracker) NewABCISnapshotClient() (abcicli.Client, error) {
	return t.track(t.inner.NewABCISnapshotClient())
}

func (t *clientTracker) stopAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.clients {
		if c.IsRunning() {
			_ = c.Stop()
		}
	}
}
