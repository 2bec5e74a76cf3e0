// Package role defines the roles an organisation can hold in a Dengta
// consortium. Roles gate every action: each module declares which roles may
// perform each of its actions, and the application checks the signer's
// organisation before the module sees the transaction.
package role

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a capability held by an organisation.
type Role string

// The roles of a consortium. The strings are stored on chain: never rename.
const (
	Producer       Role = "producer"        // grows or makes goods (a fruit cooperative)
	Logistics      Role = "logistics"       // carries goods between parties
	Retailer       Role = "retailer"        // sells to consumers (a supermarket)
	CoreEnterprise Role = "core_enterprise" // obligor of supply-chain receivables
	Supplier       Role = "supplier"        // holds and passes on receivables
	Bank           Role = "bank"            // finances and confirms receivables
	Court          Role = "court"           // judges evidence
	Notary         Role = "notary"          // preserves evidence for others
	Depositor      Role = "depositor"       // preserves its own evidence and registers works
	Regulator      Role = "regulator"       // reads everything in its remit, freezes
	Inspector      Role = "inspector"       // attests quality of lots and products
	Alliance       Role = "alliance"        // a quality alliance that certifies members
)

type info struct {
	role Role
	zh   string
	en   string
}

var all = []info{
	{Producer, "生产者", "Producer"},
	{Logistics, "物流", "Logistics"},
	{Retailer, "零售商", "Retailer"},
	{CoreEnterprise, "核心企业", "Core enterprise"},
	{Supplier, "供应商", "Supplier"},
	{Bank, "银行", "Bank"},
	{Court, "法院", "Court"},
	{Notary, "公证机构", "Notary"},
	{Depositor, "存证人", "Depositor"},
	{Regulator, "监管机构", "Regulator"},
	{Inspector, "检验机构", "Inspector"},
	{Alliance, "质量联盟", "Quality alliance"},
}

// All returns every role, in a fixed order.
func All() []Role {
	out := make([]Role, len(all))
	for i, r := range all {
		out[i] = r.role
	}
	return out
}

// Parse returns the role named s.
func Parse(s string) (Role, error) {
	for _, r := range all {
		if string(r.role) == s {
			return r.role, nil
		}
	}
	names := make([]string, len(all))
	for i, r := range all {
		names[i] = string(r.role)
	}
	return "", fmt.Errorf("unknown role %q (known roles: %s)", s, strings.Join(names, ", "))
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	_, err := Parse(string(r))
	return err == nil
}

// Label returns the role's display name in the language lang ("zh" or "en").
func (r Role) Label(lang string) string {
	for _, i := range all {
		if i.role == r {
			if strings.HasPrefix(lang, "zh") {
				return i.zh
			}
			return i.en
		}
	}
	return string(r)
}

// Normalize validates roles and returns them sorted without duplicates, the
// form in which they are stored on chain.
func Normalize(roles []Role) ([]Role, error) {
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		if !r.Valid() {
			_, err := Parse(string(r))
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
