package evmplug

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

// runContract is `dengta contract deploy|call|send|logs|prove`.
func runContract(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "contract", "deploy|call|send|logs ... (with --abi FILE) | prove "+proveUsage, []cli.Sub{
		{Name: "deploy", Run: contractDeploy},
		{Name: "call", Run: contractCall},
		{Name: "send", Run: contractSend},
		{Name: "logs", Run: contractLogs},
		{Name: "prove", Run: contractProve},
	}, args, out, errOut)
}

// rpcClient calls a node's Ethereum JSON-RPC with the SDK client (signed
// requests when it has a key).
type rpcClient struct{ c *client.Client }

func (r rpcClient) call(ctx context.Context, method string, out any, params ...any) error {
	if params == nil {
		params = []any{}
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := r.c.PostJSON(ctx, "/eth", map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, &resp); err != nil {
		return err
	}
	if resp.Error != nil {
		msg := resp.Error.Message
		if d, ok := resp.Error.Data.(string); ok && d != "" && resp.Error.Code == codeReverted && !strings.Contains(msg, ":") {
			msg += " (data " + d + ")"
		}
		return cli.Fail(msg, "")
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(resp.Result, out)
}

// estimate asks the node for the gas of a deployment or call from key
// and adds a fifth, as wallets do.
func (r rpcClient) estimate(ctx context.Context, from common.Address, to *common.Address, data []byte) (uint64, error) {
	args := map[string]any{"from": from, "input": hexutil.Bytes(data)}
	if to != nil {
		args["to"] = to
	}
	var gas hexutil.Uint64
	if err := r.call(ctx, "eth_estimateGas", &gas, args); err != nil {
		return 0, err
	}
	return uint64(gas) + uint64(gas)/5, nil
}

// contractFlags are the flags every subcommand has.
type contractFlags struct {
	node, key, abiFile, passphrase *string
	gas                            *uint64
}

func newContractFlags(name, usage string, errOut io.Writer) (*contractFlags, *flag.FlagSet) {
	fs := cli.NewFlags("contract "+name, usage, errOut)
	f := &contractFlags{
		node:    cli.NodeFlag(fs),
		key:     fs.String("key", "", "key file of the signer (SM2 or Ed25519: a Dengta envelope; secp256k1: an Ethereum transaction)"),
		abiFile: fs.String("abi", "", "the contract's ABI: solc's JSON, or a Hardhat/solc artifact with one"),
		gas:     fs.Uint64("gas", 0, "gas limit (default: the node's estimate plus a fifth)"),
	}
	f.passphrase = cli.PassphraseFlag(fs)
	return f, fs
}

func (f *contractFlags) abi() (abi.ABI, []byte, error) {
	if *f.abiFile == "" {
		return abi.ABI{}, nil, cli.Fail("--abi is required", "pass the contract's ABI file, e.g. --abi Token.abi.json (solc --abi) or a Hardhat artifact")
	}
	a, code, err := ReadABI(*f.abiFile)
	if err != nil {
		return abi.ABI{}, nil, cli.Fail(fmt.Sprintf("%s: %v", *f.abiFile, err), "give the JSON array solc writes with --abi, or a Hardhat artifact (artifacts/contracts/X.sol/X.json)")
	}
	return a, code, nil
}

// signer opens --key and returns a client signing with it.
func (f *contractFlags) signer() (*client.Client, *tx.PrivateKey, error) {
	k, err := cli.LoadKey(*f.key, cli.Passphrase(*f.passphrase))
	if err != nil {
		return nil, nil, err
	}
	return cli.Client(*f.node).As(client.KeyFrom(k)), k, nil
}

func contractDeploy(ctx context.Context, args []string, out, errOut io.Writer) error {
	f, fs := newContractFlags("deploy", "--key K --abi FILE [--bin FILE] [--name N] [CONSTRUCTOR ARGS...]", errOut)
	binFile := fs.String("bin", "", "creation bytecode in hex (solc --bin); not needed when --abi is an artifact with its bytecode")
	name := fs.String("name", "", "a name for the contract, shown in the hall")
	publish := fs.Bool("publish-abi", true, "publish the ABI with the contract (the hall and other members then call it without the file)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	a, code, err := f.abi()
	if err != nil {
		return err
	}
	if *binFile != "" {
		b, err := os.ReadFile(*binFile)
		if err != nil {
			return cli.Fail(err.Error(), "check the --bin path")
		}
		s := strings.TrimSpace(string(b))
		if !strings.HasPrefix(s, "0x") {
			s = "0x" + s
		}
		if code, err = hexutil.Decode(s); err != nil {
			return cli.Fail(fmt.Sprintf("%s is not hex bytecode: %v", *binFile, err), "give solc --bin output")
		}
	}
	if len(code) == 0 {
		return cli.Fail("no bytecode", "pass --bin FILE, or an artifact with its bytecode as --abi")
	}
	ctorArgs, err := ParseArgs(a.Constructor.Inputs, pos)
	if err != nil {
		return cli.Fail("constructor: "+err.Error(), "give the constructor's arguments in order after the flags")
	}
	in, err := a.Pack("", ctorArgs...)
	if err != nil {
		return cli.Fail("constructor: "+err.Error(), "")
	}
	data := append(append([]byte{}, code...), in...)
	c, k, err := f.signer()
	if err != nil {
		return err
	}
	abiText := ""
	if *publish {
		b, _ := os.ReadFile(*f.abiFile)
		if parsed, _, err := ParseABI(b); err == nil {
			abiText = abiJSON(b, parsed)
		}
	}
	res, err := send(ctx, c, k, f, nil, data, *name, abiText)
	if err != nil {
		return err
	}
	if res.Status != 1 {
		return cli.Fail("the deployment failed: "+res.Error, "see the constructor's requirements; the transaction "+res.TxHash+" is recorded with status 0")
	}
	fmt.Fprintf(out, "contract %s deployed (tx %s, gas %d)\n", res.ContractAddress, res.TxHash, res.GasUsed)
	return nil
}

// abiJSON is the ABI's JSON array from a file holding it or an artifact.
func abiJSON(file []byte, _ abi.ABI) string {
	var art struct {
		ABI json.RawMessage `json:"abi"`
	}
	if json.Unmarshal(file, &art) == nil && len(art.ABI) > 0 {
		return string(art.ABI)
	}
	return strings.TrimSpace(string(file))
}

// send deploys (to nil) or calls with the signer's kind of transaction:
// an Ethereum transaction for a secp256k1 key, the envelope's
// evm/deploy or evm/call otherwise. It waits for the commit.
func send(ctx context.Context, c *client.Client, k *tx.PrivateKey, f *contractFlags, to *common.Address, data []byte, name, abiText string) (*evmapi.Result, error) {
	r := rpcClient{c}
	gas := *f.gas
	if gas == 0 {
		g, err := r.estimate(ctx, common.Address(k.ID()), to, data)
		if err != nil {
			return nil, err
		}
		gas = g
	}
	if k.Algo() != tx.AlgoSecp256k1 {
		key := client.KeyFrom(k)
		var res *evmapi.Result
		var err error
		if to == nil {
			res, _, err = client.Send(ctx, c, key, evmapi.Deploy, evmapi.DeployBody{Code: hexutil.Encode(data), Gas: gas, Name: name, ABI: abiText})
		} else {
			res, _, err = client.Send(ctx, c, key, evmapi.Call, evmapi.CallBody{To: to.Hex(), Data: hexutil.Encode(data), Gas: gas})
		}
		return res, err
	}
	var chainID hexutil.Uint64
	if err := r.call(ctx, "eth_chainId", &chainID); err != nil {
		return nil, err
	}
	var nonce hexutil.Uint64
	if err := r.call(ctx, "eth_getTransactionCount", &nonce, common.Address(k.ID()), "pending"); err != nil {
		return nil, err
	}
	raw, err := ethtx.Sign(&types.DynamicFeeTx{ChainID: new(big.Int).SetUint64(uint64(chainID)), Nonce: uint64(nonce), GasTipCap: new(big.Int), GasFeeCap: new(big.Int), Gas: gas, To: to, Data: data}, uint64(chainID), k)
	if err != nil {
		return nil, err
	}
	rec, err := c.Submit(ctx, ethtx.Wrap(raw))
	if err != nil {
		return nil, err
	}
	var res evmapi.Result
	if err := json.Unmarshal(rec.Result, &res); err != nil {
		return nil, fmt.Errorf("result of %s: %w", rec.Hash, err)
	}
	// The logs are in the receipt.
	var rc evmapi.Receipt
	if path, err := evmapi.GetReceipt.URL(evmapi.ReceiptParams{Hash: res.TxHash}); err == nil && c.Get(ctx, path, &rc) == nil {
		res.Logs, res.Return = rc.Logs, rc.Return
	}
	if to == nil && name+abiText != "" && res.Status == 1 {
		// An Ethereum deployment carries no name or ABI: describe it.
		if _, _, err := client.Send(ctx, c, client.KeyFrom(k), evmapi.Describe, evmapi.DescribeBody{Address: res.ContractAddress, Name: name, ABI: abiText}); err != nil {
			return &res, fmt.Errorf("deployed at %s, but publishing its name and ABI failed: %w", res.ContractAddress, err)
		}
	}
	return &res, nil
}

// methodCall reads ADDRESS METHOD ARGS... and packs the call.
func methodCall(a abi.ABI, pos []string, usage string) (common.Address, *abi.Method, []byte, error) {
	if len(pos) < 2 {
		return common.Address{}, nil, nil, cli.Fail("give the contract's address and a method", usage)
	}
	if !common.IsHexAddress(pos[0]) {
		return common.Address{}, nil, nil, cli.Fail(fmt.Sprintf("%q is not an address", pos[0]), usage)
	}
	m, ok := a.Methods[pos[1]]
	if !ok {
		var names []string
		for n := range a.Methods {
			names = append(names, n)
		}
		return common.Address{}, nil, nil, cli.Fail(fmt.Sprintf("the ABI has no method %q", pos[1]), "methods: "+strings.Join(slices.Sorted(slices.Values(names)), ", "))
	}
	vals, err := ParseArgs(m.Inputs, pos[2:])
	if err != nil {
		return common.Address{}, nil, nil, cli.Fail(m.Name+": "+err.Error(), usage)
	}
	data, err := a.Pack(m.Name, vals...)
	if err != nil {
		return common.Address{}, nil, nil, cli.Fail(m.Name+": "+err.Error(), usage)
	}
	return common.HexToAddress(pos[0]), &m, data, nil
}

func contractCall(ctx context.Context, args []string, out, errOut io.Writer) error {
	const usage = "dengta contract call --key K --abi Token.abi.json 0xADDRESS balanceOf 0xHOLDER"
	f, fs := newContractFlags("call", "--key K --abi FILE ADDRESS METHOD [ARGS...]", errOut)
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	a, _, err := f.abi()
	if err != nil {
		return err
	}
	to, m, data, err := methodCall(a, pos, usage)
	if err != nil {
		return err
	}
	c, k, err := f.signer()
	if err != nil {
		return err
	}
	var ret hexutil.Bytes
	if err := (rpcClient{c}).call(ctx, "eth_call", &ret, map[string]any{"from": common.Address(k.ID()), "to": to, "input": hexutil.Bytes(data)}, "latest"); err != nil {
		return err
	}
	vals, err := m.Outputs.Unpack(ret)
	if err != nil {
		return cli.Fail(fmt.Sprintf("%s answered %s, which its ABI does not decode: %v", m.Name, ret, err), "check that the ABI is the contract's")
	}
	return cli.PrintJSON(out, Named(m.Outputs, vals))
}

func contractSend(ctx context.Context, args []string, out, errOut io.Writer) error {
	const usage = "dengta contract send --key K --abi Token.abi.json 0xADDRESS transfer 0xTO 100"
	f, fs := newContractFlags("send", "--key K --abi FILE ADDRESS METHOD [ARGS...]", errOut)
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	a, _, err := f.abi()
	if err != nil {
		return err
	}
	to, _, data, err := methodCall(a, pos, usage)
	if err != nil {
		return err
	}
	c, k, err := f.signer()
	if err != nil {
		return err
	}
	res, err := send(ctx, c, k, f, &to, data, "", "")
	if err != nil {
		return err
	}
	printEvents(out, a, res.Logs)
	if res.Status != 1 {
		return cli.Fail("the transaction failed: "+res.Error, "it is recorded with status 0 (tx "+res.TxHash+")")
	}
	fmt.Fprintf(out, "tx %s: status 1, gas %d\n", res.TxHash, res.GasUsed)
	return nil
}

func printEvents(out io.Writer, a abi.ABI, logs []evmapi.Log) {
	for _, l := range logs {
		var topics []common.Hash
		for _, t := range l.Topics {
			topics = append(topics, common.HexToHash(t))
		}
		name, args, ok := DecodeLog(a, topics, common.FromHex(l.Data))
		if !ok {
			fmt.Fprintf(out, "log of %s: topics %v data %s\n", l.Address, l.Topics, l.Data)
			continue
		}
		b, _ := json.Marshal(args)
		fmt.Fprintf(out, "event %s %s\n", name, b)
	}
}

func contractLogs(ctx context.Context, args []string, out, errOut io.Writer) error {
	f, fs := newContractFlags("logs", "--key K --abi FILE ADDRESS [--event NAME] [--from N] [--to N]", errOut)
	event := fs.String("event", "", "only this event")
	from := fs.Int64("from", 1, "first block")
	to := fs.Int64("to", 0, "last block (default: the latest)")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	a, _, err := f.abi()
	if err != nil {
		return err
	}
	if len(pos) != 1 || !common.IsHexAddress(pos[0]) {
		return cli.Fail("give the contract's address", "dengta contract logs --key K --abi Token.abi.json 0xADDRESS --event Transfer")
	}
	filter := map[string]any{"address": common.HexToAddress(pos[0]), "fromBlock": hexutil.Uint64(*from)}
	if *to > 0 {
		filter["toBlock"] = hexutil.Uint64(*to)
	}
	if *event != "" {
		ev, ok := a.Events[*event]
		if !ok {
			return cli.Fail(fmt.Sprintf("the ABI has no event %q", *event), "")
		}
		filter["topics"] = []any{ev.ID}
	}
	c, _, err := f.signer()
	if err != nil {
		return err
	}
	var logs []struct {
		Topics          []common.Hash  `json:"topics"`
		Data            hexutil.Bytes  `json:"data"`
		BlockNumber     hexutil.Uint64 `json:"blockNumber"`
		TransactionHash common.Hash    `json:"transactionHash"`
		LogIndex        hexutil.Uint64 `json:"logIndex"`
	}
	if err := (rpcClient{c}).call(ctx, "eth_getLogs", &logs, filter); err != nil {
		return err
	}
	type entry struct {
		Block int64          `json:"block"`
		Tx    string         `json:"tx"`
		Index uint64         `json:"log_index"`
		Event string         `json:"event,omitempty"`
		Args  map[string]any `json:"args,omitempty"`
		Data  string         `json:"data,omitempty"`
	}
	res := []entry{}
	for _, l := range logs {
		e := entry{Block: int64(l.BlockNumber), Tx: l.TransactionHash.Hex(), Index: uint64(l.LogIndex)}
		if name, args, ok := DecodeLog(a, l.Topics, l.Data); ok {
			e.Event, e.Args = name, args
		} else {
			e.Data = l.Data.String()
		}
		res = append(res, e)
	}
	return cli.PrintJSON(out, res)
}
