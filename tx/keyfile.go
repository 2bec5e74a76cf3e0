package tx

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// KeyFile is the JSON layout of a legacy plain key file, as dengta wrote
// them before keys were encrypted at rest (ADR 0008). PublicKey and
// PrivateKey are hex: the public key bytes as in PublicKey.Key, the private
// key bytes as PrivateKey.Bytes returns them. Such files are still read
// (KeyFileInfo.Legacy tells the caller to warn); `dengta keys encrypt`
// rewrites them in the encrypted format, and nothing writes them any more.
type KeyFile struct {
	Algo       Algo   `json:"algo"`
	KeyID      KeyID  `json:"key_id"`
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
	Name       string `json:"name,omitempty"`
}

// KeyFileInfo is what OpenKeyFile learnt about a file besides its key.
type KeyFileInfo struct {
	Name string
	// Legacy: a plain file with the private key in the clear.
	Legacy bool
	// File is the encrypted file (nil for a legacy one): its protection,
	// dev flag and Describe.
	File *keyfile.File
}

// KeyFilePublic is the public part of k's key file: kind member, the
// algorithm's name, the key id, the public key and name.
func KeyFilePublic(k *PrivateKey, name string) keyfile.Public {
	return keyfile.Public{Kind: keyfile.Member, Algo: k.Algo().String(), KeyID: k.ID().String(), PublicKey: k.Public().Key, Name: name}
}

// EncryptKey returns k's key file, encrypted under p.
func EncryptKey(k *PrivateKey, name string, p keyfile.Protection) (*keyfile.File, error) {
	if k == nil {
		return nil, errors.New("no key given")
	}
	return keyfile.Encrypt(KeyFilePublic(k, name), k.Bytes(), p)
}

// WriteKeyFile writes k (and an optional human name) to a new file at
// path, encrypted under p (docs/adr/0008-keys-at-rest.md), with mode 0600,
// creating missing parent directories with mode 0700. It never
// overwrites: if path exists it fails and leaves the file alone.
func WriteKeyFile(path string, k *PrivateKey, name string, p keyfile.Protection) error {
	f, err := EncryptKey(k, name, p)
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return keyfile.Create(path, f.Marshal())
}

// ReadKeyFile reads a key file that needs no secret passphrase: a legacy
// plain file, or a dev key file (encrypted with the published dev
// passphrase). Any other encrypted file needs OpenKeyFile with a
// passphrase source.
func ReadKeyFile(path string) (*PrivateKey, string, error) {
	k, info, err := OpenKeyFile(path, nil)
	if err != nil {
		return nil, "", err
	}
	return k, info.Name, nil
}

// OpenKeyFile reads a member key file, encrypted or legacy, taking the
// passphrase of an encrypted one from src (nil: none; dev files need
// none). It checks that the decrypted key matches the file's public
// fields (algo, key id, public key), and that the file is a member key.
// Decryption errors say "wrong passphrase for key file X", or that the
// file is corrupt or altered, or that no passphrase was given; they wrap
// keyfile.ErrWrongPassphrase, ErrCorrupt and ErrNoPassphrase.
func OpenKeyFile(path string, src keyfile.Source) (*PrivateKey, *KeyFileInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read key file: %w", err)
	}
	return ParseKeyFile(data, src, path)
}

// ParseKeyFile is OpenKeyFile on the file's bytes; path names the file in
// errors and prompts.
func ParseKeyFile(data []byte, src keyfile.Source, path string) (*PrivateKey, *KeyFileInfo, error) {
	f, err := keyfile.Parse(data)
	if errors.Is(err, keyfile.ErrNotKeyFile) {
		k, name, err := DecodeLegacyKeyFile(data)
		if err != nil {
			return nil, nil, fmt.Errorf("key file %s: %w", path, err)
		}
		return k, &KeyFileInfo{Name: name, Legacy: true}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("key file %s is not valid: %w", path, err)
	}
	k, err := DecryptKeyFile(f, src, path)
	if err != nil {
		return nil, nil, err
	}
	return k, &KeyFileInfo{Name: f.Name, File: f}, nil
}

// DecryptKeyFile decrypts a parsed member key file (path names it in
// errors and prompts) and checks the key against the public fields.
func DecryptKeyFile(f *keyfile.File, src keyfile.Source, path string) (*PrivateKey, error) {
	if f.Kind != keyfile.Member {
		return nil, fmt.Errorf("key file %s holds a %s key, not a member signing key", path, f.Kind)
	}
	algo, err := ParseAlgo(f.Algo)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	secret, err := f.Decrypt(src, path)
	if err != nil {
		return nil, keyfile.OpenError(path, err)
	}
	k, err := PrivateKeyFromBytes(algo, secret)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	// The public fields were authenticated with the key, so a mismatch
	// means the file was written wrong, not edited.
	if !bytes.Equal(k.Public().Key, f.PublicKey) || k.ID().String() != f.KeyID {
		return nil, fmt.Errorf("key file %s: the public key or key id does not belong to the private key", path)
	}
	return k, nil
}

// DecodeLegacyKeyFile decodes a legacy plain key file. It rejects unknown
// fields, and it checks that key_id and public_key belong to private_key,
// so a hand-edited or mixed-up file is caught here rather than by a failed
// signature later.
func DecodeLegacyKeyFile(data []byte) (*PrivateKey, string, error) {
	var kf KeyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, "", fmt.Errorf("not valid: %w", err)
	}
	if dec.More() {
		return nil, "", errors.New("data after the JSON object")
	}
	if kf.Algo == 0 {
		return nil, "", fmt.Errorf("no algo (accepted: %s)", acceptedAlgos)
	}
	if kf.PrivateKey == "" {
		return nil, "", errors.New("no private_key")
	}
	if kf.PublicKey == "" {
		return nil, "", errors.New("no public_key")
	}
	if kf.KeyID.IsZero() {
		return nil, "", errors.New("no key_id")
	}
	raw, err := hex.DecodeString(kf.PrivateKey)
	if err != nil {
		return nil, "", errors.New("private_key is not hex")
	}
	k, err := PrivateKeyFromBytes(kf.Algo, raw)
	if err != nil {
		return nil, "", err
	}
	pub := k.Public()
	if want := hex.EncodeToString(pub.Key); !equalHex(kf.PublicKey, want) {
		return nil, "", fmt.Errorf("public_key %s does not belong to the private key, whose public key is %s; the file was edited or mixed up", clip(kf.PublicKey), want)
	}
	if id := pub.ID(); kf.KeyID != id {
		return nil, "", fmt.Errorf("key_id %s does not belong to the private key, whose key id is %s; the file was edited or mixed up", kf.KeyID, id)
	}
	return k, kf.Name, nil
}

// equalHex compares a hex string from a file with lowercase hex, allowing
// upper-case letters in the file.
func equalHex(got, want string) bool {
	b, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	return hex.EncodeToString(b) == want
}
