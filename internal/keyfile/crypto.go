package keyfile

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/scrypt"
)

// Errors callers tell apart (with errors.Is).
var (
	// ErrWrongPassphrase: the passphrase does not open the file. (An
	// altered salt or KDF parameter looks the same: the derived key
	// differs.)
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrCorrupt: the passphrase is right but the file's encrypted key or
	// its public fields were damaged or edited.
	ErrCorrupt = errors.New("corrupt or altered")
	// ErrNoPassphrase: the file is encrypted and no passphrase was given.
	ErrNoPassphrase = errors.New("no passphrase given")
)

// KDF names.
const (
	Argon2id = "argon2id" // RFC 9106
	Scrypt   = "scrypt"   // RFC 7914
)

// Cipher names.
const (
	SM4GCM    = "sm4-gcm"     // GB/T 32907 SM4 in GCM mode, 128-bit key; subkeys with HMAC-SM3
	AES256GCM = "aes-256-gcm" // AES-256 in GCM mode; subkeys with HMAC-SHA-256
)

// Cost is a key derivation function and its cost parameters. For
// Argon2id: T passes over M KiB of memory with P lanes; for scrypt: N
// (a power of two), R and P as in RFC 7914 (memory 128·N·R bytes).
type Cost struct {
	KDF string `json:"name"`
	T   uint32 `json:"t,omitempty"`
	M   uint32 `json:"m,omitempty"`
	N   uint64 `json:"n,omitempty"`
	R   uint32 `json:"r,omitempty"`
	P   uint32 `json:"p"`
}

// Costs. Default is the second recommended Argon2id option of RFC 9106
// (64 MiB, 3 passes, 4 lanes); DefaultScrypt is N=2^17, r=8, p=1
// (128 MiB). DevCost is for dev chains and tests only: 1 MiB, one pass,
// about a millisecond. docs/benchmarks.md has the measured times.
var (
	Default       = Cost{KDF: Argon2id, T: 3, M: 64 * 1024, P: 4}
	DefaultScrypt = Cost{KDF: Scrypt, N: 1 << 17, R: 8, P: 1}
	DevCost       = Cost{KDF: Argon2id, T: 1, M: 1024, P: 1}
)

// Bounds of the parameters a file may carry: they cap the memory and time
// a file can make the reader spend (1 GiB).
const (
	maxMemoryKiB = 1 << 20
	maxPasses    = 32
	maxLanes     = 64
	minSalt      = 16
	maxSalt      = 64
	nonceSize    = 12
	checkSize    = 16
	tagSize      = 16
	maxSecret    = 64
)

// Validate checks the parameters against the KDF's rules and the bounds
// above.
func (c Cost) Validate() error {
	switch c.KDF {
	case Argon2id:
		if c.N != 0 || c.R != 0 {
			return errors.New("argon2id takes t, m and p only")
		}
		if c.T < 1 || c.T > maxPasses {
			return fmt.Errorf("argon2id t=%d: 1 to %d passes", c.T, maxPasses)
		}
		if c.P < 1 || c.P > maxLanes {
			return fmt.Errorf("argon2id p=%d: 1 to %d lanes", c.P, maxLanes)
		}
		if c.M < 8*c.P || c.M > maxMemoryKiB {
			return fmt.Errorf("argon2id m=%d KiB: %d KiB to 1 GiB", c.M, 8*c.P)
		}
	case Scrypt:
		if c.T != 0 || c.M != 0 {
			return errors.New("scrypt takes n, r and p only")
		}
		if c.N < 2 || c.N&(c.N-1) != 0 {
			return fmt.Errorf("scrypt n=%d: a power of two, 2 or more", c.N)
		}
		if c.R < 1 || c.R > 32 || c.P < 1 || c.P > 16 {
			return fmt.Errorf("scrypt r=%d p=%d: r 1 to 32, p 1 to 16", c.R, c.P)
		}
		if c.N > maxMemoryKiB*1024/(128*uint64(c.R)) {
			return fmt.Errorf("scrypt n=%d r=%d needs more than 1 GiB", c.N, c.R)
		}
	default:
		return fmt.Errorf("unknown kdf %q (accepted: %s, %s)", c.KDF, Argon2id, Scrypt)
	}
	return nil
}

// String describes the cost for people: "argon2id t=3 m=65536 KiB p=4".
func (c Cost) String() string {
	if c.KDF == Scrypt {
		return fmt.Sprintf("scrypt n=%d r=%d p=%d", c.N, c.R, c.P)
	}
	return fmt.Sprintf("%s t=%d m=%d KiB p=%d", c.KDF, c.T, c.M, c.P)
}

// Weak reports whether c costs less than Default's memory (dev-strength).
func (c Cost) Weak() bool {
	switch c.KDF {
	case Argon2id:
		return uint64(c.M)*uint64(c.T) < uint64(Default.M)*uint64(Default.T)
	case Scrypt:
		return c.N*uint64(c.R) < DefaultScrypt.N*uint64(DefaultScrypt.R)
	}
	return true
}

// derive runs the KDF: 32 bytes from the passphrase and salt. c must be
// valid.
func (c Cost) derive(passphrase, salt []byte) ([]byte, error) {
	switch c.KDF {
	case Argon2id:
		return argon2.IDKey(passphrase, salt, c.T, c.M, uint8(c.P), 32), nil
	case Scrypt:
		return scrypt.Key(passphrase, salt, int(c.N), int(c.R), int(c.P), 32)
	}
	return nil, fmt.Errorf("unknown kdf %q", c.KDF)
}

// KDF is a cost with the salt of one file, as the file stores it.
type KDF struct {
	Cost
	Salt Hex `json:"salt"`
}

// Sealed is the encrypted part of a key file (its "crypto" object).
type Sealed struct {
	KDF        KDF    `json:"kdf"`
	Cipher     string `json:"cipher"`
	Nonce      Hex    `json:"nonce"`
	Check      Hex    `json:"check"`
	Ciphertext Hex    `json:"ciphertext"` // the secret's ciphertext followed by the 16-byte GCM tag
}

// validate checks the shape of s before any derivation.
func (s *Sealed) validate() error {
	if err := s.KDF.Cost.Validate(); err != nil {
		return fmt.Errorf("kdf: %w", err)
	}
	if n := len(s.KDF.Salt); n < minSalt || n > maxSalt {
		return fmt.Errorf("salt is %d bytes; %d to %d", n, minSalt, maxSalt)
	}
	if _, _, err := cipherSuite(s.Cipher); err != nil {
		return err
	}
	if len(s.Nonce) != nonceSize {
		return fmt.Errorf("nonce is %d bytes; it must be %d", len(s.Nonce), nonceSize)
	}
	if len(s.Check) != checkSize {
		return fmt.Errorf("check is %d bytes; it must be %d", len(s.Check), checkSize)
	}
	if n := len(s.Ciphertext); n <= tagSize || n > tagSize+maxSecret {
		return fmt.Errorf("ciphertext is %d bytes; %d to %d", n, tagSize+1, tagSize+maxSecret)
	}
	return nil
}

// cipherSuite returns the cipher's key size and its hash for subkeys.
func cipherSuite(name string) (int, func() hash.Hash, error) {
	switch name {
	case SM4GCM:
		return 16, sm3.New, nil
	case AES256GCM:
		return 32, sha256.New, nil
	}
	return 0, nil, fmt.Errorf("unknown cipher %q (accepted: %s, %s)", name, SM4GCM, AES256GCM)
}

func newAEAD(name string, key []byte) (cipher.AEAD, error) {
	var b cipher.Block
	var err error
	if name == SM4GCM {
		b, err = sm4.NewCipher(key)
	} else {
		b, err = aes.NewCipher(key)
	}
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Subkey labels (HKDF-Expand info strings).
const (
	infoEncrypt = "dengta-key/1 encryption"
	infoCheck   = "dengta-key/1 check"
)

// keys derives the cipher key and the check value from a passphrase.
func (s *Sealed) keys(passphrase []byte) (key, check []byte, err error) {
	size, h, err := cipherSuite(s.Cipher)
	if err != nil {
		return nil, nil, err
	}
	prk, err := s.KDF.Cost.derive(passphrase, s.KDF.Salt)
	if err != nil {
		return nil, nil, err
	}
	if key, err = hkdf.Expand(h, prk, infoEncrypt, size); err != nil {
		return nil, nil, err
	}
	if check, err = hkdf.Expand(h, prk, infoCheck, checkSize); err != nil {
		return nil, nil, err
	}
	return key, check, nil
}

// seal encrypts secret under passphrase with a new salt and nonce; aad
// is authenticated with it.
func seal(secret, aadPrefix []byte, p Protection) (*Sealed, error) {
	if len(secret) == 0 || len(secret) > maxSecret {
		return nil, fmt.Errorf("secret is %d bytes; 1 to %d", len(secret), maxSecret)
	}
	s := &Sealed{KDF: KDF{Cost: p.cost(), Salt: make([]byte, 16)}, Cipher: p.cipher(), Nonce: make([]byte, nonceSize)}
	if err := s.KDF.Cost.Validate(); err != nil {
		return nil, fmt.Errorf("kdf: %w", err)
	}
	if _, err := rand.Read(s.KDF.Salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(s.Nonce); err != nil {
		return nil, err
	}
	key, check, err := s.keys(p.Passphrase)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(s.Cipher, key)
	if err != nil {
		return nil, err
	}
	s.Check = check
	s.Ciphertext = aead.Seal(nil, s.Nonce, secret, s.aad(aadPrefix))
	return s, nil
}

// open decrypts s. A check mismatch is ErrWrongPassphrase, a failed
// authentication ErrCorrupt.
func (s *Sealed) open(passphrase, aadPrefix []byte) ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	key, check, err := s.keys(passphrase)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(check, s.Check) != 1 {
		return nil, ErrWrongPassphrase
	}
	aead, err := newAEAD(s.Cipher, key)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, s.Nonce, s.Ciphertext, s.aad(aadPrefix))
	if err != nil {
		return nil, fmt.Errorf("%w: the encrypted key or a public field (kind, algo, key_id, public_key, name) does not authenticate", ErrCorrupt)
	}
	return plain, nil
}

// aad is the associated data: the file's public fields (prefix, built by
// File.aadPrefix), then the KDF, its parameters and salt, and the cipher.
// Each variable-length field is a 4-byte big-endian length and the bytes.
func (s *Sealed) aad(prefix []byte) []byte {
	b := append([]byte(nil), prefix...)
	b = appendField(b, []byte(s.KDF.KDF))
	b = binary.BigEndian.AppendUint32(b, s.KDF.T)
	b = binary.BigEndian.AppendUint32(b, s.KDF.M)
	b = binary.BigEndian.AppendUint64(b, s.KDF.N)
	b = binary.BigEndian.AppendUint32(b, s.KDF.R)
	b = binary.BigEndian.AppendUint32(b, s.KDF.P)
	b = appendField(b, s.KDF.Salt)
	return appendField(b, []byte(s.Cipher))
}

func appendField(b, f []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
	return append(b, f...)
}
