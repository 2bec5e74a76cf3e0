package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/example/exampleplug"
)

// run runs the CLI and returns stdout, the printed error (as main prints
// it) and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, &out, &errOut)
	code := exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "k.json")
	bundle := "../../proof/testdata/present.json"
	genesis := "../../proof/testdata/genesis.json"
	tampered := filepath.Join(dir, "tampered.json")
	raw, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(tampered, bytes.Replace(raw, []byte(`"power": 10`), []byte(`"power": 11`), 1), 0o644)
	pf := filepath.Join(dir, "passphrase")
	os.WriteFile(pf, []byte("correct horse battery\n"), 0o600)
	wrong := filepath.Join(dir, "wrong")
	os.WriteFile(wrong, []byte("wrong horse battery\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "devpass"), []byte("dengta-dev"), 0o600)

	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string // substrings expected
	}{
		{"help", []string{"help"}, 0, "Commands:", ""},
		{"no args", nil, 0, "dengta dev", ""},
		{"unknown", []string{"launch"}, 1, "", "Try: run 'dengta help'"},
		{"version", []string{"version"}, 0, "CometBFT v1.0.1", ""},
		{"keys new sm2", []string{"keys", "new", "--algo", "sm2", "--out", key, "--name", "clerk", "--passphrase-file", pf, "--kdf", "dev"}, 0, "at rest:    encrypted, argon2id t=1 m=1024 KiB p=1, sm4-gcm", ""},
		{"keys new again", []string{"keys", "new", "--out", key, "--passphrase-file", pf}, 1, "", "Try: choose another --out path"},
		{"keys new bad kdf", []string{"keys", "new", "--out", filepath.Join(dir, "y.json"), "--passphrase-file", pf, "--kdf", "md5"}, 1, "", "Try: --kdf argon2id, scrypt or dev"},
		{"keys new bad algo", []string{"keys", "new", "--algo", "rsa", "--out", filepath.Join(dir, "x.json")}, 1, "", "Try: --algo sm2, --algo ed25519 or --algo secp256k1"},
		{"keys new no out", []string{"keys", "new"}, 1, "", "--out is required"},
		{"keys show", []string{"keys", "show", key, "--passphrase-file", pf}, 0, "name:       clerk", ""},
		{"keys show wrong passphrase", []string{"keys", "show", key, "--passphrase-file", wrong}, 1, "", "Error: wrong passphrase for key file " + key},
		{"keys show without the passphrase", []string{"keys", "show", key}, 0, "not opened: the public key is as the file states it", ""},
		{"keys passphrase without a new one", []string{"keys", "passphrase", key, "--passphrase-file", pf}, 1, "", "Try: give the new passphrase with --new-passphrase-file FILE"},
		{"keys show missing", []string{"keys", "show", filepath.Join(dir, "none.json")}, 1, "", "Try: check the path"},
		{"verify", []string{"verify", bundle, "--trust", genesis}, 0, "VERIFIED", ""},
		{"verify json", []string{"verify", "--json", bundle, "--trust", genesis}, 0, `"ok": true`, ""},
		{"verify tampered", []string{"verify", tampered, "--trust", genesis}, 1, "✗", "verification FAILED"},
		{"verify no trust", []string{"verify", bundle}, 1, "", "--trust is required"},
		{"verify bad trust", []string{"verify", bundle, "--trust", "nonsense"}, 1, "", "neither a 64-hex-digit"},
		{"tx no key", []string{"tx", "identity", "vote"}, 1, "", "--key is required"},
		{"tx bad body", []string{"tx", "--key", key, "--passphrase-file", pf, "identity", "vote", "{"}, 1, "", "not valid JSON"},
		{"tx no node", []string{"tx", "--node", "http://127.0.0.1:1", "--key", key, "--passphrase-file", pf, "identity", "vote", "{}"}, 1, "", "is the node running?"},
		{"query nothing", []string{"query"}, 1, "", "query needs to know what to read"},
		{"query unknown", []string{"query", "weather"}, 1, "", "unknown query"},
		{"start no home", []string{"start"}, 1, "", "--home is required"},
		{"dev on a public address", []string{"dev", "--home", filepath.Join(dir, "dev"), "--ip", "203.0.113.7"}, 1, "", "never listens in public"},
		{"dev on all addresses", []string{"dev", "--home", filepath.Join(dir, "dev"), "--ip", "0.0.0.0"}, 1, "", "never listens in public"},
		{"dev on a LAN without --lan", []string{"dev", "--home", filepath.Join(dir, "dev"), "--ip", "192.168.1.20"}, 1, "", "Try: add --lan"},
		{"start bad home", []string{"start", "--home", dir}, 1, "", "has no genesis"},
		{"testnet no out", []string{"testnet"}, 1, "", "--out is required"},
		{"testnet bad n", []string{"testnet", "--validators", "0", "--out", filepath.Join(dir, "net"), "--dev-passphrase"}, 1, "", "1 to 64"},
		{"testnet dev passphrase as real one", []string{"testnet", "--out", filepath.Join(dir, "net2"), "--passphrase-file", filepath.Join(dir, "devpass")}, 1, "", "passphrase"},
		{"bad flag", []string{"keys", "new", "--bogus"}, 1, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.err) {
				t.Errorf("dengta %s: exit %d, want %d\nstdout: %s\nstderr: %s\nwant stdout ⊇ %q, stderr ⊇ %q",
					strings.Join(tt.args, " "), code, tt.code, out, errOut, tt.out, tt.err)
			}
		})
	}
}

func TestTestnetWritesHomes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "net")
	out, errOut, code := run(t, "testnet", "--validators", "4", "--out", dir, "--ip-base", "50", "--dev-passphrase")
	if code != 0 {
		t.Fatalf("testnet: %s", errOut)
	}
	for _, org := range []string{"regulator", "coop", "logistics", "market"} {
		for _, f := range []string{"config/genesis.json", "config/config.toml", "config/node_key.json", "config/priv_validator_key.json", "config/dengta.json"} {
			if _, err := os.Stat(filepath.Join(dir, org, f)); err != nil {
				t.Errorf("%s: %v", org, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "keys", org+"-admin.json")); err != nil {
			t.Errorf("admin key of %s: %v", org, err)
		}
		if !strings.Contains(out, "dengta start --home "+filepath.Join(dir, org)) {
			t.Errorf("output lacks the start command for %s:\n%s", org, out)
		}
	}
	g1, _ := os.ReadFile(filepath.Join(dir, "regulator", "config", "genesis.json"))
	g2, _ := os.ReadFile(filepath.Join(dir, "market", "config", "genesis.json"))
	if !bytes.Equal(g1, g2) {
		t.Error("the homes have different genesis files")
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "coop", "config", "config.toml"))
	if !strings.Contains(string(cfg), "127.0.0.50:26656") || !strings.Contains(string(cfg), "127.0.0.53:26656") {
		t.Errorf("coop's config does not list the other validators as peers")
	}
	if _, _, code := run(t, "testnet", "--out", dir, "--dev-passphrase"); code == 0 {
		t.Error("testnet over a non-empty directory succeeded")
	}
}

// TestModuleCommands: a module registered with one line (the example
// module here) shows in the help and runs as `dengta <its command>`, and
// its benchmark workload is offered by `dengta bench --workload`; a module
// taking a core command's name is refused.
func TestModuleCommands(t *testing.T) {
	reg := plug.NewRegistry(append(modules.All(), exampleplug.Module())...)
	var out, errOut bytes.Buffer
	if err := RunWith(context.Background(), reg, []string{"help"}, &out, &errOut); err != nil || !strings.Contains(out.String(), "\n  example ") {
		t.Fatalf("help: %v\n%s", err, out.String())
	}
	out.Reset()
	err := RunWith(context.Background(), reg, []string{"example", "-h"}, &out, &errOut)
	if err != nil || !strings.Contains(errOut.String(), "Usage: dengta example") {
		t.Fatalf("example -h: %v\n%s", err, errOut.String())
	}
	errOut.Reset()
	_ = RunWith(context.Background(), reg, []string{"bench", "-h"}, &out, &errOut)
	if !strings.Contains(errOut.String(), "wexample: example/post") {
		t.Fatalf("bench -h does not offer the example's workload:\n%s", errOut.String())
	}
	// The default registry has no example.
	out.Reset()
	if err := Run(context.Background(), []string{"help"}, &out, &errOut); err != nil || strings.Contains(out.String(), "example") {
		t.Fatalf("the default registry's help lists the example:\n%s", out.String())
	}
	clash := exampleplug.Module()
	clash.CLI[0].Name = "keys"
	defer func() {
		if recover() == nil {
			t.Error("a module's command named like a core command was accepted")
		}
	}()
	_ = RunWith(context.Background(), plug.NewRegistry(clash), []string{"help"}, &out, &errOut)
}

// TestPortInUseHint: a second node on a taken port says what to do.
func TestPortInUseHint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	others := nettest.FreePorts(t) // distinct from each other; the gateway's is taken above
	dir := t.TempDir()
	_, errOut, code := run(t, "dev", "--home", filepath.Join(dir, "dev"), "--empty", "--gateway-port", port,
		"--rpc-port", strconv.Itoa(others.RPC), "--p2p-port", strconv.Itoa(others.P2P))
	if code != 1 || !strings.Contains(errOut, "address already in use") || !strings.Contains(errOut, "a node already running") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
}

// TestRestoreNeedsTwoServers: a restore's light client cross-checks a
// primary against a witness, so one server named twice is refused before
// anything is written.
func TestRestoreNeedsTwoServers(t *testing.T) {
	home := filepath.Join(t.TempDir(), "restored")
	for _, rpcs := range [][]string{
		{"--rpc", "http://127.0.0.73:26657"},
		{"--rpc", "http://127.0.0.73:26657", "--rpc", "http://127.0.0.73:26657/"},
	} {
		_, errOut, code := run(t, append([]string{"restore", "--backup", t.TempDir(), "--home", home}, rpcs...)...)
		if code != 1 || !strings.Contains(errOut, "1 different RPC servers") {
			t.Errorf("%v: exit %d\n%s", rpcs, code, errOut)
		}
		if _, err := os.Stat(home); !os.IsNotExist(err) {
			t.Errorf("%v: the home was written: %v", rpcs, err)
		}
	}
}

// TestHints: commands given bad input say what is wrong and what to do,
// and nothing is written.
func TestHints(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	for _, c := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"dev", "--home", home, "--gateway-port", "99999"}, 1, "", "Try: give a port from 1024 to 65535"},
		{[]string{"dev", "--home", home, "--rpc-port", "0"}, 1, "", "--rpc-port 0 is not a port"},
		{[]string{"prune", "--home", filepath.Join(home, "nosuch"), "--keep", "1000"}, 1, "", "'dengta testnet', 'dengta join' or 'dengta restore' wrote"},
		{[]string{"hall", "-h"}, 0, "Usage: dengta hall add-user", ""},
		{[]string{"hall", "bogus"}, 1, "", "hall needs the subcommand add-user"},
		{[]string{"gov", "preview", "--key", "k.json"}, 1, "", "give one propose body"},
		{[]string{"query", "--height", "-1", "orgs"}, 1, "", "--height -1 is not a height"},
	} {
		out, errOut, code := run(t, c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errOut, c.err) {
			t.Errorf("dengta %s: exit %d\n%s%s", strings.Join(c.args, " "), code, out, errOut)
		}
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Errorf("a refused dev wrote its home: %v", err)
	}
	// A backup is not started as a node (which would write its state
	// into the backup).
	backup := t.TempDir()
	os.MkdirAll(filepath.Join(backup, "config"), 0o700)
	os.WriteFile(filepath.Join(backup, "config", "genesis.json"), []byte("{}"), 0o600)
	os.WriteFile(filepath.Join(backup, "backup.json"), []byte("{}"), 0o600)
	if _, errOut, code := run(t, "start", "--home", backup); code != 1 || !strings.Contains(errOut, "is a backup, not a node's home") || !strings.Contains(errOut, "dengta restore --backup") {
		t.Errorf("start on a backup: exit %d\n%s", code, errOut)
	}
	if entries, _ := os.ReadDir(backup); len(entries) != 2 {
		t.Errorf("start on a backup wrote into it: %d entries", len(entries))
	}
}

// TestNodeErrorHints: a refusal of the node is printed with a hint, the
// CLI's own for the codes it knows, the node's (what the code means and
// what to do) for the others.
func TestNodeErrorHints(t *testing.T) {
	for _, c := range []struct {
		err  *client.Error
		want string
	}{
		{&client.Error{Code: 3, Name: "nonce_gap", Message: "nonce 9, next is 7", Hint: "node hint"}, "Try: another transaction of the same key"},
		{&client.Error{Code: 12, Name: "rule_violation", Message: "amount 0 is not positive", Hint: "The chain's rules refuse this."}, "Try: The chain's rules refuse this."},
	} {
		var out bytes.Buffer
		if code := exitCode(c.err, &out); code != 1 || !strings.Contains(out.String(), "Error: "+c.err.Message) || !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: exit %d\n%s", c.err.Name, code, out.String())
		}
	}
	var out bytes.Buffer
	exitCode(&client.Error{Code: 12, Name: "rule_violation", Message: "m"}, &out)
	if strings.Contains(out.String(), "Try:") {
		t.Errorf("an empty hint is printed:\n%s", out.String())
	}
}
