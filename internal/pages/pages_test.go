package pages

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/decimal"
)

// TestAPIErrorDecimal: an amount a form could not read is said in the
// page's language, also when wrapped.
func TestAPIErrorDecimal(t *testing.T) {
	_, err := decimal.ParseYuan("184467440737095517")
	wrapped := fmt.Errorf("price: %w", err)
	for lang, want := range map[Lang]string{ZH: "“184467440737095517”太大", EN: `"184467440737095517" is too large`} {
		p := &Page{Lang: lang}
		if got := p.APIError(wrapped); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
