package datashareplug

import (
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
)

// enumLabels are the names of the module's values, by set and value.
var enumLabels = func() map[string]pages.Messages {
	m := map[string]pages.Messages{}
	for _, e := range enums {
		m[e.Name] = e.Labels
	}
	return m
}()

// label names a value of a set in both languages, for searches.
func label(enum, value string) []string {
	l, ok := enumLabels[enum][value]
	if !ok {
		return nil
	}
	return l[:]
}

// newSearch is the search for what a clerk typed in a list's search box,
// which also finds values by their names in either language.
func newSearch(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	s.Label = label
	return s
}
