package trieproof

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/trie"
)

// MaxKeyLen is the longest state key.
const MaxKeyLen = 1024

// ErrProofInvalid wraps every reason a proof does not verify.
var ErrProofInvalid = errors.New("state: invalid proof")

func checkKey(key []byte) error {
	if len(key) == 0 || len(key) > MaxKeyLen {
		return fmt.Errorf("state: invalid key: length %d, want 1..%d", len(key), MaxKeyLen)
	}
	return nil
}

// Proof is a Merkle proof of the value of Key (or of its absence) in the
// trie with some root. Nodes are the RLP-encoded trie nodes on the path from
// the root towards Key, root first, as produced by trie.Prove (nodes shorter
// than 32 bytes are embedded in their parent and not listed).
type Proof struct {
	Key   []byte   `json:"key"`
	Value []byte   `json:"value,omitempty"` // nil when the proof shows absence
	Nodes [][]byte `json:"nodes"`
}

// VerifyProof checks p against root without any database and returns the
// proven value, nil if the proof shows that p.Key is absent.
//
// Verification is strict: node i must hash (Keccak-256) to the reference
// found in node i-1 (node 0 to root), the walk along p.Key must use every
// node exactly once and in order, and p.Value must equal the value the nodes
// prove. Any failure wraps ErrProofInvalid.
//
// An absence proof shows that the walk along the key ends at an empty slot
// or diverging node; it is therefore also a valid absence proof for any
// other key whose walk ends the same way.
func VerifyProof(root Hash, p *Proof) (value []byte, err error) {
	defer func() {
		// Proofs are untrusted input; the verifier must never take the
		// process down, whatever go-ethereum's decoder does with them.
		if r := recover(); r != nil {
			value, err = nil, fmt.Errorf("%w: verifier panic: %v", ErrProofInvalid, r)
		}
	}()
	return verifyProof(root, p)
}

func verifyProof(root Hash, p *Proof) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil proof", ErrProofInvalid)
	}
	if err := checkKey(p.Key); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProofInvalid, err)
	}
	if root == EmptyRoot {
		// The empty trie has no nodes and contains nothing.
		if len(p.Nodes) != 0 {
			return nil, fmt.Errorf("%w: %d nodes for the empty root", ErrProofInvalid, len(p.Nodes))
		}
		if len(p.Value) != 0 {
			return nil, fmt.Errorf("%w: value claimed in the empty trie", ErrProofInvalid)
		}
		return nil, nil
	}
	r := &strictReader{nodes: p.Nodes}
	got, err := trie.VerifyProof(common.Hash(root), p.Key, r)
	if r.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProofInvalid, r.err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProofInvalid, err)
	}
	if r.next != len(p.Nodes) {
		return nil, fmt.Errorf("%w: %d of %d nodes are not on the path of the key", ErrProofInvalid, len(p.Nodes)-r.next, len(p.Nodes))
	}
	if len(got) == 0 {
		got = nil
	}
	if !bytes.Equal(got, p.Value) {
		if got == nil {
			return nil, fmt.Errorf("%w: nodes prove absence but the proof claims a value", ErrProofInvalid)
		}
		return nil, fmt.Errorf("%w: claimed value differs from the proven value", ErrProofInvalid)
	}
	return bytes.Clone(got), nil
}

// strictReader serves proof nodes to trie.VerifyProof strictly in order:
// each request must be for the hash of the next unused node.
type strictReader struct {
	nodes [][]byte
	next  int
	err   error // first violation
}

func (r *strictReader) Get(key []byte) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.next >= len(r.nodes) {
		r.err = fmt.Errorf("path continues past the last of %d nodes (missing node)", len(r.nodes))
		return nil, r.err
	}
	n := r.nodes[r.next]
	if h := crypto.Keccak256(n); !bytes.Equal(h, key) {
		if r.next == 0 {
			r.err = fmt.Errorf("node 0 hashes to %x, not the root %x", h, key)
		} else {
			r.err = fmt.Errorf("node %d hashes to %x, not the reference %x in node %d", r.next, h, key, r.next-1)
		}
		return nil, r.err
	}
	r.next++
	return n, nil
}

func (r *strictReader) Has(key []byte) (bool, error) {
	return r.next < len(r.nodes) && bytes.Equal(crypto.Keccak256(r.nodes[r.next]), key), nil
}
