package receivable_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module/moduletest"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too. (The registry's matrix test checks that the
// application enforces the declarations.)
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"set_credit_line":       {role.Bank},
		"issue":                 {receivableapi.CoreEnterprise},
		"accept":                {role.Supplier, role.Bank},
		"reject":                {role.Supplier, role.Bank},
		"cancel":                {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
		"request_confirmation":  {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
		"withdraw_confirmation": {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
		"decline_confirmation":  {role.Bank},
		"confirm":               {role.Bank},
		"split_transfer":        {role.Supplier, role.Bank},
		"request_financing":     {role.Supplier, role.Bank},
		"approve_financing":     {role.Bank},
		"decline_financing":     {role.Bank},
		"settle":                {receivableapi.CoreEnterprise},
		"freeze":                {role.Regulator},
		"unfreeze":              {role.Regulator},
		// Any member's admin key, carrying out a passed governance decision.
		"unfreeze_by_decision": moduletest.ByDecision,
	}
	moduletest.CheckRoles(t, receivable.Module{}, want)
}
