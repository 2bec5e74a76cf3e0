// Package proof builds and verifies proof bundles: one JSON file that lets
// anyone check, with no network and no trust in any node, that a record was
// (or was not) in the chain's state at a height.
//
// The chain of evidence is: the value and its Merkle path lead to the app
// hash; the app hash is in a block header; more than two thirds of the
// voting power of a validator set signed that header; and that validator set
// is the one the verifier trusts (from a genesis file or a hash obtained out
// of band).
//
// For evidence preservation (存证) a bundle is also a certificate for a
// file. The proven value is then either the file's own evidence record (with
// its "sha256" and "sm3" digests), or a batch record (a "merkle_root" and a
// "size") and the bundle carries the batch inclusion of one item (package
// batch): the item's leaf and its RFC 6962 path to that root. VerifyFile
// adds the last link, from the file's bytes to the digests.
package proof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/state/trieproof"
)

// Format names the bundle format and version.
const Format = "dengta-proof/1"

// Bundle is a self-contained proof of a state record.
type Bundle struct {
	Format  string `json:"format"`
	ChainID string `json:"chain_id"`
	// Height is the state version: the state after the block at Height. The
	// header at Height+1 carries its app hash.
	Height int64 `json:"height"`
	// Key is the state key (keys are printable text).
	Key string `json:"key"`
	// Value is the stored value, absent when the proof shows the key is not
	// in the state.
	Value []byte `json:"value,omitempty"`
	// Record repeats Value as JSON for people, when Value is JSON.
	Record json.RawMessage `json:"record,omitempty"`
	// Nodes are the Merkle Patricia trie nodes on the key's path.
	Nodes [][]byte `json:"proof_nodes"`
	// Header is the signed header at Height+1 (header and commit), encoded
	// as CometBFT encodes it.
	Header json.RawMessage `json:"signed_header"`
	// Validators is the validator set that signed the header.
	Validators []Validator `json:"validators"`
	// Inclusion, when present, carries one item of a batch: the proven
	// value is then the batch record (its Merkle root and size), and the
	// inclusion proves the item is in that batch (see batch.go).
	Inclusion *Inclusion `json:"batch_inclusion,omitempty"`
	// Digest is the SHA-256 (hex) of the bundle's canonical encoding with
	// an empty digest. It catches any edit or corruption of the file. It is
	// not what makes the bundle trustworthy: anyone can recompute it, but no
	// one can forge the Merkle path and the validators' signatures. (An
	// absence proof, for example, is also a valid proof for neighbouring
	// keys; the digest makes sure the key shown is the key asked about.)
	Digest string `json:"digest"`
}

// digest computes the bundle's digest.
func (b *Bundle) digest() (string, error) {
	form, err := b.digestForm()
	if err != nil {
		return "", err
	}
	return hashHex(form), nil
}

// digestForm is what the digest hashes: the bundle's canonical encoding
// with an empty digest, without the final newline.
func (b *Bundle) digestForm() ([]byte, error) {
	c := *b
	c.Digest = ""
	raw, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	return raw, nil
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Digest is the last field, and a digest is lowercase hex, which JSON
// does not escape: the digest form ends with `"digest": ""` and a closing
// brace, and the canonical encoding differs from it only by the digest's
// characters between those quotes and a final newline. These two helpers
// go from one to the other without encoding the bundle again.
const (
	digestKey = `"digest": "`
	closing   = "\"\n}" // the digest's closing quote and the bundle's brace
)

// sealed turns a digest form into the canonical encoding with its digest.
func sealed(form []byte) (raw []byte, digest string, err error) {
	if !bytes.HasSuffix(form, []byte(digestKey+closing)) {
		return nil, "", fmt.Errorf("encode bundle: unexpected encoding of the digest")
	}
	digest = hashHex(form)
	raw = make([]byte, 0, len(form)+len(digest)+1)
	raw = append(raw, form[:len(form)-len(closing)]...)
	raw = append(raw, digest...)
	raw = append(raw, closing...)
	return append(raw, '\n'), digest, nil
}

// formOf returns the digest form of canon, the canonical encoding of a
// bundle whose digest field is d, when d is well-formed.
func formOf(canon []byte, d string) ([]byte, bool) {
	if !isHex64(d) || !bytes.HasSuffix(canon, []byte(digestKey+d+closing+"\n")) {
		return nil, false
	}
	n := len(canon) - len(d) - len(closing) - 1
	form := make([]byte, 0, n+len(closing))
	form = append(form, canon[:n]...)
	return append(form, closing...), true
}

// Seal sets the digest after the bundle was built or changed.
func (b *Bundle) Seal() error {
	d, err := b.digest()
	b.Digest = d
	return err
}

// encode seals the bundle and returns its canonical encoding, encoding it
// once.
func (b *Bundle) encode() ([]byte, error) {
	form, err := b.digestForm()
	if err != nil {
		return nil, err
	}
	raw, d, err := sealed(form)
	if err != nil {
		return nil, err
	}
	b.Digest = d
	return raw, nil
}

// Validator is one member of the signing validator set.
type Validator struct {
	Address string `json:"address"` // hex, derived from the key
	PubKey  []byte `json:"pub_key"` // Ed25519, base64
	Power   int64  `json:"power"`
}

// New assembles a bundle from a state proof at height, the signed header of
// height+1 and the validator set that signed it.
func New(chainID string, height int64, p *trieproof.Proof, sh *types.SignedHeader, vals *types.ValidatorSet) (*Bundle, error) {
	hdr, err := cmtjson.Marshal(sh)
	if err != nil {
		return nil, fmt.Errorf("encode signed header: %w", err)
	}
	b := &Bundle{
		Format:  Format,
		ChainID: chainID,
		Height:  height,
		Key:     string(p.Key),
		Value:   p.Value,
		Nodes:   p.Nodes,
		Header:  hdr,
	}
	if p.Value != nil && json.Valid(p.Value) {
		var buf bytes.Buffer
		if err := json.Compact(&buf, p.Value); err == nil && bytes.Equal(buf.Bytes(), p.Value) {
			b.Record = p.Value
		}
	}
	for _, v := range vals.Validators {
		pk, ok := v.PubKey.(ed25519.PubKey)
		if !ok {
			return nil, fmt.Errorf("validator %s: key type %s is not ed25519", v.Address, v.PubKey.Type())
		}
		b.Validators = append(b.Validators, Validator{Address: v.Address.String(), PubKey: pk, Power: v.VotingPower})
	}
	// Round-trip once so that the bundle is in its canonical form.
	raw, err := b.encode()
	if err != nil {
		return nil, err
	}
	return Parse(raw)
}

// Marshal returns the canonical encoding of the bundle: indented JSON with
// a final newline. Verification rejects any other encoding.
func (b *Bundle) Marshal() ([]byte, error) {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	return append(out, '\n'), nil
}

// Parse decodes a bundle strictly: unknown fields and trailing data are
// errors, and the bytes must be the bundle's canonical encoding, so that no
// byte of a bundle can change without verification noticing.
func Parse(raw []byte) (*Bundle, error) {
	b, _, err := parse(raw)
	return b, err
}

// parse is Parse, also returning the decoded signed header (nil when the
// bundle has none).
func parse(raw []byte) (*Bundle, *types.SignedHeader, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, nil, fmt.Errorf("bundle is not valid JSON of the expected shape: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("bundle has data after its JSON object")
	}
	// The signed header is CometBFT's JSON, embedded as is: it must also be
	// exactly what CometBFT's encoder gives for what it decodes to (hex
	// case, number forms), or edits there could slip through.
	var sh *types.SignedHeader
	if len(b.Header) > 0 {
		sh = new(types.SignedHeader)
		if err := cmtjson.Unmarshal(b.Header, sh); err != nil {
			return nil, nil, fmt.Errorf("bundle's signed header does not decode: %w", err)
		}
		want, err := cmtjson.Marshal(sh)
		if err != nil {
			return nil, nil, fmt.Errorf("encode signed header: %w", err)
		}
		var got bytes.Buffer
		if err := json.Compact(&got, b.Header); err != nil || !bytes.Equal(got.Bytes(), want) {
			return nil, nil, fmt.Errorf("bundle's signed header is not in canonical form (was it edited?)")
		}
	}
	canon, err := b.Marshal()
	if err != nil {
		return nil, nil, err
	}
	var want string
	if form, ok := formOf(canon, b.Digest); ok {
		want = hashHex(form)
	} else if want, err = b.digest(); err != nil {
		return nil, nil, err
	}
	if b.Digest != want {
		return nil, nil, fmt.Errorf("bundle digest is %q but its content hashes to %q: the file was edited or corrupted", b.Digest, want)
	}
	if !bytes.Equal(canon, raw) {
		return nil, nil, fmt.Errorf("bundle is not byte-for-byte in canonical form (was it edited or re-formatted?): first difference at byte %d", firstDiff(canon, raw))
	}
	return &b, sh, nil
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// signedHeader decodes the bundle's signed header.
func (b *Bundle) signedHeader() (*types.SignedHeader, error) {
	var sh types.SignedHeader
	if err := cmtjson.Unmarshal(b.Header, &sh); err != nil {
		return nil, fmt.Errorf("signed header: %w", err)
	}
	if sh.Header == nil || sh.Commit == nil {
		return nil, fmt.Errorf("signed header: header or commit missing")
	}
	return &sh, nil
}

// validatorSet rebuilds the CometBFT validator set from the bundle.
func (b *Bundle) validatorSet() (*types.ValidatorSet, error) {
	return buildSet(b.Validators)
}

func buildSet(vs []Validator) (*types.ValidatorSet, error) {
	if len(vs) == 0 {
		return nil, fmt.Errorf("validator set is empty")
	}
	list := make([]*types.Validator, 0, len(vs))
	seen := make(map[string]int, len(vs))
	var total int64
	for i, v := range vs {
		if len(v.PubKey) != ed25519.PubKeySize {
			return nil, fmt.Errorf("validator %d: key has %d bytes, want %d", i, len(v.PubKey), ed25519.PubKeySize)
		}
		pk := ed25519.PubKey(v.PubKey)
		if v.Address != "" && v.Address != pk.Address().String() {
			return nil, fmt.Errorf("validator %d: address %s does not match its key (%s)", i, v.Address, pk.Address())
		}
		if v.Power <= 0 {
			return nil, fmt.Errorf("validator %d: power %d is not positive", i, v.Power)
		}
		// types.NewValidatorSet panics on both of these.
		addr := pk.Address().String()
		if j, ok := seen[addr]; ok {
			return nil, fmt.Errorf("validator %d repeats validator %d (%s)", i, j, addr)
		}
		seen[addr] = i
		if v.Power > types.MaxTotalVotingPower-total {
			return nil, fmt.Errorf("validator %d: the total power passes %d, the most a validator set may hold", i, types.MaxTotalVotingPower)
		}
		total += v.Power
		list = append(list, types.NewValidator(pk, v.Power))
	}
	set := types.NewValidatorSet(list)
	if err := set.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("validator set: %w", err)
	}
	return set, nil
}

// ValidatorsFromGenesis returns the genesis validator set of a CometBFT
// genesis document, in bundle form.
func ValidatorsFromGenesis(doc *types.GenesisDoc) []Validator {
	out := make([]Validator, 0, len(doc.Validators))
	for _, v := range doc.Validators {
		out = append(out, Validator{Address: v.PubKey.Address().String(), PubKey: v.PubKey.Bytes(), Power: v.Power})
	}
	return out
}

// SetHash returns the CometBFT hash of a validator set given in bundle
// form, as it appears in headers (ValidatorsHash).
func SetHash(vs []Validator) ([]byte, error) {
	set, err := buildSet(vs)
	if err != nil {
		return nil, err
	}
	return set.Hash(), nil
}

// Exists reports whether the bundle proves a value (rather than absence).
func (b *Bundle) Exists() bool { return b.Value != nil }
