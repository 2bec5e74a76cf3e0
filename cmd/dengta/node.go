package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/tx"
)

// logFlags adds --log-level and returns a function making the logger.
func logFlags(fs *flag.FlagSet, errOut io.Writer) func() (*slog.Logger, error) {
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	return func() (*slog.Logger, error) {
		var l slog.Level
		if err := l.UnmarshalText([]byte(*level)); err != nil {
			return nil, userError(fmt.Sprintf("unknown log level %q", *level), "--log-level debug|info|warn|error")
		}
		return slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: l})), nil
	}
}

func defaultDevHome() string {
	if h := os.Getenv("DENGTA_HOME"); h != "" {
		return h
	}
	dir, err := os.UserHomeDir()
	if err != nil {
		return ".dengta-dev"
	}
	return filepath.Join(dir, ".dengta", "dev")
}

func runDev(ctx context.Context, reg *plug.Registry, args []string, out, errOut io.Writer) error {
	fs := newFlags("dev", "[--home DIR] [--reset]", errOut)
	home := fs.String("home", defaultDevHome(), "home directory of the dev chain (or set DENGTA_HOME); it survives restarts")
	reset := fs.Bool("reset", false, "wipe the home and start a new chain")
	empty := fs.Bool("empty", false, "on a new chain, record no demo story (organisations and keys only)")
	ip := fs.String("ip", "127.0.0.1", "address to listen on: a loopback address, or with --lan a private one")
	lan := fs.Bool("lan", false, "allow a private network address for --ip (the dev chain's passwords and passphrase are published: only on a network you trust)")
	gwPort := fs.Int("gateway-port", 8480, "port of the HTTP gateway")
	rpcPort := fs.Int("rpc-port", 26657, "port of CometBFT's RPC")
	p2pPort := fs.Int("p2p-port", 26656, "port of CometBFT's peer-to-peer listener")
	chainID := fs.String("chain-id", "dengta-dev", "chain id of a new dev chain")
	passFile := cli.PassphraseFlag(fs) // a dev home whose passphrase was changed
	logger := logFlags(fs, errOut)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log, err := logger()
	if err != nil {
		return err
	}
	if err := checkDevIP(*ip, *lan); err != nil {
		return err
	}
	for _, p := range []struct {
		flag string
		port int
	}{{"--gateway-port", *gwPort}, {"--rpc-port", *rpcPort}, {"--p2p-port", *p2pPort}} {
		if p.port < 1 || p.port > 65535 {
			return userError(fmt.Sprintf("%s %d is not a port", p.flag, p.port), "give a port from 1024 to 65535, e.g. "+p.flag+" 18480")
		}
	}
	if *reset {
		if err := wipeHome(*home); err != nil {
			return err
		}
	}
	if st, err := node.LoadSettings(*home); err == nil {
		host, _, _ := net.SplitHostPort(st.GatewayAddr)
		if err := checkDevIP(host, *lan); err != nil {
			return userError(fmt.Sprintf("the dev chain in %s listens on %s", *home, st.GatewayAddr), "the dev chain's passwords are published: run 'dengta dev --reset' to make it listen on 127.0.0.1")
		}
	}
	created := false
	if _, err := os.Stat(node.GenesisFile(*home)); os.IsNotExist(err) {
		if err := devnet.Dev(*home, devnet.DevOptions{ChainID: *chainID, Consortium: reg, IP: *ip, Ports: node.Ports{P2P: *p2pPort, RPC: *rpcPort, Gateway: *gwPort}}); err != nil {
			return userError("create dev chain: "+err.Error(), "run 'dengta dev --reset' to start afresh, or pick another --home")
		}
		if err := devnet.AddDevHallUsers(*home, devPassword); err != nil {
			return userError("create dev chain: "+err.Error(), "run 'dengta dev --reset' to start afresh")
		}
		created = true
	}
	err = daemon.RunWith(ctx, *home, log, reg, func(d *daemon.Daemon) {
		verb := "resumed"
		if created {
			verb = "created"
			if !*empty {
				if err := seedDemo(ctx, reg, d, *home, log); err != nil {
					fmt.Fprintf(errOut, "Warning: the demo story was not recorded in full: %v\n", err)
				}
			}
		}
		fmt.Fprintf(out, `
Dengta dev chain %q %s — height %d, validator run by %q.

  Service hall:    %s/login   (users <org>-admin, e.g. coop-admin; password %s; dev chain only)
  Keys:            %s
  Gateway (API):   %s
  API reference:   %s/openapi.json
  Health:          %s/healthz
  Metrics:         %s/metrics
  CometBFT RPC:    http://%s:%d

Home:  %s  (admin keys of the demo organisations in %s)
Try:   dengta query orgs
       dengta query proof identity/org/coop --out coop.json
       dengta verify coop.json --trust %s
Stop with Ctrl-C; the chain's data stays in the home ('dengta dev --reset' starts afresh).
`, d.ChainID, verb, d.App.Store().Version(), d.Settings.Org, d.GatewayURL, devPassword, devKeysLine(*home), d.GatewayURL, d.GatewayURL, d.GatewayURL, d.GatewayURL, *ip, *rpcPort,
			*home, filepath.Join(*home, "keys"), node.GenesisFile(*home))
	}, daemon.WithPassphrase(cli.Passphrase(*passFile)))
	if isKeyError(err) {
		return cli.KeyError(err, "")
	}
	return err
}

// devKeysLine says how a dev home's keys are protected: with the
// published dev passphrase, unless 'dengta keys passphrase' gave them the
// home's own.
func devKeysLine(home string) string {
	if _, _, err := tx.OpenKeyFile(node.OperatorKeyFile(home), keyfile.Fixed(keyfile.DevPassphrase)); err == nil {
		return fmt.Sprintf("encrypted with the published dev passphrase %q: dev chain only", keyfile.DevPassphrase)
	}
	return "encrypted with this home's own passphrase ('dengta keys passphrase')"
}

// wipeHome removes a dev home, after checking that it is one.
func wipeHome(home string) error {
	if _, err := os.Stat(home); os.IsNotExist(err) {
		return nil
	}
	if _, err := os.Stat(node.SettingsFile(home)); err != nil {
		entries, _ := os.ReadDir(home)
		if len(entries) > 0 {
			return userError(fmt.Sprintf("%s does not look like a Dengta home (no %s); not wiping it", home, node.SettingsFile(home)), "pass the right --home")
		}
	}
	if err := os.RemoveAll(home); err != nil {
		return fmt.Errorf("wipe home: %w", err)
	}
	return nil
}

func runStart(ctx context.Context, reg *plug.Registry, args []string, out, errOut io.Writer) error {
	fs := newFlags("start", "--home DIR [--passphrase-file FILE]", errOut)
	home := fs.String("home", "", "home directory of the node (written by 'dengta testnet')")
	passFile := cli.PassphraseFlag(fs)
	logger := logFlags(fs, errOut)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *home == "" {
		return userError("--home is required", "dengta start --home ./net/regulator")
	}
	if daemon.IsBackup(*home) {
		return userError(fmt.Sprintf("%s is a backup, not a node's home; nothing was changed in it", *home), "restore it into a new directory first: dengta restore --backup "+*home+" --home NEWDIR --rpc URL --rpc URL")
	}
	if _, err := os.Stat(node.GenesisFile(*home)); err != nil {
		return userError(fmt.Sprintf("%s has no genesis (%s)", *home, node.GenesisFile(*home)), "create homes with 'dengta testnet --validators 4 --out DIR'")
	}
	log, err := logger()
	if err != nil {
		return err
	}
	err = daemon.RunWith(ctx, *home, log, reg, func(d *daemon.Daemon) {
		fmt.Fprintf(out, "node of %q on chain %q at height %d; gateway %s\n", d.Settings.Org, d.ChainID, d.App.Store().Version(), d.GatewayURL)
	}, daemon.WithPassphrase(cli.Passphrase(*passFile)))
	if isKeyError(err) {
		return cli.KeyError(err, "")
	}
	return err
}

func runTestnet(_ context.Context, reg *plug.Registry, args []string, out, errOut io.Writer) error {
	fs := newFlags("testnet", "--validators N --out DIR [--passphrase-file FILE | --dev-passphrase]", errOut)
	n := fs.Int("validators", 4, "number of validators, one organisation each")
	dir := fs.String("out", "", "directory to write the homes into (new or empty)")
	chainID := fs.String("chain-id", "dengta-testnet", "chain id")
	ipBase := fs.Int("ip-base", 1, "validator i listens on 127.0.0.(ip-base+i)")
	p2p := fs.Int("p2p-port", 26656, "CometBFT peer-to-peer port on every validator's address")
	rpc := fs.Int("rpc-port", 26657, "CometBFT RPC port on every validator's address")
	gw := fs.Int("gateway-port", 8480, "gateway port on every validator's address")
	fast := fs.Bool("fast", false, "short consensus timeouts and back-to-back blocks (tests and demos)")
	passFile := cli.PassphraseFlag(fs)
	dev := fs.Bool("dev-passphrase", false, "encrypt the keys with the published dev passphrase "+keyfile.DevPassphrase+" and a cheap KDF (local tests and demos only)")
	prot := protectionFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return userError("--out is required", "dengta testnet --validators 4 --out ./net")
	}
	p, err := prot()
	if err != nil {
		return err
	}
	if *dev {
		p = keyfile.DevProtection()
	} else {
		src := cli.Passphrase(*passFile)
		src.Confirm = true
		if p.Passphrase, err = src.Passphrase("the new homes"); err != nil {
			return cli.KeyError(err, keyfile.Hint+"; or --dev-passphrase for a throw-away local network")
		}
	}
	members, err := devnet.Testnet(*dir, devnet.TestnetOptions{ChainID: *chainID, Consortium: reg, Validators: *n, IPBase: *ipBase, Ports: node.Ports{P2P: *p2p, RPC: *rpc, Gateway: *gw}, Fast: *fast, Protection: p})
	if err != nil {
		return userError(err.Error(), "use a new --out directory and 1 to 64 --validators")
	}
	fmt.Fprintf(out, "wrote %d validator homes for chain %q under %s:\n\n", len(members), *chainID, *dir)
	for _, m := range members {
		fmt.Fprintf(out, "  %-10s %-40s gateway %s\n             start: dengta start --home %s\n", m.Org.ID, m.Org.NameEN, m.Gateway, m.Home)
	}
	if p.Dev {
		fmt.Fprintf(out, "\nkeys: encrypted with the published dev passphrase %q: a local network for tests only\n", keyfile.DevPassphrase)
	} else {
		fmt.Fprintf(out, "\nkeys: encrypted under your passphrase (%s); 'dengta start' asks for it, or takes --passphrase-file\n", describe(p))
	}
	fmt.Fprintf(out, "\nadmin keys: %s\n", filepath.Join(*dir, "keys"))
	return nil
}

// seedDemo records every module's demo story on a new dev chain, through
// the node's API with the demo organisations' admin keys.
func seedDemo(ctx context.Context, reg *plug.Registry, d *daemon.Daemon, home string, log *slog.Logger) error {
	// Signed requests are checked against the state of the first block.
	for d.App.Store().Version() < 1 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return devnet.SeedDemo(ctx, reg, d.GatewayURL, home, log)
}

// checkDevIP refuses to serve the dev chain, whose admin passwords and key
// passphrase are published, on a public address: loopback always, a
// private network address only when asked with --lan.
func checkDevIP(ip string, lan bool) error {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return userError(fmt.Sprintf("--ip %q is not an IP address", ip), "use --ip 127.0.0.1 (the default)")
	}
	switch {
	case a.IsLoopback():
		return nil
	case a.IsPrivate() && lan:
		return nil
	case a.IsPrivate():
		return userError(fmt.Sprintf("--ip %s would serve the dev chain to the local network, and every demo admin's password is published", ip), "add --lan if the network is yours alone, or keep the default 127.0.0.1")
	default:
		return userError(fmt.Sprintf("--ip %s is not a loopback or private address: the dev chain's passwords and passphrase are published, so it never listens in public", ip), "run a real node from its own home (dengta testnet, dengta start) for anything reachable from outside")
	}
}
