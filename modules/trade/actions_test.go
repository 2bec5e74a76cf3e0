package trade_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module/moduletest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand.
func TestActionRoles(t *testing.T) {
	holder := []role.Role{tradeapi.Trader, role.Bank}
	want := map[string][]role.Role{
		"issue_ebl":               {tradeapi.Carrier},
		"transfer_ebl":            holder,
		"accept_ebl":              holder,
		"reject_ebl":              holder,
		"withdraw_transfer":       holder,
		"amend_ebl":               {tradeapi.Carrier},
		"answer_ebl_amendment":    holder,
		"surrender_ebl":           holder,
		"release_goods":           {tradeapi.Carrier},
		"switch_to_paper":         {tradeapi.Carrier},
		"set_calendar":            {role.Bank},
		"issue_credit":            {role.Bank},
		"advise_credit":           {role.Bank},
		"amend_credit":            {role.Bank},
		"answer_credit_amendment": {tradeapi.Trader},
		"present_documents":       {tradeapi.Trader},
		"examine_documents":       {role.Bank},
		"waive_discrepancies":     {tradeapi.Trader},
		"return_documents":        {role.Bank},
		"honour":                  {role.Bank},
		"reimburse":               {role.Bank},
		"release_documents":       {role.Bank},
	}
	moduletest.CheckRoles(t, trade.Module{}, want)
}
