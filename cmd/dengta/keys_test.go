package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/privval"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/tx"
)

// passFile writes a passphrase file.
func passFile(t *testing.T, pass string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(f, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// newHome writes a one-validator network whose keys are encrypted under
// pass (cheap KDF) and returns the validator's home and the network dir.
func newHome(t *testing.T, pass string) (string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "net")
	if _, errOut, code := run(t, "testnet", "--validators", "1", "--out", dir, "--ip-base", "60", "--passphrase-file", passFile(t, pass), "--kdf", "dev"); code != 0 {
		t.Fatalf("testnet: %s", errOut)
	}
	return filepath.Join(dir, devnet.OrgAt(0).ID), dir
}

// snapshot reads every key file of a home.
func snapshot(t *testing.T, home string) map[string][]byte {
	t.Helper()
	files, err := node.HomeKeyFiles(home)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f], _ = os.ReadFile(f)
	}
	return m
}

// TestKeysPassphraseHome changes the passphrase of a whole home: every
// key (node, validator, hall master, operator) opens with the new one and
// not with the old, the keys themselves are unchanged, running it again
// finishes or confirms, and a file that does not open stops the command
// before anything is written.
func TestKeysPassphraseHome(t *testing.T) {
	const oldPass, newPass = "old lighthouse", "new lighthouse"
	home, _ := newHome(t, oldPass)
	before, err := node.LoadKeys(home, keyfile.Fixed(oldPass))
	if err != nil {
		t.Fatal(err)
	}
	master, err := node.HallMasterKey(home, keyfile.Fixed(oldPass))
	if err != nil {
		t.Fatal(err)
	}
	operator := node.OperatorKeyFile(home)
	op, _, err := tx.OpenKeyFile(operator, keyfile.Fixed(oldPass))
	if err != nil {
		t.Fatal(err)
	}

	// A running node's home is not touched: its process holds the lock of
	// the home's state database (here this test's own, opened as the node
	// opens it).
	snap := snapshot(t, home)
	st, err := state.Open(node.StateDir(home))
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, "keys", "passphrase", "--home", home, "--passphrase-file", passFile(t, oldPass), "--new-passphrase-file", passFile(t, newPass))
	if code != 1 || !strings.Contains(errOut, "a node is running on "+home) || !strings.Contains(errOut, "stop the node first") {
		t.Fatalf("running node: exit %d\n%s", code, errOut)
	}
	_, errOut, code = run(t, "keys", "encrypt", "--home", home, "--passphrase-file", passFile(t, oldPass))
	if code != 1 || !strings.Contains(errOut, "a node is running on "+home) {
		t.Fatalf("encrypt on a running node: exit %d\n%s", code, errOut)
	}
	st.Close()

	// A wrong old passphrase changes nothing.
	_, errOut, code = run(t, "keys", "passphrase", "--home", home, "--passphrase-file", passFile(t, "not it at all"), "--new-passphrase-file", passFile(t, newPass))
	if code != 1 || !strings.Contains(errOut, "Error: wrong passphrase for key file") {
		t.Fatalf("wrong old passphrase: exit %d\n%s", code, errOut)
	}
	for f, b := range snapshot(t, home) {
		if !bytes.Equal(b, snap[f]) {
			t.Errorf("%s changed after a refused run", f)
		}
	}

	out, errOut, code := run(t, "keys", "passphrase", "--home", home, "--passphrase-file", passFile(t, oldPass), "--new-passphrase-file", passFile(t, newPass))
	if code != 0 || strings.Count(out, "new passphrase: ") != 4 {
		t.Fatalf("keys passphrase: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := node.LoadKeys(home, keyfile.Fixed(oldPass)); !errors.Is(err, keyfile.ErrWrongPassphrase) {
		t.Errorf("the old passphrase still opens the keys: %v", err)
	}
	after, err := node.LoadKeys(home, keyfile.Fixed(newPass))
	if err != nil || !bytes.Equal(after.Validator, before.Validator) || after.NodeKey.ID() != before.NodeKey.ID() {
		t.Fatalf("keys after the change: %v", err)
	}
	m2, err := node.HallMasterKey(home, keyfile.Fixed(newPass))
	if err != nil || !bytes.Equal(m2.Key, master.Key) {
		t.Fatalf("hall master after the change: %v", err)
	}
	if op2, _, err := tx.OpenKeyFile(operator, keyfile.Fixed(newPass)); err != nil || op2.ID() != op.ID() {
		t.Fatalf("operator key after the change: %v", err)
	}

	// Half done: one file back under the old passphrase. Running again
	// finishes it and leaves the rest.
	oldOp, _ := tx.EncryptKey(op, "regulator node operator", keyfile.Protection{Passphrase: []byte(oldPass), Cost: keyfile.DevCost})
	keyfile.Replace(operator, oldOp.Marshal())
	out, errOut, code = run(t, "keys", "passphrase", "--home", home, "--passphrase-file", passFile(t, oldPass), "--new-passphrase-file", passFile(t, newPass))
	if code != 0 || strings.Count(out, "already under the new passphrase") != 3 || !strings.Contains(out, "new passphrase: "+operator) {
		t.Fatalf("second run: exit %d\n%s%s", code, out, errOut)
	}
	if _, _, err := tx.OpenKeyFile(operator, keyfile.Fixed(newPass)); err != nil {
		t.Fatal(err)
	}

	// One file: its own passphrase changes, the others' not.
	_, errOut, code = run(t, "keys", "passphrase", operator, "--passphrase-file", passFile(t, newPass), "--new-passphrase-file", passFile(t, "third lighthouse"))
	if code != 0 {
		t.Fatalf("one file: %s", errOut)
	}
	if _, _, err := tx.OpenKeyFile(operator, keyfile.Fixed("third lighthouse")); err != nil {
		t.Fatal(err)
	}
	// The dev passphrase is refused as a new one.
	_, errOut, code = run(t, "keys", "passphrase", operator, "--passphrase-file", passFile(t, "third lighthouse"), "--new-passphrase-file", passFile(t, keyfile.DevPassphrase))
	if code != 1 || !strings.Contains(errOut, "published dev passphrase") {
		t.Fatalf("dev passphrase as new: exit %d %s", code, errOut)
	}
}

// TestKeysEncryptLegacy upgrades the plain files of an older home (its
// CometBFT keys, its hex hall master key, its member keys) with `dengta
// keys encrypt --home`; the keys are the same after, and no file holds a
// private key in the clear.
func TestKeysEncryptLegacy(t *testing.T) {
	const pass = "upgrade lighthouse"
	home, dir := newHome(t, pass)
	src := keyfile.Fixed(pass)
	ks, master, op := writePlain(t, home, src)

	out, _, code := run(t, "keys", "show", node.OperatorKeyFile(home))
	if code != 0 || !strings.Contains(out, "PLAIN") {
		t.Fatalf("keys show of a plain file: %s", out)
	}
	pvFile := filepath.Join(home, "config", "priv_validator_key.json")
	out, _, code = run(t, "keys", "show", pvFile)
	if code != 0 || !strings.Contains(out, "kind:       validator") || !strings.Contains(out, "PLAIN") {
		t.Fatalf("keys show of a plain validator key: %s", out)
	}
	out, errOut, code := run(t, "keys", "encrypt", "--home", home, "--passphrase-file", passFile(t, pass), "--kdf", "dev")
	if code != 0 || strings.Count(out, "encrypted: ") != 4 {
		t.Fatalf("keys encrypt: exit %d\n%s%s", code, out, errOut)
	}
	got, err := node.LoadKeys(home, src)
	if err != nil || len(got.Legacy) != 0 || !bytes.Equal(got.Validator, ks.Validator) {
		t.Fatalf("keys after encrypt: %+v %v", got, err)
	}
	if m, err := node.HallMasterKey(home, src); err != nil || m.Legacy || !bytes.Equal(m.Key, master.Key) {
		t.Fatalf("hall master after encrypt: %+v %v", m, err)
	}
	if _, err := os.Stat(node.LegacyHallKeyFile(home)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the plain hall master key is still there")
	}
	for f, b := range snapshot(t, home) {
		for _, secret := range [][]byte{ks.Validator[:32], ks.NodeKey.PrivKey.Bytes()[:32], master.Key, op.Bytes()} {
			if bytes.Contains(b, []byte(hex.EncodeToString(secret))) {
				t.Errorf("%s holds a private key in hex", f)
			}
		}
	}
	out, _, _ = run(t, "keys", "show", node.OperatorKeyFile(home), "--passphrase-file", passFile(t, pass))
	if !strings.Contains(out, "at rest:    encrypted") {
		t.Errorf("keys show after encrypt: %s", out)
	}
	out, _, _ = run(t, "keys", "show", pvFile, "--passphrase-file", passFile(t, pass))
	if !strings.Contains(out, "kind:       validator") || !strings.Contains(out, "at rest:    encrypted, argon2id t=1 m=1024 KiB p=1, sm4-gcm (weak KDF cost: tests only)") {
		t.Errorf("keys show of the validator key after encrypt: %s", out)
	}
	// Nothing left to do; and a different passphrase than the home's is
	// refused when some files are already encrypted.
	out, _, code = run(t, "keys", "encrypt", "--home", home, "--passphrase-file", passFile(t, pass))
	if code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("second encrypt: %s", out)
	}
	admin := devnet.KeyFile(filepath.Join(dir, "keys"), "regulator")
	k, _, _ := tx.OpenKeyFile(admin, src)
	legacy, _ := json.Marshal(tx.KeyFile{Algo: k.Algo(), KeyID: k.ID(), PublicKey: hex.EncodeToString(k.Public().Key), PrivateKey: hex.EncodeToString(k.Bytes())})
	plain := filepath.Join(home, "keys", "extra.json")
	os.MkdirAll(filepath.Dir(plain), 0o700)
	os.WriteFile(plain, legacy, 0o600)
	if _, errOut, code := run(t, "keys", "encrypt", "--home", home, "--passphrase-file", passFile(t, "another passphrase")); code != 1 || !strings.Contains(errOut, "use another passphrase") {
		t.Errorf("encrypt under another passphrase: exit %d %s", code, errOut)
	}
}

// writePlain rewrites the keys of home, encrypted under src, as an older
// dengta wrote them: plain files, the hall master key in hex. It returns
// the keys.
func writePlain(t *testing.T, home string, src keyfile.Source) (*node.Keys, *node.HallMaster, *tx.PrivateKey) {
	t.Helper()
	ks, err := node.LoadKeys(home, src)
	if err != nil {
		t.Fatal(err)
	}
	master, err := node.HallMasterKey(home, src)
	if err != nil {
		t.Fatal(err)
	}
	op, _, err := tx.OpenKeyFile(node.OperatorKeyFile(home), src)
	if err != nil {
		t.Fatal(err)
	}
	nk, _ := cmtjson.Marshal(ks.NodeKey)
	pk, _ := cmtjson.MarshalIndent(privval.NewFilePV(ks.Validator, "", "").Key, "", "  ")
	legacy, _ := json.Marshal(tx.KeyFile{Algo: op.Algo(), KeyID: op.ID(), PublicKey: hex.EncodeToString(op.Public().Key), PrivateKey: hex.EncodeToString(op.Bytes()), Name: "operator"})
	for _, err := range []error{
		os.WriteFile(filepath.Join(home, "config", "node_key.json"), nk, 0o600),
		os.WriteFile(filepath.Join(home, "config", "priv_validator_key.json"), pk, 0o600),
		os.Remove(node.HallMasterFile(home)),
		os.WriteFile(node.LegacyHallKeyFile(home), []byte(hex.EncodeToString(master.Key)+"\n"), 0o600),
		os.WriteFile(node.OperatorKeyFile(home), legacy, 0o600),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return ks, master, op
}

// TestStartNeedsPassphrase runs `dengta start` as a service would: no
// terminal, no passphrase. It must stop at once with an error that says
// what is missing and how to give it, and name a wrong passphrase as
// such; `dengta hall add-user` opens the hall master key and the user's
// key with the home's passphrase.
func TestStartNeedsPassphrase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildDengta(t)
	const pass = "service lighthouse"
	home, dir := newHome(t, pass)
	start := func(args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"start", "--home", home}, args...)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no controlling terminal
		cmd.Env = cleanEnv()
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	out, code := start()
	if code != 1 || !strings.Contains(out, "is encrypted and no passphrase was given") || !strings.Contains(out, "Try: give the passphrase with --passphrase-file FILE") {
		t.Fatalf("start without a passphrase: exit %d\n%s", code, out)
	}
	out, code = start("--passphrase-file", passFile(t, "not the passphrase"))
	if code != 1 || !strings.Contains(out, "wrong passphrase for key file "+filepath.Join(home, "config", "node_key.json")) {
		t.Fatalf("start with a wrong passphrase: exit %d\n%s", code, out)
	}

	cmd := exec.Command(bin, "hall", "add-user", "--home", home, "--org", "regulator", "--name", "reg-admin", "--role", "admin",
		"--key", devnet.KeyFile(filepath.Join(dir, "keys"), "regulator"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Env = append(cleanEnv(), keyfile.EnvPassphrase+"="+pass)
	cmd.Stdin = strings.NewReader("harbour-password\n")
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "added hall user reg-admin") {
		t.Fatalf("hall add-user with $%s: %v\n%s", keyfile.EnvPassphrase, err, b)
	}

	// A user's key file with a passphrase of its own: the home's does not
	// open it, and --key-passphrase-file does.
	own := filepath.Join(t.TempDir(), "clerk.json")
	b, err := os.ReadFile(devnet.KeyFile(filepath.Join(dir, "keys"), "regulator"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(own, b, 0o600); err != nil {
		t.Fatal(err)
	}
	const clerkPass = "clerk's own passphrase"
	if out, err := exec.Command(bin, "keys", "passphrase", "--passphrase-file", passFile(t, pass), "--new-passphrase-file", passFile(t, clerkPass), own).CombinedOutput(); err != nil {
		t.Fatalf("keys passphrase: %v\n%s", err, out)
	}
	addUser := func(name string, args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"hall", "add-user", "--home", home, "--org", "regulator", "--name", name, "--role", "staff", "--key", own}, args...)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		cmd.Env = append(cleanEnv(), keyfile.EnvPassphrase+"="+pass)
		cmd.Stdin = strings.NewReader("harbour-password\n")
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := addUser("reg-clerk"); code != 1 || !strings.Contains(out, "--key-passphrase-file") {
		t.Fatalf("hall add-user with a key of another passphrase: exit %d\n%s", code, out)
	}
	if out, code := addUser("reg-clerk", "--key-passphrase-file", passFile(t, "not it")); code != 1 || !strings.Contains(out, "wrong passphrase") {
		t.Fatalf("hall add-user with a wrong --key-passphrase-file: exit %d\n%s", code, out)
	}
	if out, code := addUser("reg-clerk", "--key-passphrase-file", passFile(t, clerkPass)); code != 0 || !strings.Contains(out, "added hall user reg-clerk") {
		t.Fatalf("hall add-user with --key-passphrase-file: exit %d\n%s", code, out)
	}
}

// cleanEnv is the environment without any passphrase variable.
func cleanEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DENGTA_") {
			env = append(env, e)
		}
	}
	return env
}
