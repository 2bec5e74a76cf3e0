// Package access says who is asking: the caller of an API request or a
// page, as the gateway authenticated it (a request signed with a member
// key, an API token of a hall user, a hall session), or the public. Read
// scopes (ADR 0007) are decided on a Caller: the gateway's per-endpoint
// access, the state and proof endpoints' per-key visibility, the
// explorer's transaction bodies, and each module's own rules about who is
// party to a record.
package access

import (
	"context"
	"slices"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Caller is who is asking. The zero Caller is the public.
type Caller struct {
	// Org is the member organisation the caller acts for ("" for the
	// public).
	Org string
	// Key is the member key that signed the request, when one did.
	Key tx.KeyID
	// User is the hall user behind an API token or a session.
	User string
	// Roles are Org's roles on chain when the request arrived.
	Roles []role.Role
}

// Public reports whether the caller is not authenticated as a member.
func (c Caller) Public() bool { return c.Org == "" }

// Has reports whether the caller's organisation has role r.
func (c Caller) Has(r role.Role) bool { return !c.Public() && slices.Contains(c.Roles, r) }

// Oversees reports whether the caller reads everything in its remit: a
// regulator or an auditor (ADR 0007). Modules whose remit is narrower
// decide for themselves.
func (c Caller) Oversees() bool { return c.Has(role.Regulator) || c.Has(role.Auditor) }

// Is reports whether the caller acts for one of orgs.
func (c Caller) Is(orgs ...string) bool { return !c.Public() && slices.Contains(orgs, c.Org) }

// Refuse is the answer to a caller who may not read what (ADR 0007):
// unauthenticated (401) for the public, unauthorized (403) for a member,
// each saying who may read it (who: "the organisations on its lineage and
// regulators or auditors", say). It is decided before the value is read,
// so it says nothing of whether the record exists.
func Refuse(c Caller, what, who string) error {
	if c.Public() {
		return errcode.New(errcode.Unauthenticated, "%s is for %s: sign the request with a member key or send an API token", what, who)
	}
	return errcode.New(errcode.Unauthorized, "organisation %s may not read %s: it is for %s", c.Org, what, who)
}

type ctxKey struct{}

// With returns ctx carrying c.
func With(ctx context.Context, c Caller) context.Context { return context.WithValue(ctx, ctxKey{}, c) }

// From returns the caller ctx carries, the public when none.
func From(ctx context.Context) Caller {
	c, _ := ctx.Value(ctxKey{}).(Caller)
	return c
}
