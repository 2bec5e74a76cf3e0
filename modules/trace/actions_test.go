package trace_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/module/moduletest"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// TestActionRoles checks the roles the module declares for each action
// against the design, written out by hand: a change to who may do what
// must change this table too. (The registry's matrix test checks that the
// application enforces the declarations.)
func TestActionRoles(t *testing.T) {
	want := map[string][]role.Role{
		"assign_prefix":        {role.Regulator},
		"register_product":     {role.Producer},
		"register_lot":         {role.Producer},
		"register_location":    nil,
		"register_party":       nil,
		"capture":              {role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector, traceapi.Alliance},
		"certify":              {traceapi.Alliance, role.Inspector},
		"revoke_certification": {traceapi.Alliance, role.Inspector},
		"record_scans":         moduletest.OperatorKeys,
		"record_member_scans":  {role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector},
	}
	moduletest.CheckRoles(t, trace.Module{}, want)
}
