package app

import (
	"bytes"
	"fmt"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// CanRead reports whether c may read the state value under key (ADR 0007):
// the app's nonces are public, a module's keys are as its Visibility says
// (members only without one), and keys of no module are for members.
func (a *App) CanRead(r module.Reader, key []byte, c access.Caller) bool {
	if bytes.HasPrefix(key, []byte(noncePrefix)) {
		return true
	}
	name, _, ok := bytes.Cut(key, []byte("/"))
	if !ok {
		return !c.Public()
	}
	m := a.module(string(name))
	if v, ok := m.(module.Visibility); ok {
		return v.CanRead(r, key, c)
	}
	return !c.Public()
}

// CanReadTx reports whether c may read the body and result of a
// transaction of mod/action signed for signerOrg: its signer's
// organisation and those who oversee may, and others as the module's
// Visibility says.
func (a *App) CanReadTx(r module.Reader, mod, action, signerOrg string, body []byte, c access.Caller) bool {
	if c.Public() {
		if v, ok := a.module(mod).(module.Visibility); ok {
			return v.CanReadTx(r, action, body, c)
		}
		return false
	}
	if c.Org == signerOrg || c.Oversees() {
		return true
	}
	if v, ok := a.module(mod).(module.Visibility); ok {
		return v.CanReadTx(r, action, body, c)
	}
	return false
}

// module returns the module called name, nil when there is none.
func (a *App) module(name string) module.Module {
	for _, m := range a.modules {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

// RoleUse asks every module that implements module.RoleUse what org's
// open records need it to keep the roles in removed (kept are those it
// would still hold), in the modules' order. Safe for concurrent use.
func (a *App) RoleUse(r module.Reader, org string, removed, kept []role.Role) ([]module.Notice, error) {
	var out []module.Notice
	for _, m := range a.modules {
		u, ok := m.(module.RoleUse)
		if !ok {
			continue
		}
		n, err := u.RoleUse(r, org, removed, kept)
		if err != nil {
			return nil, fmt.Errorf("role use in %s: %w", m.Name(), err)
		}
		out = append(out, n...)
	}
	return out, nil
}
