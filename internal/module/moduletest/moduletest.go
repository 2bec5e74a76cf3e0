// Package moduletest holds checks every scenario module's own tests run.
package moduletest

import (
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// OperatorKeys is the table entry of an action only node operator keys
// sign (module.Action.Operator), whatever their organisation's roles.
var OperatorKeys = []role.Role{"(node operator keys)"}

// ByDecision is the table entry of an action that carries out governance
// decisions (module.Action.ByDecision): the admin keys of any active
// organisation, with a passed authorize_action proposal naming it.
var ByDecision = []role.Role{"(governance decision)"}

// CheckRoles compares the roles m declares for each action with want,
// the design written out by hand: a change to who may do what must change
// the module's table too. A nil entry means any member's signed key may
// act, OperatorKeys that only node operator keys may; ByDecision marks a
// decision action; other admin-only actions are not expected in want and
// fail the check.
func CheckRoles(t testing.TB, m module.Module, want map[string][]role.Role) {
	t.Helper()
	seen := 0
	for _, a := range m.Actions() {
		w, ok := want[a.Name]
		if !ok {
			t.Errorf("action %s is not in the table", a.Name)
			continue
		}
		seen++
		if a.OperatorOnly || slices.Equal(w, OperatorKeys) {
			if !a.OperatorOnly || !slices.Equal(w, OperatorKeys) || len(a.Roles) > 0 || a.AdminOnly {
				t.Errorf("action %s declares roles %v operator=%v, the table says %v", a.Name, a.Roles, a.OperatorOnly, w)
			}
			continue
		}
		decision := slices.Equal(w, ByDecision)
		if a.Decision != decision || (a.Decision && (!a.AdminOnly || len(a.Roles) != 0)) {
			t.Errorf("action %s: decision=%v admin=%v roles %v; the table says decision=%v", a.Name, a.Decision, a.AdminOnly, a.Roles, decision)
			continue
		}
		if decision {
			continue
		}
		got := slices.Clone(a.Roles)
		slices.Sort(got)
		w = slices.Clone(w)
		slices.Sort(w)
		if !slices.Equal(got, w) || a.AdminOnly {
			t.Errorf("action %s declares roles %v admin=%v, the table says %v", a.Name, a.Roles, a.AdminOnly, w)
		}
	}
	if seen != len(want) {
		t.Errorf("the module declares %d of the table's %d actions", seen, len(want))
	}
}
