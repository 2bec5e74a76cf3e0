// Package snapshot writes and reads state-sync snapshots of a node's
// state (ADR 0017): every key/value pair of one committed version, in key
// order, in compressed chunks whose SHA-256 sums are listed in a manifest.
// A serving node takes one every few hundred blocks and keeps the newest;
// a joining node fetches a snapshot's chunks from its peers through
// CometBFT's state sync, checks each chunk against the manifest, rebuilds
// the Merkle trie from the pairs (state.Restorer) and accepts the result
// only if its root is the app hash that the light client verified in the
// signed header.
//
// On disk a snapshot is a directory <dir>/<height>/ holding manifest.json
// (the ABCI snapshot's metadata, byte for byte) and chunk-<index> files.
package snapshot

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/dengta-chain/dengta/internal/state"
)

// Format is the ABCI snapshot format number of this package's snapshots.
const Format uint32 = 1

// FormatName names the format in the manifest.
const FormatName = "dengta-snapshot/1"

// Sizes of a chunk. A chunk closes once its records reach ChunkRawBytes
// (so every node cuts the same state into the same chunks); CometBFT
// carries chunks of up to 16 MiB, and a chunk decompresses to at most
// MaxChunkRawBytes.
const (
	ChunkRawBytes    = 4 << 20
	MaxChunkRawBytes = 32 << 20
	// MaxChunks bounds a manifest (a 128 GiB state at 4 MiB a chunk).
	MaxChunks = 32768
)

// Manifest describes a snapshot; its JSON is the ABCI snapshot metadata
// and its SHA-256 the snapshot hash.
type Manifest struct {
	Format  string `json:"format"`
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	// AppHash is the state root at Height (hex): what the joining node
	// must arrive at, and what the light client verifies independently.
	AppHash    string    `json:"app_hash"`
	AppVersion uint64    `json:"app_version"`
	BlockTime  time.Time `json:"block_time"`
	Keys       int64     `json:"keys"`
	RawBytes   int64     `json:"raw_bytes"`
	Chunks     []Chunk   `json:"chunks"`
}

// Chunk is one chunk as the manifest lists it.
type Chunk struct {
	SHA256 string `json:"sha256"` // of the chunk's bytes as stored and sent
	Size   int64  `json:"size"`   // bytes as stored and sent
	Keys   int64  `json:"keys"`
}

// Errors of a snapshot being restored.
var (
	// ErrBadManifest: the metadata is not a manifest this node takes
	// (format, chain, height, hash, or sizes).
	ErrBadManifest = errors.New("snapshot: bad manifest")
	// ErrChunkHash: a chunk's bytes do not match the manifest: the
	// sender is to blame, the snapshot may still be good.
	ErrChunkHash = errors.New("snapshot: chunk does not match the manifest")
	// ErrBadChunk: a chunk that matches the manifest does not decode:
	// the snapshot itself is bad.
	ErrBadChunk = errors.New("snapshot: bad chunk")
)

// Hash returns the snapshot hash of a manifest's JSON.
func Hash(metadata []byte) []byte {
	h := sha256.Sum256(metadata)
	return h[:]
}

// ParseManifest decodes and checks a manifest given as ABCI metadata with
// its snapshot's height, format, chunk count and hash.
func ParseManifest(metadata []byte, height uint64, format, chunks uint32, hash []byte) (*Manifest, error) {
	if format != Format {
		return nil, fmt.Errorf("%w: format %d, this node reads %d", ErrBadManifest, format, Format)
	}
	if !bytes.Equal(Hash(metadata), hash) {
		return nil, fmt.Errorf("%w: the metadata does not hash to the snapshot hash", ErrBadManifest)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(metadata))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadManifest, err)
	}
	switch {
	case m.Format != FormatName:
		return nil, fmt.Errorf("%w: format %q", ErrBadManifest, m.Format)
	case m.Height < 1 || uint64(m.Height) != height:
		return nil, fmt.Errorf("%w: height %d for a snapshot of height %d", ErrBadManifest, m.Height, height)
	case len(m.Chunks) == 0 || len(m.Chunks) > MaxChunks || uint32(len(m.Chunks)) != chunks:
		return nil, fmt.Errorf("%w: %d chunks listed, %d announced", ErrBadManifest, len(m.Chunks), chunks)
	}
	if _, err := m.Root(); err != nil {
		return nil, err
	}
	for i, c := range m.Chunks {
		if b, err := hex.DecodeString(c.SHA256); err != nil || len(b) != sha256.Size || c.Size < 0 {
			return nil, fmt.Errorf("%w: chunk %d", ErrBadManifest, i)
		}
	}
	return &m, nil
}

// Root returns the manifest's app hash.
func (m *Manifest) Root() (state.Hash, error) {
	h, err := state.ParseHash(m.AppHash)
	if err != nil {
		return state.Hash{}, fmt.Errorf("%w: app hash: %v", ErrBadManifest, err)
	}
	return h, nil
}

// chunkWriter cuts the ordered pairs into chunks.
type chunkWriter struct {
	raw  bytes.Buffer
	keys int64
	emit func(data []byte, keys int64) error
}

// add appends one record: uvarint(len key) key uvarint(len value) value.
func (w *chunkWriter) add(k, v []byte) error {
	var n [binary.MaxVarintLen64]byte
	w.raw.Write(n[:binary.PutUvarint(n[:], uint64(len(k)))])
	w.raw.Write(k)
	w.raw.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
	w.raw.Write(v)
	w.keys++
	if w.raw.Len() >= ChunkRawBytes {
		return w.flush()
	}
	return nil
}

// flush compresses and emits the chunk in progress, if any.
func (w *chunkWriter) flush() error {
	if w.keys == 0 {
		return nil
	}
	var out bytes.Buffer
	zw, err := flate.NewWriter(&out, flate.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := zw.Write(w.raw.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	err = w.emit(out.Bytes(), w.keys)
	w.raw.Reset()
	w.keys = 0
	return err
}

// decodeChunk decompresses a chunk and calls fn for each record.
func decodeChunk(data []byte, fn func(k, v []byte) error) (int64, error) {
	zr := flate.NewReader(bytes.NewReader(data))
	defer zr.Close()
	raw, err := io.ReadAll(io.LimitReader(zr, MaxChunkRawBytes+1))
	if err != nil {
		return 0, fmt.Errorf("%w: decompress: %v", ErrBadChunk, err)
	}
	if len(raw) > MaxChunkRawBytes {
		return 0, fmt.Errorf("%w: over %d bytes decompressed", ErrBadChunk, MaxChunkRawBytes)
	}
	var keys int64
	for len(raw) > 0 {
		k, rest, err := field(raw)
		if err != nil {
			return keys, err
		}
		v, rest, err := field(rest)
		if err != nil {
			return keys, err
		}
		raw = rest
		if err := fn(k, v); err != nil {
			return keys, err
		}
		keys++
	}
	return keys, nil
}

// field reads one length-prefixed field.
func field(b []byte) ([]byte, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, nil, fmt.Errorf("%w: a record runs past the end of its chunk", ErrBadChunk)
	}
	return b[w : w+int(n)], b[w+int(n):], nil
}
