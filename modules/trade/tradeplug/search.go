package tradeplug

import (
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
)

// label names a value of the module's sets in both languages.
var label = pages.Labels(enums)

// newSearch is the search for what a clerk typed in the trade desk's box
// or an API client gave as ?q=: trade.MatchEBL and trade.MatchCredit
// match it, finding statuses by their names in either language too.
func newSearch(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	s.Label = label
	return s
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
