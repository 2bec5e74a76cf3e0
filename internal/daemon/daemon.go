// Package daemon is the one place that wires a Dengta node together: the
// state store, the application with the registered modules, the embedded
// CometBFT node, the modules' services, the pages and the HTTP gateway,
// started in order and stopped in reverse.
package daemon

import (
	"context"
	"encoding/json"

	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/cometbft/cometbft/mempool"
	"github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"

	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/snapshot"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/internal/web"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// Daemon is a running node.
type Daemon struct {
	Home     string
	Settings node.Settings
	ChainID  string
	App      *app.App
	Node     *node.Node
	Gateway  *gateway.Server
	// GatewayURL is the base URL the gateway listens on.
	GatewayURL string

	// Prover builds the node's proof bundles.
	Prover *prover.Prover

	store        *state.Store
	accounts     *accounts.Store
	stopServices context.CancelFunc
	servicesDone sync.WaitGroup
	http         *http.Server
	log          *slog.Logger
	stopOnce     sync.Once
	stopErr      error
	done         chan struct{}

	disk *diskMonitor
	// halt is closed when the node must stop on its own (haltErr says
	// why): consensus halted, the disk almost full.
	halt     chan struct{}
	haltOnce sync.Once
	haltErr  *HaltError

	backupMu sync.Mutex // one backup at a time
	admin    *admin
}

// Option changes how a node starts.
type Option func(*options)

type options struct{ passphrase keyfile.Source }

// WithPassphrase opens the home's encrypted keys (node, validator,
// operator, hall master) with the passphrase from src. Without it only
// plain legacy keys and dev keys open.
func WithPassphrase(src keyfile.Source) Option {
	return func(o *options) { o.passphrase = src }
}

// Start opens the node in home with the registered modules and starts it.
// The node runs until Stop.
func Start(ctx context.Context, home string, logger *slog.Logger, opts ...Option) (*Daemon, error) {
	return StartWith(ctx, home, logger, modules.Registry(), opts...)
}

// StartWith is Start with the modules of reg.
func StartWith(ctx context.Context, home string, logger *slog.Logger, reg *plug.Registry, opts ...Option) (*Daemon, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	settings, err := node.LoadSettings(home)
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	// The keys first: a wrong or missing passphrase stops here, before
	// any database is opened.
	keys, err := node.LoadKeys(home, o.passphrase)
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	master, err := node.HallMasterKey(home, o.passphrase)
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	operator, err := loadOperatorKey(home, settings.OperatorKey, o.passphrase, logger)
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	var hosted []*tx.PrivateKey
	for _, f := range settings.HostedKeys {
		k, err := loadOperatorKey(home, f, o.passphrase, logger)
		if err != nil {
			return nil, fmt.Errorf("start node: hosted key: %w", err)
		}
		if k != nil {
			hosted = append(hosted, k)
		}
	}
	for _, f := range keys.Legacy {
		logger.Warn("plain key file: the private key is not encrypted; run 'dengta keys encrypt --home "+home+"'", "file", f)
	}
	if master.Legacy {
		logger.Warn("plain hall master key: run 'dengta keys encrypt --home "+home+"'", "file", node.LegacyHallKeyFile(home))
	}
	if keys.Dev {
		logger.Info("dev keys: encrypted with the published dev passphrase " + keyfile.DevPassphrase + "; for dev chains and tests only")
	}
	doc, err := types.GenesisDocFromFile(node.GenesisFile(home))
	if err != nil {
		return nil, fmt.Errorf("start node: genesis: %w", err)
	}
	d := &Daemon{Home: home, Settings: settings, ChainID: doc.ChainID, log: logger, done: make(chan struct{}), halt: make(chan struct{})}
	d.disk = newDiskMonitor(home, settings, logger.With("module", "disk"), func(err error) {
		d.stopOnOwn(&HaltError{Reason: ReasonDisk, Err: err,
			Hint: "free space on that filesystem (or grow it), then start the node again: it resumes from its last block; thresholds are disk_*_bytes in config/dengta.json"})
	})
	if st := d.disk.check(); st.Level == DiskStop {
		return nil, &HaltError{Reason: ReasonDisk, Err: fmt.Errorf("disk almost full: %s free on the filesystem of %s, below the stop threshold of %s", bytesIEC(st.FreeBytes), st.Path, bytesIEC(d.disk.stop)),
			Hint: "free space on that filesystem (or grow it), then start the node again"}
	}
	if settings.StateCheckpointInterval < 0 {
		return nil, fmt.Errorf("start node: state_checkpoint_interval %d in %s: use 0 (write every block, the default) or a number of blocks such as 1000",
			settings.StateCheckpointInterval, node.SettingsFile(home))
	}
	store, err := state.OpenWith(node.StateDir(home), state.Options{CheckpointInterval: settings.StateCheckpointInterval})
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	d.store = store
	interval := settings.SnapshotInterval
	if interval == 0 {
		interval = node.DefaultSnapshotInterval
	}
	var snaps *snapshot.Store
	if interval > 0 {
		if snaps, err = snapshot.Open(node.SnapshotDir(home), settings.SnapshotKeep); err != nil {
			store.Close()
			return nil, fmt.Errorf("start node: %w", err)
		}
	}
	d.App, err = app.New(app.Options{ChainID: doc.ChainID, Store: store, Logger: logger.With("module", "app"), Modules: reg.Core(), Roles: reg.Roles(),
		Snapshots: snaps, SnapshotInterval: interval, OnUpgradeNeeded: d.upgradeNeeded, Now: clock})
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	// At an upgrade height this software does not run, stop before
	// CometBFT replays or executes the block (ADR 0019).
	if need, err := d.App.CheckUpgrade(); err != nil || need != nil {
		store.Close()
		if err != nil {
			return nil, fmt.Errorf("start node: %w", err)
		}
		return nil, upgradeHalt(need)
	}
	if plan, err := d.App.ScheduledUpgrade(); err == nil && plan != nil {
		logger.Warn("upgrade scheduled", "name", plan.Name, "version", plan.Version, "height", plan.Height,
			"software_ready", plan.Version <= d.App.SoftwareAppVersion())
	}
	ln, err := net.Listen("tcp", settings.GatewayAddr)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("start node: gateway address %s: %w", settings.GatewayAddr, err)
	}
	d.Node, err = node.Start(ctx, home, d.App, logger, node.WithKeys(keys),
		node.WithPlannedStop(func() bool { return d.App.UpgradeNeeded() != nil }))
	if err != nil {
		ln.Close()
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	if err := d.App.RegisterMetrics(d.Node.Registry()); err != nil {
		logger.Error("app metrics", "err", err)
	}
	if err := d.disk.register(d.Node.Registry()); err != nil {
		logger.Error("disk metrics", "err", err)
	}

	maxBlob := settings.MaxBlobBytes
	if maxBlob <= 0 {
		maxBlob = 64 << 20
	}
	blobs, err := blob.Open(node.BlobDir(home), maxBlob)
	if err != nil {
		d.Node.Stop()
		d.App.WaitSnapshots()
		ln.Close()
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	d.accounts, err = accounts.Open(node.HallDir(home), master.Key, clock)
	if err != nil {
		d.Node.Stop()
		d.App.WaitSnapshots()
		ln.Close()
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	d.GatewayURL = "http://" + ln.Addr().String()
	publicURL := settings.PublicURL
	if publicURL == "" {
		publicURL = d.GatewayURL
	}
	d.Prover = prover.New(doc.ChainID, store, d.Node.Client())
	fail := func(err error) (*Daemon, error) {
		d.stopModuleServices()
		d.Node.Stop()
		d.App.WaitSnapshots()
		ln.Close()
		store.Close()
		d.accounts.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	if err := d.startServices(reg, settings, operator, hosted, blobs); err != nil {
		return fail(err)
	}
	var apis []*httpapi.Module
	var pgs []*pages.Module
	for _, m := range reg.Modules() {
		if m.API != nil {
			apis = append(apis, m.API)
		}
		if m.Pages != nil {
			pg := *m.Pages
			pg.Name = m.Name()
			pgs = append(pgs, &pg)
		}
	}
	proxies, err := httpapi.ParseProxies(settings.TrustedProxies)
	if err != nil {
		return fail(err)
	}
	site, err := web.New(web.Options{Backend: webBackend{d}, Prover: d.Prover, PublicURL: publicURL, Accounts: d.accounts, APIURL: d.GatewayURL,
		Modules: pgs, Roles: reg.Roles(), Proxies: proxies, Logger: logger.With("module", "web")})
	if err != nil {
		return fail(err)
	}
	d.Gateway, err = gateway.New(gateway.Options{
		App: d.App, Chain: d.Node.Client(), Registry: d.Node.Registry(), Blobs: blobs, Web: site, Reasons: site.ChineseReasonFor, Prover: d.Prover, Modules: apis,
		PublicURL: publicURL, Logger: logger.With("module", "gateway"), Org: settings.Org, Moniker: settings.Moniker,
		Tokens: d.accounts, MetricsToken: settings.MetricsToken, BlobQuota: settings.BlobQuotaBytes,
		Refuse: d.refuse, MempoolRoom: d.Node.MempoolRoom, Halt: d.halt, MaxBlockAge: time.Duration(settings.MaxBlockAgeSeconds) * time.Second,
		Relay: operator, Proxies: proxies,
		JoinBundle: func(ctx context.Context) ([]byte, error) {
			b, err := node.LocalBundle(ctx, home, d.Node.Client())
			if err != nil {
				return nil, err
			}
			return json.MarshalIndent(b, "", "  ")
		},
	})
	if err != nil {
		return fail(err)
	}
	d.disk.start()
	go func() {
		select {
		case <-d.Node.Halted():
			if need := d.App.UpgradeNeeded(); need != nil {
				d.stopOnOwn(upgradeHalt(need))
				return
			}
			d.stopOnOwn(&HaltError{Reason: ReasonConsensus, Err: d.Node.HaltError(),
				Hint: "look for the cause above this line (a full disk, a failing disk: dmesg), fix it, then start the node again: it resumes from its last committed block"})
		case <-d.done:
		}
	}()
	d.http = newHTTPServer(d.Gateway.Handler(), logger)
	go func() {
		if err := d.http.Serve(netutil.LimitListener(ln, maxConnections)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("gateway stopped", "err", err)
		}
	}()
	d.startAdmin(logger)
	logger.Info("node started", "chain_id", doc.ChainID, "org", settings.Org, "gateway", d.GatewayURL, "height", store.Version())
	return d, nil
}

// Stop stops the gateway, consensus and the store, in that order. It is
// safe to call more than once.
func (d *Daemon) Stop() error {
	d.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		errs := []error{d.http.Shutdown(ctx)}
		d.stopAdmin()          // waits for a backup being written
		d.stopModuleServices() // a batcher submits what it holds
		d.disk.close()
		errs = append(errs, d.Node.Stop())
		d.App.WaitSnapshots()
		errs = append(errs, d.store.Close())
		errs = append(errs, d.accounts.Close())
		d.stopErr = errors.Join(errs...)
		close(d.done)
	})
	return d.stopErr
}

// stopServicesOnly stops the gateway, the admin socket, the modules'
// services and the disk monitor, but not consensus or the stores: for a
// node stopping at an upgrade height (upgradeNeeded).
func (d *Daemon) stopServicesOnly() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.http.Shutdown(ctx)
	d.stopAdmin()
	d.stopModuleServices()
	d.disk.close()
}

// Done is closed once the daemon has stopped.
func (d *Daemon) Done() <-chan struct{} { return d.done }

// Run starts the node in home with the registered modules and runs it
// until ctx ends.
func Run(ctx context.Context, home string, logger *slog.Logger, started func(*Daemon), opts ...Option) error {
	return RunWith(ctx, home, logger, modules.Registry(), started, opts...)
}

// RunWith is Run with the modules of reg.
func RunWith(ctx context.Context, home string, logger *slog.Logger, reg *plug.Registry, started func(*Daemon), opts ...Option) error {
	d, err := StartWith(ctx, home, logger, reg, opts...)
	if err != nil {
		return err
	}
	if started != nil {
		started(d)
	}
	logger = d.log
	nodeDone := make(chan struct{})
	go func() { d.Node.Wait(); close(nodeDone) }()
	select {
	case <-ctx.Done():
	case <-nodeDone:
		logger.Error("consensus stopped unexpectedly")
	case <-d.Halted():
		h := d.HaltError()
		logger.Error("the node stops: "+h.Err.Error(), "reason", h.Reason, "hint", h.Hint)
		if linger := d.haltLinger(); linger > 0 {
			// The gateway answers /healthz with the reason and refuses
			// submits meanwhile.
			logger.Info("the gateway answers for " + linger.String() + " more before the process exits")
			select {
			case <-time.After(linger):
			case <-ctx.Done():
			}
		}
		if h.Reason == ReasonUpgrade {
			// Nothing of the upgrade block was executed or written: the
			// state is committed at the block before the height. Consensus
			// is not stopped (a block-sync goroutine may be waiting inside
			// the application, and CometBFT's stop races its own peer
			// routines against the stores it closes, which can panic with
			// "pebble: closed" on the way out); the stores are left as
			// after a crash at a block boundary, which they recover from.
			d.stopServicesOnly()
			return h
		}
		// Storage that failed may not close cleanly; the process must end
		// anyway, so that its supervisor restarts it.
		stopped := make(chan error, 1)
		go func() { stopped <- d.Stop() }()
		select {
		case err := <-stopped:
			if err != nil {
				logger.Error("stop after halt", "err", err)
			}
		case <-time.After(haltStopTimeout):
			logger.Error("the node did not stop within " + haltStopTimeout.String() + " of the halt; leaving it to the process's exit")
		}
		return h
	}
	return d.Stop()
}

// haltLinger is how long the gateway keeps answering after a halt.
func (d *Daemon) haltLinger() time.Duration {
	switch s := d.Settings.HaltLingerSeconds; {
	case s < 0:
		return 0
	case s == 0:
		return 5 * time.Second
	default:
		return time.Duration(s) * time.Second
	}
}

// haltStopTimeout bounds the clean stop after a halt.
const haltStopTimeout = 30 * time.Second

// Reasons a node stops on its own (HaltError.Reason).
const (
	// ReasonConsensus: CometBFT's consensus stopped (a block could not be
	// stored or executed: a full or failing disk, a storage error).
	ReasonConsensus = "consensus"
	// ReasonDisk: the free disk space fell below the stop threshold.
	ReasonDisk = "disk"
	// ReasonUpgrade: the chain reached an upgrade height whose version
	// this software does not run (ADR 0019).
	ReasonUpgrade = "upgrade"
)

// upgradeNeeded is called by the application when a block at an upgrade
// height needs a newer release. In consensus, the refusal halts consensus
// and the node stops. In block sync, CometBFT would panic on the refusal
// in a goroutine nobody recovers; instead the block's goroutine waits here
// for the process to end. Either way Run stops the services and returns
// the halt.
func (d *Daemon) upgradeNeeded(e *app.UpgradeNeededError, blockSync bool) {
	if !blockSync {
		return
	}
	d.stopOnOwn(upgradeHalt(e))
	select {}
}

// upgradeHalt is the stop at an upgrade height.
func upgradeHalt(need *app.UpgradeNeededError) *HaltError {
	return &HaltError{Reason: ReasonUpgrade, Err: need,
		Hint: "install release " + need.Plan.Name + " (application version " + strconv.FormatUint(need.Plan.Version, 10) + ") and start the node with it: it executes the upgrade block and carries on. Starting this software again stops here again; it never runs past the height"}
}

// HaltError is why a running node stopped on its own: the process should
// exit with it (a non-zero status) so that its supervisor acts.
type HaltError struct {
	Reason string // ReasonConsensus, ReasonDisk, ...
	Err    error
	Hint   string // what the operator should do
}

func (e *HaltError) Error() string { return "node stopped (" + e.Reason + "): " + e.Err.Error() }

func (e *HaltError) Unwrap() error { return e.Err }

// Halted is closed when the node must stop on its own; HaltError says why.
func (d *Daemon) Halted() <-chan struct{} { return d.halt }

// HaltError is why the node must stop, nil while it runs normally.
func (d *Daemon) HaltError() *HaltError {
	select {
	case <-d.halt:
		return d.haltErr
	default:
		return nil
	}
}

// stopOnOwn records the first reason the node must stop: the gateway
// refuses transactions and answers waiting submits from then on, and Run
// stops the node.
func (d *Daemon) stopOnOwn(h *HaltError) {
	d.haltOnce.Do(func() {
		d.haltErr = h
		d.log.Error("halting: "+h.Err.Error(), "reason", h.Reason)
		close(d.halt)
	})
}

// refuse says why the node takes no new transactions now.
func (d *Daemon) refuse() error {
	if h := d.HaltError(); h != nil {
		return errcode.New(errcode.Unavailable, "this node is stopping (%s) and takes no transactions; send them to another member's node", h.Err)
	}
	if st := d.disk.Status(); st.Level >= DiskRefuse {
		return errcode.New(errcode.Unavailable, "disk space is low on this node (%s free) and it takes no new transactions until space is freed; send them to another member's node", bytesIEC(st.FreeBytes))
	}
	return nil
}

// Disk returns the last look at the free space of the data directory.
func (d *Daemon) Disk() DiskStatus { return d.disk.Status() }

// clock is the node's calendar: the mempool's estimate of the next
// block's time, hall sessions, API tokens and sign-in limits, the modules'
// services. It is CometBFT's, which proposes and votes block times, so
// that a build with the clock_skew tag moves all of them together by
// $COMETBFT_CLOCK_SKEW (TestFarFuture). The gateway's freshness window
// for signed requests compares two machines' clocks and keeps the
// process's own (time.Now), as its clients do.
var clock = cmttime.Now

// loadOperatorKey reads a member key file the settings name (the
// operator key, a hosted organisation's key), if any. A key that does not
// open is logged and the node runs without what needs it (public scans);
// a wrong passphrase is an error, since the same passphrase opened the
// node's own keys.
func loadOperatorKey(home, path string, src keyfile.Source, logger *slog.Logger) (*tx.PrivateKey, error) {
	if path == "" {
		return nil, nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(home, path)
	}
	key, info, err := tx.OpenKeyFile(path, src)
	if errors.Is(err, keyfile.ErrWrongPassphrase) || errors.Is(err, keyfile.ErrNoPassphrase) {
		return nil, err
	}
	if err != nil {
		logger.Error("member key of the node: services that sign with it will not run", "file", path, "err", err)
		return nil, nil
	}
	if info.Legacy {
		logger.Warn("plain key file: the private key is not encrypted; run 'dengta keys encrypt --home "+home+"'", "file", path)
	}
	return key, nil
}

// startServices starts every module's services with the node's
// environment: its operator and hosted keys, its mempool and commits, its
// blob store and a directory for their files.
func (d *Daemon) startServices(reg *plug.Registry, settings node.Settings, operator *tx.PrivateKey, hosted []*tx.PrivateKey, blobs *blob.Store) error {
	env := &plug.Node{
		ChainID: d.ChainID, Org: settings.Org, NextNonce: d.App.NextNonce, Logger: d.log, Now: clock,
		HostedKeys: hosted, Blobs: blobs, DataDir: node.ModulesDir(d.Home),
		Broadcast: func(ctx context.Context, raw []byte) (uint32, string, error) {
			if err := d.refuse(); err != nil {
				return 0, "", err
			}
			res, err := d.Node.Client().BroadcastTxSync(ctx, raw)
			if err != nil {
				var invalid mempool.ErrInvalidTx
				if errors.As(err, &invalid) {
					return invalid.Code, invalid.Log, nil
				}
				return 0, "", err
			}
			return res.Code, res.Log, nil
		},
		WaitTx: func(ctx context.Context, hash [32]byte) { d.App.WaitTx(ctx, hash) },
		View:   d.App.Store().At,
	}
	env.Submit = func(ctx context.Context, raw []byte) (*plug.Outcome, error) {
		ch, cancel := d.App.Watch(tx.Hash(raw))
		defer cancel()
		code, log, err := env.Broadcast(ctx, raw)
		if err != nil {
			return nil, err
		}
		if code != 0 {
			return &plug.Outcome{Code: code, Log: log}, nil
		}
		rec, err := app.Await(ctx, ch)
		if err != nil {
			return nil, err
		}
		return &plug.Outcome{Height: rec.Height, Code: rec.Code, Log: rec.Log, Result: rec.Result}, nil
	}
	if operator != nil {
		env.OperatorKey = operator
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.stopServices = cancel
	for _, m := range reg.Modules() {
		if m.Services == nil {
			continue
		}
		svcs, err := m.Services(env)
		if err != nil {
			return fmt.Errorf("%s services: %w", m.Name(), err)
		}
		for _, svc := range svcs {
			d.servicesDone.Go(func() { svc.Run(ctx) })
		}
	}
	return nil
}

// stopModuleServices stops the modules' services and waits for them.
func (d *Daemon) stopModuleServices() {
	if d.stopServices != nil {
		d.stopServices()
		d.servicesDone.Wait()
	}
}

// webBackend gives the pages what they need of the running node.
type webBackend struct{ d *Daemon }

func (b webBackend) ChainID() string { return b.d.ChainID }

func (b webBackend) View(height int64) (*state.View, error) { return b.d.App.Store().At(height) }

// Activity is the organisation's transactions per day (web.ActivityBackend).
func (b webBackend) Activity(org string, last time.Time, days int) ([]int64, error) {
	return b.d.App.Activity(org, last, days)
}

func (b webBackend) BlockTime(ctx context.Context) (time.Time, error) {
	st, err := b.d.Node.Client().Status(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return st.SyncInfo.LatestBlockTime, nil
}

// The gateway's HTTP limits. A client must send its headers within
// ReadHeaderTimeout and its whole request within ReadTimeout (a 64 MiB
// upload needs about 1.1 MB/s), gets its answer within WriteTimeout (a
// submit waits at most 30 s for its commit), and an idle connection is
// closed after IdleTimeout. At most maxConnections are open at once; the
// rest wait in the kernel's backlog.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 90 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	maxConnections    = 1024
)

func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout,
		IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
}
