package credentialplug

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// Key files of holders and of issuers who keep their own signing key are
// private JWKs encrypted under a passphrase as a JWE (RFC 7516, compact):
// PBES2-HS512+A256KW with PBKDF2_ITERATIONS iterations wraps an A256GCM
// content key, the way RFC 7517 section 7 encrypts a JWK, so that any
// JOSE library opens them. Node keys use the keyfile format (ADR 0008);
// these keys are not the node's.

// pbes2Count is the PBKDF2 iteration count of new key files (OWASP's
// recommendation for PBKDF2-HMAC-SHA512 in 2023 is 210,000).
const pbes2Count = 310000

// maxPBES2Count bounds the iterations a key file may ask for: opening one
// costs at most about a second.
const maxPBES2Count = 2_000_000

// SealJWK encrypts a private key under passphrase.
func SealJWK(k *jws.PrivateKey, passphrase []byte) ([]byte, error) {
	if err := keyfile.CheckNew(passphrase); err != nil {
		return nil, err
	}
	plain, err := json.Marshal(k.PrivateJWK())
	if err != nil {
		return nil, err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.PBES2_HS512_A256KW, Key: passphrase, PBES2Count: pbes2Count},
		(&jose.EncrypterOptions{}).WithContentType("jwk+json"))
	if err != nil {
		return nil, err
	}
	obj, err := enc.Encrypt(plain)
	if err != nil {
		return nil, err
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		return nil, err
	}
	return []byte(s + "\n"), nil
}

// OpenJWK reads a key file: an encrypted JWK (opened with the passphrase
// from src) or, as wallets export them, a plain private JWK.
func OpenJWK(data []byte, src keyfile.Source, what string) (*jws.PrivateKey, error) {
	text := strings.TrimSpace(string(data))
	if strings.HasPrefix(text, "{") {
		k, err := jws.ParseJWK([]byte(text))
		if err != nil {
			return nil, err
		}
		if !k.Private() {
			return nil, fmt.Errorf("%s is a public key; a private one is needed", what)
		}
		return k, nil
	}
	obj, err := jose.ParseEncryptedCompact(text, []jose.KeyAlgorithm{jose.PBES2_HS512_A256KW, jose.PBES2_HS256_A128KW}, []jose.ContentEncryption{jose.A256GCM, jose.A128GCM})
	if err != nil {
		return nil, fmt.Errorf("%s is neither a JWK nor an encrypted JWK: %v", what, err)
	}
	if p2c, ok := obj.Header.ExtraHeaders["p2c"].(float64); ok && p2c > maxPBES2Count {
		return nil, fmt.Errorf("%s asks for %.0f PBKDF2 iterations; at most %d", what, p2c, maxPBES2Count)
	}
	pass, err := src.Passphrase(what)
	if err != nil {
		return nil, err
	}
	plain, err := obj.Decrypt(pass)
	if err != nil {
		return nil, fmt.Errorf("%w for %s", keyfile.ErrWrongPassphrase, what)
	}
	k, err := jws.ParseJWK(plain)
	if err != nil {
		return nil, err
	}
	if !k.Private() {
		return nil, errors.New("the encrypted key holds no private key")
	}
	return k, nil
}

// ReadJWK reads a key file from path.
func ReadJWK(path string, src keyfile.Source) (*jws.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return OpenJWK(b, src, path)
}
