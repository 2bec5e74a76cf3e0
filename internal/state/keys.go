package state

import (
	"encoding/binary"

	"github.com/ethereum/go-ethereum/common"
)

// On-disk key layout of a Store's pebble database (and of its in-memory
// equivalent). This file is the single place that defines it.
//
// Every key starts with a one-byte namespace prefix, and within a namespace
// the rest of the key has a fixed structure, so no two namespaces can ever
// produce the same key whatever the length of a local key. Trie nodes are
// namespaced too (rather than stored under bare 32-byte hashes as geth does)
// precisely so that a local key can never alias a node.
//
// All multi-byte integers are big-endian, so versions sort numerically.
var (
	// headVersionKey -> uint64 (8 bytes): the last committed version.
	// Absent in a fresh store (version 0). Written in every Commit batch.
	headVersionKey = []byte("h")

	// nodePrefix + node hash (32 bytes) -> RLP-encoded trie node.
	// Hash-based scheme (triedb/hashdb, rawdb "legacy trie node"); the trie
	// database sees this namespace through rawdb.NewTable, so to it the keys
	// are the bare hashes. Nodes are deleted only by Prune (prune.go),
	// when no version it keeps reaches them.
	nodePrefix = []byte("n")

	// versionRootPrefix + version (uint64, 8 bytes) -> trie root (32 bytes).
	// One entry per committed version >= 1; version 0 is the empty trie and
	// has no entry. On a checkpointed store (checkpoint.go) the versions
	// between checkpoints have an entry but no nodes: a version is
	// readable when its root node is present.
	versionRootPrefix = []byte("v")

	// pruneFloorKey -> uint64 (8 bytes): the oldest readable version after
	// a Prune; absent in a store never pruned (archive, floor 1). Written
	// before the pruned versions' nodes are deleted.
	pruneFloorKey = []byte("p")

	// localPrefix + local key (any bytes) -> local value.
	// Node-local, non-consensus data (tx index, app metadata) written by
	// SetLocal; not part of the Merkle root.
	localPrefix = []byte("l")
)

// encodeVersion encodes a version as 8 big-endian bytes.
func encodeVersion(v int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	return b[:]
}

// nodeKey = nodePrefix + hash
func nodeKey(h common.Hash) []byte {
	k := make([]byte, 0, len(nodePrefix)+common.HashLength)
	return append(append(k, nodePrefix...), h[:]...)
}

// versionRootKey = versionRootPrefix + version (uint64 big endian)
func versionRootKey(v int64) []byte {
	k := make([]byte, 0, len(versionRootPrefix)+8)
	return append(append(k, versionRootPrefix...), encodeVersion(v)...)
}

// localKey = localPrefix + key
func localKey(key []byte) []byte {
	k := make([]byte, 0, len(localPrefix)+len(key))
	return append(append(k, localPrefix...), key...)
}
