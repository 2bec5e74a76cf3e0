package carbon

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// TestListProjectsStatus: a status that is not one a project can have is
// bad input, as in the other lists, not an empty page.
func TestListProjectsStatus(t *testing.T) {
	for _, s := range []string{"bogus", "Registered", "active"} {
		if _, err := ListProjects(nil, s, "", ""); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("status %q: %v", s, err)
		}
	}
}
