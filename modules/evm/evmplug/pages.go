package evmplug

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/evm"
	"github.com/dengta-chain/dengta/modules/evm/evmapi"
	"github.com/dengta-chain/dengta/tx"
)

//go:embed templates/*.html
var templates embed.FS

// contractPages are the hall's contract pages: the organisation's
// contracts and the consortium's, and a contract's page where a user
// reads it, sends signed calls with the custodial key and sees its
// events, all by the contract's ABI (published on chain, or pasted).
type contractPages struct{ site pages.Site }

func pagesModule() *pages.Module {
	sub, _ := fs.Sub(templates, "templates")
	return &pages.Module{
		Reasons:   reasons,
		Templates: sub,
		Messages:  pages.Merge(messages, dashMessages),
		Title:     title,
		Dashboard: dashboard,
		Actions:   actionNames,
		Funcs: template.FuncMap{
			// ctArgs passes a function, the page's data and the CSRF
			// token to the function form's template.
			"ctArgs": func(f fn, d *contractData, csrf string) map[string]any {
				return map[string]any{"F": f, "D": d, "CSRF": csrf}
			},
			"ctValue": func(vals []string, i int) string {
				if i < len(vals) {
					return vals[i]
				}
				return ""
			},
		},
		Hall: []pages.Link{{Path: "/hall/contracts", Key: "ct.title"}},
		Routes: func(site pages.Site, r pages.Router) {
			s := &contractPages{site: site}
			r.SignedIn("GET /hall/contracts", s.list)
			r.SignedIn("GET /hall/contracts/{address}", s.contract)
			r.SignedIn("POST /hall/contracts/{address}", s.act)
			r.SignedIn("GET /hall/contracts/{address}/proof", s.proof)
		},
	}
}

// listPage is the number of contracts a list's page shows.
var listPage = 30

type listData struct {
	Mine, All *api.Page[evmapi.Contract]
	// Search is what the clerk looks for; AfterMine and AfterAll are the
	// pages of the two lists being shown.
	Search, AfterMine, AfterAll string
	RPCURL                      string
	Deployer                    bool
	Error                       string
}

func (s *contractPages) list(p *pages.Page) error {
	v, err := s.site.View(0)
	if err != nil {
		return err
	}
	q := p.R.URL.Query()
	d := &listData{RPCURL: s.site.PublicURL("/eth/"), Search: strings.TrimSpace(q.Get("q")), AfterMine: q.Get("after"), AfterAll: q.Get("all_after")}
	search := module.NewSearch(v, d.Search)
	if d.Mine, err = evm.SearchContracts(v, p.User.Org, search, d.AfterMine, listPage); err != nil {
		return err
	}
	if d.All, err = evm.SearchContracts(v, "", search, d.AfterAll, listPage); err != nil {
		return err
	}
	d.Deployer = p.User.Has(string(evmapi.Deployer))
	if a := strings.TrimSpace(p.R.URL.Query().Get("address")); a != "" {
		if !common.IsHexAddress(a) {
			d.Error = p.T("ct.badaddress")
		} else {
			http.Redirect(p.W, p.R, "/hall/contracts/"+common.HexToAddress(a).Hex(), http.StatusSeeOther)
			return nil
		}
	}
	p.Title, p.Data = p.T("ct.title"), d
	return s.site.Render(p, "hall_contracts")
}

// fn is a function of the ABI, as the page offers it.
type fn struct {
	Name, Signature string
	View            bool
	Inputs          []arg
	// Values are what the user typed last time, by input.
	Values []string
}

type arg struct{ Name, Type string }

// event is a decoded log of the contract.
type event struct {
	Height int64
	Tx     string
	Name   string
	Args   string
}

type contractData struct {
	Info      *evmapi.ContractInfo
	Address   string
	ABI       string // the ABI the page works with
	Published bool   // it is the one published on chain
	Own       bool   // the user's organisation deployed it
	Funcs     []fn
	Events    []event
	Result    string // a read's answer or a sent call's outcome
	ResultOK  bool
	Method    string
	Error     string
	Done      string
}

func (s *contractPages) contract(p *pages.Page) error {
	d, err := s.load(p, "")
	if err != nil {
		return err
	}
	return s.render(p, d)
}

// load reads the contract and works out its ABI: the pasted one, or the
// one published on chain.
func (s *contractPages) load(p *pages.Page, pasted string) (*contractData, error) {
	a := p.R.PathValue("address")
	if !common.IsHexAddress(a) {
		return nil, errcode.New(errcode.BadRequest, "%s", p.T("ct.badaddress"))
	}
	addr := common.HexToAddress(a)
	v, err := s.site.View(0)
	if err != nil {
		return nil, err
	}
	info, err := evm.GetContract(v, addr)
	if err != nil {
		return nil, err
	}
	d := &contractData{Info: info, Address: addr.Hex(), Own: info.Org == p.User.Org && info.Org != ""}
	d.ABI, d.Published = strings.TrimSpace(pasted), false
	if d.ABI == "" && info.ABI != "" {
		d.ABI, d.Published = info.ABI, true
	}
	if d.ABI == "" {
		return d, nil
	}
	parsed, _, err := ParseABI([]byte(d.ABI))
	if err != nil {
		d.Error = p.T("ct.badabi") + " " + pages.ChainWords(err.Error())
		return d, nil
	}
	d.Funcs = funcs(parsed)
	// The contract's events, newest last, decoded by the ABI.
	latest := v.Version()
	logs, err := evm.Logs(v, max(1, latest-maxLogRange+1), latest, []common.Address{addr}, nil, maxLogs)
	if err != nil {
		return nil, err
	}
	for _, l := range logs[max(0, len(logs)-50):] {
		var topics []common.Hash
		for _, t := range l.Topics {
			topics = append(topics, common.HexToHash(t))
		}
		e := event{Height: l.Height, Tx: l.TxHash}
		if name, args, ok := DecodeLog(parsed, topics, common.FromHex(l.Data)); ok {
			e.Name, e.Args = name, compactJSON(args)
		} else {
			e.Name, e.Args = "?", l.Data
		}
		d.Events = append(d.Events, e)
	}
	return d, nil
}

func funcs(a abi.ABI) []fn {
	var out []fn
	for _, name := range slices.Sorted(mapsKeys(a.Methods)) {
		m := a.Methods[name]
		f := fn{Name: m.Name, Signature: m.Sig, View: m.IsConstant()}
		for i, in := range m.Inputs {
			n := in.Name
			if n == "" {
				n = fmt.Sprintf("arg%d", i)
			}
			f.Inputs = append(f.Inputs, arg{Name: n, Type: in.Type.String()})
		}
		out = append(out, f)
	}
	// Reads first, as explorers show them.
	slices.SortStableFunc(out, func(x, y fn) int {
		switch {
		case x.View && !y.View:
			return -1
		case !x.View && y.View:
			return 1
		}
		return 0
	})
	return out
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (s *contractPages) render(p *pages.Page, d *contractData) error {
	name := d.Info.Name
	if name == "" {
		name = d.Address
	}
	p.Title, p.Data = p.T("ct.contract")+" "+name, d
	if d.Error != "" {
		p.Status = http.StatusBadRequest
	}
	return s.site.Render(p, "hall_contract")
}

// act reads (an eth_call on the latest state) or sends (evm/call signed
// with the user's custodial key), or publishes the pasted ABI.
func (s *contractPages) act(p *pages.Page) error {
	r := p.R
	d, err := s.load(p, r.FormValue("abi"))
	if err != nil {
		return err
	}
	if d.Error != "" {
		return s.render(p, d)
	}
	key, err := s.site.Signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.site.Timeout())
	defer cancel()
	if r.FormValue("op") == "publish" {
		if _, _, err := client.Send(ctx, s.site.API(), key, evmapi.Describe, evmapi.DescribeBody{Address: d.Address, ABI: d.ABI}); err != nil {
			d.Error = p.T("ct.refused") + " " + p.APIError(err)
			return s.render(p, d)
		}
		p.Done("/hall/contracts/"+d.Address, p.T("ct.published"))
		return nil
	}
	parsed, _, _ := ParseABI([]byte(d.ABI))
	m, ok := parsed.Methods[r.FormValue("method")]
	if !ok {
		d.Error = p.T("ct.nomethod")
		return s.render(p, d)
	}
	d.Method = m.Name
	var texts []string
	for i := range m.Inputs {
		texts = append(texts, r.FormValue(fmt.Sprintf("in%d", i)))
	}
	for i := range d.Funcs {
		if d.Funcs[i].Name == m.Name {
			d.Funcs[i].Values = texts
		}
	}
	vals, err := ParseArgs(m.Inputs, texts)
	if err != nil {
		d.Error = p.T("ct.badargs") + " " + pages.ChainWords(m.Name+": "+err.Error())
		return s.render(p, d)
	}
	data, err := parsed.Pack(m.Name, vals...)
	if err != nil {
		d.Error = p.T("ct.badargs") + " " + pages.ChainWords(m.Name+": "+err.Error())
		return s.render(p, d)
	}
	to := common.HexToAddress(d.Address)
	from := common.Address(mustKeyID(key))
	if m.IsConstant() {
		v, err := s.site.View(0)
		if err != nil {
			return err
		}
		params, err := evm.GetParams(v, s.site.ChainID())
		if err != nil {
			return err
		}
		blockTime, _ := s.site.BlockTime(ctx)
		out, err := evm.Call(v, params, evm.Block{Height: v.Version(), Time: blockTime}, evm.Message{From: from, To: &to, Data: data})
		if err != nil {
			return err
		}
		if out.Status != 1 {
			d.Error = revertText(p, out)
			return s.render(p, d)
		}
		res, err := m.Outputs.Unpack(out.Return)
		if err != nil {
			d.Error = p.T("ct.undecodable") + " " + hexutil.Encode(out.Return)
			return s.render(p, d)
		}
		d.Result, d.ResultOK = compactJSON(Named(m.Outputs, res)), true
		return s.render(p, d)
	}
	res, _, err := client.Send(ctx, s.site.API(), key, evmapi.Call, evmapi.CallBody{To: d.Address, Data: hexutil.Encode(data), Gas: estimateFor(s.site, from, to, data)})
	if err != nil {
		d.Error = p.T("ct.refused") + " " + p.APIError(err)
		return s.render(p, d)
	}
	if res.Status != 1 {
		d.Error = p.T("ct.failed") + " " + pages.ChainWords(res.Error+" (tx "+res.TxHash+")")
		return s.render(p, d)
	}
	p.Done("/hall/contracts/"+d.Address, fmt.Sprintf("%s %s: tx %s, gas %d", p.T("ct.sent"), m.Name, res.TxHash, res.GasUsed))
	return nil
}

// estimateFor estimates a call's gas on the latest state, with a fifth
// more; the module's default when the estimate fails (the block then
// records the failure).
func estimateFor(site pages.Site, from, to common.Address, data []byte) uint64 {
	v, err := site.View(0)
	if err != nil {
		return 0
	}
	params, err := evm.GetParams(v, site.ChainID())
	if err != nil {
		return 0
	}
	gas, failed, err := evm.EstimateGas(v, params, evm.Block{Height: v.Version()}, evm.Message{From: from, To: &to, Data: data})
	if err != nil || failed != nil {
		return 0
	}
	return gas + gas/5
}

func revertText(p *pages.Page, out *evm.Outcome) string {
	if errors.Is(out.Err, vm.ErrExecutionReverted) {
		return p.T("ct.reverted") + " " + pages.ChainWords(out.ErrorText())
	}
	return p.T("ct.failed") + " " + pages.ChainWords(out.ErrorText())
}

func mustKeyID(k *client.Key) tx.KeyID {
	id, err := tx.ParseKeyID(k.ID())
	if err != nil {
		panic(err)
	}
	return id
}

func compactJSON(v map[string]any) string {
	var b strings.Builder
	b.WriteString("{")
	for i, k := range slices.Sorted(mapsKeys(v)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %v", k, v[k])
	}
	b.WriteString("}")
	return b.String()
}

// proof downloads the proof bundle of one of the contract's records, the
// file `dengta verify --bundle` checks offline (ADR 0014): its account
// (?part=account: nonce and code hash), its code (?part=code), a storage
// slot (?slot=position or 32-byte hash) or a transaction's receipt
// (?tx=hash). Contract state is the members' (module Visibility), and
// the hall's users are members.
func (s *contractPages) proof(p *pages.Page) error {
	a := p.R.PathValue("address")
	if !common.IsHexAddress(a) {
		return errcode.New(errcode.BadRequest, "%s", p.T("ct.badaddress"))
	}
	addr := common.HexToAddress(a)
	q := p.R.URL.Query()
	var key []byte
	var name string
	short := strings.ToLower(addr.Hex()[:10])
	switch {
	case q.Get("part") == "account":
		key, name = evm.AccountStateKey(addr), "contract-"+short+"-account"
	case q.Get("part") == "code":
		v, err := s.site.View(0)
		if err != nil {
			return err
		}
		info, err := evm.GetContract(v, addr)
		if err != nil {
			return err
		}
		key, name = evm.CodeStateKey(common.HexToHash(info.CodeHash)), "contract-"+short+"-code"
	case q.Has("slot"):
		slot, err := parseSlot(strings.TrimSpace(q.Get("slot")))
		if err != nil {
			return errcode.New(errcode.BadRequest, "%s", p.T("ct.badslot"))
		}
		key, name = evm.StorageStateKey(addr, slot), "contract-"+short+"-slot-"+strings.TrimLeft(hexutil.Encode(slot[:])[2:], "0")
	case q.Has("tx"):
		h, err := hexutil.Decode(strings.TrimSpace(q.Get("tx")))
		if err != nil || len(h) != 32 {
			return errcode.New(errcode.BadRequest, "%s", p.T("ct.badtx"))
		}
		key, name = evm.ReceiptStateKey(common.BytesToHash(h)), "receipt-"+hexutil.Encode(h)[:18]
	default:
		return errcode.New(errcode.BadRequest, "%s", p.T("ct.badproof"))
	}
	b, err := s.site.Prover().Bundle(p.R.Context(), key, 0)
	if err != nil {
		return err
	}
	if !b.Exists() {
		return errcode.New(errcode.NotFound, "%s", p.T("ct.noproof"))
	}
	raw, err := b.Marshal()
	if err != nil {
		return err
	}
	p.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.W.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+"-proof.json"))
	_, err = p.W.Write(raw)
	return err
}
