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

func (s *searcher) ebls(list []tradeapi.EBLSummary) []tradeapi.EBLSummary {
	var out []tradeapi.EBLSummary
	for _, e := range list {
		fields := append([]string{e.Ref, e.PortOfLoading, e.PortOfDischarge, e.Presentation}, e.HSCodes...)
		if s.match(fields, e.Carrier, e.Shipper, e.Consignee, e.Controller, e.PendingTo) {
			out = append(out, e)
		}
	}
	return out
}

func (s *searcher) credits(list []tradeapi.CreditSummary) []tradeapi.CreditSummary {
	var out []tradeapi.CreditSummary
	for _, c := range list {
		if s.match([]string{c.No, c.Amount.Currency}, c.IssuingBank, c.Applicant, c.Beneficiary) {
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
	"tr.search.help":    {"输入提单号、信用证号、港口代码、HS 编码或对方机构名称。", "Type a bill reference, a credit number, a port code, an HS code or a party's name."},
	"tr.search.go":      {"查找", "Find"},
	"tr.search.clear":   {"显示全部", "Show all"},
	"tr.search.for":     {"查找", "Matches for"},
	"tr.search.records": {"条记录。", "records."},
}
