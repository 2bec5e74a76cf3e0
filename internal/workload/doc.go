// Package workload is what scenario modules write their benchmark
// workloads with: the API between a module and the harness behind `dengta
// bench` (internal/bench), which imports it. It imports no node code (no
// internal/node, internal/devnet or host package), so a module's plug
// package can offer workloads without depending on how networks are
// started.
//
// A module offers its workloads as Defs (plug.Module.Workloads): a name on
// the command line, a default sweep, a constructor taking the run's Params
// and, optionally, a part of the mix workload (MixPart), which runs every
// part together, interleaved by their shares. Workloads, Names and Lookup
// list them with the mix added.
//
// A Workload sets up a Network (the chain id, the organisations' admin
// keys and roles, and each node's gateway SDK client and CometBFT RPC
// client), then prepares each step's transactions before the timed window
// opens and hands them to the harness one by one as Tx values, each naming
// a node and a lane (an ordered stream, such as one signer's nonces). A
// workload may also read while its writes run (Reader) and see every
// committed block with its results (Observer).
//
// The kit for writing one: Signers registers fresh member keys for the
// organisations allowed to take an action and signs each step's
// transactions with them, in parallel and in nonce order; Admins signs
// setup transactions with the organisations' admin keys; SendAll sends
// seed transactions outside the window; AwaitCommitted, AwaitRecords,
// AwaitObserved, SettledHeight and Network.AwaitHeights wait for the
// chain; Seed, RandHex and CST help make bodies. A workload's own tests
// run it on an in-process chain with internal/bench/benchtest.
package workload
