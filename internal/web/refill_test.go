package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const refillPage = `<html><body>
<form method="post" action="/hall/x/act"><input type="hidden" name="csrf" value="fresh"><input type="hidden" name="action" value="issue">
<input type="text" name="face" value=""><input type="password" name="password"><input type="file" name="doc">
<select name="to"><option value="a" selected>A</option><option value="b">B</option></select>
<textarea name="note">default</textarea><input type="checkbox" name="recourse" checked>
<input type="text" name="amount"><input type="text" name="amount"></form>
<form method="post" action="/hall/x/act"><input type="hidden" name="action" value="settle"><input type="text" name="face" value="other form"></form>
<form method="get" action="/hall/x/act"><input type="text" name="face" value="search"></form>
</body></html>`

func field(t *testing.T, page []byte, form int, name string) (value string, checked bool) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		t.Fatal(err)
	}
	var forms []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			forms = append(forms, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	found := false
	inputs(forms[form], func(in *html.Node) {
		if n, _ := attr(in, "name"); n != name || found {
			return
		}
		found = true
		switch in.Data {
		case "select":
			for c := in.FirstChild; c != nil; c = c.NextSibling {
				if _, sel := attr(c, "selected"); sel {
					value, _ = attr(c, "value")
				}
			}
		case "textarea":
			value = textOf(in)
		default:
			value, _ = attr(in, "value")
			_, checked = attr(in, "checked")
		}
	})
	if !found {
		t.Fatalf("no field %s in form %d", name, form)
	}
	return value, checked
}

// After a refusal the form sent shows what the user typed; other forms,
// secrets and hidden fields stay as rendered.
func TestRefill(t *testing.T) {
	sent := url.Values{"csrf": {"old"}, "action": {"issue"}, "face": {"1,000.00"}, "password": {"secret"}, "to": {"b"},
		"note": {"<b>备注</b>"}, "amount": {"1", "2"}}
	r := httptest.NewRequest("POST", "/hall/x/act", strings.NewReader(sent.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	page := refill([]byte(refillPage), r)
	for _, c := range []struct {
		form       int
		name, want string
		checked    bool
	}{
		{0, "face", "1,000.00", false}, {0, "csrf", "fresh", false}, {0, "action", "issue", false}, {0, "password", "", false},
		{0, "to", "b", false}, {0, "note", "<b>备注</b>", false}, {0, "recourse", "", false}, {0, "amount", "1", false},
		{1, "face", "other form", false}, {2, "face", "search", false},
	} {
		got, checked := field(t, page, c.form, c.name)
		if got != c.want || checked != c.checked {
			t.Errorf("form %d %s = %q checked %v, want %q checked %v", c.form, c.name, got, checked, c.want, c.checked)
		}
	}
	if strings.Contains(string(page), "secret") || strings.Contains(string(page), "<b>") {
		t.Error("the password or unescaped markup was written into the page")
	}
	// A GET, or a form that matches nothing, leaves the page alone.
	get := httptest.NewRequest("GET", "/hall/x/act", nil)
	if string(refill([]byte(refillPage), get)) != refillPage {
		t.Error("a GET changed the page")
	}
}
