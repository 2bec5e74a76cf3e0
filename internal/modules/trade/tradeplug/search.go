package tradeplug

import (
	"strings"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/modules/trade/tradeapi"
)

// searcher matches the trade desk's lists against what a clerk typed:
// a bill's reference, ports, HS codes, a credit's number or currency, and
// the parties by id or by name in either language.
type searcher struct {
	q     string
	names map[string][]string // organisation id -> its names
}

func newSearcher(q string, orgs []identity.Org) *searcher {
	s := &searcher{q: strings.ToLower(strings.TrimSpace(q)), names: map[string][]string{}}
	for _, o := range orgs {
		s.names[o.ID] = []string{o.Name, o.NameEN}
	}
	return s
}

// match reports whether any field or any named party contains the query.
func (s *searcher) match(fields []string, parties ...string) bool {
	if s.q == "" {
		return true
	}
	for _, p := range parties {
		fields = append(fields, p)
		fields = append(fields, s.names[p]...)
	}
	for _, f := range fields {
		if f != "" && strings.Contains(strings.ToLower(f), s.q) {
			return true
		}
	}
	return false
}

// ebl reports whether a bill matches: by reference, ports, HS codes,
// presentation, status (value or name) or party.
func (s *searcher) ebl(e *tradeapi.EBLSummary) bool {
	fields := append([]string{e.Ref, e.PortOfLoading, e.PortOfDischarge, e.Presentation, e.Status}, e.HSCodes...)
	fields = append(fields, statusNames("trs."+e.Status)...)
	return s.match(fields, e.Carrier, e.Shipper, e.Consignee, e.Controller, e.PendingTo)
}

// credit reports whether a credit matches: by number, currency, status
// (value or name) or party.
func (s *searcher) credit(c *tradeapi.CreditSummary) bool {
	fields := append([]string{c.No, c.Amount.Currency, c.Status}, statusNames("trc."+c.Status)...)
	return s.match(fields, c.IssuingBank, c.Applicant, c.Beneficiary)
}

// statusNames are a status's names in both languages, by message key.
func statusNames(key string) []string {
	if m, ok := messages[key]; ok {
		return m[:]
	}
	return nil
}

func (s *searcher) ebls(list []tradeapi.EBLSummary) []tradeapi.EBLSummary {
	var out []tradeapi.EBLSummary
	for _, e := range list {
		if s.ebl(&e) {
			out = append(out, e)
		}
	}
	return out
}

func (s *searcher) credits(list []tradeapi.CreditSummary) []tradeapi.CreditSummary {
	var out []tradeapi.CreditSummary
	for _, c := range list {
		if s.credit(&c) {
			out = append(out, c)
		}
	}
	return out
}

// filter narrows the desk's lists to what matches.
func (s *searcher) filter(d *deskData) {
	if s.q == "" {
		return
	}
	e := *d.EBLs
	e.Controlled, e.Offered, e.Issued = s.ebls(e.Controlled), s.ebls(e.Offered), s.ebls(e.Issued)
	c := *d.Credits
	c.Credits = s.credits(c.Credits)
	d.EBLs, d.Credits = &e, &c
	d.Found = len(e.Controlled) + len(e.Offered) + len(e.Issued) + len(c.Credits)
}

var searchMessages = map[string][2]string{
	"tr.search":         {"查找提单或信用证", "Find a bill or a credit"},
	"tr.search.help":    {"输入提单号、信用证号、港口代码、HS 编码、状态或对方机构名称；字母不分大小写。", "Type a bill reference, a credit number, a port code, an HS code, a status or a party's name; letters match in either case."},
	"tr.search.hint":    {"提单号、信用证号、港口、状态或机构名称", "Bill, credit, port, status or organisation"},
	"tr.more":           {"下一页", "Next page"},
	"tr.nomatch":        {"没有符合条件的记录。请换一个单号片段、港口、状态或机构名称再找，或点“显示全部”。", "Nothing matches. Try part of a number, a port, a status or an organisation's name, or choose “Show all”."},
	"tr.nomore":         {"后面没有更多记录了。", "There is nothing further."},
	"tr.search.go":      {"查找", "Find"},
	"tr.search.clear":   {"显示全部", "Show all"},
	"tr.search.for":     {"查找", "Matches for"},
	"tr.search.records": {"条记录。", "records."},
}
