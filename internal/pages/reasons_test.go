package pages

import (
	"fmt"
	"regexp"
	"testing"
)

func TestReasonCatalogue(t *testing.T) {
	c, err := CompileReasons(ReasonSet{Values: map[string]string{"financed": "已融资", "bank": "银行", "supplier": "供应商"}, Words: map[string]string{"financed": "融资", "credit ": "信用证", "surrender of credit ": "信用证的交还记录", "the registration of ": "{} 的登记"}, Reasons: Reasons{
		"%s already exists; records are never overwritten":              "{1} 已存在；链上记录一经写入不会被覆盖",
		"%s is for organisations with role %v; %s has %v":               "{1} 仅限角色为 {2} 的机构办理；{3} 的角色为 {4}",
		"receivable %s is %s; only a confirmed receivable can be split": "应收账款 {1} 当前为 {2}，只有已保兑的应收账款才能拆分",
		"no receivable %q":                                 "没有应收账款“{1}”",
		"amount %d is over the limit of %d%%":              "金额 {1} 超过上限 {2}%",
		"%s.hs_code: got %q":                               "{1} 的 `hs_code`：实为“{2}”",
		"the price is %s":                                  "价格为 {1}",
		"receivable %s cannot be %s: it was split":         "应收账款 {1} 无法办理此操作（{2}）：已拆分",
		"%s contains %q, which is not allowed":             "{1} 含有不允许的字符“{2}”",
		"no %s (%s)":                                       "找不到 {1}（{2}）",
		"the price is %s, above the ceiling":               "价格为 {1}，高于上限",
		"presentation %s is %s; it can be %s only when %s": "交单 {1} 当前状态为 {2}；只有状态为 {4} 时才能进行此项操作：{3}",
	}}, ReasonSet{Reasons: Reasons{"no receivable %q": "重复的条目不覆盖第一个", "receivable %s cannot be %s: it was split": "也不覆盖"}, Words: map[string]string{"frozen": "冻结"}})
	if err != nil {
		t.Fatal(err)
	}
	cw := ChainWords
	for _, tc := range []struct{ msg, want string }{
		// A value the set names shows as its name.
		{"receivable RC1 is financed; only a confirmed receivable can be split", "应收账款 " + cw("RC1") + " 当前为 已融资，只有已保兑的应收账款才能拆分"},
		// Amounts and times the chain writes for machines show as the
		// pages show them.
		{"the price is 4500000.00 yuan", "价格为 " + cw("4,500,000.00") + " 元"},
		{"the price is 2025-01-06T15:59:59Z", "价格为 " + cw("2025-01-06 23:59:59")},
		// A list of values is named item by item; an org id that happens
		// to be a value is not named where the English does not say what
		// something is.
		{"receivable/issue is for organisations with role [bank supplier]; bank has [x]", cw("receivable/issue") + " 仅限角色为 银行、供应商 的机构办理；" + cw("bank") + " 的角色为 " + cw("[x]")},
		// ... but not where the English names an action with it: there the
		// set's words name it, when they have it.
		{"receivable RC1 cannot be financed: it was split", "应收账款 " + cw("RC1") + " 无法办理此操作（融资）：已拆分"},
		// A choice of values in English ("a or b", "a, b or c") is named
		// choice by choice; one the set does not name keeps the English.
		{"presentation P1 is bank; it can be returned only when financed or supplier", "交单 " + cw("P1") + " 当前状态为 银行；只有状态为 已融资或供应商 时才能进行此项操作：" + cw("returned")},
		{"presentation P1 is bank; it can be returned only when financed, bank or supplier", "交单 " + cw("P1") + " 当前状态为 银行；只有状态为 已融资、银行或供应商 时才能进行此项操作：" + cw("returned")},
		{"presentation P1 is bank; it can be returned only when financed or lost", "交单 " + cw("P1") + " 当前状态为 银行；只有状态为 " + cw("financed or lost") + " 时才能进行此项操作：" + cw("returned")},
		// A description glued to an id is named by the words that end in
		// a space, the longest first, "{}" standing for the id; an id of
		// two words keeps the English.
		{"credit LC-1 already exists; records are never overwritten", "信用证 " + cw("LC-1") + " 已存在；链上记录一经写入不会被覆盖"},
		{"surrender of credit LC-1 already exists; records are never overwritten", "信用证的交还记录 " + cw("LC-1") + " 已存在；链上记录一经写入不会被覆盖"},
		{"the registration of org-a already exists; records are never overwritten", cw("org-a") + " 的登记 已存在；链上记录一经写入不会被覆盖"},
		{"credit LC 1 already exists; records are never overwritten", cw("credit LC 1") + " 已存在；链上记录一经写入不会被覆盖"},
		// A format two sets share takes the second set's words too.
		{"receivable RC1 cannot be frozen: it was split", "应收账款 " + cw("RC1") + " 无法办理此操作（冻结）：已拆分"},
		{"receivable RC1 cannot be unfrozen: it was split", "应收账款 " + cw("RC1") + " 无法办理此操作（" + cw("unfrozen") + "）：已拆分"},
		{"receivable RC1 is frozen; only a confirmed receivable can be split", "应收账款 " + cw("RC1") + " 当前为 " + cw("frozen") + "，只有已保兑的应收账款才能拆分"},
		{`no receivable "RC \"2\""`, "没有应收账款“" + cw(`RC "2"`) + "”"},
		{"amount 12 is over the limit of 10%", "金额 " + cw("12") + " 超过上限 " + cw("10") + "%"},
		{`items[0].hs_code: got "x"`, cw("items[0]") + " 的 " + cw("hs_code") + "：实为“" + cw("x") + "”"},
		// %q of a rune quotes it with single quotes.
		{`name contains '/', which is not allowed`, cw("name") + " 含有不允许的字符“" + cw("/") + "”"},
		// The more specific format wins over one that also matches.
		{"the price is 5, above the ceiling", "价格为 " + cw("5") + "，高于上限"},
		// Parts joined by "; " are translated one by one when the whole
		// matches no format.
		{`no receivable "a"; no receivable "b"`, "没有应收账款“" + cw("a") + "”；没有应收账款“" + cw("b") + "”"},
	} {
		got, ok := c.Chinese(tc.msg)
		if !ok || got != tc.want {
			t.Errorf("Chinese(%q) = %q, %v; want %q", tc.msg, got, ok, tc.want)
		}
	}
	// %d takes digits only, and an unknown message (or part) is not
	// translated: the page keeps the chain's English.
	// An argument does not span a clause: a short format does not take a
	// longer message it was not written for.
	for _, msg := range []string{"amount x is over the limit of 10%", "something else", `no receivable "a"; something else`, "", `no trading zone "AH-XX"; a grid operator opens it first (open_zone)`} {
		if got, ok := c.Chinese(msg); ok {
			t.Errorf("Chinese(%q) = %q; want no match", msg, got)
		}
	}
}

func TestReasonCatalogueRefusesBadEntries(t *testing.T) {
	for format, zh := range map[string]string{
		"%s is %s":      "{1} 是",              // {2} left out
		"%s is missing": "{1} 缺少 {2}",         // {2} is no argument
		"no %q":         "没有 `{1}",            // unclosed backquote
		"bad %s here":   "错误 {0}",             // {0} is no argument
		"%s: %v":        "{1}：{2}",            // no words to translate
		"x %d y %v":     fmt.Sprint("{2}{1}"), // fine, for contrast below
	} {
		_, err := CompileReasons(ReasonSet{Reasons: Reasons{format: zh}})
		if (err == nil) != (format == "x %d y %v") {
			t.Errorf("CompileReasons(%q: %q) = %v", format, zh, err)
		}
	}
}

func TestEnumValues(t *testing.T) {
	got := EnumValues([]Enum{
		{Name: "m.status", Values: []string{"split", "active", "unnamed"}, Labels: Messages{"split": {"已拆分", "split"}, "active": {"正常", "active"}}},
		{Name: "m.kind", Values: []string{"split", "issued"}, Labels: Messages{"split": {"拆分", "split"}, "issued": {"开立", "issued"}}},
	})
	want := map[string]string{"split": "已拆分", "active": "正常", "issued": "开立"}
	if len(got) != len(want) {
		t.Fatalf("EnumValues = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("EnumValues[%q] = %q, want %q (the first set names a value of two)", k, got[k], v)
		}
	}
}

// FuzzReasonCatalogue: any message, from a chain or typed into a field
// the chain quotes, is translated whole or not at all, and never leaves a
// placeholder unfilled.
func FuzzReasonCatalogue(f *testing.F) {
	c, err := CompileReasons(ReasonSet{Reasons: Reasons{
		"receivable %s is %s; only a confirmed receivable can be split": "应收账款 {1} 当前为 {2}，只有已保兑的应收账款才能拆分",
		"no receivable %q":                     "没有应收账款“{1}”",
		"amount %d is over the limit of %d%%":  "金额 {1} 超过上限 {2}%",
		"%s contains %q, which is not allowed": "{1} 含有不允许的字符“{2}”",
	}})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`no receivable "a\"{1}"`, "amount 1 is over the limit of 2%", `x contains '\'', which is not allowed`, "receivable {2} is {1}; only a confirmed receivable can be split"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		zh, ok := c.Chinese(msg)
		if !ok {
			if zh != "" {
				t.Fatalf("Chinese(%q) = %q with no match", msg, zh)
			}
			return
		}
		if zh == "" {
			t.Fatalf("Chinese(%q) matched and gave nothing", msg)
		}
		// A placeholder in the output came from the message itself, marked.
		plain := chainWordsSpan.ReplaceAllString(zh, "")
		if reasonPlaceholder.MatchString(plain) {
			t.Fatalf("Chinese(%q) = %q leaves a placeholder", msg, zh)
		}
	})
}

var chainWordsSpan = regexp.MustCompile(ChainWordsOpen + "[^" + ChainWordsClose + "]*" + ChainWordsClose)
