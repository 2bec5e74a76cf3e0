package browsertest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

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

// AwaitPage waits until js holds on a fully loaded page: a search form
// answers with a new page, which replaces the old one while it is polled.
func AwaitPage(t testing.TB, ctx context.Context, js string) {
	t.Helper()
	js = "(" + js + ") && document.readyState === \"complete\""
	if err := pollPage(ctx, js); err != nil {
		t.Fatalf("waiting for %s: %v", js, err)
	}
}

// pollPage polls js until it holds, for up to 30 seconds. A form's answer
// replaces the page while it is polled, which Chrome reports as a -32000
// error ("navigated", "cannot find context"): the poll then starts again
// on the new page.
func pollPage(ctx context.Context, js string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithDeadline(ctx, deadline)
		err := chromedp.Run(pctx, chromedp.Poll(js, nil, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil || !strings.Contains(err.Error(), "-32000") || time.Now().After(deadline) {
			return err
		}
	}
}
