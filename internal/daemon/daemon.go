// Package daemon is the one place that wires a Dengta node together: the
// state store, the application, the embedded CometBFT node and the HTTP
// gateway, started in order and stopped in reverse.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/cometbft/cometbft/mempool"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/modules"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/scanbatch"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/internal/tx"
	"github.com/dengta-chain/dengta/internal/web"
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

	// Scans batches the public scans of this node's pages and API; nil when
	// the node has no operator key.
	Scans *scanbatch.Batcher

	store     *state.Store
	accounts  *accounts.Store
	stopScans context.CancelFunc
	scansDone chan struct{}
	http      *http.Server
	log       *slog.Logger
	stopOnce  sync.Once
	stopErr   error
	done      chan struct{}
}

// Start opens the node in home and starts it. The node runs until Stop.
func Start(ctx context.Context, home string, logger *slog.Logger) (*Daemon, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	settings, err := node.LoadSettings(home)
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	doc, err := types.GenesisDocFromFile(node.GenesisFile(home))
	if err != nil {
		return nil, fmt.Errorf("start node: genesis: %w", err)
	}
	store, err := state.Open(node.StateDir(home))
	if err != nil {
		return nil, fmt.Errorf("start node: %w", err)
	}
	d := &Daemon{Home: home, Settings: settings, ChainID: doc.ChainID, store: store, log: logger, done: make(chan struct{})}
	d.App, err = app.New(app.Options{ChainID: doc.ChainID, Store: store, Logger: logger.With("module", "app"), Modules: modules.All()})
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	ln, err := net.Listen("tcp", settings.GatewayAddr)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("start node: gateway address %s: %w", settings.GatewayAddr, err)
	}
	d.Node, err = node.Start(ctx, home, d.App, logger)
	if err != nil {
		ln.Close()
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	if err := d.App.RegisterMetrics(d.Node.Registry()); err != nil {
		logger.Error("app metrics", "err", err)
	}
	maxBlob := settings.MaxBlobBytes
	if maxBlob <= 0 {
		maxBlob = 64 << 20
	}
	blobs, err := blob.Open(node.BlobDir(home), maxBlob)
	if err != nil {
		d.Node.Stop()
		ln.Close()
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	d.accounts, err = accounts.Open(node.HallDir(home), node.HallKeyFile(home), nil)
	if err != nil {
		d.Node.Stop()
		ln.Close()
		store.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	d.GatewayURL = "http://" + ln.Addr().String()
	if err := d.startScans(settings); err != nil {
		logger.Error("public scans will not be recorded", "err", err)
	}
	pages, err := web.New(web.Options{Backend: webBackend{d}, PublicURL: settings.PublicURL, Accounts: d.accounts, APIURL: d.GatewayURL,
		Scans: scanSource{d}, Logger: logger.With("module", "web")})
	if err != nil {
		d.Node.Stop()
		ln.Close()
		store.Close()
		d.accounts.Close()
		return nil, fmt.Errorf("start node: %w", err)
	}
	var scans gateway.ScanRecorder
	if d.Scans != nil {
		scans = d.Scans
	}
	d.Gateway = gateway.New(gateway.Options{
		App: d.App, Chain: d.Node.Client(), Registry: d.Node.Registry(), Blobs: blobs, Web: pages, Scans: scans, PublicURL: settings.PublicURL,
		Logger: logger.With("module", "gateway"), Org: settings.Org, Moniker: settings.Moniker,
	})
	d.http = &http.Server{Handler: d.Gateway.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := d.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("gateway stopped", "err", err)
		}
	}()
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
		if d.stopScans != nil {
			d.stopScans() // submits what is queued
			<-d.scansDone
		}
		errs = append(errs, d.Node.Stop())
		errs = append(errs, d.store.Close())
		errs = append(errs, d.accounts.Close())
		d.stopErr = errors.Join(errs...)
		close(d.done)
	})
	return d.stopErr
}

// Done is closed once the daemon has stopped.
func (d *Daemon) Done() <-chan struct{} { return d.done }

// Run starts the node in home and runs it until ctx ends.
func Run(ctx context.Context, home string, logger *slog.Logger, started func(*Daemon)) error {
	d, err := Start(ctx, home, logger)
	if err != nil {
		return err
	}
	if started != nil {
		started(d)
	}
	nodeDone := make(chan struct{})
	go func() { d.Node.Wait(); close(nodeDone) }()
	select {
	case <-ctx.Done():
	case <-nodeDone:
		logger.Error("consensus stopped unexpectedly")
	}
	return d.Stop()
}

// startScans loads the operator key and starts the batcher that records
// public scans on chain with it.
func (d *Daemon) startScans(settings node.Settings) error {
	if settings.OperatorKey == "" {
		return nil
	}
	path := settings.OperatorKey
	if !filepath.IsAbs(path) {
		path = filepath.Join(d.Home, path)
	}
	key, _, err := tx.ReadKeyFile(path)
	if err != nil {
		return fmt.Errorf("operator key: %w", err)
	}
	client := d.Node.Client()
	b, err := scanbatch.New(scanbatch.Options{
		ChainID:   d.ChainID,
		Key:       key,
		NextNonce: d.App.NextNonce,
		Submit: func(ctx context.Context, raw []byte) (uint32, string, error) {
			res, err := client.BroadcastTxSync(ctx, raw)
			if err != nil {
				var invalid mempool.ErrInvalidTx
				if errors.As(err, &invalid) {
					return invalid.Code, invalid.Log, nil
				}
				return 0, "", err
			}
			return res.Code, res.Log, nil
		},
		Wait: func(ctx context.Context, raw []byte) {
			d.App.WaitTx(ctx, tx.Hash(raw))
		},
		Logger: d.log.With("module", "scans"),
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.Scans, d.stopScans, d.scansDone = b, cancel, make(chan struct{})
	go func() { b.Run(ctx); close(d.scansDone) }()
	return nil
}
