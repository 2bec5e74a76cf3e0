package pages

import (
	"context"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/chart"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/state"
)

// Dashboard returns a module's panels on an organisation's hall
// dashboard, the first page its clerks see: what the organisation has on
// the chain in the module, as numbers and charts. A module with nothing
// for the organisation (no role in it, no records and nothing to start)
// returns no panel. The host lays the panels out in the registry's order,
// so a new module's panels appear with no change to the host.
type Dashboard func(ctx context.Context, b *Board) ([]Tile, error)

// Board is the dashboard being drawn: whose it is and the state it reads.
type Board struct {
	Site Site
	Lang Lang
	// User is the signed-in clerk; User.Caller() is whom read scopes
	// apply to. Panels show the organisation's own records, which it
	// may always read, and never another organisation's that the
	// module's read rules would keep from it.
	User *User
	// Org is the clerk's organisation as the chain records it.
	Org *identity.Org
	// View is the latest committed state, the same for every panel.
	View *state.View
	// Now is the latest block's time (the chain's "now", for ages and
	// months), never this node's clock.
	Now time.Time
	// T is the text of a message key in the page's language.
	T func(key string) string

	names map[string]string // OrgName's, read once
}

// Has reports whether the organisation holds the role named r.
func (b *Board) Has(r string) bool { return b.User.Has(r) }

// Tile is one panel of the dashboard.
type Tile struct {
	// ID names the panel on the page ("trace-scans"): its element id
	// is "tile-" + ID, and its chart's ids start with it.
	ID string
	// Title is the panel's heading, in the page's language.
	Title string
	// Figures are its headline numbers.
	Figures []Figure
	// Chart is its picture, if any; the host shows its numbers as a
	// table under it, for screen readers and for people who would
	// rather read.
	Chart chart.Chart
	// Empty, when the organisation has nothing here yet, says what to do
	// first (the host then shows no chart).
	Empty string
	// Links go to the records behind the numbers and their actions.
	Links []Link
}

// Figure is a headline number: its label and its value, spelled for
// people (yuan, %, thousands separators).
type Figure struct {
	Label string
	Value string
}

// Merge returns one set of messages with the keys of all; a key in two of
// them panics (a programming error, found by any test that builds the
// pages).
func Merge(ms ...Messages) Messages {
	out := Messages{}
	for _, m := range ms {
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic("pages: message " + k + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// OrgName is an organisation's name in the board's language (its Chinese
// name when it has no English one), or its id when it is not an active
// member.
func (b *Board) OrgName(id string) string {
	if b.names == nil {
		b.names = map[string]string{}
		if b.Site != nil {
			orgs, _ := b.Site.Orgs()
			for _, o := range orgs {
				b.names[o.ID] = o.Name
				if b.Lang == EN && o.NameEN != "" {
					b.names[o.ID] = o.NameEN
				}
			}
		}
	}
	if n, ok := b.names[id]; ok {
		return n
	}
	return id
}

// Today is the board's date in China time, YYYY-MM-DD: the date the
// chain's rules read.
func (b *Board) Today() string { return b.Now.In(ChinaTime).Format("2006-01-02") }

// Tp is T with {name} placeholders filled from pairs of name and value.
func (b *Board) Tp(key string, pairs ...string) string {
	s := b.T(key)
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+pairs[i]+"}", pairs[i+1])
	}
	return s
}
