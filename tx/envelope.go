package tx

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Envelope limits. See docs/adr/0002-transaction-format.md.
const (
	// MaxTxBytes is the largest encoded transaction, all fields included.
	MaxTxBytes = 64 * 1024

	// Version is the first byte of every encoded transaction.
	Version byte = 0x01

	// Field limits in bytes. Each is below the largest value of its
	// length field, so a length over the limit is always detectable.
	MaxChainIDLen   = 64
	MaxModuleLen    = 32
	MaxActionLen    = 48
	MaxSignatureLen = 128

	// fixedOverhead is the size of the version byte, the length fields,
	// the signer and the nonce: 1 + 1 + 20 + 8 + 1 + 1 + 4 + 2.
	fixedOverhead = 38
)

// signDomain prefixes the sign bytes so that a transaction signature can
// never be mistaken for a signature over anything else.
const signDomain = "dengta/tx/v1\x00"

// Tx is a transaction envelope: who signed it, for which chain, which
// module action it calls, and the action's body.
//
// Encoded layout (all integers big-endian, see ADR 0002):
//
//	version    u8 = 0x01
//	chain id   u8 length (1..64), bytes (printable ASCII)
//	signer     20 bytes (KeyID)
//	nonce      u64 (>= 1)
//	module     u8 length (1..32), bytes [a-z0-9_]
//	action     u8 length (1..48), bytes [a-z0-9_]
//	body       u32 length, bytes (module-defined JSON, may be empty)
//	signature  u16 length (1..128), bytes
//
// The whole encoding is at most MaxTxBytes.
type Tx struct {
	ChainID   string // 1..64 bytes of printable ASCII
	Signer    KeyID
	Nonce     uint64 // per signer key; the first transaction of a key has nonce 1
	Module    string // 1..32 bytes, [a-z0-9_]
	Action    string // 1..48 bytes, [a-z0-9_]
	Body      []byte // module-defined JSON; may be empty (Decode gives nil then)
	Signature []byte // 1..128 bytes
}

// EncodedLen returns len(t.Encode()) without encoding.
func (t *Tx) EncodedLen() int {
	return fixedOverhead + len(t.ChainID) + len(t.Module) + len(t.Action) + len(t.Body) + len(t.Signature)
}

// appendUnsigned appends the encoding of every field except the
// signature.
func (t *Tx) appendUnsigned(dst []byte) []byte {
	dst = append(dst, Version)
	dst = append(dst, u8len(len(t.ChainID)))
	dst = append(dst, t.ChainID...)
	dst = append(dst, t.Signer[:]...)
	dst = binary.BigEndian.AppendUint64(dst, t.Nonce)
	dst = append(dst, u8len(len(t.Module)))
	dst = append(dst, t.Module...)
	dst = append(dst, u8len(len(t.Action)))
	dst = append(dst, t.Action...)
	dst = binary.BigEndian.AppendUint32(dst, u32len(len(t.Body)))
	return append(dst, t.Body...)
}

// The length helpers write the largest value of the field when a length
// does not fit. Every such value is over its limit, so an invalid Tx never
// encodes to bytes that Decode accepts as some other transaction.
func u8len(n int) byte {
	if n > 0xff {
		return 0xff
	}
	return byte(n)
}

func u16len(n int) uint16 {
	if n > 0xffff {
		return 0xffff
	}
	return uint16(n)
}

func u32len(n int) uint32 {
	if uint64(n) > 0xffffffff {
		return 0xffffffff
	}
	return uint32(n)
}

// Encode returns the canonical encoding of t. It does not validate: call
// Validate (or Sign, which validates) first. A Tx that fails Validate
// encodes to bytes that Decode rejects.
func (t *Tx) Encode() []byte {
	dst := make([]byte, 0, t.EncodedLen())
	dst = t.appendUnsigned(dst)
	dst = binary.BigEndian.AppendUint16(dst, u16len(len(t.Signature)))
	return append(dst, t.Signature...)
}

// SignBytes returns the bytes a signer signs: "dengta/tx/v1\x00" followed
// by the encoding of every field except the signature (version byte
// through body, exactly as in Encode).
func (t *Tx) SignBytes() []byte {
	dst := make([]byte, 0, len(signDomain)+t.EncodedLen()-2-len(t.Signature))
	dst = append(dst, signDomain...)
	return t.appendUnsigned(dst)
}

// Hash returns the SHA-256 of Encode(), which is the hash CometBFT shows
// for the transaction.
func (t *Tx) Hash() [32]byte { return sha256.Sum256(t.Encode()) }

// Hash returns the SHA-256 of encoded transaction bytes, as CometBFT
// computes a transaction hash.
func Hash(txBytes []byte) [32]byte { return sha256.Sum256(txBytes) }

// Validate checks every field against the envelope rules and the encoded
// size against MaxTxBytes. It returns an *errcode.Error: TooLarge for the
// size, Malformed otherwise.
func (t *Tx) Validate() error {
	if err := t.validateUnsigned(); err != nil {
		return err
	}
	if err := checkSignatureLen(len(t.Signature)); err != nil {
		return err
	}
	if n := t.EncodedLen(); n > MaxTxBytes {
		return errcode.New(errcode.TooLarge, "transaction is %d bytes; the limit is %d", n, MaxTxBytes)
	}
	return nil
}

func (t *Tx) validateUnsigned() error {
	if err := checkChainID(t.ChainID); err != nil {
		return err
	}
	if err := checkNonce(t.Nonce); err != nil {
		return err
	}
	if err := checkName("module", t.Module, MaxModuleLen); err != nil {
		return err
	}
	return checkName("action", t.Action, MaxActionLen)
}

func checkChainID(s string) error {
	if len(s) == 0 {
		return errcode.New(errcode.Malformed, "chain id is empty")
	}
	if len(s) > MaxChainIDLen {
		return errcode.New(errcode.Malformed, "chain id is %d bytes; the limit is %d", len(s), MaxChainIDLen)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return errcode.New(errcode.Malformed, "chain id %q has byte 0x%02x at position %d; only printable ASCII without spaces is allowed", s, c, i)
		}
	}
	return nil
}

func checkNonce(n uint64) error {
	if n == 0 {
		return errcode.New(errcode.Malformed, "nonce is 0; nonces start at 1")
	}
	return nil
}

func checkName(what, s string, max int) error {
	if len(s) == 0 {
		return errcode.New(errcode.Malformed, "%s name is empty", what)
	}
	if len(s) > max {
		return errcode.New(errcode.Malformed, "%s name is %d bytes; the limit is %d", what, len(s), max)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return errcode.New(errcode.Malformed, "%s name %q has %q at position %d; only a-z, 0-9 and _ are allowed", what, s, rune(c), i)
		}
	}
	return nil
}

func checkSignatureLen(n int) error {
	if n == 0 {
		return errcode.New(errcode.Malformed, "signature is empty")
	}
	if n > MaxSignatureLen {
		return errcode.New(errcode.Malformed, "signature is %d bytes; the limit is %d", n, MaxSignatureLen)
	}
	return nil
}

// Sign validates t's fields other than the signature, sets Signer to k's
// key id and Signature to k's signature over SignBytes. On error t is left
// unchanged.
func (t *Tx) Sign(k *PrivateKey) error {
	if err := t.validateUnsigned(); err != nil {
		return err
	}
	oldSigner, oldSig := t.Signer, t.Signature
	t.Signer = k.ID()
	sig, err := k.Sign(t.SignBytes())
	if err != nil {
		t.Signer = oldSigner
		return err
	}
	t.Signature = sig
	if err := t.Validate(); err != nil {
		t.Signer, t.Signature = oldSigner, oldSig
		return err
	}
	return nil
}

// VerifySignature checks that pub is the signer's key and that the
// signature verifies. It returns an *errcode.Error with code BadSignature
// otherwise.
func (t *Tx) VerifySignature(pub PublicKey) error {
	if len(t.Signature) == 0 {
		return errcode.New(errcode.BadSignature, "transaction is not signed")
	}
	if id := pub.ID(); id != t.Signer {
		return errcode.New(errcode.BadSignature, "the public key given is key %s, but the transaction's signer is key %s", id, t.Signer)
	}
	if !pub.Verify(t.SignBytes(), t.Signature) {
		return errcode.New(errcode.BadSignature, "signature does not verify for signer key %s (%s); the transaction was changed after signing or signed by another key", t.Signer, pub.Algo)
	}
	return nil
}

// Decode parses an encoded transaction. It is strict: the layout is fixed,
// so every accepted input is the canonical encoding of the result
// (Encode(Decode(b)) == b). It rejects inputs over MaxTxBytes (TooLarge),
// unknown versions, truncation, lengths over their limits, names outside
// [a-z0-9_], nonce 0 and trailing bytes (Malformed). The result does not
// alias b.
func Decode(b []byte) (*Tx, error) {
	if len(b) > MaxTxBytes {
		return nil, errcode.New(errcode.TooLarge, "transaction is %d bytes; the limit is %d", len(b), MaxTxBytes)
	}
	if len(b) == 0 {
		return nil, errcode.New(errcode.Malformed, "transaction is empty")
	}
	if b[0] != Version {
		return nil, errcode.New(errcode.Malformed, "transaction starts with version byte 0x%02x; this node understands version 0x%02x only", b[0], Version)
	}
	// One copy, sliced below, so the result does not alias the caller's
	// buffer and costs a single allocation for Body and Signature.
	d := decoder{b: bytes.Clone(b), off: 1}
	t := new(Tx)

	n, err := d.u8("chain id length")
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errcode.New(errcode.Malformed, "chain id is empty")
	}
	if n > MaxChainIDLen {
		return nil, errcode.New(errcode.Malformed, "chain id length field says %d bytes; the limit is %d", n, MaxChainIDLen)
	}
	chain, err := d.bytes("chain id", n)
	if err != nil {
		return nil, err
	}
	t.ChainID = string(chain)
	if err := checkChainID(t.ChainID); err != nil {
		return nil, err
	}

	signer, err := d.bytes("signer key id", len(t.Signer))
	if err != nil {
		return nil, err
	}
	copy(t.Signer[:], signer)

	nonce, err := d.bytes("nonce", 8)
	if err != nil {
		return nil, err
	}
	t.Nonce = binary.BigEndian.Uint64(nonce)
	if err := checkNonce(t.Nonce); err != nil {
		return nil, err
	}

	if t.Module, err = d.name(&moduleField); err != nil {
		return nil, err
	}
	if t.Action, err = d.name(&actionField); err != nil {
		return nil, err
	}

	bl, err := d.bytes("body length", 4)
	if err != nil {
		return nil, err
	}
	bodyLen := uint64(binary.BigEndian.Uint32(bl))
	if rest := uint64(len(d.b) - d.off); bodyLen > rest {
		return nil, errcode.New(errcode.Malformed, "transaction is %d bytes but its body length field says %d (only %d bytes follow it)", len(d.b), bodyLen, rest)
	}
	if bodyLen > 0 {
		t.Body, _ = d.bytes("body", int(bodyLen))
	}

	sl, err := d.bytes("signature length", 2)
	if err != nil {
		return nil, err
	}
	sigLen := int(binary.BigEndian.Uint16(sl))
	if err := checkSignatureLen(sigLen); err != nil {
		return nil, err
	}
	if t.Signature, err = d.bytes("signature", sigLen); err != nil {
		return nil, err
	}

	if extra := len(d.b) - d.off; extra > 0 {
		return nil, errcode.New(errcode.Malformed, "transaction has %d bytes after the signature; the encoding allows none", extra)
	}
	return t, nil
}

// decoder reads fields from an encoded transaction, producing errors that
// say which field ran past the end.
type decoder struct {
	b   []byte
	off int
}

// bytes returns the next n bytes, capacity-limited so that appending to
// one field cannot overwrite the next.
func (d *decoder) bytes(field string, n int) ([]byte, error) {
	if rest := len(d.b) - d.off; n > rest {
		return nil, errcode.New(errcode.Malformed, "transaction is %d bytes and ends inside the %s, which needs %d bytes from offset %d", len(d.b), field, n, d.off)
	}
	v := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return v, nil
}

func (d *decoder) u8(field string) (int, error) {
	v, err := d.bytes(field, 1)
	if err != nil {
		return 0, err
	}
	return int(v[0]), nil
}

// nameField describes a module or action name field; the strings are
// precomputed so that decoding a valid transaction builds no messages.
type nameField struct {
	what, lenField, field string
	max                   int
}

var (
	moduleField = nameField{"module", "module name length", "module name", MaxModuleLen}
	actionField = nameField{"action", "action name length", "action name", MaxActionLen}
)

func (d *decoder) name(f *nameField) (string, error) {
	n, err := d.u8(f.lenField)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "", errcode.New(errcode.Malformed, "%s is empty", f.field)
	}
	if n > f.max {
		return "", errcode.New(errcode.Malformed, "%s length field says %d bytes; the limit is %d", f.field, n, f.max)
	}
	v, err := d.bytes(f.field, n)
	if err != nil {
		return "", err
	}
	s := string(v)
	if err := checkName(f.what, s, f.max); err != nil {
		return "", err
	}
	return s, nil
}
