// Package bench is the reproducible benchmark harness behind `dengta
// bench`: it starts a local network of 1 or N validators (or attaches to
// one), offers a workload at increasing rates, measures what the chain
// commits, and with a baseline runs the same sweep against CometBFT's
// kvstore application on the same topology and settings, so that every
// Dengta number comes with the consensus engine's own number from the same
// run on the same machine.
//
// # Network
//
// Homes are written with devnet.Testnet into a work directory (a random
// free block of 127.0.0.x addresses and ports, as nettest.PickAddresses
// chooses them): the first N organisations of the demo consortium run a
// validator each and the rest join the genesis without one, so that 1 and
// 4 validators have the same depositing organisations. Each validator is a
// real `dengta start --home` process (the harness re-executes its own
// binary); the harness waits until every node has committed a block and
// left block sync, and stops them by pid at the end - SIGTERM, SIGKILL
// after 20 s - whatever happened. The nodes run in their own process group
// (a Ctrl-C reaches the harness, which stops them in order) and get SIGTERM
// if the harness dies.
//
// # Workloads
//
// The workloads are the modules' own (plug.Module.Workloads, in each
// module's folder), taken from the module registry by the command line
// and written with package workload, the harness's API for modules: the
// Workload interface, the network as workloads see it, signer keys
// (workload.Signers), setup transactions of the organisations' admin keys
// (workload.Admins) and the CometBFT RPC client the harness sends through. The harness imports workload, never the other way round, so
// that a module's code does not depend on how networks are started.
//
// A Workload prepares each step's transactions before the window opens -
// for Dengta, signed by fresh member keys (Ed25519, or SM2 with
// --key-algo sm2) registered in setup through identity/register_key,
// spread round-robin over the depositing organisations and the nodes -
// and names for each transaction a node and a lane. A lane is an ordered
// stream (one signer's nonces); the harness runs one sender per lane. A
// module may also offer a part of the mix workload (workload.Def.Mix),
// which runs every part together, interleaved by their shares, with the
// parts' reads. docs/benchmarks.md describes each workload. A workload
// that offers several kinds of transaction names them in Tx.Kind, and the
// report breaks each step down by kind.
//
// # A step
//
// For each offered rate r and window W: prepare and encode r·W
// transactions (untimed); then a pacer releases transaction i at
// start + i/r into its lane's queue, open-loop - it never waits for a
// completion. Senders submit through each node's CometBFT RPC
// (broadcast_tx_sync by default, so CheckTx codes are seen; a full mempool
// is retried with back-off) over HTTP, the same path for Dengta and
// kvstore. After the window the senders finish their queues and the
// harness waits for every accepted transaction to be committed, both
// within the drain limit.
//
// A poller asks one node's application for its height (/abci_info) every
// 20 ms and fetches each new /block; a transaction's commit time is when
// the poll revealing its block returned (the application has committed it
// then, so its results are readable). The results (/block_results) are
// read after the step's CPU sample, unless the workload observes them:
// they cost the two systems differently (Dengta's carry events), and the
// harness's curiosity should not be charged to either node. A
// transaction's latency is the time from when it was due to its commit,
// and its code the block's result code. Per step the report has: offered,
// accepted and committed rate (committed within the window / window),
// latency p50/p95/p99 (nearest rank), rejected (CheckTx ≠ 0), failed (block
// code ≠ 0), unsent and uncommitted counts, blocks, and for each node the
// CPU seconds (utime+stime from /proc/<pid>/stat) and peak RSS (VmRSS
// sampled every 250 ms from /proc/<pid>/status) over the step, and the
// growth of its data directory (du, and du --apparent-size in the JSON) per
// committed transaction.
//
// # Baseline
//
// With Options.Baseline the harness installs cometbft v1.0.1 (go install,
// cached in the user cache directory) unless given one, writes kvstore
// homes with node.InitHome - the very config.toml a Dengta home gets, from
// node.TunedConfig, with only proxy_app changed - a genesis with
// node.DefaultConsensusParams and the same voting power, full-mesh
// persistent peers on the same addresses, runs `cometbft node
// --proxy_app=kvstore`, and offers "key=value" transactions of the Dengta
// run's mean size over as many lanes, through the same pacer and RPC path.
// It then checks that the two config.toml files differ only in moniker,
// addresses, peers and proxy_app, and reports dengta/kvstore ratios step
// by step.
package bench
