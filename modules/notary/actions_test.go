package notary_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module/moduletest"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too. (The registry's matrix test checks that the
// application enforces the declarations.)
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"deposit":       {notaryapi.Depositor, notaryapi.Notary, notaryapi.Court},
		"batch_deposit": {notaryapi.Depositor, notaryapi.Notary, notaryapi.Court},
		"register_work": {notaryapi.Depositor, notaryapi.Notary},
		"transfer_work": {notaryapi.Depositor, notaryapi.Notary},
		"license_work":  {notaryapi.Depositor, notaryapi.Notary},
		// Courts judge disputes; the owners of both registrations settle.
		"resolve_dispute":    {notaryapi.Court},
		"propose_settlement": {notaryapi.Depositor, notaryapi.Notary},
		"accept_settlement":  {notaryapi.Depositor, notaryapi.Notary},
	}
	moduletest.CheckRoles(t, notary.Module{}, want)
}
