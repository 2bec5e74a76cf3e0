package trace_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
)

const (
	mal      = errcode.MalformedBody
	notFound = errcode.NotFound
	unauth   = errcode.Unauthorized
	rule     = errcode.RuleViolation
	conflict = errcode.Conflict
)

type vcase testchain.Case

// refusals runs a refusal table (testchain.Refusals); the coop signs the
// cases that name no organisation.
func refusals(t *testing.T, c *testchain.Chain, action string, cases []vcase) {
	t.Helper()
	testchain.Refusals(t, c, "trace", coop, action, cases)
}
