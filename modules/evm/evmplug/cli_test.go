package evmplug_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/modules/evm/evmplug"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/tx"
)

// run runs `dengta contract` with args.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	for _, c := range evmplug.Module().CLI {
		if c.Name == "contract" {
			err := c.Run(context.Background(), args, &out, &errOut)
			return out.String() + errOut.String(), err
		}
	}
	t.Fatal("the module has no contract command")
	return "", nil
}

var deployedAt = regexp.MustCompile(`contract (0x[0-9a-fA-F]{40}) deployed`)

// TestContractCommands deploys a token with the command line from solc's
// ABI and bytecode files, signed by the market's SM2 admin key (the
// envelope), reads and moves it, sends back with a secp256k1 key (an
// Ethereum transaction), lists its events, sees a revert's reason, and
// proves a storage slot offline against the genesis.
func TestContractCommands(t *testing.T) {
	d, home := nodetest.Dev(t)
	keys := filepath.Join(home, "keys")
	dir := t.TempDir()
	art := contracts.MustGet("Token")
	abiFile, binFile := filepath.Join(dir, "Token.abi"), filepath.Join(dir, "Token.bin")
	os.WriteFile(abiFile, art.ABI, 0o644)
	os.WriteFile(binFile, []byte(strings.TrimPrefix(art.Bytecode.String(), "0x")), 0o644)

	admin := devnet.KeyFile(keys, "market") // a contract deployer in the demo
	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, append(args, "--node", d.GatewayURL)...)
		if err != nil {
			t.Fatalf("dengta contract %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	out := must("deploy", "--key", admin, "--abi", abiFile, "--bin", binFile, "--name", "会员积分", "积分", "PTS", "1000")
	m := deployedAt.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("deploy: %s", out)
	}
	token := common.HexToAddress(m[1])
	adminKey, err := client.LoadKey(admin)
	if err != nil {
		t.Fatal(err)
	}
	adminAddr := common.HexToAddress(adminKey.ID())

	// A secp256k1 key of the market, in a key file the command line reads.
	k, _ := tx.GenerateKey(tx.AlgoSecp256k1, rand.Reader)
	ethFile := filepath.Join(dir, "market-eth.json")
	if err := tx.WriteKeyFile(ethFile, k, "wallet", keyfile.DevProtection()); err != nil {
		t.Fatal(err)
	}
	pub, _ := json.Marshal(k.Public())
	if rec, err := client.New(d.GatewayURL).Do(context.Background(), adminKey, "identity", "register_key", map[string]any{"public_key": json.RawMessage(pub)}); err != nil || rec.Code != 0 {
		t.Fatalf("register: %v", err)
	}
	ethAddr := common.Address(k.ID())

	out = must("send", "--key", admin, "--abi", abiFile, token.Hex(), "transfer", ethAddr.Hex(), "100")
	if !strings.Contains(out, "event Transfer") || !strings.Contains(out, `"value":"100"`) {
		t.Fatalf("send: %s", out)
	}
	out = must("send", "--key", ethFile, "--abi", abiFile, token.Hex(), "transfer", adminAddr.Hex(), "30")
	sentM := regexp.MustCompile(`tx (0x[0-9a-f]{64}): status 1`).FindStringSubmatch(out)
	if sentM == nil {
		t.Fatalf("send with the secp256k1 key: %s", out)
	}
	sentTx := sentM[1]
	out = must("call", "--key", admin, "--abi", abiFile, token.Hex(), "balanceOf", ethAddr.Hex())
	if !strings.Contains(out, `"70"`) {
		t.Fatalf("balanceOf: %s", out)
	}
	out = must("logs", "--key", admin, "--abi", abiFile, token.Hex(), "--event", "Transfer")
	var logs []struct {
		Event string         `json:"event"`
		Args  map[string]any `json:"args"`
	}
	if err := json.Unmarshal([]byte(out), &logs); err != nil || len(logs) != 3 || logs[2].Args["value"] != "30" {
		t.Fatalf("logs: %v\n%s", err, out)
	}
	out, err = run(t, "send", "--key", ethFile, "--abi", abiFile, token.Hex(), "transfer", adminAddr.Hex(), "1000000", "--node", d.GatewayURL)
	if err == nil || !strings.Contains(err.Error(), "execution reverted: Token: transfer amount exceeds balance") {
		t.Fatalf("over-balance transfer: %v\n%s", err, out)
	}
	out, err = run(t, "call", "--key", admin, "--abi", abiFile, token.Hex(), "balanceOf", "nope", "--node", d.GatewayURL)
	if err == nil || !strings.Contains(err.Error(), "not an address") {
		t.Fatalf("bad argument: %v", err)
	}

	// The holder's balance is a storage slot (balanceOf is the fifth
	// state variable: keccak256(holder . 4)). `contract prove` writes the
	// bundles of that slot, of the contract's account and code, and of the
	// secp256k1 transfer's receipt; each verifies offline against the
	// genesis as `dengta verify` checks it, and says what the node says.
	slot := crypto.Keccak256Hash(common.LeftPadBytes(ethAddr[:], 32), common.LeftPadBytes([]byte{4}, 32))
	member := client.New(d.GatewayURL).As(adminKey)
	ans, err := client.Read(context.Background(), member, evmapi.GetStorage, evmapi.StorageParams{Address: token.Hex(), Slot: slot.Hex()})
	if err != nil || ans.Key != string(evm.StorageStateKey(token, slot)) || common.HexToHash(ans.Value).Big().Int64() != 70 {
		t.Fatalf("storage: %+v, %v", ans, err)
	}
	var getCode struct {
		Result hexutil.Bytes `json:"result"`
	}
	if err := member.PostJSON(context.Background(), "/eth", map[string]any{"jsonrpc": "2.0", "id": 1, "method": "eth_getCode", "params": []any{token, "latest"}}, &getCode); err != nil || len(getCode.Result) == 0 {
		t.Fatalf("eth_getCode: %v", err)
	}
	code := []byte(getCode.Result)
	proofs := filepath.Join(dir, "proofs")
	out = must("prove", "--key", ethFile, token.Hex(), "--slot", slot.Hex(), "--slot", "2", "--code", "--receipt", sentTx, "--out", proofs)
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	wantValue := map[string][]byte{
		string(evm.StorageStateKey(token, slot)):                            {70},
		string(evm.StorageStateKey(token, common.BigToHash(big.NewInt(2)))): big.NewInt(1000).Bytes(), // totalSupply
		string(evm.CodeStateKey(crypto.Keccak256Hash(code))):                code,
	}
	var seen []string
	for _, key := range []string{
		string(evm.StorageStateKey(token, slot)),
		string(evm.StorageStateKey(token, common.BigToHash(big.NewInt(2)))),
		string(evm.ReceiptStateKey(common.HexToHash(sentTx))),
		string(evm.AccountStateKey(token)),
		string(evm.CodeStateKey(crypto.Keccak256Hash(code))),
	} {
		file := filepath.Join(proofs, strings.ReplaceAll(key, "/", "_")+".json")
		if !strings.Contains(out, "proof of "+key+": "+file) {
			t.Fatalf("prove does not list %s:\n%s", key, out)
		}
		bundle, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := proof.Verify(bundle, trust)
		if err != nil || !rep.OK || !rep.Exists || rep.Key != key {
			t.Fatalf("proof of %s: %v %+v", key, err, rep)
		}
		if want, ok := wantValue[key]; ok && !bytes.Equal(rep.Value, want) {
			t.Fatalf("proof of %s holds %x, want %x", key, rep.Value, want)
		}
		seen = append(seen, key)
		// The same bundle with another value does not verify.
		var b map[string]any
		if err := json.Unmarshal(bundle, &b); err != nil {
			t.Fatal(err)
		}
		v, _ := b["value"].(string)
		if v == "" {
			t.Fatalf("bundle of %s has no value field: %s", key, bundle)
		}
		raw, _ := base64.StdEncoding.DecodeString(v)
		raw[len(raw)-1] ^= 1
		b["value"] = base64.StdEncoding.EncodeToString(raw)
		tampered, _ := json.Marshal(b)
		if _, err := proof.Verify(tampered, trust); err == nil {
			t.Fatalf("a bundle of %s with another value verifies", key)
		}
	}
	var rcpt evmapi.Receipt
	rep, _ := proof.Verify(mustRead(t, filepath.Join(proofs, strings.ReplaceAll(string(evm.ReceiptStateKey(common.HexToHash(sentTx))), "/", "_")+".json")), trust)
	if err := json.Unmarshal(rep.Value, &rcpt); err != nil || rcpt.Status != 1 || len(rcpt.Logs) != 1 {
		t.Fatalf("proven receipt: %v %+v", err, rcpt)
	}
	if _, err := run(t, "prove", "--key", ethFile, token.Hex(), "--out", proofs, "--node", d.GatewayURL); err == nil || !strings.Contains(err.Error(), "nothing to prove") {
		t.Fatalf("prove without a record: %v", err)
	}
	// The public cannot read the slot.
	if _, err := client.Read(context.Background(), client.New(d.GatewayURL), evmapi.GetStorage, evmapi.StorageParams{Address: token.Hex(), Slot: slot.Hex()}); !client.IsCode(err, "unauthenticated") {
		t.Fatalf("public read of a slot: %v", err)
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
