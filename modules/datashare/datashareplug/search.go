package datashareplug

import (
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
)

// label names a value of the module's sets in both languages.
var label = pages.Labels(enums)

// newSearch is the search for what a clerk typed in a list's search box,
// which also finds values by their names in either language.
func newSearch(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	s.Label = label
	return s
}
