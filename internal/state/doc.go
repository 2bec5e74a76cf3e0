// Package state is the versioned Merkle key-value state of the Dengta chain.
//
// The state is a go-ethereum Merkle Patricia trie (package trie) over raw
// keys: keys are not hashed, so they iterate in byte order and prefix scans
// work. Trie nodes are stored with the hash-based node scheme (triedb with
// hashdb) on a pebble key-value store, or in memory when Open is given an
// empty directory. The app hash of block h is the trie root after Commit(h).
//
// A Store has two faces:
//
//   - the working set (Get, Set, Delete, WorkingRoot, Commit, Discard,
//     SetLocal, GetLocal) is the mutable trie of the block being executed.
//     It is used by a single goroutine, the ABCI application, which
//     serialises its calls;
//   - Views (At) are read-only snapshots of committed versions. They are safe
//     for concurrent use with each other and with the working set, so the
//     gateway can serve queries and proofs while blocks execute.
//
// Commit writes the new trie nodes, the version -> root record, the head
// pointer and the buffered local (non-consensus) writes in one synchronous
// pebble batch, so a crash leaves either the whole block or none of it.
// By default nothing is pruned: every committed version stays readable
// (archive node). Prune, offline maintenance, keeps only the last versions
// and deletes the trie nodes no kept version reaches. A store opened with
// Options.CheckpointInterval > 1 writes only every n-th version (a
// checkpoint) and keeps the versions since in memory; a crash loses
// those, and the node replays their blocks (checkpoint.go). The on-disk
// key layout is described in keys.go.
//
// Proofs (View.Prove) are the RLP trie nodes on the path to a key, as
// produced by trie.Prove; VerifyProof checks one against a root without any
// database, for presence as well as absence.
package state
