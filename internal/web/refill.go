package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// refill puts what the user typed back into the form they sent, when the
// page answering the POST shows an error: a form that clears itself after
// a refusal makes the clerk type everything again. The form sent is the
// one that posts to the request's path and whose hidden "action" (if it
// has one) is the one sent. Passwords, files, hidden fields (the CSRF
// token, the action) and buttons keep what the page rendered. Any parse
// trouble leaves the page as it was.
func refill(page []byte, r *http.Request) []byte {
	if r.Method != http.MethodPost || r.PostForm == nil || len(r.PostForm) == 0 {
		return page
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return page
	}
	changed := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Form && sentForm(n, r) {
			fill(n, r.PostForm)
			changed = true
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !changed {
		return page
	}
	var out bytes.Buffer
	if err := html.Render(&out, doc); err != nil {
		return page
	}
	return out.Bytes()
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func delAttr(n *html.Node, key string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key {
			out = append(out, a)
		}
	}
	n.Attr = out
}

// sentForm reports whether form is the one the request came from.
func sentForm(form *html.Node, r *http.Request) bool {
	if m, _ := attr(form, "method"); !strings.EqualFold(m, "post") {
		return false
	}
	action, _ := attr(form, "action")
	if u, err := url.Parse(action); err != nil || u.Path != r.URL.Path {
		return false
	}
	want := r.PostForm.Get("action")
	match := want == ""
	inputs(form, func(in *html.Node) {
		name, _ := attr(in, "name")
		typ, _ := attr(in, "type")
		if in.DataAtom == atom.Input && strings.EqualFold(typ, "hidden") && name == "action" {
			v, _ := attr(in, "value")
			match = v == want
		}
	})
	return match
}

// inputs calls fn for every input, select and textarea in n.
func inputs(n *html.Node, fn func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Input || c.DataAtom == atom.Select || c.DataAtom == atom.Textarea) {
			fn(c)
			continue
		}
		inputs(c, fn)
	}
}

// fill sets the form's fields to the values sent. A name sent several
// times (rows of a table) fills its fields in order.
func fill(form *html.Node, sent url.Values) {
	used := map[string]int{}
	inputs(form, func(in *html.Node) {
		name, ok := attr(in, "name")
		if !ok || name == "csrf" || name == "action" {
			return
		}
		vals, ok := sent[name]
		if !ok {
			if in.DataAtom == atom.Input {
				if typ, _ := attr(in, "type"); strings.EqualFold(typ, "checkbox") {
					delAttr(in, "checked") // an unchecked box is not sent
				}
			}
			return
		}
		switch in.DataAtom {
		case atom.Input:
			typ, _ := attr(in, "type")
			switch strings.ToLower(typ) {
			case "password", "file", "hidden", "submit", "button", "reset", "image":
				return
			case "checkbox", "radio":
				v, ok := attr(in, "value")
				if !ok {
					v = "on"
				}
				delAttr(in, "checked")
				for _, s := range vals {
					if s == v {
						setAttr(in, "checked", "")
					}
				}
				return
			}
			i := used[name]
			if i < len(vals) {
				setAttr(in, "value", vals[i])
			}
			used[name] = i + 1
		case atom.Textarea:
			i := used[name]
			if i < len(vals) {
				for c := in.FirstChild; c != nil; c = in.FirstChild {
					in.RemoveChild(c)
				}
				in.AppendChild(&html.Node{Type: html.TextNode, Data: vals[i]})
			}
			used[name] = i + 1
		case atom.Select:
			var options []*html.Node
			var collect func(n *html.Node)
			collect = func(n *html.Node) {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.DataAtom == atom.Option {
						options = append(options, c)
					} else {
						collect(c)
					}
				}
			}
			collect(in)
			found := false
			for _, o := range options {
				v, ok := attr(o, "value")
				if !ok {
					v = textOf(o)
				}
				if !found && slices.Contains(vals, v) {
					found = true
					for _, other := range options {
						delAttr(other, "selected")
					}
					setAttr(o, "selected", "")
				}
			}
		}
	})
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}
