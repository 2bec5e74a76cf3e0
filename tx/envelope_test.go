package tx

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/tmhash"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// sampleTx returns an unsigned transaction with typical fields.
func sampleTx() *Tx {
	return &Tx{
		ChainID: "dengta-test-1",
		Nonce:   7,
		Module:  "identity",
		Action:  "register_key",
		Body:    []byte(`{"org":"acme","key":{"algo":"sm2","key":"04ab"}}`),
	}
}

// signedTx returns sampleTx signed by a deterministic key of algo.
func signedTx(t testing.TB, algo Algo) (*Tx, *PrivateKey) {
	t.Helper()
	k := testKey(t, algo, 20)
	tx := sampleTx()
	if err := tx.Sign(k); err != nil {
		t.Fatal(err)
	}
	return tx, k
}

func wantCode(t *testing.T, err error, code errcode.Code) {
	t.Helper()
	var e *errcode.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *errcode.Error", err, err)
	}
	if e.Code != code {
		t.Fatalf("error %q has code %s, want %s", err, e.Code, code)
	}
	if e.Msg == "" {
		t.Fatal("error has no message")
	}
}

func equalTx(a, b *Tx) bool {
	return a.ChainID == b.ChainID && a.Signer == b.Signer && a.Nonce == b.Nonce &&
		a.Module == b.Module && a.Action == b.Action &&
		bytes.Equal(a.Body, b.Body) && bytes.Equal(a.Signature, b.Signature)
}

// TestEncodeLayout pins the byte layout documented in ADR 0002.
func TestEncodeLayout(t *testing.T) {
	tx := &Tx{
		ChainID:   "c1",
		Signer:    KeyID{0: 0xaa, 19: 0xbb},
		Nonce:     0x0102030405060708,
		Module:    "m",
		Action:    "do_it",
		Body:      []byte(`{}`),
		Signature: []byte{0xde, 0xad},
	}
	var want []byte
	want = append(want, 0x01)                       // version
	want = append(want, 2, 'c', '1')                // chain id
	want = append(want, tx.Signer[:]...)            // signer
	want = append(want, 1, 2, 3, 4, 5, 6, 7, 8)     // nonce
	want = append(want, 1, 'm')                     // module
	want = append(want, 5, 'd', 'o', '_', 'i', 't') // action
	want = append(want, 0, 0, 0, 2, '{', '}')       // body
	unsigned := len(want)
	want = append(want, 0, 2, 0xde, 0xad) // signature

	got := tx.Encode()
	if !bytes.Equal(got, want) {
		t.Fatalf("Encode:\n got %x\nwant %x", got, want)
	}
	if tx.EncodedLen() != len(want) {
		t.Fatalf("EncodedLen = %d, want %d", tx.EncodedLen(), len(want))
	}
	if len(want) != fixedOverhead+2+1+5+2+2 {
		t.Fatalf("fixed overhead is not %d", fixedOverhead)
	}
	wantSign := append([]byte("dengta/tx/v1\x00"), want[:unsigned]...)
	if sb := tx.SignBytes(); !bytes.Equal(sb, wantSign) {
		t.Fatalf("SignBytes:\n got %x\nwant %x", sb, wantSign)
	}
	// The signature does not affect the sign bytes.
	tx2 := *tx
	tx2.Signature = bytes.Repeat([]byte{1}, 100)
	if !bytes.Equal(tx2.SignBytes(), wantSign) {
		t.Fatal("SignBytes depends on the signature")
	}
	h := tx.Hash()
	if h != sha256.Sum256(want) || h != Hash(want) || !bytes.Equal(h[:], tmhash.Sum(want)) {
		t.Fatal("Hash is not SHA-256 of the encoding (CometBFT's tx hash)")
	}
	back, err := Decode(want)
	if err != nil || !equalTx(back, tx) {
		t.Fatalf("Decode = %+v, %v", back, err)
	}
}

func TestRoundTrip(t *testing.T) {
	max := func(c byte, n int) string { return strings.Repeat(string(c), n) }
	cases := map[string]*Tx{
		"minimal":        {ChainID: "x", Nonce: 1, Module: "m", Action: "a", Signature: []byte{1}},
		"empty body nil": {ChainID: "x", Nonce: 1, Module: "m", Action: "a", Signature: []byte{1}, Body: nil},
		"max lengths": {
			ChainID: max('c', MaxChainIDLen), Signer: KeyID{1, 2, 3}, Nonce: ^uint64(0),
			Module: max('m', MaxModuleLen), Action: max('a', MaxActionLen),
			Body: bytes.Repeat([]byte{'b'}, 1000), Signature: bytes.Repeat([]byte{0xff}, MaxSignatureLen),
		},
		"all name chars": {
			ChainID: "!~Az09.-_:/", Nonce: 1 << 40, Module: "abcdefghijklmnopqrstuvwxyz_0189",
			Action: "a_b_c_0123456789", Body: []byte{0, 1, 2, 0xff}, Signature: []byte{0},
		},
	}
	for _, algo := range allAlgos {
		tx, _ := signedTx(t, algo)
		cases["signed "+algo.String()] = tx
	}
	for name, tx := range cases {
		t.Run(name, func(t *testing.T) {
			if err := tx.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			b := tx.Encode()
			back, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !equalTx(back, tx) {
				t.Fatalf("Decode(Encode(t)) = %+v, want %+v", back, tx)
			}
			if !bytes.Equal(back.Encode(), b) {
				t.Fatal("Encode(Decode(b)) != b")
			}
			if len(tx.Body) == 0 && back.Body != nil {
				t.Fatal("empty body decodes to non-nil")
			}
			// The result does not alias the input, and appending to one
			// field does not clobber another.
			saved := bytes.Clone(b)
			for i := range b {
				b[i] ^= 0xff
			}
			if !bytes.Equal(back.Encode(), saved) {
				t.Fatal("decoded tx aliases the input buffer")
			}
			_ = append(back.Body, 'X', 'X', 'X')
			if !bytes.Equal(back.Encode(), saved) {
				t.Fatal("appending to Body changed another field")
			}
		})
	}
}

// mutate returns b with f applied to a copy.
func mutate(b []byte, f func([]byte) []byte) []byte { return f(bytes.Clone(b)) }

func TestDecodeRejects(t *testing.T) {
	tx := &Tx{ChainID: "chain", Signer: KeyID{9}, Nonce: 3, Module: "mod", Action: "act", Body: []byte(`{"a":1}`), Signature: bytes.Repeat([]byte{7}, 64)}
	good := tx.Encode()
	// Offsets of the length fields in good.
	var (
		chainLenAt  = 1
		nonceAt     = 2 + len(tx.ChainID) + 20
		moduleLenAt = nonceAt + 8
		actionLenAt = moduleLenAt + 1 + len(tx.Module)
		bodyLenAt   = actionLenAt + 1 + len(tx.Action)
		sigLenAt    = bodyLenAt + 4 + len(tx.Body)
	)
	if sigLenAt+2+len(tx.Signature) != len(good) {
		t.Fatal("offset arithmetic is wrong")
	}
	if _, err := Decode(good); err != nil {
		t.Fatal(err)
	}
	set := func(at int, v ...byte) []byte {
		return mutate(good, func(b []byte) []byte { copy(b[at:], v); return b })
	}
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	u16 := func(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
	// withTx re-encodes tx with f applied
	// (bypassing Validate).
	withTx := func(f func(*Tx)) []byte { c := *tx; f(&c); return c.Encode() }

	for _, tc := range []struct {
		name   string
		b      []byte
		code   errcode.Code
		errHas string
	}{
		{"empty", nil, errcode.Malformed, "empty"},
		{"version 0", set(0, 0), errcode.Malformed, "version"},
		{"version 2", set(0, 2), errcode.Malformed, "version"},
		{"trailing byte", append(bytes.Clone(good), 0), errcode.Malformed, "after the signature"},
		{"trailing bytes", append(bytes.Clone(good), 1, 2, 3), errcode.Malformed, "3 bytes after"},
		{"chain id length 0", set(chainLenAt, 0), errcode.Malformed, "chain id is empty"},
		{"chain id length 65", set(chainLenAt, 65), errcode.Malformed, "limit is 64"},
		{"chain id length 255", set(chainLenAt, 255), errcode.Malformed, "limit is 64"},
		{"chain id length past end", set(chainLenAt, 64)[:40], errcode.Malformed, "ends inside the chain id"},
		{"chain id longer than field", set(chainLenAt, 4), errcode.Malformed, ""},
		{"chain id with space", withTx(func(c *Tx) { c.ChainID = "a b" }), errcode.Malformed, "printable ASCII"},
		{"chain id with control byte", withTx(func(c *Tx) { c.ChainID = "a\nb" }), errcode.Malformed, "printable ASCII"},
		{"chain id non-ascii", withTx(func(c *Tx) { c.ChainID = "灯塔" }), errcode.Malformed, "printable ASCII"},
		{"nonce 0", set(nonceAt, 0, 0, 0, 0, 0, 0, 0, 0), errcode.Malformed, "nonce is 0"},
		{"module length 0", set(moduleLenAt, 0), errcode.Malformed, "module name is empty"},
		{"module length 33", set(moduleLenAt, 33), errcode.Malformed, "limit is 32"},
		{"module length 255", set(moduleLenAt, 255), errcode.Malformed, "limit is 32"},
		{"module upper case", withTx(func(c *Tx) { c.Module = "Mod" }), errcode.Malformed, "only a-z, 0-9 and _"},
		{"module dash", withTx(func(c *Tx) { c.Module = "my-mod" }), errcode.Malformed, "only a-z, 0-9 and _"},
		{"module dot", withTx(func(c *Tx) { c.Module = "a.b" }), errcode.Malformed, "module name"},
		{"module space", withTx(func(c *Tx) { c.Module = "a b" }), errcode.Malformed, "module name"},
		{"module nul", withTx(func(c *Tx) { c.Module = "a\x00" }), errcode.Malformed, "module name"},
		{"module utf8", withTx(func(c *Tx) { c.Module = "é" }), errcode.Malformed, "module name"},
		{"action length 0", set(actionLenAt, 0), errcode.Malformed, "action name is empty"},
		{"action length 49", set(actionLenAt, 49), errcode.Malformed, "limit is 48"},
		{"action length 255", set(actionLenAt, 255), errcode.Malformed, "limit is 48"},
		{"action upper case", withTx(func(c *Tx) { c.Action = "Act" }), errcode.Malformed, "action name"},
		{"action slash", withTx(func(c *Tx) { c.Action = "a/b" }), errcode.Malformed, "action name"},
		{"body length past end by 1", set(bodyLenAt, u32(uint32(len(good)-bodyLenAt-4+1))...), errcode.Malformed, "body length field says"},
		{"body length max u32", set(bodyLenAt, u32(0xffffffff)...), errcode.Malformed, "body length field says 4294967295"},
		{"body length over limit", set(bodyLenAt, u32(MaxTxBytes)...), errcode.Malformed, "body length field says"},
		{"body length one short", set(bodyLenAt, u32(uint32(len(tx.Body)-1))...), errcode.Malformed, ""},
		{"signature length 0", set(sigLenAt, u16(0)...), errcode.Malformed, "signature is empty"},
		{"signature length 129", set(sigLenAt, u16(129)...), errcode.Malformed, "limit is 128"},
		{"signature length max u16", set(sigLenAt, u16(0xffff)...), errcode.Malformed, "limit is 128"},
		{"signature length past end", set(sigLenAt, u16(65)...), errcode.Malformed, "ends inside the signature"},
		{"signature length short", set(sigLenAt, u16(63)...), errcode.Malformed, "1 bytes after the signature"},
		{"over size limit", make([]byte, MaxTxBytes+1), errcode.TooLarge, "limit is 65536"},
		{"far over size limit", make([]byte, 10*MaxTxBytes), errcode.TooLarge, "limit is 65536"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.b)
			if err == nil {
				t.Fatalf("Decode accepted %x as %+v", tc.b, got)
			}
			wantCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("error %q does not contain %q", err, tc.errHas)
			}
		})
	}
}

// TestDecodeTruncated cuts valid encodings at every byte position.
func TestDecodeTruncated(t *testing.T) {
	var encs [][]byte
	for _, algo := range allAlgos {
		tx, _ := signedTx(t, algo)
		encs = append(encs, tx.Encode())
		tx.Body = nil
		encs = append(encs, tx.Encode())
	}
	for _, b := range encs {
		for i := 0; i < len(b); i++ {
			_, err := Decode(b[:i])
			if err == nil {
				t.Fatalf("Decode accepted %d of %d bytes", i, len(b))
			}
			wantCode(t, err, errcode.Malformed)
		}
	}
}

// maxSizeTx returns a transaction signed with Ed25519 (64-byte signature)
// whose encoding is exactly size bytes.
func maxSizeTx(t *testing.T, size int) (*Tx, *PrivateKey) {
	t.Helper()
	k := testKey(t, AlgoEd25519, 21)
	tx := &Tx{ChainID: "dengta", Nonce: 1, Module: "doc", Action: "put"}
	tx.Body = bytes.Repeat([]byte{'x'}, size-fixedOverhead-len(tx.ChainID)-len(tx.Module)-len(tx.Action)-ed25519SigLen)
	return tx, k
}

const ed25519SigLen = 64

func TestSizeLimit(t *testing.T) {
	// Exactly at the limit: accepted everywhere.
	tx, k := maxSizeTx(t, MaxTxBytes)
	if err := tx.Sign(k); err != nil {
		t.Fatalf("Sign at the limit: %v", err)
	}
	b := tx.Encode()
	if len(b) != MaxTxBytes {
		t.Fatalf("encoded %d bytes, want %d", len(b), MaxTxBytes)
	}
	if _, err := Decode(b); err != nil {
		t.Fatalf("Decode at the limit: %v", err)
	}
	if err := tx.VerifySignature(k.Public()); err != nil {
		t.Fatal(err)
	}

	// One byte over: rejected with TooLarge by Sign, Validate and Decode.
	tx, k = maxSizeTx(t, MaxTxBytes+1)
	err := tx.Sign(k)
	wantCode(t, err, errcode.TooLarge)
	if tx.Signature != nil || !tx.Signer.IsZero() {
		t.Fatal("failed Sign changed the transaction")
	}
	tx.Signer = k.ID()
	tx.Signature = make([]byte, ed25519SigLen)
	wantCode(t, tx.Validate(), errcode.TooLarge)
	b = tx.Encode()
	if len(b) != MaxTxBytes+1 {
		t.Fatalf("encoded %d bytes", len(b))
	}
	_, err = Decode(b)
	wantCode(t, err, errcode.TooLarge)
	if !strings.Contains(err.Error(), "65537") {
		t.Fatalf("error %q does not give the size", err)
	}
}

func TestValidate(t *testing.T) {
	good := func() *Tx {
		tx, _ := signedTx(t, AlgoEd25519)
		return tx
	}
	if err := good().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(*Tx){
		"empty chain id": func(x *Tx) { x.ChainID = "" },
		"long chain id":  func(x *Tx) { x.ChainID = strings.Repeat("c", 65) },
		"nonce 0":        func(x *Tx) { x.Nonce = 0 },
		"empty module":   func(x *Tx) { x.Module = "" },
		"long module":    func(x *Tx) { x.Module = strings.Repeat("m", 33) },
		"bad module":     func(x *Tx) { x.Module = "Mod" },
		"empty action":   func(x *Tx) { x.Action = "" },
		"long action":    func(x *Tx) { x.Action = strings.Repeat("a", 49) },
		"bad action":     func(x *Tx) { x.Action = "a-b" },
		"no signature":   func(x *Tx) { x.Signature = nil },
		"long signature": func(x *Tx) { x.Signature = make([]byte, 129) },
		"huge chain id":  func(x *Tx) { x.ChainID = strings.Repeat("c", 300) },
		"huge module":    func(x *Tx) { x.Module = strings.Repeat("m", 256) },
		"huge signature": func(x *Tx) { x.Signature = make([]byte, 70000) },
		"huge body":      func(x *Tx) { x.Body = make([]byte, MaxTxBytes) },
	} {
		t.Run(name, func(t *testing.T) {
			tx := good()
			f(tx)
			err := tx.Validate()
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			if errcode.Of(err) != errcode.Malformed && errcode.Of(err) != errcode.TooLarge {
				t.Fatalf("code %s", errcode.Of(err))
			}
			// An invalid Tx never encodes to bytes that Decode accepts,
			// even when a length does not fit its field.
			if _, err := Decode(tx.Encode()); err == nil {
				t.Fatal("Decode accepted the encoding of an invalid Tx")
			}
		})
	}
}

func TestSignRejectsInvalidFields(t *testing.T) {
	k := testKey(t, AlgoSM2, 22)
	tx := sampleTx()
	tx.Module = "Bad"
	wantCode(t, tx.Sign(k), errcode.Malformed)
	if tx.Signature != nil || !tx.Signer.IsZero() {
		t.Fatal("failed Sign changed the transaction")
	}
}

func TestSignVerifyTx(t *testing.T) {
	for _, algo := range allAlgos {
		t.Run(algo.String(), func(t *testing.T) {
			tx, k := signedTx(t, algo)
			if tx.Signer != k.ID() {
				t.Fatal("Sign did not set Signer")
			}
			if err := tx.VerifySignature(k.Public()); err != nil {
				t.Fatal(err)
			}
			// Through the wire.
			back, err := Decode(tx.Encode())
			if err != nil {
				t.Fatal(err)
			}
			if err := back.VerifySignature(k.Public()); err != nil {
				t.Fatal(err)
			}

			// Tampering with any field breaks verification.
			for name, f := range map[string]func(*Tx){
				"chain id":  func(x *Tx) { x.ChainID += "x" },
				"nonce":     func(x *Tx) { x.Nonce++ },
				"module":    func(x *Tx) { x.Module = "identitz" },
				"action":    func(x *Tx) { x.Action += "_" },
				"body":      func(x *Tx) { x.Body = append(bytes.Clone(x.Body), ' ') },
				"body byte": func(x *Tx) { x.Body = bytes.Clone(x.Body); x.Body[3] ^= 1 },
				"no body":   func(x *Tx) { x.Body = nil },
				"signature": func(x *Tx) { x.Signature = bytes.Clone(x.Signature); x.Signature[len(x.Signature)-1] ^= 1 },
			} {
				c := *back
				f(&c)
				err := c.VerifySignature(k.Public())
				wantCode(t, err, errcode.BadSignature)
				if !strings.Contains(err.Error(), "does not verify") {
					t.Errorf("%s: %v", name, err)
				}
			}
			// Tampering with the signer: the key is not the signer's.
			c := *back
			c.Signer[0] ^= 1
			err = c.VerifySignature(k.Public())
			wantCode(t, err, errcode.BadSignature)
			if !strings.Contains(err.Error(), k.ID().String()) || !strings.Contains(err.Error(), c.Signer.String()) {
				t.Errorf("signer mismatch error %q does not name both keys", err)
			}

			// Signed by another key of either algorithm: fails, whether
			// we check with the signer's key or with the other key.
			for _, oa := range allAlgos {
				other := testKey(t, oa, 23)
				forged := *back
				sig, err := other.Sign(forged.SignBytes())
				if err != nil {
					t.Fatal(err)
				}
				forged.Signature = sig
				wantCode(t, forged.VerifySignature(k.Public()), errcode.BadSignature)
				wantCode(t, forged.VerifySignature(other.Public()), errcode.BadSignature)
			}

			// Not signed at all.
			c = *back
			c.Signature = nil
			wantCode(t, c.VerifySignature(k.Public()), errcode.BadSignature)
		})
	}
}

// TestTamperEveryBit flips each bit of a signed encoding: the result must
// either fail to decode or fail to verify.
func TestTamperEveryBit(t *testing.T) {
	for _, algo := range allAlgos {
		tx, k := signedTx(t, algo)
		b := tx.Encode()
		for i := range b {
			for bit := 0; bit < 8; bit++ {
				c := bytes.Clone(b)
				c[i] ^= 1 << bit
				d, err := Decode(c)
				if err != nil {
					continue
				}
				if d.VerifySignature(k.Public()) == nil {
					t.Fatalf("%s: flipping bit %d of byte %d still verifies", algo, bit, i)
				}
			}
		}
	}
}

func TestSM2TxHashesDiffer(t *testing.T) {
	k := testKey(t, AlgoSM2, 24)
	a, b := sampleTx(), sampleTx()
	if err := a.Sign(k); err != nil {
		t.Fatal(err)
	}
	if err := b.Sign(k); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.SignBytes(), b.SignBytes()) {
		t.Fatal("sign bytes differ")
	}
	if a.Hash() == b.Hash() {
		t.Fatal("two SM2 signings of the same content gave the same tx hash")
	}
	// Ed25519 is deterministic: same content, same hash.
	e := testKey(t, AlgoEd25519, 24)
	c, d := sampleTx(), sampleTx()
	_ = c.Sign(e)
	_ = d.Sign(e)
	if c.Hash() != d.Hash() {
		t.Fatal("two Ed25519 signings gave different hashes")
	}
}
