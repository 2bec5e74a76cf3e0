package charity_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module/moduletest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too.
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"register_org":    {charityapi.CivilAffairs},
		"file_project":    {charityapi.Charity},
		"approve_project": {charityapi.CivilAffairs},
		"donate":          {charityapi.Charity, charityapi.Channel},
		"donate_batch":    {charityapi.Charity, charityapi.Channel},
		"donate_in_kind":  {charityapi.Charity, charityapi.Channel},
		"grant":           {charityapi.Charity},
		"confirm_grant":   {charityapi.Charity},
		"disburse":        {charityapi.Charity},
		"distribute":      {charityapi.Charity},
		"accept":          {charityapi.Beneficiary},
		"dispute":         {charityapi.Beneficiary},
		"refund":          {charityapi.Charity},
		"revise_budget":   {charityapi.Charity},
		"file_report":     {charityapi.Charity, charityapi.Auditor},
		"close_project":   {charityapi.Charity},
	}
	moduletest.CheckRoles(t, charity.Module{}, want)
}
