package carbon_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module/moduletest"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too. Holders move and end units whatever their
// roles.
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"submit_project":      {carbonapi.Developer},
		"register_project":    {carbonapi.Registry},
		"submit_monitoring":   {carbonapi.Developer},
		"verify_monitoring":   {role.Inspector},
		"issue_credits":       {carbonapi.Registry},
		"transfer":            nil,
		"retire":              nil,
		"cancel":              nil,
		"open_compliance":     {carbonapi.Registry},
		"allocate":            {carbonapi.Registry},
		"file_emissions":      {carbonapi.Covered},
		"verify_emissions":    {role.Inspector},
		"surrender":           {carbonapi.Covered},
		"register_plant":      {carbonapi.GECIssuer},
		"issue_gec":           {carbonapi.GECIssuer},
		"claim_gec":           nil,
		"declare_consumption": nil,
		"publish_footprint":   {role.Producer},
		"assure_footprint":    {role.Inspector},
	}
	moduletest.CheckRoles(t, carbon.Module{}, want)
}
