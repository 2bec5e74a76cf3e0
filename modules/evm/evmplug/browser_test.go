package evmplug_test

import (
	"context"
	"encoding/json"
	"math/big"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/contracts"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/modules/evm/evmplug"
	"github.com/dengta-chain/dengta/proof"
)

// TestContractPages: the alliance deploys a points token with its ABI
// and gives the cooperative 500 points; in the hall, the cooperative's
// staff open the token, read their balance, send 120 points to the
// supermarket with their custodial key, see the Transfer event, and are
// refused an over-balance transfer with the contract's reason; a contract
// deployed without an ABI is used with an ABI pasted into the page.
func TestContractPages(t *testing.T) {
	d, home := browsertest.Node(t)
	ctx := browsertest.Browser(t)
	base := d.GatewayURL
	keys := filepath.Join(home, "keys")
	bg := context.Background()
	c := client.New(base)
	alliance, err := client.LoadKey(devnet.KeyFile(keys, "alliance"))
	if err != nil {
		t.Fatal(err)
	}
	addrOf := func(org string) common.Address {
		k, err := client.LoadKey(devnet.KeyFile(keys, org))
		if err != nil {
			t.Fatal(err)
		}
		return common.HexToAddress(k.ID())
	}
	coop, market := addrOf("coop"), addrOf("market")
	token := contracts.MustGet("Token")
	code, _ := token.Deploy("梨花联盟积分", "PEAR", big.NewInt(1_000_000))
	res, _, err := client.Send(bg, c, alliance, evmapi.Deploy, evmapi.DeployBody{Code: hexutil.Encode(code), Gas: 3_000_000, Name: "梨花联盟积分", ABI: string(token.ABI)})
	if err != nil || res.Status != 1 {
		t.Fatalf("deploy: %+v %v", res, err)
	}
	addr := res.ContractAddress
	data, _ := token.Parsed().Pack("transfer", coop, big.NewInt(500))
	if res, _, err := client.Send(bg, c, alliance, evmapi.Call, evmapi.CallBody{To: addr, Data: hexutil.Encode(data)}); err != nil || res.Status != 1 {
		t.Fatalf("transfer: %+v %v", res, err)
	}
	gasCode, _ := contracts.MustGet("Gas").Deploy()
	res, _, err = client.Send(bg, c, alliance, evmapi.Deploy, evmapi.DeployBody{Code: hexutil.Encode(gasCode), Gas: 3_000_000})
	if err != nil || res.Status != 1 {
		t.Fatalf("deploy Gas: %+v %v", res, err)
	}
	gasAddr := res.ContractAddress

	browsertest.SignIn(t, ctx, base, "coop-admin")
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/contracts"), chromedp.WaitVisible("#all", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#all"), "梨花联盟积分", "the consortium's contracts")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#rpc-url"), base+"/eth/", "the RPC URL for Ethereum tools")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#mine"), "暂无合约", "the cooperative deployed none")

	// Open it by its address, as someone given the address would.
	browsertest.Run(t, ctx, chromedp.SendKeys("#address", strings.ToLower(addr), chromedp.ByQuery), chromedp.Click("#open", chromedp.ByQuery),
		chromedp.WaitVisible("#fn-balanceOf", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#org"), "砀山酥梨品质联盟", "the deploying organisation, by name")
	browsertest.Run(t, ctx, chromedp.SendKeys("#balanceOf-in0", coop.Hex(), chromedp.ByQuery), chromedp.Click("#balanceOf-read", chromedp.ByQuery),
		chromedp.WaitVisible("#result", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#result"), "500", "the cooperative's balance")

	browsertest.Run(t, ctx, chromedp.SendKeys("#transfer-in0", market.Hex(), chromedp.ByQuery), chromedp.SendKeys("#transfer-in1", "120", chromedp.ByQuery),
		chromedp.Click("#transfer-send", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已上链")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#events"), "Transfer", "the events")
	browsertest.Contains(t, browsertest.Text(t, ctx, "#events"), "value: 120", "the transfer's event")
	browsertest.Screenshot(t, ctx, "contract")

	// The page's proof downloads verify offline against the genesis: the
	// contract's code, the total supply's slot (position 2) and the
	// transfer's receipt.
	trust, err := proof.ParseTrust(node.GenesisFile(home))
	if err != nil {
		t.Fatal(err)
	}
	get := func(sel, attr string) (int, []byte) {
		t.Helper()
		var out string
		browsertest.Run(t, ctx, chromedp.Evaluate(`(function(){var u=document.querySelector(`+"`"+sel+"`"+`)`+attr+`;var x=new XMLHttpRequest();x.open("GET",u,false);x.send();return x.status+"\n"+x.responseText})()`, &out))
		status, body, _ := strings.Cut(out, "\n")
		n, _ := strconv.Atoi(status)
		return n, []byte(body)
	}
	for _, c := range []struct{ sel, attr, key string }{
		{"#proof-code", ".href", ""},
		{"#proof-account", ".href", string(evm.AccountStateKey(common.HexToAddress(addr)))},
		{"#proof-slot-form", `.action+"?slot=2"`, string(evm.StorageStateKey(common.HexToAddress(addr), common.BigToHash(big.NewInt(2))))},
		{"#events tr:last-child .proof-receipt", ".href", ""},
	} {
		status, body := get(c.sel, c.attr)
		if status != 200 {
			t.Fatalf("proof download %s: %d %s", c.sel, status, body)
		}
		rep, err := proof.Verify(body, trust)
		if err != nil || !rep.OK || !rep.Exists || (c.key != "" && rep.Key != c.key) {
			t.Fatalf("proof download %s does not verify: %v %+v", c.sel, err, rep)
		}
		switch {
		case strings.HasPrefix(rep.Key, "evm/s/"):
			if new(big.Int).SetBytes(rep.Value).Int64() != 1_000_000 {
				t.Fatalf("total supply's slot proves %x", rep.Value)
			}
		case strings.HasPrefix(rep.Key, "evm/rcpt/"):
			var r evmapi.Receipt
			if err := json.Unmarshal(rep.Value, &r); err != nil || r.Status != 1 || !strings.EqualFold(r.From, coop.Hex()) {
				t.Fatalf("proven receipt: %v %+v", err, r)
			}
		}
	}
	if status, body := get("#proof-slot-form", `.action+"?slot=zz"`); status != 400 || !strings.Contains(string(body), "存储槽应为十进制序号") {
		t.Fatalf("a bad slot: %d %s", status, body)
	}

	browsertest.Run(t, ctx, chromedp.SendKeys("#transfer-in0", market.Hex(), chromedp.ByQuery), chromedp.SendKeys("#transfer-in1", "100000", chromedp.ByQuery),
		chromedp.Click("#transfer-send", chromedp.ByQuery), chromedp.WaitVisible("#err", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#err"), "Token: transfer amount exceeds balance", "the revert's reason")

	// A contract without a published ABI: paste one.
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/contracts/"+gasAddr), chromedp.WaitVisible("#abi-form", chromedp.ByQuery))
	browsertest.Run(t, ctx, chromedp.SetValue("#abi", string(contracts.MustGet("Gas").ABI), chromedp.ByQuery), chromedp.Click("#use-abi", chromedp.ByQuery),
		chromedp.WaitVisible("#fn-counter", chromedp.ByQuery))
	browsertest.Run(t, ctx, chromedp.SendKeys("#store-in0", "7", chromedp.ByQuery), chromedp.SendKeys("#store-in1", "42", chromedp.ByQuery),
		chromedp.Click("#store-send", chromedp.ByQuery))
	browsertest.ExpectMessage(t, ctx, "已上链")
	browsertest.Run(t, ctx, chromedp.SetValue("#abi", string(contracts.MustGet("Gas").ABI), chromedp.ByQuery), chromedp.Click("#use-abi", chromedp.ByQuery),
		chromedp.WaitVisible("#fn-slots", chromedp.ByQuery),
		chromedp.SendKeys("#slots-in0", "7", chromedp.ByQuery), chromedp.Click("#slots-read", chromedp.ByQuery), chromedp.WaitVisible("#result", chromedp.ByQuery))
	browsertest.Contains(t, browsertest.Text(t, ctx, "#result"), "42", "the stored value")
	// Only the deploying organisation may publish the ABI.
	var n int
	browsertest.Run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#publish-abi").length`, &n))
	if n != 0 {
		t.Fatal("the cooperative is offered to publish the ABI of the alliance's contract")
	}

	searchAndPage(t, ctx, base, strings.ToLower(addr), strings.ToLower(gasAddr))
}

// searchAndPage: with one contract a page, the consortium's contracts
// page one by one with the search kept, in Chinese and in English, found
// by the deploying organisation's name in either language; a search
// that finds nothing says so and how to go on.
func searchAndPage(t *testing.T, ctx context.Context, base string, contracts ...string) {
	defer evmplug.SetListPage(1)()
	for _, c := range []struct{ lang, q, nomatch string }{
		{"zh", "砀山酥梨品质联盟", "没有找到符合条件的合约"},
		{"en", "pear QUALITY alliance", "No contract matches"},
	} {
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/contracts?lang="+c.lang), chromedp.WaitVisible("#search-form", chromedp.ByQuery),
			chromedp.SendKeys("#q", c.q, chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery), chromedp.WaitVisible("#clear", chromedp.ByQuery))
		got := browsertest.PageThrough(t, ctx, "#all tbody tr td:nth-child(2)", "#more-all")
		var seen []string
		for _, a := range got {
			seen = append(seen, strings.ToLower(a))
		}
		slices.Sort(seen)
		want := slices.Sorted(slices.Values(contracts))
		if !slices.Equal(seen, want) {
			t.Errorf("%s: paging the search for %q lists %v, want %v", c.lang, c.q, seen, want)
		}
		if v := browsertest.Text(t, ctx, "#mine"); !strings.Contains(v, map[string]string{"zh": "没有找到", "en": "No contract matches"}[c.lang]) {
			t.Errorf("%s: the cooperative's own list under a search: %q", c.lang, v)
		}
		browsertest.Screenshot(t, ctx, "hall-contracts-search-"+c.lang)
		browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/contracts?q=no-such-contract"), chromedp.WaitVisible("#all .empty", chromedp.ByQuery))
		browsertest.Contains(t, browsertest.Text(t, ctx, "#all .empty"), c.nomatch, "a search that finds nothing")
	}
	browsertest.Run(t, ctx, chromedp.Navigate(base+"/hall/contracts?lang=zh"))
}
