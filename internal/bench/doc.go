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
// A Workload (workload.go) prepares each step's transactions before the
// window opens - for Dengta, signed by fresh member keys (Ed25519, or SM2 with --key-algo sm2)
// registered in setup through identity/register_key, spread round-robin
// over the depositing organisations and the nodes - and names for each
// transaction a node and a lane. A lane is an ordered stream (one signer's
// nonces); the harness runs one sender per lane. Workloads:
//
//   - w1: notary/deposit, two 32-byte digests and about 150 B of metadata.
//   - w1b: notary/batch_deposit of RFC 6962 trees of 10,000 items (built
//     with internal/batch before the window); reports records per second.
//   - w2: trace/capture of one EPCIS ObjectEvent OBSERVE (storing or
//     inspecting, by the lane organisation's roles, at its registered
//     location) of one SGTIN item drawn by Zipf (s 1.1, v 1) over a
//     million serial numbers of the producers' lots (trace.go). Setup
//     registers the locations, products and lots with the organisations'
//     admin keys; items are commissioned before the window that first
//     draws them (untimed), since an event may only name an existing item.
//     Check compares the chain's event count of the most observed items
//     with what the harness saw committed.
//   - w3, w3hot: receivable transfers (receivable.go): half split_transfer
//     of a held receivable into a part of 1-100 yuan for the other supplier
//     and a kept remainder, half accept of parts sent in earlier steps.
//     Each timed transaction acts on a different receivable committed
//     before the window (a split consumes its receivable, and CheckTx does
//     not see the effects of transactions admitted before the last
//     block), so lanes are independent; the stock is topped up before each
//     window (untimed) by carving large receivables into kept parts. w3
//     rotates each lane over roots of its own; w3hot puts 9 splits in 10 in
//     one tree per supplier. Check verifies value conservation in every
//     root's tree, on every node at one height.
//   - w4: w1 writes in the background while readers fetch
//     GET /v1/proof?key=notary/ev/<id> and GET /v1/notary/evidence/<id> of
//     random earlier deposits from random nodes; reports reads per second
//     and read latency.
//   - mix: w1, w2 and w3 together (40/30/30 % of the transactions,
//     interleaved, lanes split alike) with w4's reads; every part's Check.
//
// Setup transactions of the organisations' admin keys go through Admins
// (admin.go). A workload that offers several kinds of transaction names
// them in Tx.Kind, and the report breaks each step down by kind.
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
// A poller asks one node for /status every 20 ms and fetches each new
// /block and /block_results; a transaction's commit time is when the poll
// revealing its block returned (results are read once the block has been
// executed), its latency the time from when it was due to its commit, and
// its code the block's result code. Per step the report has: offered,
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
