package evmplug_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/npmtest"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// ethKey is a fresh secp256k1 key with its private key in hex, for
// ethers.js.
type ethKey struct {
	k   *tx.PrivateKey
	hex string
}

func newEthKey(t testing.TB) ethKey {
	t.Helper()
	k, err := tx.GenerateKey(tx.AlgoSecp256k1, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return ethKey{k: k, hex: "0x" + hex.EncodeToString(k.Bytes())}
}

// registerEthKey registers k as a member key of a demo organisation,
// signed by the organisation's admin key.
func registerEthKey(t testing.TB, base, home, org string, k ethKey) {
	t.Helper()
	admin, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), org))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := json.Marshal(k.k.Public())
	rec, err := client.New(base).Do(context.Background(), admin, "identity", "register_key", map[string]any{"public_key": json.RawMessage(pub), "name": "ethers"})
	if err != nil || rec.Code != 0 {
		t.Fatalf("register %s's key: %v %+v", org, err, rec)
	}
}

var newToken = regexp.MustCompile(`<code id="new-token">([^<]+)</code>`)

// apiToken makes a hall API token for user through the account page.
func apiToken(t testing.TB, base, user string) string {
	t.Helper()
	c, csrf := nodetest.SignIn(t, base, user)
	resp, err := c.PostForm(base+"/hall/account/tokens", url.Values{"csrf": {csrf}, "name": {"ethers"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	m := newToken.FindStringSubmatch(b.String())
	if m == nil {
		t.Fatalf("no token on the account page (%d)", resp.StatusCode)
	}
	return m[1]
}

// contractSources returns the Solidity sources of the module's contracts.
func contractSources(t testing.TB, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "contracts", n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// TestEthersAgainstANode is what a Solidity developer does first, with
// the tools they already have: ethers.js and solc-js against a real dev
// node through its Ethereum JSON-RPC. It compiles an ERC-20 token and an
// ERC-721 collection (数字藏品), deploys both, transfers, mints, reads
// balances and events (getLogs), sees a revert with its reason, and is
// refused for an unregistered address and for deploying without the role.
func TestEthersAgainstANode(t *testing.T) {
	dir := npmtest.Require(t, "ethers")
	npmtest.Require(t, "solc")
	d, home := nodetest.DevHall(t, modules.Registry())
	deployer, holder, stranger := newEthKey(t), newEthKey(t), newEthKey(t)
	registerEthKey(t, d.GatewayURL, home, "alliance", deployer) // a contract deployer in the demo
	registerEthKey(t, d.GatewayURL, home, "coop", holder)       // a member without the role
	token := apiToken(t, d.GatewayURL, "alliance-admin")

	in, _ := json.Marshal(map[string]any{
		"url":      d.GatewayURL + "/eth/" + token,
		"public":   d.GatewayURL + "/eth",
		"deployer": deployer.hex, "holder": holder.hex, "stranger": stranger.hex,
		"sources": contractSources(t, "Token.sol", "Collectible.sol"),
	})
	out := npmtest.Node(t, dir, ethersScript, in)
	var got struct {
		ChainID        string   `json:"chainId"`
		Token          string   `json:"token"`
		NFT            string   `json:"nft"`
		BalanceHolder  string   `json:"balanceHolder"`
		BalanceDep     string   `json:"balanceDeployer"`
		TransferLogs   int      `json:"transferLogs"`
		FilterLogs     int      `json:"filterLogs"`
		Owner          string   `json:"owner"`
		NFTBalance     string   `json:"nftBalance"`
		TokenURI       string   `json:"tokenURI"`
		RevertReason   string   `json:"revertReason"`
		RevertStatus   int      `json:"revertStatus"`
		RevertTxReason string   `json:"revertTxReason"`
		Stranger       string   `json:"stranger"`
		NoDeploy       string   `json:"noDeploy"`
		PublicCall     string   `json:"publicCall"`
		PublicNonce    string   `json:"publicNonce"`
		Nonces         []int    `json:"nonces"`
		Steps          []string `json:"steps"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("script output %s: %v", out, err)
	}
	t.Logf("ethers: %s", strings.Join(got.Steps, "; "))
	if got.BalanceHolder != "2500" || got.BalanceDep != "997500" {
		t.Errorf("balances holder %s, deployer %s; want 2500 and 997500", got.BalanceHolder, got.BalanceDep)
	}
	if got.TransferLogs != 5 || got.FilterLogs != 1 {
		t.Errorf("Transfer logs: %d by getLogs (want the mint and four transfers), %d from the holder by queryFilter (want 1)", got.TransferLogs, got.FilterLogs)
	}
	if want := []int{1, 1, 2}; len(got.Nonces) != 3 || got.Nonces[0] != want[0] || got.Nonces[1] != want[1] || got.Nonces[2] != want[2] {
		t.Errorf("nonces %v: pending count, then two transactions sent in a row, want %v", got.Nonces, want)
	}
	if got.NFTBalance != "1" || got.TokenURI != "ipfs://dengta/pear/1.json" {
		t.Errorf("collectible: balance %s, uri %q", got.NFTBalance, got.TokenURI)
	}
	if got.RevertReason != "Token: transfer amount exceeds balance" {
		t.Errorf("revert reason seen by ethers: %q", got.RevertReason)
	}
	if got.RevertStatus != 0 || got.RevertTxReason == "" {
		t.Errorf("reverted transaction mined: status %d, reason %q", got.RevertStatus, got.RevertTxReason)
	}
	if !strings.Contains(got.Stranger, "not a member key") {
		t.Errorf("unregistered sender: %q", got.Stranger)
	}
	if !strings.Contains(got.NoDeploy, "may not deploy contracts") {
		t.Errorf("deploy without the role: %q", got.NoDeploy)
	}
	if strings.Count(got.PublicCall, "unauthorized") != 2 || got.PublicNonce != "7" {
		t.Errorf("public endpoint: call %q, nonce %q", got.PublicCall, got.PublicNonce)
	}
}

// ethersScript is the developer's side, in ethers.js v6 and solc-js.
const ethersScript = `
const { ethers } = require("ethers");
const solc = require("solc");
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => main(JSON.parse(input)).catch((e) => { console.error(e); process.exit(1); }));

function compile(sources) {
  const req = { language: "Solidity", sources: {}, settings: { outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } } };
  for (const [n, c] of Object.entries(sources)) req.sources[n] = { content: c };
  const out = JSON.parse(solc.compile(JSON.stringify(req)));
  const errs = (out.errors || []).filter((e) => e.severity === "error");
  if (errs.length) throw new Error(errs.map((e) => e.formattedMessage).join("\n"));
  return out.contracts;
}

async function main(cfg) {
  const steps = [];
  const out = { steps };
  const built = compile(cfg.sources);
  const provider = new ethers.JsonRpcProvider(cfg.url, undefined, { polling: true, pollingInterval: 200 });
  const net = await provider.getNetwork();
  out.chainId = net.chainId.toString();
  // ethers answers a repeated request from a cache for 250 ms, so a
  // signer that sends one transaction after another counts its nonces
  // itself (NonceManager), as on any fast chain.
  const deployerWallet = new ethers.Wallet(cfg.deployer, provider);
  const holderWallet = new ethers.Wallet(cfg.holder, provider);
  const deployer = new ethers.NonceManager(deployerWallet);
  const holder = new ethers.NonceManager(holderWallet);
  deployer.address = deployerWallet.address;
  holder.address = holderWallet.address;
  const stranger = new ethers.Wallet(cfg.stranger, provider);
  steps.push("chain " + out.chainId);

  // ERC-20
  const T = built["Token.sol"].Token;
  const tf = new ethers.ContractFactory(T.abi, T.evm.bytecode.object, deployer);
  const token = await tf.deploy("积分", "PTS", 1000000n);
  await token.waitForDeployment();
  out.token = await token.getAddress();
  steps.push("token at " + out.token);
  // Several transactions in a row, without waiting for each.
  const n0 = Number(await provider.send("eth_getTransactionCount", [deployer.address, "pending"]));
  const t1 = await token.transfer(holder.address, 1000n);
  const t2 = await token.transfer(holder.address, 1500n);
  out.nonces = [n0, t1.nonce, t2.nonce];
  await t1.wait();
  const r2 = await t2.wait();
  if (r2.status !== 1) throw new Error("transfer failed");
  const t3 = await token.connect(holder).transfer(deployer.address, 500n);
  await t3.wait();
  const t4 = await token.transfer(holder.address, 500n);
  await t4.wait();
  out.balanceHolder = (await token.balanceOf(holder.address)).toString();
  out.balanceDeployer = (await token.balanceOf(deployer.address)).toString();
  steps.push("balances " + out.balanceHolder + " / " + out.balanceDeployer);

  // Events: getLogs by address and topic, and a filter on the indexed "to".
  const transfer = token.interface.getEvent("Transfer").topicHash;
  const logs = await provider.getLogs({ address: out.token, topics: [transfer], fromBlock: 0, toBlock: "latest" });
  out.transferLogs = logs.length;
  const fromDeployer = await provider.getLogs({ address: out.token, topics: [transfer, ethers.zeroPadValue(deployer.address, 32)], fromBlock: 0 });
  const mint = await provider.getLogs({ address: out.token, topics: [transfer, ethers.ZeroHash], fromBlock: 0 });
  if (fromDeployer.length !== 3 || mint.length !== 1) throw new Error("logs from the deployer: " + fromDeployer.length + ", mint: " + mint.length);
  const holderToDeployer = await token.queryFilter(token.filters.Transfer(holder.address, deployer.address), 0);
  out.filterLogs = holderToDeployer.length;
  steps.push(out.transferLogs + " Transfer logs");

  // ERC-721 (数字藏品)
  const C = built["Collectible.sol"].Collectible;
  const cf = new ethers.ContractFactory(C.abi, C.evm.bytecode.object, deployer);
  const nft = await cf.deploy("砀山梨花", "PEAR");
  await nft.waitForDeployment();
  out.nft = await nft.getAddress();
  const fileHash = ethers.sha256(ethers.toUtf8Bytes("梨花.png"));
  await (await nft.mint(deployer.address, 1n, "ipfs://dengta/pear/1.json", fileHash)).wait();
  await (await nft.transferFrom(deployer.address, holder.address, 1n)).wait();
  out.owner = await nft.ownerOf(1n);
  out.nftBalance = (await nft.balanceOf(holder.address)).toString();
  out.tokenURI = await nft.tokenURI(1n);
  if (out.owner !== holder.address) throw new Error("owner " + out.owner);
  steps.push("collectible 1 owned by the holder");

  // A revert: estimateGas reports the reason...
  try {
    await token.connect(holder).transfer(deployer.address, 10n ** 9n);
    throw new Error("an over-balance transfer went through");
  } catch (e) {
    out.revertReason = e.reason || e.shortMessage;
    holder.reset(); // the manager counted the transaction that was never sent
  }
  // ...and sent anyway, with its own gas limit, it is mined with status 0.
  const bad = await token.connect(holder).transfer(deployer.address, 10n ** 9n, { gasLimit: 100000n });
  try {
    await bad.wait();
    out.revertStatus = 1;
  } catch (e) {
    out.revertStatus = e.receipt ? e.receipt.status : -1;
    const rc = await provider.send("eth_getTransactionReceipt", [bad.hash]);
    out.revertTxReason = rc.revertReason || "";
  }
  steps.push("revert: " + out.revertReason);

  // Refusals: an address no organisation registered, and a member
  // without the deploy role.
  try {
    await token.connect(stranger).transfer(deployer.address, 1n, { gasLimit: 100000n, nonce: 0 });
    out.stranger = "accepted";
  } catch (e) {
    out.stranger = e.message;
  }
  try {
    const f = new ethers.ContractFactory(T.abi, T.evm.bytecode.object, holderWallet);
    // The holder's next nonce from the node itself (ethers' 250 ms cache
    // may still hold the count from before the reverted transfer).
    const nonce = Number(await provider.send("eth_getTransactionCount", [holder.address, "pending"]));
    await f.deploy("x", "X", 1n, { gasLimit: 3000000n, nonce });
    out.noDeploy = "accepted";
  } catch (e) {
    out.noDeploy = e.message;
  }

  // The public endpoint: chain facts yes, contract reads no.
  const pub = new ethers.JsonRpcProvider(cfg.public, undefined, { staticNetwork: true });
  out.publicNonce = (await pub.getTransactionCount(deployer.address)).toString();
  try {
    await pub.call({ to: out.token, data: token.interface.encodeFunctionData("totalSupply") });
    out.publicCall = "answered";
  } catch (e) {
    // ethers reports any failed eth_call as a call exception; the node's
    // message is in the JSON-RPC error it carries.
    out.publicCall = e.info && e.info.error ? e.info.error.message : e.message;
  }
  try {
    await pub.getLogs({ address: out.token, fromBlock: 0 });
    out.publicCall += "; getLogs answered";
  } catch (e) {
    out.publicCall += "; " + e.message;
  }
  provider.destroy();
  pub.destroy();
  process.stdout.write(JSON.stringify(out));
}
`
