package evm_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/ethtx"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

func TestTokenThroughEthereumTransactions(t *testing.T) {
	c := newChain(t)
	dev, user := c.addr("dev"), c.addr("user")
	token := c.deploy("dev", "Token", "积分", "PTS", big1(1_000_000))
	if want := crypto.CreateAddress(dev, 0); token != want {
		t.Fatalf("token at %s, want %s (the sender's address and nonce 0)", token, want)
	}
	if got := c.view(token, "Token", "balanceOf", dev)[0]; bigOf(got).Cmp(big1(1_000_000)) != 0 {
		t.Fatalf("balanceOf(dev) = %v", got)
	}
	res := c.send("dev", token, "Token", "transfer", user, big1(2500))
	if res.Status != 1 || len(res.Logs) != 1 {
		t.Fatalf("transfer: %+v", res)
	}
	ev := contracts.MustGet("Token").Parsed().Events["Transfer"]
	if l := res.Logs[0]; l.Topics[0] != ev.ID.Hex() || common.HexToAddress(l.Topics[1]) != dev || common.HexToAddress(l.Topics[2]) != user {
		t.Fatalf("Transfer log %+v", l)
	}
	if got := c.view(token, "Token", "balanceOf", user)[0]; bigOf(got).Cmp(big1(2500)) != 0 {
		t.Fatalf("balanceOf(user) = %v", got)
	}
	// The receipt is in the state, with the block index.
	v := c.View()
	rc, err := evm.GetReceipt(v, common.HexToHash(res.TxHash))
	if err != nil || rc.Status != 1 || rc.Kind != "ethereum" || rc.From != strings.ToLower(dev.Hex()) || rc.Height != c.Height {
		t.Fatalf("receipt %+v, %v", rc, err)
	}
	hashes, err := evm.BlockTxs(v, c.Height)
	if err != nil || len(hashes) != 1 || hashes[0].Hex() != res.TxHash {
		t.Fatalf("block index %v, %v", hashes, err)
	}
	logs, err := evm.Logs(v, 1, c.Height, []common.Address{token}, [][]common.Hash{{ev.ID}, nil, {common.BytesToHash(user[:])}}, 100)
	if err != nil || len(logs) != 1 || logs[0].TxHash != res.TxHash {
		t.Fatalf("logs to user: %+v, %v", logs, err)
	}
	// The deployment mint and the transfer: two Transfer logs in all.
	all, err := evm.Logs(v, 1, c.Height, nil, [][]common.Hash{{ev.ID}}, 100)
	if err != nil || len(all) != 2 {
		t.Fatalf("all Transfer logs: %d, %v", len(all), err)
	}
}

func TestRevertIsIncludedWithStatusZero(t *testing.T) {
	c := newChain(t)
	token := c.deploy("dev", "Token", "积分", "PTS", big1(100))
	// user has nothing: the transfer reverts with the contract's reason,
	// in its block, consuming the nonce, with a receipt.
	before := c.ethNonce(c.eth["user"])
	raw := c.ethTx(c.eth["user"], &token, pack("Token", "transfer", c.addr("dev"), big1(1)), 200_000)
	if r := c.Check(raw); r.Code != 0 {
		t.Fatalf("CheckTx refused a transaction that reverts: %s", r.Log)
	}
	res := c.result(c.run(raw))
	if res.Status != 0 || res.Error != "execution reverted: Token: transfer amount exceeds balance" || res.GasUsed == 0 || res.GasUsed >= 200_000 {
		t.Fatalf("reverted transfer: %+v", res)
	}
	if res.Return == "" || len(res.Logs) != 0 {
		t.Fatalf("revert data %q, logs %v", res.Return, res.Logs)
	}
	if after := c.ethNonce(c.eth["user"]); after != before+1 {
		t.Fatalf("nonce %d after the revert, want %d", after, before+1)
	}
	rc, err := evm.GetReceipt(c.View(), common.HexToHash(res.TxHash))
	if err != nil || rc.Status != 0 || !strings.Contains(rc.Error, "exceeds balance") {
		t.Fatalf("receipt %+v, %v", rc, err)
	}
	// Out of gas is a failure too.
	gasC := c.deploy("dev", "Gas")
	res = c.result(c.run(c.ethTx(c.eth["dev"], &gasC, pack("Gas", "burn", big1(1_000_000)), 100_000)))
	if res.Status != 0 || res.GasUsed != 100_000 || !strings.HasPrefix(res.Error, "out of gas") {
		t.Fatalf("out of gas: %+v", res)
	}
}

func TestRefusals(t *testing.T) {
	c := newChain(t)
	token := c.deploy("dev", "Token", "积分", "PTS", big1(100))
	stranger := testchain.NewKey(t, tx.AlgoSecp256k1, c.rnd)
	data := pack("Token", "transfer", c.addr("user"), big1(1))
	code, _ := contracts.MustGet("Token").Deploy("x", "X", big1(1))
	sign := func(k *tx.PrivateKey, d types.TxData) []byte {
		raw, err := ethtx.Sign(d, types.NewTx(d).ChainId().Uint64(), k)
		if err != nil {
			t.Fatal(err)
		}
		return ethtx.Wrap(raw)
	}
	userKey := c.eth["user"]
	n := c.ethNonce(userKey)
	for _, tc := range []struct {
		name string
		raw  []byte
		code errcode.Code
		msg  string
	}{
		{"unregistered sender", c.ethTxNonce(stranger, 0, &token, data, 100_000), errcode.UnknownSigner, "is not a member key"},
		{"value transfer", sign(userKey, &types.DynamicFeeTx{ChainID: big.NewInt(int64(c.ethID)), Nonce: n, Gas: 100_000, To: &token, Value: big.NewInt(1), GasFeeCap: new(big.Int), GasTipCap: new(big.Int)}), errcode.RuleViolation, "no native coin"},
		{"other chain", sign(userKey, &types.DynamicFeeTx{ChainID: big.NewInt(int64(c.ethID + 1)), Nonce: n, Gas: 100_000, To: &token, GasFeeCap: new(big.Int), GasTipCap: new(big.Int)}), errcode.WrongChain, "invalid chain id for signer"},
		{"deploy without the role", c.ethTxNonce(userKey, n, nil, code, 2_000_000), errcode.Unauthorized, "may not deploy contracts"},
		{"nonce too low", c.ethTxNonce(c.eth["dev"], 0, &token, data, 100_000), errcode.NonceReplayed, "nonce too low"},
		{"nonce too high", c.ethTxNonce(userKey, n+1, &token, data, 100_000), errcode.NonceGap, "nonce too high"},
		{"intrinsic gas", c.ethTxNonce(userKey, n, &token, data, 21_000), errcode.RuleViolation, "intrinsic gas too low"},
		{"gas over the cap", c.ethTxNonce(userKey, n, &token, data, evm.DefaultTxGasLimit+1), errcode.RuleViolation, "transaction gas limit too high"},
		{"unprotected legacy", func() []byte {
			signed, _ := types.SignNewTx(userKey.ECDSA(), types.HomesteadSigner{}, &types.LegacyTx{Nonce: n, Gas: 100_000, To: &token, GasPrice: new(big.Int)})
			b, _ := signed.MarshalBinary()
			return ethtx.Wrap(b)
		}(), errcode.Malformed, "not replay-protected"},
		{"blob transaction", ethtx.Wrap([]byte{0x03, 0xc0}), errcode.Malformed, "Ethereum transaction"},
		{"not an ethereum transaction", []byte{ethtx.KindEthereum}, errcode.Malformed, "empty"},
	} {
		res := c.Check(tc.raw)
		if errcode.Code(res.Code) != tc.code || !strings.Contains(res.Log, tc.msg) {
			t.Errorf("%s: code %s %q, want %s containing %q", tc.name, errcode.Code(res.Code).Name(), res.Log, tc.code.Name(), tc.msg)
		}
	}
	// None of them consumed a nonce or changed the state.
	if got := c.ethNonce(userKey); got != n {
		t.Fatalf("user's nonce moved to %d", got)
	}
	// An envelope cannot name the Ethereum action.
	r := c.Check(c.SignUnconsumed(c.Members["dev"].Admin, "evm", "ethereum", []byte(`{}`)))
	if errcode.Code(r.Code) != errcode.UnknownAction {
		t.Fatalf("envelope to evm/ethereum: %s %s", errcode.Code(r.Code).Name(), r.Log)
	}
}

func TestFeesAreAcceptedAndNotCharged(t *testing.T) {
	c := newChain(t)
	token := c.deploy("dev", "Token", "积分", "PTS", big1(100))
	k := c.eth["dev"]
	// A wallet that insists on a tip, and a legacy transaction with a gas
	// price: both run; nothing is charged (no account holds a balance).
	for i, d := range []types.TxData{
		&types.DynamicFeeTx{ChainID: big.NewInt(int64(c.ethID)), Nonce: c.ethNonce(k), Gas: 100_000, To: &token, Data: pack("Token", "transfer", c.addr("user"), big1(1)), GasFeeCap: big.NewInt(2e9), GasTipCap: big.NewInt(1e9)},
		&types.LegacyTx{Nonce: c.ethNonce(k) + 1, Gas: 100_000, To: &token, Data: pack("Token", "transfer", c.addr("user"), big1(1)), GasPrice: big.NewInt(1e9)},
		&types.AccessListTx{ChainID: big.NewInt(int64(c.ethID)), Nonce: c.ethNonce(k) + 2, Gas: 100_000, To: &token, Data: pack("Token", "transfer", c.addr("user"), big1(1)), AccessList: types.AccessList{{Address: token}}},
	} {
		raw, err := ethtx.Sign(d, c.ethID, k)
		if err != nil {
			t.Fatal(err)
		}
		if r := c.Check(ethtx.Wrap(raw)); r.Code != 0 {
			t.Fatalf("tx %d: %s", i, r.Log)
		}
		c.Block(ethtx.Wrap(raw))
	}
	if got := c.view(token, "Token", "balanceOf", c.addr("user"))[0]; bigOf(got).Cmp(big1(3)) != 0 {
		t.Fatalf("balanceOf(user) = %v, want 3", got)
	}
}

func TestFactoryDeploysForCallersWithoutTheRole(t *testing.T) {
	c := newChain(t)
	factory := c.deploy("dev", "Factory")
	// user may not deploy, but calls the factory, which deploys a deal
	// for it (ADR 0014: the deploy check is on the transaction's origin).
	res := c.send("user", factory, "Factory", "open", c.addr("dev"))
	if res.Status != 1 {
		t.Fatalf("open: %+v", res)
	}
	deal := common.BytesToAddress(common.FromHex(res.Return))
	if want := crypto.CreateAddress(factory, 1); deal != want {
		t.Fatalf("deal at %s, want %s (factory nonce 1)", deal, want)
	}
	if got := c.view(deal, "Escrow", "buyer")[0].(common.Address); got != c.addr("user") {
		t.Fatalf("buyer %s", got)
	}
	salt := [32]byte{7}
	res = c.send("user", factory, "Factory", "openAt", c.addr("dev"), salt)
	if res.Status != 1 {
		t.Fatalf("openAt: %+v", res)
	}
	// The same salt and arguments again collide and fail.
	if res = c.send("user", factory, "Factory", "openAt", c.addr("dev"), salt); res.Status != 0 {
		t.Fatalf("second openAt with one salt: %+v", res)
	}
	if got := c.view(factory, "Factory", "count")[0]; bigOf(got).Cmp(big1(2)) != 0 {
		t.Fatalf("count = %v", got)
	}
	if res = c.send("user", deal, "Escrow", "release"); res.Status != 1 {
		t.Fatalf("release: %+v", res)
	}
	if res = c.send("dev", deal, "Escrow", "release"); res.Status != 0 || !strings.Contains(res.Error, "only the buyer") {
		t.Fatalf("release by the seller: %+v", res)
	}
	// Contracts a contract creates have no deployment record.
	info, err := evm.GetContract(c.View(), deal)
	if err != nil || info.Org != "" || info.CodeSize == 0 {
		t.Fatalf("deal info %+v, %v", info, err)
	}
}

func TestEnvelopeDeployAndCall(t *testing.T) {
	c := newChain(t)
	admin := c.Members["dev"].Admin // Ed25519: the national algorithms' path is the same envelope
	sm2 := testchain.NewKey(t, tx.AlgoSM2, c.rnd)
	if r := c.Do(c.Members["user"].Admin, "identity", "register_key", map[string]any{"public_key": sm2.Public()}); r.Code != 0 {
		t.Fatal(r.Log)
	}
	code, _ := contracts.MustGet("Token").Deploy("积分", "PTS", big1(500))
	r := c.Do(admin, "evm", "deploy", evmapi.DeployBody{Code: "0x" + common.Bytes2Hex(code), Name: "积分", ABI: string(contracts.MustGet("Token").ABI)})
	res := c.result(r)
	token := common.HexToAddress(res.ContractAddress)
	adminAddr := evm.Address(admin.ID())
	// The admin key registered dev's secp256k1 key first: this is its
	// second transaction, Ethereum nonce 1.
	if res.Status != 1 || token != crypto.CreateAddress(adminAddr, 1) || res.Return != "" {
		t.Fatalf("deploy: %+v", res)
	}
	info, err := evm.GetContract(c.View(), token)
	if err != nil || info.Org != "dev" || info.Name != "积分" || info.ABI == "" || info.Deployer != admin.ID().String() {
		t.Fatalf("contract %+v, %v", info, err)
	}
	sm2Addr := evm.Address(sm2.ID())
	r = c.Do(admin, "evm", "call", evmapi.CallBody{To: token.Hex(), Data: "0x" + common.Bytes2Hex(pack("Token", "transfer", sm2Addr, big1(40))), Gas: 200_000})
	if res = c.result(r); res.Status != 1 || len(res.Logs) != 1 {
		t.Fatalf("call: %+v", res)
	}
	// The SM2 key, its address its key id, sends on.
	r = c.Do(sm2, "evm", "call", evmapi.CallBody{To: token.Hex(), Data: "0x" + common.Bytes2Hex(pack("Token", "transfer", c.addr("user"), big1(15)))})
	if res = c.result(r); res.Status != 1 {
		t.Fatalf("SM2 call: %+v", res)
	}
	if got := c.view(token, "Token", "balanceOf", sm2Addr)[0]; bigOf(got).Cmp(big1(25)) != 0 {
		t.Fatalf("balanceOf(sm2) = %v", got)
	}
	// A revert through the envelope is committed with status 0.
	r = c.Do(sm2, "evm", "call", evmapi.CallBody{To: token.Hex(), Data: "0x" + common.Bytes2Hex(pack("Token", "mint", sm2Addr, big1(1)))})
	if res = c.result(r); res.Status != 0 || res.Error != "execution reverted: Token: only the owner mints" {
		t.Fatalf("mint by another: %+v", res)
	}
	// user's organisation may not deploy through the envelope either.
	if r := c.Do(sm2, "evm", "deploy", evmapi.DeployBody{Code: "0x" + common.Bytes2Hex(code)}); errcode.Code(r.Code) != errcode.Unauthorized {
		t.Fatalf("deploy by user: %s %s", errcode.Code(r.Code).Name(), r.Log)
	}
	for _, tc := range []struct {
		body any
		want string
	}{
		{evmapi.CallBody{To: "0x1234", Data: "0x"}, "is not an address"},
		{evmapi.CallBody{To: token.Hex(), Data: "0xzz"}, "data"},
		{evmapi.CallBody{To: strings.Replace(token.Hex(), "0x", "0x", 1)[:41] + "Z", Data: "0x"}, "is not an address"},
		{evmapi.CallBody{To: token.Hex(), Gas: 1}, "intrinsic gas too low"},
	} {
		if r := c.Do(admin, "evm", "call", tc.body); r.Code == 0 || !strings.Contains(r.Log, tc.want) {
			t.Errorf("call %+v: %s %q, want %q", tc.body, errcode.Code(r.Code).Name(), r.Log, tc.want)
		}
	}
	// describe: only the deploying organisation.
	if r := c.Do(sm2, "evm", "describe", evmapi.DescribeBody{Address: token.Hex(), Name: "换个名"}); errcode.Code(r.Code) != errcode.Unauthorized {
		t.Fatalf("describe by user: %s", r.Log)
	}
	if r := c.Do(admin, "evm", "describe", evmapi.DescribeBody{Address: token.Hex(), ABI: "not json"}); errcode.Code(r.Code) != errcode.MalformedBody {
		t.Fatalf("describe with a bad ABI: %s", r.Log)
	}
	if r := c.Do(admin, "evm", "describe", evmapi.DescribeBody{Address: token.Hex(), Name: "会员积分"}); r.Code != 0 {
		t.Fatal(r.Log)
	}
	page, err := evm.ListContracts(c.View(), "dev", "", 10)
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != "会员积分" {
		t.Fatalf("dev's contracts %+v, %v", page, err)
	}
}

func TestOneNonceSequenceForBothKinds(t *testing.T) {
	c := newChain(t)
	token := c.deploy("dev", "Token", "积分", "PTS", big1(100)) // dev's Ethereum nonce 0
	k := c.eth["dev"]
	// The secp256k1 key signs an envelope: number 2 of its sequence.
	env := c.SignNonce(k, 2, "evm", "call", evmapi.CallBody{To: token.Hex(), Data: "0x" + common.Bytes2Hex(pack("Token", "transfer", c.addr("user"), big1(1)))})
	if res := c.result(c.run(env)); res.Status != 1 {
		t.Fatalf("envelope by the secp256k1 key: %+v", res)
	}
	// Its next Ethereum transaction has nonce 2.
	if n := c.ethNonce(k); n != 2 {
		t.Fatalf("next Ethereum nonce %d, want 2", n)
	}
	if r := c.Check(c.ethTxNonce(k, 1, &token, nil, 100_000)); errcode.Code(r.Code) != errcode.NonceReplayed {
		t.Fatalf("Ethereum nonce 1 after the envelope: %s", r.Log)
	}
	// A deployment's address follows the same count.
	code, _ := contracts.MustGet("Gas").Deploy()
	res := c.result(c.run(c.ethTx(k, nil, code, 3_000_000)))
	if res.Status != 1 || common.HexToAddress(res.ContractAddress) != crypto.CreateAddress(c.addr("dev"), 2) {
		t.Fatalf("deploy at nonce 2: %+v", res)
	}
	if n, err := evm.GetNonce(c.View(), c.addr("dev")); err != nil || n != 3 {
		t.Fatalf("account nonce %d, %v", n, err)
	}
}

func TestSeveralTransactionsOfOneSenderInABlock(t *testing.T) {
	c := newChain(t)
	token := c.deploy("dev", "Token", "积分", "PTS", big1(1000))
	k := c.eth["dev"]
	var txs [][]byte
	n := c.ethNonce(k)
	for i := range 5 {
		raw := c.ethTxNonce(k, n+uint64(i), &token, pack("Token", "transfer", c.addr("user"), big1(int64(i+1))), 100_000)
		if r := c.Check(raw); r.Code != 0 {
			t.Fatalf("check %d: %s", i, r.Log)
		}
		txs = append(txs, raw)
	}
	// A revert in the middle takes nothing from the others.
	txs[2] = c.ethTxNonce(k, n+2, &token, pack("Token", "transfer", c.addr("user"), big1(1_000_000)), 100_000)
	res, _ := c.Block(txs...)
	var statuses []uint64
	for _, r := range res {
		statuses = append(statuses, c.result(r).Status)
	}
	if want := []uint64{1, 1, 0, 1, 1}; !slicesEqual(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	if got := c.view(token, "Token", "balanceOf", c.addr("user"))[0]; bigOf(got).Cmp(big1(1+2+4+5)) != 0 {
		t.Fatalf("balanceOf(user) = %v", got)
	}
	hashes, _ := evm.BlockTxs(c.View(), c.Height)
	if len(hashes) != 5 {
		t.Fatalf("block index has %d transactions", len(hashes))
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGovernanceGrantsTheDeployRole(t *testing.T) {
	c := newChain(t)
	code, _ := contracts.MustGet("Token").Deploy("积分", "PTS", big1(1))
	if r := c.Check(c.ethTx(c.eth["user"], nil, code, 2_000_000)); errcode.Code(r.Code) != errcode.Unauthorized {
		t.Fatalf("deploy before the grant: %s", r.Log)
	}
	// The consortium (both organisations: the proposer's vote counts)
	// gives user the role.
	if r := c.Do(c.Members["dev"].Admin, "identity", "propose", map[string]any{"kind": "set_roles", "org_id": "user", "roles": []string{"supplier", string(evmapi.Deployer)}}); r.Code != 0 {
		t.Fatal(r.Log)
	}
	if r := c.Do(c.Members["user"].Admin, "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}); r.Code != 0 {
		t.Fatalf("vote: %s", r.Log)
	}
	res := c.result(c.run(c.ethTx(c.eth["user"], nil, code, 2_000_000)))
	if res.Status != 1 {
		t.Fatalf("deploy after the grant: %+v", res)
	}
}
