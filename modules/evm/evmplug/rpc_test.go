package evmplug_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
)

type rpcReply struct {
	status int
	header http.Header
	body   []byte
}

func post(t *testing.T, url, ctype, body string) rpcReply {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rpcReply{resp.StatusCode, resp.Header, b}
}

type rpcAnswer struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

func one(t *testing.T, r rpcReply) rpcAnswer {
	t.Helper()
	var a rpcAnswer
	if err := json.Unmarshal(r.body, &a); err != nil || a.JSONRPC != "2.0" {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return a
}

// TestJSONRPCShapes checks the endpoint's JSON-RPC as clients parse it:
// geth's error codes and words, batches and notifications, null for what
// does not exist, CORS, and who may call what.
func TestJSONRPCShapes(t *testing.T) {
	d, home := nodetest.DevHall(t, modules.Registry())
	keys := filepath.Join(home, "keys")
	member := client.New(d.GatewayURL)
	admin, err := client.LoadKey(devnet.KeyFile(keys, "alliance"))
	if err != nil {
		t.Fatal(err)
	}
	token := apiToken(t, d.GatewayURL, "alliance-admin")
	url, public := d.GatewayURL+"/eth/"+token, d.GatewayURL+"/eth"
	call := func(u, method string, params ...any) rpcAnswer {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7, "method": method, "params": params})
		return one(t, post(t, u, "application/json", string(b)))
	}

	// A token deployed through the envelope, with a revert to look at.
	code, _ := contracts.MustGet("Token").Deploy("积分", "PTS", big.NewInt(1000))
	res, rec, err := client.Send(context.Background(), member, admin, evmapi.Deploy, evmapi.DeployBody{Code: hexutil.Encode(code), Gas: 3_000_000})
	if err != nil || res.Status != 1 {
		t.Fatalf("deploy: %v %+v", err, res)
	}
	tok := common.HexToAddress(res.ContractAddress)

	// Chain facts, for anyone.
	if a := call(public, "eth_chainId"); a.Error != nil || !strings.HasPrefix(string(a.Result), `"0x`) {
		t.Fatalf("eth_chainId: %s", a.Result)
	}
	chainHex := call(public, "eth_chainId").Result
	var cid hexutil.Big
	json.Unmarshal(chainHex, &cid)
	if a := call(public, "net_version"); string(a.Result) != `"`+cid.ToInt().String()+`"` {
		t.Errorf("net_version %s, want the chain id %s in decimal", a.Result, cid.ToInt())
	}
	if a := call(public, "web3_clientVersion"); a.Error != nil || !strings.HasPrefix(strings.Trim(string(a.Result), `"`), "Dengta/") {
		t.Errorf("web3_clientVersion %s %+v", a.Result, a.Error)
	}
	for _, m := range []string{"eth_gasPrice", "eth_maxPriorityFeePerGas"} {
		if a := call(public, m); string(a.Result) != `"0x0"` {
			t.Errorf("%s = %s, want 0x0", m, a.Result)
		}
	}
	a := call(public, "eth_getBlockByNumber", "latest", false)
	var blk map[string]any
	json.Unmarshal(a.Result, &blk)
	for _, f := range []string{"number", "hash", "parentHash", "timestamp", "gasLimit", "gasUsed", "baseFeePerGas", "miner", "transactions", "stateRoot", "logsBloom"} {
		if _, ok := blk[f]; !ok {
			t.Errorf("block has no %s: %s", f, a.Result)
		}
	}
	if blk["baseFeePerGas"] != "0x0" {
		t.Errorf("baseFeePerGas %v", blk["baseFeePerGas"])
	}
	byHash := call(public, "eth_getBlockByHash", blk["hash"], false)
	if !bytes.Equal(byHash.Result, a.Result) {
		t.Errorf("block by hash %s differs from by number %s", byHash.Result, a.Result)
	}
	if a := call(public, "eth_getBlockByNumber", "0xffffff", false); string(a.Result) != "null" || a.Error != nil {
		t.Errorf("a block beyond the head: %s %+v", a.Result, a.Error)
	}
	// The chain's first block is 1: block 0 is none, and the earliest
	// block is 1, numbered as such.
	for _, m := range []string{"eth_getBlockByNumber", "eth_getBlockTransactionCountByNumber", "eth_getBlockReceipts"} {
		args := []any{"0x0"}
		if m == "eth_getBlockByNumber" {
			args = append(args, false)
		}
		if a := call(url, m, args...); string(a.Result) != "null" || a.Error != nil {
			t.Errorf("%s(0x0) = %s %+v, want null", m, a.Result, a.Error)
		}
	}
	if a := call(public, "eth_getBlockByNumber", "earliest", false); !strings.Contains(string(a.Result), `"number":"0x1"`) {
		t.Errorf("the earliest block: %s", a.Result)
	}
	if a := call(url, "eth_getTransactionByBlockNumberAndIndex", "0x0", "0x0"); string(a.Result) != "null" || a.Error != nil {
		t.Errorf("a transaction of block 0: %s %+v", a.Result, a.Error)
	}
	// A method the endpoint does not take: 405 in JSON, with Allow.
	for _, u := range []string{public, url} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST, OPTIONS" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d, Allow %q, %s", u, resp.StatusCode, resp.Header.Get("Allow"), resp.Header.Get("Content-Type"))
		}
	}
	fh := call(public, "eth_feeHistory", "0x400", "latest", []float64{25, 75})
	var hist struct {
		Oldest  string     `json:"oldestBlock"`
		BaseFee []string   `json:"baseFeePerGas"`
		Reward  [][]string `json:"reward"`
	}
	json.Unmarshal(fh.Result, &hist)
	if n := len(hist.Reward); hist.Oldest != "0x1" || n < 2 || len(hist.BaseFee) != n+1 || len(hist.Reward[0]) != 2 || hist.Reward[0][0] != "0x0" {
		t.Errorf("eth_feeHistory %s", fh.Result)
	}

	// Reads of contracts are for members.
	if a := call(public, "eth_call", map[string]any{"to": tok, "data": "0x18160ddd"}, "latest"); a.Error == nil || a.Error.Code != -32001 || !strings.Contains(a.Error.Message, "/eth/<API token>") {
		t.Errorf("public eth_call: %+v", a.Error)
	}
	if a := call(public, "eth_getBlockByNumber", "latest", true); a.Error == nil || a.Error.Code != -32001 {
		t.Errorf("public block with whole transactions: %+v", a.Error)
	}
	if a := call(url, "eth_call", map[string]any{"to": tok, "data": "0x18160ddd"}, "latest"); a.Error != nil || common.HexToHash(strings.Trim(string(a.Result), `"`)).Big().Int64() != 1000 {
		t.Errorf("totalSupply with the token: %s %+v", a.Result, a.Error)
	}

	// A revert: code 3, geth's message and the revert data.
	data, _ := contracts.MustGet("Token").Parsed().Pack("transfer", common.Address{1}, big.NewInt(5))
	rv := call(url, "eth_call", map[string]any{"from": common.Address{9}, "to": tok, "data": hexutil.Bytes(data)}, "latest")
	if rv.Error == nil || rv.Error.Code != 3 || rv.Error.Message != "execution reverted: Token: transfer amount exceeds balance" || !strings.HasPrefix(rv.Error.Data, "0x08c379a0") {
		t.Errorf("revert: %+v", rv.Error)
	}
	if est := call(url, "eth_estimateGas", map[string]any{"from": common.Address{9}, "to": tok, "data": hexutil.Bytes(data)}); est.Error == nil || est.Error.Code != 3 {
		t.Errorf("estimate of a revert: %+v", est.Error)
	}
	if a := call(url, "eth_call", map[string]any{"to": tok, "value": "0x1"}, "latest"); a.Error == nil || !strings.Contains(a.Error.Message, "no native coin") {
		t.Errorf("call with value: %+v", a.Error)
	}

	// The envelope deployment is a transaction of the JSON-RPC too.
	envHash := "0x" + strings.ToLower(rec.Hash)
	if a := call(url, "eth_getTransactionReceipt", envHash); a.Error != nil || !strings.Contains(string(a.Result), strings.ToLower(tok.Hex())) {
		t.Errorf("receipt of the envelope deployment: %s %+v", a.Result, a.Error)
	}
	tx := call(url, "eth_getTransactionByHash", envHash)
	var txObj map[string]any
	if json.Unmarshal(tx.Result, &txObj); txObj["to"] != nil || txObj["blockNumber"] == nil || !strings.HasPrefix(txObj["input"].(string), hexutil.Encode(code[:8])) {
		t.Errorf("envelope deployment as a transaction: %s", tx.Result)
	}
	if a := call(url, "eth_getTransactionReceipt", common.Hash{1}); string(a.Result) != "null" {
		t.Errorf("receipt of nothing: %s", a.Result)
	}
	slot := call(url, "eth_getStorageAt", tok, "0x2", "latest") // totalSupply
	if common.HexToHash(strings.Trim(string(slot.Result), `"`)).Big().Int64() != 1000 {
		t.Errorf("eth_getStorageAt(2) = %s", slot.Result)
	}
	if a := call(url, "eth_getCode", tok, "latest"); len(a.Result) < 100 {
		t.Errorf("eth_getCode: %s", a.Result)
	}
	if a := call(url, "eth_getBalance", tok, "0x99999999"); a.Error == nil || !strings.Contains(a.Error.Message, "header not found") {
		t.Errorf("a balance at a block not yet made: %s %+v", a.Result, a.Error)
	}
	if a := call(url, "eth_getBalance", tok, "latest"); string(a.Result) != `"0x0"` {
		t.Errorf("eth_getBalance: %s", a.Result)
	}

	// Errors as geth words them.
	if a := call(public, "eth_newFilter", map[string]any{}); a.Error == nil || a.Error.Code != -32601 || a.Error.Message != "the method eth_newFilter does not exist/is not available" {
		t.Errorf("unsupported method: %+v", a.Error)
	}
	if a := call(public, "eth_getTransactionCount"); a.Error == nil || a.Error.Code != -32602 {
		t.Errorf("missing parameter: %+v", a.Error)
	}
	if a := one(t, post(t, public, "application/json", `{"jsonrpc":"2.0","id":1,"method":`)); a.Error == nil || a.Error.Code != -32700 {
		t.Errorf("parse error: %+v", a.Error)
	}
	if a := one(t, post(t, public, "application/json", `{"id":1,"method":"eth_chainId"}`)); a.Error == nil || a.Error.Code != -32600 {
		t.Errorf("no jsonrpc version: %+v", a.Error)
	}
	k := newEthKey(t)
	raw, _ := ethtx.Sign(&types.DynamicFeeTx{ChainID: big.NewInt(1), Gas: 21000, GasTipCap: new(big.Int), GasFeeCap: new(big.Int)}, 1, k.k)
	if a := call(public, "eth_sendRawTransaction", hexutil.Bytes(raw)); a.Error == nil || a.Error.Code != -32000 || !strings.Contains(a.Error.Message, "not a member key") {
		t.Errorf("an unregistered sender: %+v", a.Error)
	}
	// A transaction committed and sent again is "nonce too low", as geth
	// answers it: a client that signed a call again at a reused nonce
	// must not hear that it ran.
	registerEthKey(t, d.GatewayURL, home, "alliance", k)
	ethChain := cid.ToInt().Uint64()
	self := common.Address{0x01}
	raw, err = ethtx.Sign(&types.DynamicFeeTx{ChainID: cid.ToInt(), Nonce: 0, To: &self, Gas: 21000, GasTipCap: new(big.Int), GasFeeCap: new(big.Int)}, ethChain, k.k)
	if err != nil {
		t.Fatal(err)
	}
	first := call(url, "eth_sendRawTransaction", hexutil.Bytes(raw))
	if first.Error != nil {
		t.Fatalf("send: %+v", first.Error)
	}
	deadline := time.Now().Add(20 * time.Second)
	for a := call(url, "eth_getTransactionReceipt", json.RawMessage(first.Result)); string(a.Result) == "null"; a = call(url, "eth_getTransactionReceipt", json.RawMessage(first.Result)) {
		if time.Now().After(deadline) {
			t.Fatal("the transaction was not committed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if a := call(url, "eth_sendRawTransaction", hexutil.Bytes(raw)); a.Error == nil || !strings.Contains(a.Error.Message, "nonce too low") {
		t.Errorf("a committed transaction sent again: %s %+v", a.Result, a.Error)
	}

	// A batch: answers in order, none for a notification; an empty batch
	// is an invalid request.
	r := post(t, public, "application/json", `[{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"},{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","id":"x","method":"nope"}]`)
	var batch []rpcAnswer
	if err := json.Unmarshal(r.body, &batch); err != nil || len(batch) != 2 || string(batch[0].ID) != "1" || string(batch[1].ID) != `"x"` || batch[1].Error.Code != -32601 {
		t.Errorf("batch: %s", r.body)
	}
	if a := one(t, post(t, public, "application/json", `[]`)); a.Error == nil || a.Error.Code != -32600 {
		t.Errorf("empty batch: %+v", a.Error)
	}

	// Transport: the API's errors, and CORS.
	if r := post(t, public, "application/json", ""); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "bad_request") {
		t.Errorf("empty body: %d %s", r.status, r.body)
	}
	if r := post(t, public, "text/plain", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`); r.status != http.StatusBadRequest {
		t.Errorf("text/plain: %d %s", r.status, r.body)
	}
	if r := post(t, d.GatewayURL+"/eth/dgt_nonsense", "application/json", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`); r.status != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d %s", r.status, r.body)
	}
	if r := post(t, url, "application/json", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}`); r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("no CORS header: %v", r.header)
	}
	req, _ := http.NewRequest(http.MethodOptions, public, nil)
	req.Header.Set("Origin", "https://remix.ethereum.org")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight: %v %v", err, resp)
	}
}
