package evmplug

import (
	"context"
	"fmt"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
)

// The contracts panel looks at the latest dashboardBlocks blocks, in
// dashboardBuckets equal ranges: receipts record their block, not a time,
// and the pages cannot read a past block's time from state.
const (
	dashboardBlocks  = 5000
	dashboardBuckets = 10
	// dashboardContracts bounds the contracts counted.
	dashboardContracts = 10000
)

// dashboard is the organisation's contracts panel: how many it deployed,
// and its contract transactions (deployments and calls) over the latest
// blocks, succeeded and failed. Organisations that may deploy get it, and
// any that sent contract transactions lately.
func dashboard(_ context.Context, b *pages.Board) ([]pages.Tile, error) {
	org := b.Org.ID
	deployed, more, err := evm.CountContracts(b.View, org, dashboardContracts)
	if err != nil {
		return nil, err
	}
	latest := b.View.Version()
	from := max(1, latest-dashboardBlocks+1)
	width := max(1, (latest-from+1+dashboardBuckets-1)/dashboardBuckets)
	ok := make([]int64, dashboardBuckets)
	failed := make([]int64, dashboardBuckets)
	var calls, okCalls, failedCalls int64
	err = evm.OrgReceipts(b.View, org, from, latest, func(rc *evmapi.Receipt) {
		i := min(int((rc.Height-from)/width), dashboardBuckets-1)
		if rc.Status == 1 {
			ok[i]++
		} else {
			failed[i]++
		}
		if rc.To != "" {
			calls++
			if rc.Status == 1 {
				okCalls++
			} else {
				failedCalls++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	var sent int64
	for i := range ok {
		sent += ok[i] + failed[i]
	}
	if deployed == 0 && sent == 0 && !b.Has(string(evmapi.Deployer)) {
		return nil, nil
	}
	n := chart.Int(int64(deployed))
	if more {
		n += "+"
	}
	t := pages.Tile{ID: "evm-contracts", Title: b.T("dct.title"),
		Figures: []pages.Figure{{Label: b.T("dct.deployed"), Value: n}, {Label: b.T("dct.calls"), Value: chart.Int(calls)}, {Label: b.T("dct.failed"), Value: chart.Int(failedCalls)}},
		Links:   []pages.Link{{Path: "/hall/contracts", Key: "dct.list"}}}
	if sent == 0 {
		if deployed == 0 {
			t.Empty = b.T("dct.empty")
		} else {
			t.Empty = b.T("dct.quiet")
		}
		return []pages.Tile{t}, nil
	}
	cats := make([]string, dashboardBuckets)
	for i := range cats {
		lo := from + int64(i)*width
		hi := min(latest, lo+width-1)
		if lo > latest {
			lo, hi = latest, latest
		}
		cats[i] = fmt.Sprintf("%d–%d", lo, hi)
	}
	t.Chart = &chart.Bar{Axes: chart.Axes{
		Text:   chart.Text{ID: "evm-contracts-chart", Title: b.T("dct.chart"), Desc: b.Tp("dct.desc", "n", chart.Int(sent), "from", chart.Int(from), "to", chart.Int(latest), "ok", chart.Int(okCalls), "failed", chart.Int(failedCalls))},
		XLabel: b.T("dct.blocks"), YLabel: b.T("dct.unit"),
		Categories: cats,
		Series:     []chart.Series{{Name: b.T("dct.ok"), Values: ok}, {Name: b.T("dct.bad"), Values: failed}},
	}}
	return []pages.Tile{t}, nil
}

var dashMessages = pages.Messages{
	"dct.title":    {"智能合约", "Smart contracts"},
	"dct.deployed": {"本机构部署的合约", "Contracts deployed"},
	"dct.calls":    {"近期合约调用", "Recent contract calls"},
	"dct.failed":   {"其中失败", "Of which failed"},
	"dct.list":     {"查看合约", "See the contracts"},
	"dct.chart":    {"近期区块中本机构的合约交易", "Your contract transactions in recent blocks"},
	"dct.desc":     {"第 {from} 至 {to} 号区块中，本机构共发送合约交易 {n} 笔；其中调用成功 {ok} 笔、失败 {failed} 笔。", "{n} contract transactions by your organisation in blocks {from} to {to}; {ok} calls succeeded and {failed} failed."},
	"dct.blocks":   {"区块范围", "Blocks"},
	"dct.unit":     {"交易笔数", "Transactions"},
	"dct.ok":       {"成功", "Succeeded"},
	"dct.bad":      {"失败", "Failed"},
	"dct.empty":    {"本机构还没有部署或调用合约。“智能合约”页面说明如何部署合约（需合约部署者角色）以及如何读取和调用合约。", "Your organisation has deployed and called no contracts yet. The smart contracts page tells how to deploy one (with the contract deployer role) and how to read and call contracts."},
	"dct.quiet":    {"近期区块中本机构没有合约交易。在“智能合约”页面打开合约即可读取或签名调用。", "No contract transactions by your organisation in recent blocks. Open a contract on the smart contracts page to read it or send a signed call."},
}
