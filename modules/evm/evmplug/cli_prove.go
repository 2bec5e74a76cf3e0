package evmplug

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/modules/evm"
)

const proveUsage = "--key K ADDRESS [--slot S]... [--code] [--receipt TXHASH]... --out DIR"

// contractProve is `dengta contract prove`: it writes proof bundles of a
// contract's storage slots, of its account and code, and of transactions'
// receipts, which `dengta verify` checks offline against the validators
// the reader trusts (ADR 0014: they are keys of the state like any
// record).
func contractProve(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("contract prove", proveUsage, errOut)
	node := cli.NodeFlag(fs)
	keyFile := fs.String("key", "", "key file of a member (proofs of contract state are for members)")
	passphrase := cli.PassphraseFlag(fs)
	var slots, receipts cli.Multi
	fs.Var(&slots, "slot", "a storage slot: its position (decimal, e.g. 0) or its 32-byte hash in hex (a mapping's entry: keccak256(key . position)); repeatable")
	code := fs.Bool("code", false, "prove the contract's account (its code hash) and its code")
	fs.Var(&receipts, "receipt", "a transaction hash (0x…) whose receipt to prove; repeatable")
	dir := fs.String("out", "", "directory to write the bundles to")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	const example = "dengta contract prove --key keys/market-admin.json 0xADDRESS --slot 0 --code --out proofs"
	if len(pos) != 1 || !common.IsHexAddress(pos[0]) {
		return cli.Fail("give the contract's address", example)
	}
	if *dir == "" {
		return cli.Fail("--out is required", example)
	}
	if len(slots) == 0 && !*code && len(receipts) == 0 {
		return cli.Fail("nothing to prove", "ask for one or more of --slot, --code, --receipt: "+example)
	}
	addr := common.HexToAddress(pos[0])
	var keys []string
	for _, s := range slots {
		h, err := parseSlot(s)
		if err != nil {
			return cli.Fail(fmt.Sprintf("--slot %s: %v", s, err), "a slot is its position in decimal (0, 1, …) or 32 bytes in hex (0x + 64 digits)")
		}
		keys = append(keys, string(evm.StorageStateKey(addr, h)))
	}
	for _, r := range receipts {
		b, err := hexutil.Decode(r)
		if err != nil || len(b) != 32 {
			return cli.Fail(fmt.Sprintf("--receipt %s is not a transaction hash", r), "give the 0x-prefixed 32-byte hash the node returned for the transaction")
		}
		keys = append(keys, string(evm.ReceiptStateKey(common.BytesToHash(b))))
	}
	k, err := cli.LoadKey(*keyFile, cli.Passphrase(*passphrase))
	if err != nil {
		return err
	}
	c := cli.Client(*node).As(client.KeyFrom(k))
	if *code {
		var b hexutil.Bytes
		if err := (rpcClient{c}).call(ctx, "eth_getCode", &b, addr, "latest"); err != nil {
			return err
		}
		if len(b) == 0 {
			return cli.Fail(fmt.Sprintf("%s has no code on this chain", addr.Hex()), "check the address: it is the one `dengta contract deploy` printed")
		}
		keys = append(keys, string(evm.AccountStateKey(addr)), string(evm.CodeStateKey(crypto.Keccak256Hash(b))))
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return cli.Fail(fmt.Sprintf("create %s: %v", *dir, err), "give --out a directory you can write")
	}
	for _, key := range keys {
		bundle, err := c.Proof(ctx, key, 0)
		if err != nil {
			return err
		}
		name := filepath.Join(*dir, strings.ReplaceAll(key, "/", "_")+".json")
		if err := os.WriteFile(name, bundle, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "proof of %s: %s\n", key, name)
	}
	fmt.Fprintf(out, "check each offline: dengta verify --bundle FILE --trust GENESIS\n")
	return nil
}

// parseSlot reads a slot's position in decimal or its 32-byte hash.
func parseSlot(s string) (common.Hash, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		b, err := hexutil.Decode(s)
		if err != nil || len(b) > 32 {
			return common.Hash{}, fmt.Errorf("not 32 bytes of hex")
		}
		return common.BytesToHash(b), nil
	}
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Sign() < 0 || n.BitLen() > 256 {
		return common.Hash{}, fmt.Errorf("not a slot position")
	}
	return common.BigToHash(n), nil
}
