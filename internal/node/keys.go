package node

import (
	"bytes"
	stded25519 "crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/tx"
)

// Keys are a home's CometBFT keys, decrypted in memory. Nothing writes
// them back: the node gets a FilePV without a key path (privval panics
// rather than save a key without one) and the node key as a value.
type Keys struct {
	NodeKey   *p2p.NodeKey
	Validator ed25519.PrivKey
	// Legacy lists the key files still in the plain format.
	Legacy []string
	// Dev: the keys are dev keys (the published passphrase).
	Dev bool
}

// LoadKeys reads and decrypts the home's node key and validator key,
// taking the passphrase from src (nil: only plain or dev files open).
func LoadKeys(home string, src keyfile.Source) (*Keys, error) {
	ks := &Keys{}
	nk, info, err := readCometKey(nodeKeyFile(home), keyfile.Node, src)
	if err != nil {
		return nil, fmt.Errorf("load node key: %w", err)
	}
	pv, pinfo, err := readCometKey(pvKeyFile(home), keyfile.Validator, src)
	if err != nil {
		return nil, fmt.Errorf("load validator key: %w", err)
	}
	ks.NodeKey = &p2p.NodeKey{PrivKey: nk}
	ks.Validator = pv
	for _, i := range []*cometKeyInfo{info, pinfo} {
		if i.legacy {
			ks.Legacy = append(ks.Legacy, i.path)
		}
		if i.file != nil && i.file.Dev {
			ks.Dev = true
		}
	}
	return ks, nil
}

type cometKeyInfo struct {
	path   string
	legacy bool
	file   *keyfile.File
}

// cometPublic is the public part of a CometBFT key's file: algo ed25519,
// key id the address (the node id for a node key) in lowercase hex.
func cometPublic(kind keyfile.Kind, k ed25519.PrivKey, name string) keyfile.Public {
	pub := k.PubKey()
	return keyfile.Public{Kind: kind, Algo: "ed25519", KeyID: strings.ToLower(hex.EncodeToString(pub.Address())), PublicKey: pub.Bytes(), Name: name}
}

func encryptCometKey(kind keyfile.Kind, k ed25519.PrivKey, p keyfile.Protection) (*keyfile.File, error) {
	seed := stded25519.PrivateKey(k).Seed()
	return keyfile.Encrypt(cometPublic(kind, k, ""), seed, p)
}

// checkCometPublic checks an encrypted CometBFT key file's public fields:
// kind, algo, a 32-byte public key and its address as key id.
func checkCometPublic(f *keyfile.File, kind keyfile.Kind, path string) (ed25519.PubKey, error) {
	if f.Kind != kind {
		return nil, fmt.Errorf("key file %s holds a %s key, not a %s key", path, f.Kind, kind)
	}
	if f.Algo != "ed25519" || len(f.PublicKey) != ed25519.PubKeySize {
		return nil, fmt.Errorf("key file %s: a %s key is ed25519 with a 32-byte public key", path, kind)
	}
	pub := ed25519.PubKey(f.PublicKey)
	if hex.EncodeToString(pub.Address()) != f.KeyID {
		return nil, fmt.Errorf("key file %s: key_id is not the public key's address", path)
	}
	return pub, nil
}

// readCometKey reads an encrypted or legacy CometBFT key file of kind.
func readCometKey(path string, kind keyfile.Kind, src keyfile.Source) (ed25519.PrivKey, *cometKeyInfo, error) {
	f, data, err := keyfile.Read(path)
	if errors.Is(err, keyfile.ErrNotKeyFile) {
		k, err := decodeLegacyCometKey(data, kind)
		if err != nil {
			return nil, nil, fmt.Errorf("key file %s: %w", path, err)
		}
		return k, &cometKeyInfo{path: path, legacy: true}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	pub, err := checkCometPublic(f, kind, path)
	if err != nil {
		return nil, nil, err
	}
	seed, err := f.Decrypt(src, path)
	if err != nil {
		return nil, nil, keyfile.OpenError(path, err)
	}
	if len(seed) != stded25519.SeedSize {
		return nil, nil, fmt.Errorf("key file %s: the ed25519 seed is %d bytes", path, len(seed))
	}
	k := ed25519.PrivKey(stded25519.NewKeyFromSeed(seed))
	if !bytes.Equal(k.PubKey().Bytes(), pub) {
		return nil, nil, fmt.Errorf("key file %s: the public key does not belong to the private key", path)
	}
	return k, &cometKeyInfo{path: path, file: f}, nil
}

// decodeLegacyCometKey decodes CometBFT's own plain JSON files:
// priv_validator_key.json (address, pub_key, priv_key) or node_key.json
// (priv_key).
func decodeLegacyCometKey(data []byte, kind keyfile.Kind) (ed25519.PrivKey, error) {
	var priv interface{ Bytes() []byte }
	switch kind {
	case keyfile.Validator:
		var key privval.FilePVKey
		if err := cmtjson.Unmarshal(data, &key); err != nil {
			return nil, fmt.Errorf("not a validator key: %w", err)
		}
		if key.PrivKey == nil || key.PubKey == nil || len(key.Address) == 0 {
			return nil, errors.New("a validator key has address, pub_key and priv_key")
		}
		if !bytes.Equal(key.PubKey.Bytes(), key.PrivKey.PubKey().Bytes()) || !bytes.Equal(key.Address, key.PubKey.Address()) {
			return nil, errors.New("address and pub_key do not belong to priv_key")
		}
		priv = key.PrivKey
	case keyfile.Node:
		var key p2p.NodeKey
		if err := cmtjson.Unmarshal(data, &key); err != nil {
			return nil, fmt.Errorf("not a node key: %w", err)
		}
		if key.PrivKey == nil {
			return nil, errors.New("no private key")
		}
		priv = key.PrivKey
	default:
		return nil, fmt.Errorf("no legacy format for %s keys", kind)
	}
	k, ok := priv.(ed25519.PrivKey)
	if !ok || len(k) != ed25519.PrivateKeySize {
		return nil, errors.New("not an ed25519 key")
	}
	if !bytes.Equal(stded25519.NewKeyFromSeed(stded25519.PrivateKey(k).Seed()), k) {
		return nil, errors.New("the ed25519 key's public half does not match its seed")
	}
	return k, nil
}

// readCometPublicKey reads the public key of a CometBFT key file without
// the passphrase: from the clear fields of an encrypted file, or from a
// legacy one.
func readCometPublicKey(path string, kind keyfile.Kind) (ed25519.PubKey, error) {
	f, data, err := keyfile.Read(path)
	if errors.Is(err, keyfile.ErrNotKeyFile) {
		k, err := decodeLegacyCometKey(data, kind)
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", path, err)
		}
		return k.PubKey().(ed25519.PubKey), nil
	}
	if err != nil {
		return nil, err
	}
	return checkCometPublic(f, kind, path)
}

// NodeID returns the home's p2p node id (hex address of the node key),
// read without the passphrase.
func NodeID(home string) (string, error) {
	pub, err := readCometPublicKey(nodeKeyFile(home), keyfile.Node)
	if err != nil {
		return "", err
	}
	return string(p2p.PubKeyToID(pub)), nil
}

// --- the hall's master key ---

// HallMasterFile is the service hall's master key, encrypted like every
// key file (kind hall, algo sm4, 16 bytes). Homes made before keys were
// encrypted have LegacyHallKeyFile instead.
func HallMasterFile(home string) string {
	return filepath.Join(home, configDirName, "hall_master.json")
}

// LegacyHallKeyFile is the plain hex master key of older homes.
func LegacyHallKeyFile(home string) string {
	return filepath.Join(home, configDirName, "hall_master.key")
}

// hallKeyID names a hall master key: the first 20 bytes of SM3 of the key.
func hallKeyID(key []byte) string {
	h := sm3.Sum(key)
	return hex.EncodeToString(h[:20])
}

func encryptHallMaster(key []byte, p keyfile.Protection) (*keyfile.File, error) {
	return keyfile.Encrypt(keyfile.Public{Kind: keyfile.Hall, Algo: "sm4", KeyID: hallKeyID(key), Name: "service hall master key"}, key, p)
}

// HallMaster is the hall's master key and how it was kept.
type HallMaster struct {
	Key    []byte
	Legacy bool // read from a plain LegacyHallKeyFile
	Dev    bool
}

// HallMasterKey returns the hall's master key: decrypted from
// HallMasterFile with src's passphrase, or read from a legacy plain file.
// A home with neither gets a new random key, encrypted like the home's
// validator key (same cost and cipher, the passphrase from src).
func HallMasterKey(home string, src keyfile.Source) (*HallMaster, error) {
	path := HallMasterFile(home)
	f, _, err := keyfile.Read(path)
	switch {
	case err == nil:
		key, err := decryptHallMaster(f, src, path)
		if err != nil {
			return nil, err
		}
		return &HallMaster{Key: key, Dev: f.Dev}, nil
	case errors.Is(err, os.ErrNotExist):
	case errors.Is(err, keyfile.ErrNotKeyFile):
		return nil, fmt.Errorf("key file %s is not an encrypted key file", path)
	default:
		return nil, err
	}
	if key, err := readLegacyHallKey(LegacyHallKeyFile(home)); err == nil {
		return &HallMaster{Key: key, Legacy: true}, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	pv, _, err := keyfile.Read(pvKeyFile(home))
	if err != nil {
		return nil, fmt.Errorf("hall master key: none in %s, and no encrypted validator key to protect a new one like (run 'dengta keys encrypt --home %s' first): %w", path, home, err)
	}
	p := pv.Protection()
	if !p.Dev {
		if src == nil {
			return nil, keyfile.OpenError(path, keyfile.ErrNoPassphrase)
		}
		if p.Passphrase, err = src.Passphrase(home); err != nil {
			return nil, err
		}
		// The new key must open with the same passphrase as the home.
		if _, err := pv.DecryptWith(p.Passphrase); err != nil {
			return nil, keyfile.OpenError(pvKeyFile(home), err)
		}
	} else {
		p.Passphrase = []byte(keyfile.DevPassphrase)
	}
	key, err := newHallMaster(path, p)
	if err != nil {
		return nil, err
	}
	return &HallMaster{Key: key, Dev: p.Dev}, nil
}

func decryptHallMaster(f *keyfile.File, src keyfile.Source, path string) ([]byte, error) {
	if f.Kind != keyfile.Hall || f.Algo != "sm4" {
		return nil, fmt.Errorf("key file %s holds a %s %s key, not the hall's sm4 master key", path, f.Kind, f.Algo)
	}
	key, err := f.Decrypt(src, path)
	if err != nil {
		return nil, keyfile.OpenError(path, err)
	}
	if len(key) != 16 || hallKeyID(key) != f.KeyID {
		return nil, fmt.Errorf("key file %s: the master key does not match its key id", path)
	}
	return key, nil
}

func newHallMaster(path string, p keyfile.Protection) ([]byte, error) {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := encryptHallMaster(key, p)
	if err != nil {
		return nil, fmt.Errorf("hall master key: %w", err)
	}
	if err := keyfile.Create(path, f.Marshal()); err != nil {
		return nil, err
	}
	return key, nil
}

func readLegacyHallKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 16 {
		return nil, fmt.Errorf("hall master key %s: want 32 hex digits", path)
	}
	return key, nil
}

// --- changing passphrases and upgrading legacy files ---

// HomeKeyFiles lists the key files of a home that exist: the node key,
// the validator key, the hall master key (encrypted or legacy), the
// operator and hosted keys named by the settings, and the member keys in <home>/keys
// (dev chains keep the demo organisations' admin keys there).
func HomeKeyFiles(home string) ([]string, error) {
	files := []string{nodeKeyFile(home), pvKeyFile(home), HallMasterFile(home), LegacyHallKeyFile(home)}
	if s, err := LoadSettings(home); err == nil {
		for _, p := range append([]string{s.OperatorKey}, s.HostedKeys...) {
			if p == "" {
				continue
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(home, p)
			}
			files = append(files, p)
		}
	}
	if more, err := filepath.Glob(filepath.Join(home, "keys", "*.json")); err == nil {
		files = append(files, more...)
	}
	var out []string
	for _, f := range files {
		if _, err := os.Stat(f); err == nil && !slices.Contains(out, f) {
			out = append(out, f)
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no key files in %s; is it a node home?", home)
	}
	return out, nil
}

// AnyKey is a decrypted key of any kind, ready to be encrypted again.
type AnyKey struct {
	Path   string
	Public keyfile.Public
	secret []byte
	Legacy bool
	File   *keyfile.File // nil for a legacy file
}

// OpenAnyKey reads a key file of any kind this project writes, encrypted
// or legacy (member, CometBFT validator or node key, hall master key).
func OpenAnyKey(path string, src keyfile.Source) (*AnyKey, error) {
	f, data, err := keyfile.Read(path)
	if err == nil {
		var secret []byte
		switch f.Kind {
		case keyfile.Member:
			k, err := tx.DecryptKeyFile(f, src, path)
			if err != nil {
				return nil, err
			}
			secret = k.Bytes()
		case keyfile.Validator, keyfile.Node:
			k, _, err := readCometKey(path, f.Kind, src)
			if err != nil {
				return nil, err
			}
			secret = stded25519.PrivateKey(k).Seed()
		case keyfile.Hall:
			if secret, err = decryptHallMaster(f, src, path); err != nil {
				return nil, err
			}
		}
		return &AnyKey{Path: path, Public: f.Public, secret: secret, File: f}, nil
	}
	if !errors.Is(err, keyfile.ErrNotKeyFile) {
		return nil, err
	}
	if k, name, err := tx.DecodeLegacyKeyFile(data); err == nil {
		return &AnyKey{Path: path, Public: tx.KeyFilePublic(k, name), secret: k.Bytes(), Legacy: true}, nil
	}
	for _, kind := range []keyfile.Kind{keyfile.Validator, keyfile.Node} {
		if k, err := decodeLegacyCometKey(data, kind); err == nil {
			return &AnyKey{Path: path, Public: cometPublic(kind, k, ""), secret: stded25519.PrivateKey(k).Seed(), Legacy: true}, nil
		}
	}
	if key, err := readLegacyHallKey(path); err == nil {
		return &AnyKey{Path: path, Public: keyfile.Public{Kind: keyfile.Hall, Algo: "sm4", KeyID: hallKeyID(key), Name: "service hall master key"}, secret: key, Legacy: true}, nil
	}
	return nil, fmt.Errorf("key file %s is in no format dengta knows (encrypted, member, validator, node or hall key)", path)
}

// Protect encrypts the key under p and writes it atomically: over its
// own file, or for a legacy hall master key to HallMasterFile beside it,
// removing the legacy file after. It returns the path written.
func (k *AnyKey) Protect(p keyfile.Protection) (string, error) {
	f, err := keyfile.Encrypt(k.Public, k.secret, p)
	if err != nil {
		return "", fmt.Errorf("key file %s: %w", k.Path, err)
	}
	if k.Legacy && k.Public.Kind == keyfile.Hall {
		dst := filepath.Join(filepath.Dir(k.Path), "hall_master.json")
		if done, _, err := keyfile.Read(dst); err == nil && done.Kind == keyfile.Hall && done.KeyID == k.Public.KeyID {
			// An earlier run wrote it and stopped before the removal.
		} else if err := keyfile.Create(dst, f.Marshal()); err != nil {
			return "", err
		}
		if err := os.Remove(k.Path); err != nil {
			return "", fmt.Errorf("remove the plain master key: %w", err)
		}
		return dst, nil
	}
	return k.Path, keyfile.Replace(k.Path, f.Marshal())
}
