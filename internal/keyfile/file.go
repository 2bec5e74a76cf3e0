package keyfile

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Format is the value of a key file's "format" field, and the first bytes
// of its associated data.
const Format = "dengta-key/1"

// Kind is what a key is for. It is authenticated, so a member key cannot
// be passed off as a validator key, nor a node key as either.
type Kind string

// Kinds.
const (
	Member    Kind = "member"    // a transaction signing key (tx): admin, staff, operator
	Validator Kind = "validator" // the CometBFT consensus key (ed25519)
	Node      Kind = "node"      // the CometBFT p2p identity key (ed25519)
	Hall      Kind = "hall"      // the service hall's master key (SM4)
)

func (k Kind) valid() bool { return k == Member || k == Validator || k == Node || k == Hall }

// Public are the fields of a key file in the clear. What KeyID and
// PublicKey hold depends on the kind (ADR 0008): for a member key the
// tx key id and public key, for CometBFT keys the address (node id) and
// the ed25519 public key, for the hall master an id and no public key.
type Public struct {
	Kind      Kind
	Algo      string // "sm2", "ed25519", "sm4"
	KeyID     string // lowercase hex
	PublicKey []byte
	Name      string
}

// Limits of the public fields.
const (
	maxAlgo   = 16
	maxKeyID  = 64  // hex characters
	maxPubKey = 128 // bytes
	maxName   = 256 // bytes
)

func (p Public) validate() error {
	if !p.Kind.valid() {
		return fmt.Errorf("unknown kind %q (accepted: member, validator, node, hall)", clip(string(p.Kind)))
	}
	if p.Algo == "" || len(p.Algo) > maxAlgo || strings.Trim(p.Algo, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return fmt.Errorf("algo %q: lowercase letters and digits, 1 to %d", clip(p.Algo), maxAlgo)
	}
	if p.KeyID == "" || len(p.KeyID) > maxKeyID || strings.Trim(p.KeyID, "0123456789abcdef") != "" {
		return fmt.Errorf("key_id %q: 1 to %d lowercase hex digits", clip(p.KeyID), maxKeyID)
	}
	if len(p.PublicKey) > maxPubKey {
		return fmt.Errorf("public_key is %d bytes; at most %d", len(p.PublicKey), maxPubKey)
	}
	if len(p.Name) > maxName || !utf8.ValidString(p.Name) {
		return fmt.Errorf("name: valid UTF-8, at most %d bytes", maxName)
	}
	return nil
}

// File is an encrypted key file.
type File struct {
	Public
	// Dev marks a file encrypted with the published DevPassphrase (dev
	// chains and tests). It is authenticated; readers open such a file
	// without asking for a passphrase, and say that it is a dev key.
	Dev    bool
	Sealed Sealed
}

// fileJSON is the file's layout.
type fileJSON struct {
	Format    string `json:"format"`
	Kind      Kind   `json:"kind"`
	Algo      string `json:"algo"`
	KeyID     string `json:"key_id"`
	PublicKey Hex    `json:"public_key,omitempty"`
	Name      string `json:"name,omitempty"`
	Dev       bool   `json:"dev,omitempty"`
	Crypto    Sealed `json:"crypto"`
}

// ErrNotKeyFile: the data is not in this format (no "format" field); it
// may be a legacy plain key file.
var ErrNotKeyFile = errors.New("not an encrypted key file")

// Parse decodes an encrypted key file strictly (no unknown fields, no
// trailing data) and checks its shape and bounds, without deriving
// anything. Data whose first JSON value has no "format" field (or that is
// not JSON) is ErrNotKeyFile: a legacy plain file, for the caller's own
// parser.
func Parse(data []byte) (*File, error) {
	var probe struct {
		Format *string `json:"format"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&probe); err != nil || probe.Format == nil {
		return nil, ErrNotKeyFile
	}
	if *probe.Format != Format {
		return nil, fmt.Errorf("format %q is not %q; a newer dengta may read it", clip(*probe.Format), Format)
	}
	var j fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	f := &File{Public: Public{Kind: j.Kind, Algo: j.Algo, KeyID: j.KeyID, PublicKey: j.PublicKey, Name: j.Name}, Dev: j.Dev, Sealed: j.Crypto}
	if err := f.Public.validate(); err != nil {
		return nil, err
	}
	if err := f.Sealed.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// Marshal encodes the file as indented JSON with a final newline.
func (f *File) Marshal() []byte {
	j := fileJSON{Format: Format, Kind: f.Kind, Algo: f.Algo, KeyID: f.KeyID, PublicKey: f.PublicKey, Name: f.Name, Dev: f.Dev, Crypto: f.Sealed}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		panic("keyfile: marshal: " + err.Error()) // plain strings and byte slices only
	}
	return append(b, '\n')
}

// aadPrefix is the associated data of the public fields: the format, a
// zero byte, kind, algo, key id, public key and name as length-prefixed
// fields, and the dev flag as one byte.
func (f *File) aadPrefix() []byte {
	b := append([]byte(Format), 0)
	b = appendField(b, []byte(f.Kind))
	b = appendField(b, []byte(f.Algo))
	b = appendField(b, []byte(f.KeyID))
	b = appendField(b, f.PublicKey)
	b = appendField(b, []byte(f.Name))
	if f.Dev {
		return append(b, 1)
	}
	return append(b, 0)
}

// Encrypt makes a key file holding secret under the protection p.
func Encrypt(pub Public, secret []byte, p Protection) (*File, error) {
	if err := pub.validate(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	f := &File{Public: pub, Dev: p.Dev}
	s, err := seal(secret, f.aadPrefix(), p)
	if err != nil {
		return nil, err
	}
	f.Sealed = *s
	return f, nil
}

// Decrypt opens the file with the passphrase: the dev passphrase for a
// dev file, else src's (what names the file in a prompt). Errors wrap
// ErrNoPassphrase, ErrWrongPassphrase or ErrCorrupt.
func (f *File) Decrypt(src Source, what string) ([]byte, error) {
	if f.Dev {
		return f.DecryptWith([]byte(DevPassphrase))
	}
	if src == nil {
		return nil, ErrNoPassphrase
	}
	pass, err := src.Passphrase(what)
	if err != nil {
		return nil, err
	}
	return f.DecryptWith(pass)
}

// DecryptWith opens the file with a given passphrase.
func (f *File) DecryptWith(passphrase []byte) ([]byte, error) {
	return f.Sealed.open(passphrase, f.aadPrefix())
}

// Protection returns how the file is protected, less the passphrase: its
// cost, cipher and dev flag.
func (f *File) Protection() Protection {
	return Protection{Cost: f.Sealed.KDF.Cost, Cipher: f.Sealed.Cipher, Dev: f.Dev}
}

// Describe says for people how the file is encrypted:
// "argon2id t=3 m=65536 KiB p=4, sm4-gcm".
func (f *File) Describe() string {
	s := f.Sealed.KDF.Cost.String() + ", " + f.Sealed.Cipher
	if f.Dev {
		s += " (dev key: published passphrase " + DevPassphrase + ")"
	} else if f.Sealed.KDF.Cost.Weak() {
		s += " (weak KDF cost: tests only)"
	}
	return s
}

// Hex is bytes written as lowercase hex in JSON. Upper-case hex is
// refused, so that a file has one spelling.
type Hex []byte

// MarshalText encodes h as lowercase hex.
func (h Hex) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

// UnmarshalText decodes lowercase hex.
func (h *Hex) UnmarshalText(b []byte) error {
	if bytes.ContainsAny(b, "ABCDEF") {
		return errors.New("hex must be lowercase")
	}
	v, err := hex.DecodeString(string(b))
	if err != nil {
		return errors.New("not hex")
	}
	*h = v
	return nil
}

// clip shortens untrusted text quoted in errors.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "…"
}
