// Package node embeds CometBFT v1.0.1 in-process for the Dengta ABCI
// application: it lays out a node's home directory, writes config.toml with
// Dengta's tuned defaults, writes the genesis and the peer list, and runs
// CometBFT with the application behind a local ABCI client.
//
// A home is prepared in three steps, usually by the CLI's init and testnet
// commands:
//
//	keys, err := node.InitHome(home, node.InitOptions{...})  // keys, config.toml, dengta.json
//	err = node.WriteGenesis(home, doc)                          // shared genesis, doc.ConsensusParams = node.DefaultConsensusParams()
//	err = node.SetPeers(home, []string{"id@ip:port", ...})      // fixed consortium peers
//
// and then run with
//
//	n, err := node.Start(ctx, home, app, logger)
//	defer n.Stop()
//
// The files of a home are listed in layout.go. The application owns its
// state directory (StateDir) and opens it itself; this package only names it.
//
// Every node has its own Prometheus registry (Node.Registry) holding
// CometBFT's metrics, so several nodes can run in one process (tests,
// local testnets); CometBFT's own Prometheus HTTP server is never started.
//
// CometBFT logs through the *slog.Logger given to Start. Its Info messages
// are mostly per-block chatter and are logged at slog Debug, except for a
// short list of start-up, shutdown and peer messages (see importantInfo).
package node
