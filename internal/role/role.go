// Package role defines the roles an organisation can hold in a Dengta
// consortium. Roles gate every action: each module declares which roles may
// perform each of its actions, and the application checks the signer's
// organisation before the module sees the transaction.
//
// A few roles are common to several scenarios and are declared here; every
// other role is declared by the module that uses it (plug.Module.Roles). A
// chain's Set is the common roles plus its modules' roles. Role strings are
// stored on chain: a declared role is never renamed.
package role

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a capability held by an organisation.
type Role string

// Spec declares a role with its display names.
type Spec struct {
	Role Role
	ZH   string
	EN   string
}

// The common roles, which several modules use. The strings are stored on
// chain: never rename.
const (
	Regulator Role = "regulator" // reads everything in its remit, freezes and recalls
	Inspector Role = "inspector" // attests quality, verifies reports
	Producer  Role = "producer"  // grows or makes goods (a fruit cooperative)
	Logistics Role = "logistics" // carries goods between parties
	Supplier  Role = "supplier"  // supplies goods and holds what it is paid with
	Bank      Role = "bank"      // finances, confirms and settles
	Auditor   Role = "auditor"   // reads everything in its remit, changes nothing
)

// Common returns the common roles, in a fixed order.
func Common() []Spec {
	return []Spec{
		{Regulator, "监管机构", "Regulator"},
		{Inspector, "检验机构", "Inspector"},
		{Producer, "生产者", "Producer"},
		{Logistics, "物流", "Logistics"},
		{Supplier, "供应商", "Supplier"},
		{Bank, "银行", "Bank"},
		{Auditor, "审计机构", "Auditor"},
	}
}

// Set is the roles a chain knows, in declaration order.
type Set struct {
	specs []Spec
}

// NewSet returns the set of the common roles and the given ones. A role
// declared twice, or one without both labels, is an error.
func NewSet(specs ...Spec) (*Set, error) {
	s := &Set{}
	for _, sp := range append(Common(), specs...) {
		if sp.Role == "" || sp.ZH == "" || sp.EN == "" {
			return nil, fmt.Errorf("role %q needs a name and Chinese and English labels", sp.Role)
		}
		if strings.ToLower(string(sp.Role)) != string(sp.Role) || strings.ContainsAny(string(sp.Role), " \t/") {
			return nil, fmt.Errorf("role %q: use lowercase letters, digits and '_'", sp.Role)
		}
		if slices.ContainsFunc(s.specs, func(o Spec) bool { return o.Role == sp.Role }) {
			return nil, fmt.Errorf("role %q is declared twice", sp.Role)
		}
		s.specs = append(s.specs, sp)
	}
	return s, nil
}

// MustSet is NewSet for fixed declarations; it panics on an error.
func MustSet(specs ...Spec) *Set {
	s, err := NewSet(specs...)
	if err != nil {
		panic("role: " + err.Error())
	}
	return s
}

// All returns every role of the set, in declaration order.
func (s *Set) All() []Role {
	out := make([]Role, len(s.specs))
	for i, sp := range s.specs {
		out[i] = sp.Role
	}
	return out
}

// Specs returns the set's declarations.
func (s *Set) Specs() []Spec { return slices.Clone(s.specs) }

// Parse returns the role named name.
func (s *Set) Parse(name string) (Role, error) {
	for _, sp := range s.specs {
		if string(sp.Role) == name {
			return sp.Role, nil
		}
	}
	names := make([]string, len(s.specs))
	for i, sp := range s.specs {
		names[i] = string(sp.Role)
	}
	return "", fmt.Errorf("unknown role %q (known roles: %s)", name, strings.Join(names, ", "))
}

// Valid reports whether r is in the set.
func (s *Set) Valid(r Role) bool {
	_, err := s.Parse(string(r))
	return err == nil
}

// Label returns the role's display name in the language lang ("zh" or "en").
func (s *Set) Label(r Role, lang string) string {
	for _, sp := range s.specs {
		if sp.Role == r {
			if strings.HasPrefix(lang, "zh") {
				return sp.ZH
			}
			return sp.EN
		}
	}
	return string(r)
}

// Normalize validates roles and returns them sorted without duplicates, the
// form in which they are stored on chain.
func (s *Set) Normalize(roles []Role) ([]Role, error) {
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		if _, err := s.Parse(string(r)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Any reports whether have holds at least one of want.
func Any(have, want []Role) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}
