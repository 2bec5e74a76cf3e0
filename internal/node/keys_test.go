package node

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/api/cometbft/types/v1"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

var testPass = keyfile.Fixed(testProt.Passphrase)

// secretsIn fails if any file under dir holds one of the secrets, raw or
// in hex or base64 as CometBFT and the old files wrote them.
func secretsIn(t *testing.T, dir string, secrets ...[]byte) {
	t.Helper()
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		for _, s := range secrets {
			if bytes.Contains(b, s) || bytes.Contains(b, []byte(hex.EncodeToString(s))) || bytes.Contains(bytes.ToLower(b), []byte(hex.EncodeToString(s))) {
				t.Errorf("%s holds a private key", path)
			}
			// Base64 of the first 15 bytes is a prefix of the base64 of
			// the key, whatever its length (CometBFT writes 64 bytes).
			if bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString(s[:15]))) {
				t.Errorf("%s holds a private key (base64)", path)
			}
		}
		return nil
	})
}

// TestHomeKeysEncrypted: a new home's node, validator and hall master
// keys are encrypted (they used to be CometBFT's plain JSON and plain
// hex); they open with the passphrase, say so when it is wrong or
// missing, and their public parts read without it.
func TestHomeKeysEncrypted(t *testing.T) {
	h := initTestHome(t, "enc", false)
	ks, err := LoadKeys(h.dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.Legacy) != 0 || ks.Dev {
		t.Fatalf("keys %+v", ks)
	}
	master, err := HallMasterKey(h.dir, testPass)
	if err != nil || len(master.Key) != 16 || master.Legacy {
		t.Fatalf("hall master: %+v, %v", master, err)
	}
	secretsIn(t, h.dir, ks.Validator.Bytes()[:32], ks.NodeKey.PrivKey.Bytes()[:32], master.Key)
	if _, err := os.Stat(LegacyHallKeyFile(h.dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a plain hall master key was written: %v", err)
	}

	if _, err := LoadKeys(h.dir, keyfile.Fixed("not the passphrase")); !errors.Is(err, keyfile.ErrWrongPassphrase) || !strings.Contains(err.Error(), "wrong passphrase for key file "+nodeKeyFile(h.dir)) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := LoadKeys(h.dir, nil); !errors.Is(err, keyfile.ErrNoPassphrase) {
		t.Errorf("no passphrase: %v", err)
	}
	if _, err := HallMasterKey(h.dir, keyfile.Fixed("not the passphrase")); !errors.Is(err, keyfile.ErrWrongPassphrase) {
		t.Errorf("hall, wrong passphrase: %v", err)
	}
	id, err := NodeID(h.dir)
	if err != nil || id != h.keys.NodeID || id != string(ks.NodeKey.ID()) {
		t.Errorf("NodeID = %s, %v; want %s", id, err, h.keys.NodeID)
	}

	// A node key file passed off as the validator key is refused.
	data, _ := os.ReadFile(nodeKeyFile(h.dir))
	os.WriteFile(pvKeyFile(h.dir), data, 0o600)
	if _, err := LoadKeys(h.dir, testPass); err == nil || !strings.Contains(err.Error(), "holds a node key, not a validator key") {
		t.Errorf("node key as validator key: %v", err)
	}
}

// TestValidatorKeyNeverWrittenBack: the FilePV built from the decrypted
// key has no key path, so privval cannot save the key in the clear;
// signing saves only the sign state, which still refuses a conflicting
// vote after a reload (double-signing protection across restarts).
func TestValidatorKeyNeverWrittenBack(t *testing.T) {
	h := initTestHome(t, "pv", false)
	ks, err := LoadKeys(h.dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	keyBefore, _ := os.ReadFile(pvKeyFile(h.dir))
	pv, err := loadFilePV(h.dir, ks.Validator)
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("FilePV.Key.Save did not refuse: it would write the key in the clear")
			}
		}()
		pv.Key.Save()
	}()
	vote := func(round int32, hash byte) *cmtproto.Vote {
		return &cmtproto.Vote{Type: types.PrevoteType, Height: 7, Round: round, Timestamp: time.Unix(1_700_000_000, 0).UTC(),
			BlockID:          cmtproto.BlockID{Hash: bytes.Repeat([]byte{hash}, 32), PartSetHeader: cmtproto.PartSetHeader{Total: 1, Hash: bytes.Repeat([]byte{hash}, 32)}},
			ValidatorAddress: pv.GetAddress(), ValidatorIndex: 0}
	}
	if err := pv.SignVote("chain", vote(0, 1), false); err != nil {
		t.Fatal(err)
	}
	keyAfter, _ := os.ReadFile(pvKeyFile(h.dir))
	if !bytes.Equal(keyBefore, keyAfter) {
		t.Fatal("signing rewrote the validator key file")
	}
	secretsIn(t, h.dir, ks.Validator.Bytes()[:32])

	// "Restart": load again from disk; the conflicting vote is refused.
	ks2, err := LoadKeys(h.dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	pv2, err := loadFilePV(h.dir, ks2.Validator)
	if err != nil {
		t.Fatal(err)
	}
	if pv2.LastSignState.Height != 7 {
		t.Fatalf("sign state after reload: %+v", pv2.LastSignState)
	}
	if err := pv2.SignVote("chain", vote(0, 2), false); err == nil || !strings.Contains(err.Error(), "conflicting data") {
		t.Fatalf("conflicting vote after reload: %v", err)
	}
}

// writeLegacyHome turns a home's keys into the plain files of older
// homes: CometBFT's JSON and a hex hall master key.
func writeLegacyHome(t *testing.T, home string) (*Keys, []byte) {
	t.Helper()
	ks, err := LoadKeys(home, testPass)
	if err != nil {
		t.Fatal(err)
	}
	master, err := HallMasterKey(home, testPass)
	if err != nil {
		t.Fatal(err)
	}
	nk, _ := cmtjson.Marshal(ks.NodeKey)
	pv := privval.NewFilePV(ks.Validator, "", "")
	pk, _ := cmtjson.MarshalIndent(pv.Key, "", "  ")
	os.WriteFile(nodeKeyFile(home), nk, 0o600)
	os.WriteFile(pvKeyFile(home), pk, 0o600)
	os.Remove(HallMasterFile(home))
	os.WriteFile(LegacyHallKeyFile(home), []byte(hex.EncodeToString(master.Key)+"\n"), 0o600)
	return ks, master.Key
}

// TestLegacyHomeKeys: a home with the old plain files still opens (and
// says which files are plain), and OpenAnyKey/Protect encrypt each in
// place, the hall master key moving to hall_master.json; the keys are the
// same afterwards, and a run stopped between writing hall_master.json and
// removing the plain file finishes when run again.
func TestLegacyHomeKeys(t *testing.T) {
	h := initTestHome(t, "legacy", false)
	ks, masterKey := writeLegacyHome(t, h.dir)

	got, err := LoadKeys(h.dir, nil)
	if err != nil || len(got.Legacy) != 2 || !bytes.Equal(got.Validator, ks.Validator) || got.NodeKey.ID() != ks.NodeKey.ID() {
		t.Fatalf("legacy keys: %+v, %v", got, err)
	}
	m, err := HallMasterKey(h.dir, nil)
	if err != nil || !m.Legacy || !bytes.Equal(m.Key, masterKey) {
		t.Fatalf("legacy hall master: %+v, %v", m, err)
	}
	if id, err := NodeID(h.dir); err != nil || id != string(ks.NodeKey.ID()) {
		t.Fatalf("legacy NodeID: %s, %v", id, err)
	}

	files, err := HomeKeyFiles(h.dir)
	if err != nil || len(files) != 3 {
		t.Fatalf("HomeKeyFiles = %v, %v", files, err)
	}
	p := testProt
	for i, f := range files {
		k, err := OpenAnyKey(f, nil)
		if err != nil || !k.Legacy {
			t.Fatalf("OpenAnyKey(%s) = %+v, %v", f, k, err)
		}
		if k.Public.Kind == keyfile.Hall && i == len(files)-1 {
			// Simulate a crash after hall_master.json was written.
			fk, _ := encryptHallMaster(masterKey, p)
			keyfile.Create(HallMasterFile(h.dir), fk.Marshal())
		}
		if _, err := k.Protect(p); err != nil {
			t.Fatalf("Protect(%s): %v", f, err)
		}
	}
	if _, err := os.Stat(LegacyHallKeyFile(h.dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the plain hall master key is still there: %v", err)
	}
	got, err = LoadKeys(h.dir, testPass)
	if err != nil || len(got.Legacy) != 0 || !bytes.Equal(got.Validator, ks.Validator) || got.NodeKey.ID() != ks.NodeKey.ID() {
		t.Fatalf("after encrypting: %+v, %v", got, err)
	}
	m, err = HallMasterKey(h.dir, testPass)
	if err != nil || m.Legacy || !bytes.Equal(m.Key, masterKey) {
		t.Fatalf("hall master after encrypting: %+v, %v", m, err)
	}
	secretsIn(t, h.dir, ks.Validator.Bytes()[:32], ks.NodeKey.PrivKey.Bytes()[:32], masterKey)
}

// TestHallMasterCreatedLikeTheValidatorKey: a home without any hall
// master key (made by an older dengta and never started) gets one at
// first use, encrypted like the validator key, with the same passphrase.
func TestHallMasterCreatedLikeTheValidatorKey(t *testing.T) {
	h := initTestHome(t, "hall", false)
	os.Remove(HallMasterFile(h.dir))
	if _, err := HallMasterKey(h.dir, keyfile.Fixed("not the passphrase")); !errors.Is(err, keyfile.ErrWrongPassphrase) {
		t.Fatalf("a new master key under another passphrase: %v", err)
	}
	m, err := HallMasterKey(h.dir, testPass)
	if err != nil || len(m.Key) != 16 {
		t.Fatal(m, err)
	}
	again, err := HallMasterKey(h.dir, testPass)
	if err != nil || !bytes.Equal(again.Key, m.Key) {
		t.Fatalf("second open: %v, %v", again, err)
	}
	f, _, _ := keyfile.Read(HallMasterFile(h.dir))
	if f.Sealed.KDF.Cost != testProt.Cost {
		t.Errorf("cost %v, want the validator key's %v", f.Sealed.KDF.Cost, testProt.Cost)
	}
}

// TestNodeKeyOfTheConfig: CometBFT's config still names node_key.json;
// the node id in "id@host:port" is the encrypted file's key id.
func TestNodeKeyOfTheConfig(t *testing.T) {
	h := initTestHome(t, "id", false)
	f, _, err := keyfile.Read(nodeKeyFile(h.dir))
	if err != nil {
		t.Fatal(err)
	}
	ks, _ := LoadKeys(h.dir, testPass)
	if f.KeyID != string(p2p.PubKeyToID(ks.NodeKey.PubKey())) || f.Kind != keyfile.Node {
		t.Fatalf("node key file %+v", f.Public)
	}
}
