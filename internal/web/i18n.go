package web

import (
	"net/http"
	"strconv"
	"strings"
)

// Lang is a page language.
type Lang string

// The languages of the pages.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// messages holds every text of the pages, by key, in both languages.
// Templates use {{t "key"}}; a missing key shows as the key itself, and a
// test requires every key used by a template to exist in both languages.
var messages = map[string][2]string{ // [zh, en]
	"site.name":         {"灯塔区块链服务大厅", "Dengta Blockchain Service Hall"},
	"site.tagline":      {"联盟链存证 · 溯源 · 供应链金融", "Consortium chain for evidence, traceability and supply-chain finance"},
	"nav.home":          {"首页", "Home"},
	"nav.verify":        {"存证验证", "Verify evidence"},
	"lang.switch":       {"English", "中文"},
	"error.title":       {"出错了", "Something went wrong"},
	"error.back":        {"返回首页", "Back to the home page"},
	"error.notfound":    {"没有找到这个页面或记录。", "This page or record does not exist."},
	"error.internal":    {"节点内部错误，请稍后再试；运维人员可在节点日志中查看原因。", "Internal error on this node; try again later. The operator can find the cause in the node's log."},
	"home.title":        {"欢迎使用灯塔区块链服务大厅", "Welcome to the Dengta blockchain service hall"},
	"home.chain":        {"链标识", "Chain id"},
	"home.height":       {"当前区块高度", "Current block height"},
	"home.verify.intro": {"上传文件或输入哈希，验证它是否已在链上存证。", "Upload a file or enter a hash to check whether it was preserved on chain."},
	"footer.trust":      {"本页面由联盟成员节点提供。独立核验请下载证书并使用 dengta verify 离线验证，无需信任任何服务器。", "This page is served by a consortium member's node. To check independently, download the certificate and run dengta verify offline: no server needs to be trusted."},
}

// T returns the text of key in lang.
func T(lang Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == EN {
		return m[1]
	}
	return m[0]
}

// negotiate picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then Accept-Language, then Chinese.
func negotiate(w http.ResponseWriter, r *http.Request) Lang {
	if q := r.URL.Query().Get("lang"); q == "zh" || q == "en" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return Lang(q)
	}
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "zh" || c.Value == "en") {
		return Lang(c.Value)
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// fromAcceptLanguage returns the first of zh or en in an Accept-Language
// header, honouring q=0 as "not acceptable"; Chinese when neither appears.
func fromAcceptLanguage(h string) Lang {
	best, bestQ := ZH, -1.0
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		tag = strings.ToLower(tag)
		var l Lang
		switch {
		case strings.HasPrefix(tag, "zh"):
			l = ZH
		case strings.HasPrefix(tag, "en"):
			l = EN
		default:
			continue
		}
		// Earlier entries win ties, as browsers list preferences in order.
		if q > 0 && (q > bestQ || (q == bestQ && i == 0)) {
			best, bestQ = l, q
		}
	}
	return best
}

// parseQ reads a quality value; an unreadable one counts as 1.
func parseQ(s string) float64 {
	q, err := strconv.ParseFloat(s, 64)
	if err != nil || q < 0 || q > 1 {
		return 1
	}
	return q
}
