package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dengta-chain/dengta/internal/browsertest"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/web"
	"github.com/dengta-chain/dengta/modules"
)

// What the crawler leaves out of a page's text, deliberately, by markup:
// data is marked in the templates, never guessed from its look.
//   - elements marked translate="no": what people or the chain entered
//     (product and organisation names typed by users, trade documents'
//     contents, identifiers, hashes, amounts with their unit code);
//   - elements whose lang is another language (the language switch);
//   - code, kbd, samp, pre and var: machine text (keys, hashes, JSON).
//
// And the words a Chinese page may show in Latin letters: pages.LatinWords.

var (
	han        = regexp.MustCompile(`[\p{Han}，。：；（）、「」《》！？]`)
	latinToken = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9_.+-]*`)
	twoLetters = regexp.MustCompile(`[A-Za-z]{2}`)
	rfc3339    = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)
	snakeCase  = regexp.MustCompile(`\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b`)
	keyLike    = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.[a-z0-9_]+[a-z0-9_.]*\b`)
)

// pageDump is what the crawler reads of a page.
type pageDump struct {
	Status int      `json:"status"`
	Lang   string   `json:"lang"`
	Type   string   `json:"type"`
	URL    string   `json:"url"`
	Texts  []string `json:"texts"`
	Links  []string `json:"links"`
	Forms  []form   `json:"forms"` // forms worth sending bad input
	Alerts []string `json:"alerts"`
}

// form is a form of a page: its index and what it sends where.
type form struct {
	I   int    `json:"i"`
	Key string `json:"key"`
}

// dumpJS reads the visible text of the page (details opened), its links
// and its forms.
const dumpJS = `(() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const docLang = (document.documentElement.lang || '').startsWith('en') ? 'en' : 'zh';
  const nav = performance.getEntriesByType('navigation')[0];
  const machine = new Set(['CODE','KBD','SAMP','PRE','VAR','SCRIPT','STYLE','NOSCRIPT','TEMPLATE']);
  const excluded = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (machine.has(e.tagName)) return true;
      if (e.getAttribute('translate') === 'no') return true;
      const l = e.getAttribute('lang');
      if (l) return !l.startsWith(docLang);
    }
    return false;
  };
  const visible = (el) => el.checkVisibility ? el.checkVisibility() : !!el.offsetParent;
  // The title repeats the page's heading, which is checked with its markup.
  const texts = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = w.nextNode());) {
    const p = n.parentElement;
    const s = n.textContent.replace(/\s+/g, ' ').trim();
    if (!s || !p || excluded(p) || !visible(p)) continue;
    texts.push(s);
  }
  document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => {
    if (e.placeholder && !excluded(e) && visible(e)) texts.push(e.placeholder);
  });
  document.querySelectorAll('input[type=submit][value], input[type=button][value]').forEach(e => {
    if (!excluded(e) && visible(e)) texts.push(e.value);
  });
  const links = [...document.querySelectorAll('a[href]')].filter(a => !a.hasAttribute('download')).map(a => new URL(a.getAttribute('href'), location.href).href);
  const forms = [];
  [...document.forms].forEach((f, i) => {
    if ((f.getAttribute('method') || '').toLowerCase() !== 'post') return;
    const a = new URL(f.action, location.href).pathname;
    if (a === '/logout' || a.startsWith('/hall/users') || a.startsWith('/hall/account')) return;
    const typed = [...f.elements].some(e => visible(e) && !e.disabled &&
      (e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT' && ['text','number','search','url','email','tel',''].includes(e.type))));
    if (typed) forms.push({i, key: a + ' ' + [...f.elements].map(e => e.name).filter(n => n && n !== 'csrf').join(',')});
  });
  const alerts = [...document.querySelectorAll('[role=alert]')].filter(visible).map(e => e.textContent.trim());
  return {status: nav ? nav.responseStatus : 0, lang: docLang, type: document.contentType, url: location.href, texts, links, forms, alerts};
})()`

// badInputJS fills form i of the page with input no form accepts (a
// bidi override before a letter; a negative number) and sends it
// without the browser's own checks.
const badInputJS = `((i) => {
  const f = document.forms[i];
  if (!f) return false;
  for (const e of f.elements) {
    if (e.disabled || e.type === 'hidden' || !(e.checkVisibility ? e.checkVisibility() : true)) continue;
    if (e.tagName === 'TEXTAREA' || ['text','search','url','email','tel',''].includes(e.type)) e.value = '\u202eQ';
    else if (e.type === 'number') e.value = '-1';
  }
  f.noValidate = true;
  window.__sent = true;
  HTMLFormElement.prototype.submit.call(f);
  return true;
})`

// phoneJS checks a page at phone width: nothing wider than the screen
// (no sideways scrolling), text large enough to read, and the title and
// the page's main action (its first form's button) within the screen.
const phoneJS = `(() => {
  // The screen's width, not the window's: a phone widens its layout
  // viewport to a page wider than the screen and shows it zoomed out.
  const iw = Math.min(window.innerWidth, screen.width);
  const within = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.left >= -1 && r.right <= iw + 1; };
  const out = {scroll: document.documentElement.scrollWidth, width: iw, small: [], outside: [], cramped: [], wide: ''};
  // What sticks out: the first element past the screen's edge that no
  // box of its own scrolls.
  const scrolls = (e) => { for (let a = e.parentElement; a; a = a.parentElement) { const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
  for (const e of document.querySelectorAll('main *')) {
    if (e.getBoundingClientRect().right > iw + 1 && !scrolls(e)) { out.wide = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' in ' + e.parentElement.tagName.toLowerCase() + ': ' + e.textContent.trim().slice(0, 40); break; }
  }
  const h1 = document.querySelector('main h1');
  if (h1 && !within(h1)) out.outside.push('h1 ' + h1.textContent.trim());
  const btn = [...document.querySelectorAll('main form button, main form input[type=submit], main a.button')].find(e => e.checkVisibility());
  if (btn && !within(btn)) out.outside.push('action ' + (btn.textContent.trim() || btn.value));
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = w.nextNode());) {
    const p = n.parentElement;
    const s = n.textContent.trim();
    if (!s || !p || !p.checkVisibility() || p.closest('svg')) continue;
    if (parseFloat(getComputedStyle(p).fontSize) < 12 && out.small.length < 3) out.small.push(s);
  }
  // A chart's text as drawn: its font size scaled with the picture.
  for (const svg of document.querySelectorAll('svg.chart')) {
    if (!svg.checkVisibility() || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) continue;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (t.textContent.trim() && px < 9 && out.small.length < 3) out.small.push('chart text ' + t.textContent.trim() + ' at ' + px.toFixed(1) + ' px');
    }
  }
  // A table column squeezed to a character or two, its words broken
  // letter by letter.
  for (const c of document.querySelectorAll('main table td, main table th')) {
    const s = c.textContent.trim();
    if (!c.checkVisibility() || [...s].length < 3) continue;
    const fs = parseFloat(getComputedStyle(c).fontSize);
    const r = c.getBoundingClientRect();
    const pad = parseFloat(getComputedStyle(c).paddingLeft) + parseFloat(getComputedStyle(c).paddingRight);
    if (r.width - pad < 2.2 * fs && out.cramped.length < 3) out.cramped.push(s.slice(0, 20));
  }
  return out;
})()`

// phoneShots are the public pages pictured at phone width for the
// documentation (DENGTA_SCREENSHOTS=1), by shape.
var phoneShots = map[string]string{
	"/?": "home", "/explorer?": "explorer", "/verify?": "verify", "/certificates/*?": "certificate",
	"/*/*/*/*?": "scan", "/carbon?": "carbon", "/charity?": "charity", "/charity/projects/*?": "charity-project",
	"/credential/verify?": "credential-verify", "/patient?": "patient",
}

type phoneDump struct {
	Scroll  int      `json:"scroll"`
	Width   int      `json:"width"`
	Small   []string `json:"small"`
	Outside []string `json:"outside"`
	Cramped []string `json:"cramped"`
	Wide    string   `json:"wide"`
}

// findings collects problems by kind and text, with the pages showing them.
type findings map[string]map[string][]string

func (f findings) add(kind, what, page string) {
	if f[kind] == nil {
		f[kind] = map[string][]string{}
	}
	if ps := f[kind][what]; len(ps) < 3 && !slices.Contains(ps, page) {
		f[kind][what] = append(ps, page)
	}
}

func (f findings) String() string {
	var b strings.Builder
	kinds := make([]string, 0, len(f))
	for k := range f {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		whats := make([]string, 0, len(f[k]))
		for w := range f[k] {
			whats = append(whats, w)
		}
		sort.Strings(whats)
		fmt.Fprintf(&b, "\n%s (%d):", k, len(whats))
		for _, w := range whats {
			fmt.Fprintf(&b, "\n  %q on %s", w, strings.Join(f[k][w], " "))
		}
	}
	return b.String()
}

// crawler visits the pages of a node in one language.
type crawler struct {
	t        *testing.T
	ctx      context.Context
	base     string
	lang     string
	prefixes map[string]bool     // first segments of the message keys
	enums    map[string][]string // raw enum values the modules declare -> their labels
	known    map[string]bool     // every text of the messages in the crawl's language
	found    findings
	seen     map[string]int // pages by shape, so paging and ids do not multiply visits
	pages    int
	phone    bool // checking pages at phone width
	shot     map[string]bool
	forms    map[string]bool
	refused  int
}

var idSegment = regexp.MustCompile(`^[0-9a-fA-F]{16,}$|[0-9]`)

// shape is a URL with its ids blanked and its query reduced to its keys.
func shape(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = "*"
		}
	}
	var keys []string
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(segs, "/") + "?" + strings.Join(keys, "&")
}

// visit opens a page, checks its text and returns it; nil when the page
// is not HTML.
func (c *crawler) visit(target, who string) *pageDump {
	ctx, cancel := context.WithTimeout(c.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.Navigate(target)); err != nil {
		// A link to a file (a proof bundle, a certificate) is downloaded,
		// which aborts the navigation: not a page.
		if !strings.Contains(err.Error(), "ERR_ABORTED") {
			c.found.add("navigation failed", err.Error(), target)
		}
		return nil
	}
	return c.read(target, who)
}

func (c *crawler) read(target, who string) *pageDump {
	var d pageDump
	// A page that is still loading (or replaced by the answer to its
	// form) is read again.
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	var err error
	for range 3 {
		err = chromedp.Run(ctx, chromedp.Poll(`document.readyState === "complete" && !!document.body`, nil, chromedp.WithPollingInterval(50*time.Millisecond)),
			chromedp.Evaluate(dumpJS, &d))
		if err == nil || !strings.Contains(err.Error(), "-32000") {
			break
		}
		time.Sleep(200 * time.Millisecond) // the page is being replaced
	}
	if err != nil {
		c.found.add("page unreadable", err.Error(), target)
		return nil
	}
	if !strings.HasPrefix(d.Type, "text/html") {
		return nil
	}
	c.pages++
	where := strings.TrimPrefix(d.URL, c.base) + " (" + who + ")"
	if d.Status >= 500 {
		c.found.add("server error (template or handler)", fmt.Sprint(d.Status), where)
	}
	if d.Lang != c.lang {
		c.found.add("page in the wrong language", d.Lang, where)
	}
	for _, s := range d.Texts {
		c.check(s, where)
	}
	if c.phone {
		var ph phoneDump
		if err := chromedp.Run(c.ctx, chromedp.Evaluate(phoneJS, &ph)); err != nil {
			c.found.add("page unreadable", err.Error(), target)
		}
		if ph.Scroll > ph.Width {
			c.found.add("wider than a phone", fmt.Sprintf("%d px on a %d px screen (%s)", ph.Scroll, ph.Width, ph.Wide), where)
		}
		for _, s := range ph.Small {
			c.found.add("text too small on a phone", s, where)
		}
		for _, s := range ph.Outside {
			c.found.add("off the phone's screen", s, where)
		}
		for _, s := range ph.Cramped {
			c.found.add("table column too narrow on a phone", s, where)
		}
		if u, err := url.Parse(d.URL); err == nil {
			if name, ok := phoneShots[shape(u)]; ok && !c.shot[name] {
				c.shot[name] = true
				browsertest.Screenshot(c.t, c.ctx, "phone-"+c.lang+"-"+name)
			}
		}
	}
	return &d
}

// check applies the rules to one piece of visible text.
func (c *crawler) check(s, where string) {
	if c.lang == "zh" {
		for _, tok := range latinToken.FindAllString(s, -1) {
			tok = strings.TrimRight(tok, ".-+")
			// A token with a digit is a code (an id, a serial, a
			// quantity with its unit), never a word to translate.
			if twoLetters.MatchString(tok) && !strings.ContainsAny(tok, "0123456789") && !pages.LatinWords[tok] {
				c.found.add("English in the Chinese page", tok, where)
			}
		}
	} else if m := han.FindAllString(s, -1); m != nil {
		c.found.add("Chinese in the English page", s, where)
	}
	if m := rfc3339.FindString(s); m != "" {
		c.found.add("raw timestamp", s, where)
	}
	for _, m := range snakeCase.FindAllString(s, -1) {
		c.found.add("raw identifier or enum value", m, where)
	}
	for _, m := range keyLike.FindAllStringSubmatch(s, -1) {
		if c.prefixes[m[1]] {
			c.found.add("missing translation key", m[0], where)
		}
	}
	if labels, ok := c.enums[s]; ok && !slices.Contains(labels, s) && !c.known[s] {
		c.found.add("raw enum value", s, where)
	}
}

// crawl visits start and every page reachable from it whose path keep
// accepts, at most perShape pages of each shape; it sends bad input to
// the hall's forms on the way.
// It returns the links it left out.
func (c *crawler) crawl(who string, start []string, keep func(path string) bool, perShape int) (others []string) {
	queue := slices.Clone(start)
	queued := map[string]bool{}
	for _, s := range start {
		queued[s] = true
	}
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		u, _ := url.Parse(target)
		key := who + " " + shape(u)
		if c.seen[key] >= perShape {
			continue
		}
		c.seen[key]++
		d := c.visit(target, who)
		if d == nil {
			continue
		}
		for _, l := range d.Links {
			lu, err := url.Parse(l)
			if err != nil || !strings.HasPrefix(l, c.base) || lu.Query().Has("lang") || skipPath(lu.Path) {
				continue
			}
			lu.Fragment = ""
			if s := lu.String(); !queued[s] {
				queued[s] = true
				if keep(lu.Path) {
					queue = append(queue, s)
				} else {
					others = append(others, s)
				}
			}
		}
		if strings.HasPrefix(u.Path, "/hall") {
			c.badInput(target, who, d)
		}
	}
	return others
}

// skipPath leaves out what is not a page: files, API answers, the
// sign-out.
func skipPath(p string) bool {
	if strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/static/") || p == "/logout" || p == "/login" {
		return true
	}
	for _, ext := range []string{".json", ".jsonld", ".pdf", ".png", ".svg", ".csv", ".zip", ".js", ".txt", ".xml"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// badInput sends each of the page's forms with bad input once and checks
// the answer like any page: a refusal in the page's language.
func (c *crawler) badInput(target, who string, d *pageDump) {
	u, _ := url.Parse(target)
	for _, f := range d.Forms {
		// A form is sent once, whoever sees it.
		i := f.I
		key := shape(u) + " " + f.Key
		if c.forms[key] {
			continue
		}
		c.forms[key] = true
		ctx, cancel := context.WithTimeout(c.ctx, 60*time.Second)
		var ok bool
		err := chromedp.Run(ctx,
			chromedp.Navigate(target),
			chromedp.Evaluate(badInputJS+fmt.Sprintf("(%d)", i), &ok),
			chromedp.Poll(`!window.__sent && document.readyState === "complete"`, nil, chromedp.WithPollingInterval(50*time.Millisecond)),
		)
		cancel()
		// Chrome reports the answer replacing the page while polling as a
		// -32000 error: read the answer then.
		if err != nil && !strings.Contains(err.Error(), "-32000") {
			c.found.add("form not sent", err.Error(), fmt.Sprintf("%s form %d (%s)", strings.TrimPrefix(target, c.base), i, who))
			continue
		}
		if !ok && err == nil {
			continue // the form went with the state an earlier one changed
		}
		a := c.read(target+fmt.Sprintf(" form %d", i), who+", bad input")
		if a != nil && len(a.Alerts) > 0 {
			c.refused++
		}
		if a != nil && os.Getenv("DENGTA_CRAWL_DEBUG") != "" {
			c.t.Logf("%s form %d (%s): %d %s alerts %q", strings.TrimPrefix(target, c.base), i, who, a.Status, a.URL, a.Alerts)
		}
	}
}

// TestPagesSpeakOneLanguage crawls a dev chain with every module's demo
// story, in Chinese and in English: every hall page, signed in as each
// demo organisation's administrator, with every hall form sent with bad
// input; then, signed out on a phone's screen (390×844), every public page
// reachable from the hall and the home page. A page fails on English
// words in Chinese (beyond standard names and units), Chinese in English,
// a missing message key, a raw enum value or identifier, an RFC 3339
// timestamp, or a server error; a public page also fails when it is wider
// than the phone, has text smaller than 12 px, or has its title or main
// action off the screen.
func TestPagesSpeakOneLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the whole site")
	}
	d, _ := browsertest.DemoNode(t)
	base := d.GatewayURL
	prefixes := map[string]bool{}
	enums := map[string][]string{}
	msgs := []map[string][2]string{web.CoreMessages()}
	for _, m := range modules.Registry().Modules() {
		if m.Pages != nil {
			msgs = append(msgs, m.Pages.Messages)
			for _, e := range m.Pages.Enums {
				for _, v := range e.Values {
					l := e.Labels[v]
					enums[v] = append(enums[v], l[0], l[1])
				}
			}
		}
	}
	for _, ms := range msgs {
		for k := range ms {
			if p, _, ok := strings.Cut(k, "."); ok {
				prefixes[p] = true
			}
		}
	}
	only := os.Getenv("DENGTA_CRAWL_ORGS") // a few organisations while fixing
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			ctx := browsertest.Browser(t)
			known := map[string]bool{}
			for _, ms := range msgs {
				for _, m := range ms {
					known[m[map[string]int{"zh": 0, "en": 1}[lang]]] = true
				}
			}
			c := &crawler{t: t, ctx: ctx, base: base, lang: lang, prefixes: prefixes, enums: enums, known: known, found: findings{},
				seen: map[string]int{}, forms: map[string]bool{}, shot: map[string]bool{}}
			browsertest.Run(t, ctx, chromedp.Navigate(base+"/?lang="+lang))
			hall := func(p string) bool { return strings.HasPrefix(p, "/hall") }
			var publicLinks []string
			for _, o := range devnet.Demo {
				if only != "" && !slices.Contains(strings.Split(only, ","), o.ID) {
					continue
				}
				browsertest.SignIn(t, ctx, base, o.ID+"-admin")
				// Public pages the hall links to (certificates, scan
				// pages) are read later, signed out.
				publicLinks = append(publicLinks, c.crawl(o.ID, []string{base + "/hall"}, hall, 1)...)
				browsertest.SignOut(t, ctx)
			}
			// Every public page at phone width, signed out.
			browsertest.Run(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
			c.phone = true
			start := append([]string{base + "/", base + "/explorer", base + "/explorer/orgs", base + "/verify"}, publicLinks...)
			c.crawl("public", start, func(p string) bool { return !hall(p) }, 2)
			t.Logf("%s: %d pages read, %d forms sent with bad input, %d refused", lang, c.pages, len(c.forms), c.refused)
			if c.pages < 50 {
				t.Errorf("only %d pages read: the crawl missed the site", c.pages)
			}
			if only == "" && c.refused < 10 {
				t.Errorf("only %d of %d forms refused bad input with an alert", c.refused, len(c.forms))
			}
			if len(c.found) > 0 {
				t.Errorf("%s pages:%s", lang, c.found)
			}
		})
	}
}
