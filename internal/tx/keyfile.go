package tx

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyFile is the JSON layout of a key file. PublicKey and PrivateKey are
// lowercase hex: the public key bytes as in PublicKey.Key, the private key
// bytes as PrivateKey.Bytes returns them. KeyID and PublicKey are
// redundant with PrivateKey; they are there so a person can see which key
// a file holds, and ReadKeyFile checks that they agree.
type KeyFile struct {
	Algo       Algo   `json:"algo"`
	KeyID      KeyID  `json:"key_id"`
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
	Name       string `json:"name,omitempty"`
}

// Key file permissions: only the owner may read the file or list its
// directory.
const (
	keyFileMode = 0o600
	keyDirMode  = 0o700
)

// WriteKeyFile writes k (and an optional human name) to path as JSON with
// mode 0600, creating missing parent directories with mode 0700. It never
// overwrites: if path exists it fails and leaves the file alone.
func WriteKeyFile(path string, k *PrivateKey, name string) error {
	if k == nil {
		return errors.New("write key file: no key given")
	}
	pub := k.Public()
	kf := KeyFile{
		Algo:       k.Algo(),
		KeyID:      pub.ID(),
		PublicKey:  hex.EncodeToString(pub.Key),
		PrivateKey: hex.EncodeToString(k.Bytes()),
		Name:       name,
	}
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	data = append(data, '\n')

	if err := os.MkdirAll(filepath.Dir(path), keyDirMode); err != nil {
		return fmt.Errorf("key directory: %w", err)
	}
	// O_EXCL makes "refuse to overwrite" atomic: two writers cannot both
	// create the file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, keyFileMode)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("key file %s already exists; refusing to overwrite it", path)
		}
		return fmt.Errorf("create key file: %w", err)
	}
	// The umask can only remove bits; Chmod makes the mode exactly 0600
	// even under an unusual umask.
	werr := f.Chmod(keyFileMode)
	if werr == nil {
		_, werr = f.Write(data)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path) // do not leave a half-written key behind
		return fmt.Errorf("write key file: %w", werr)
	}
	return nil
}

// ReadKeyFile reads a key file written by WriteKeyFile and returns the key
// and its name. It rejects unknown fields, and it checks that key_id and
// public_key belong to private_key, so a hand-edited or mixed-up file is
// caught here rather than by a failed signature later.
func ReadKeyFile(path string) (*PrivateKey, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("read key file: %w", err)
	}
	var kf KeyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, "", fmt.Errorf("key file %s is not valid: %w", path, err)
	}
	if dec.More() {
		return nil, "", fmt.Errorf("key file %s has data after the JSON object", path)
	}
	if kf.Algo == 0 {
		return nil, "", fmt.Errorf("key file %s has no algo (accepted: %s)", path, acceptedAlgos)
	}
	if kf.PrivateKey == "" {
		return nil, "", fmt.Errorf("key file %s has no private_key", path)
	}
	if kf.PublicKey == "" {
		return nil, "", fmt.Errorf("key file %s has no public_key", path)
	}
	if kf.KeyID.IsZero() {
		return nil, "", fmt.Errorf("key file %s has no key_id", path)
	}
	raw, err := hex.DecodeString(kf.PrivateKey)
	if err != nil {
		return nil, "", fmt.Errorf("key file %s: private_key is not hex", path)
	}
	k, err := PrivateKeyFromBytes(kf.Algo, raw)
	if err != nil {
		return nil, "", fmt.Errorf("key file %s: %w", path, err)
	}
	pub := k.Public()
	if want := hex.EncodeToString(pub.Key); !equalHex(kf.PublicKey, want) {
		return nil, "", fmt.Errorf("key file %s: public_key %s does not belong to the private key, whose public key is %s; the file was edited or mixed up", path, clip(kf.PublicKey), want)
	}
	if id := pub.ID(); kf.KeyID != id {
		return nil, "", fmt.Errorf("key file %s: key_id %s does not belong to the private key, whose key id is %s; the file was edited or mixed up", path, kf.KeyID, id)
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
