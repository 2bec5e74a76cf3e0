package web

import (
	"net/url"
	"testing"
)

func TestPageURL(t *testing.T) {
	for _, c := range []struct {
		query, path, anchor string
		pairs               []string
		want                string
	}{
		{"", "/hall/x", "", []string{"after", "A1"}, "/hall/x?after=A1"},
		{"q=%E6%A2%A8&lines_after=L9", "/hall/energy", "orders", []string{"orders_after", "O 2"}, "/hall/energy?lines_after=L9&orders_after=O+2&q=%E6%A2%A8#orders"},
		{"q=pear&after=A1&uq=x", "/hall/credential", "issued-list", []string{"after", ""}, "/hall/credential?q=pear&uq=x#issued-list"},
		{"q=pear&after=A1&uq=x", "/hall/credential", "", []string{"q", "", "after", ""}, "/hall/credential?uq=x"},
		{"after=A1", "/hall/x", "top", []string{"after"}, "/hall/x#top"},
		{"a=1&a=2", "/p", "", []string{"b", "&=#"}, "/p?a=1&a=2&b=%26%3D%23"},
	} {
		q, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := pageURL(q, c.path, c.anchor, c.pairs...); got != c.want {
			t.Errorf("pageURL(%q, %q, %q, %q) = %q, want %q", c.query, c.path, c.anchor, c.pairs, got, c.want)
		}
	}
}
