package browsertest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
)

// PageThrough reads a paged hall list: the text of every element that
// rows selects on the page open, then on each page the link more leads
// to, until a page has no such link; it answers the texts in order.
func PageThrough(t testing.TB, ctx context.Context, rows, more string) []string {
	t.Helper()
	var all []string
	for n := 0; ; n++ {
		if n > 50 {
			t.Fatalf("the list %s has more than 50 pages", rows)
		}
		var texts []string
		sel, _ := json.Marshal(rows)
		Run(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll(`+string(sel)+`)].map(e => e.textContent.trim())`, &texts))
		all = append(all, texts...)
		var href string
		link, _ := json.Marshal(more)
		Run(t, ctx, chromedp.Evaluate(`(document.querySelector(`+string(link)+`) || {}).href || ""`, &href))
		if href == "" {
			return all
		}
		Run(t, ctx, chromedp.Navigate(href))
	}
}
