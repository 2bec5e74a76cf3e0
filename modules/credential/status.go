package credential

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

// MaxLists bounds the status lists of one organisation.
const MaxLists = 4096

func (Module) openList(ctx *module.Context, b *credentialapi.OpenListBody) error {
	size := b.Size
	if size == 0 {
		size = statuslist.MinEntries
	}
	if err := statuslist.CheckSize(size); err != nil {
		return malformed("size: %v", err)
	}
	org := ctx.Signer.Org
	n, err := getCount(ctx.Store, listsKey(org))
	if err != nil {
		return err
	}
	if n >= MaxLists {
		return rule("%s has %d status lists, the most one organisation opens", org, n)
	}
	n++
	zero := credentialapi.ListState{Hash: statuslist.ZeroHash(size), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	l := credentialapi.List{Issuer: org, N: n, Size: size, Revocation: zero, Suspension: zero}
	if err := module.PutJSON(ctx.Store, listKey(org, n), &l); err != nil {
		return err
	}
	if err := setCount(ctx.Store, listsKey(org), n); err != nil {
		return err
	}
	ctx.Emit("credential.list_opened", "org", org, "n", fmt.Sprint(n), "size", fmt.Sprint(size))
	return ctx.SetResult(credentialapi.ListResult{Issuer: org, N: n, Size: size})
}

// GetList returns a status list, or a not_found error.
func GetList(r module.Getter, org string, n int) (*credentialapi.List, error) {
	var l credentialapi.List
	if err := module.GetRecord(r, listKey(org, n), &l, "%s has no status list %d", org, n); err != nil {
		return nil, err
	}
	return &l, nil
}

// Lists is the number of status lists an organisation opened.
func Lists(r module.Getter, org string) (int, error) { return getCount(r, listsKey(org)) }

// Bits reads one purpose's bitstring of a list from its chunks.
func Bits(r module.Getter, l *credentialapi.List, purpose string) ([]byte, error) {
	bits := make([]byte, l.Size/8)
	for c := range l.Size / statuslist.ChunkEntries {
		b, err := r.Get(bitsKey(l.Issuer, l.N, purpose, c))
		if err != nil {
			return nil, err
		}
		if b == nil {
			continue
		}
		if len(b) != statuslist.ChunkBytes {
			return nil, fmt.Errorf("status bits %s/%d/%s chunk %d: %d bytes", l.Issuer, l.N, purpose, c, len(b))
		}
		copy(bits[c*statuslist.ChunkBytes:], b)
	}
	return bits, nil
}

// setBit sets or clears one entry of a purpose's bits, writing only its
// chunk, and anchors the bitstring's new hash in the list with a change
// record. It reports whether anything changed.
func setBit(ctx *module.Context, l *credentialapi.List, purpose string, index int, on bool, hash string) (bool, error) {
	bits, err := Bits(ctx.Store, l, purpose)
	if err != nil {
		return false, err
	}
	if statuslist.Get(bits, index) == on {
		return false, nil
	}
	statuslist.Set(bits, index, on)
	c := index / statuslist.ChunkEntries
	chunk := bits[c*statuslist.ChunkBytes : (c+1)*statuslist.ChunkBytes]
	key := bitsKey(l.Issuer, l.N, purpose, c)
	if allZero(chunk) {
		err = ctx.Store.Delete(key)
	} else {
		err = ctx.Store.Set(key, append([]byte(nil), chunk...))
	}
	if err != nil {
		return false, err
	}
	st := &l.Revocation
	if purpose == statuslist.Suspension {
		st = &l.Suspension
	}
	st.Version++
	st.Hash = statuslist.Hash(bits)
	st.Height, st.Time = ctx.Height, field.BlockTime(ctx.Time)
	ch := credentialapi.ListChange{Purpose: purpose, Version: st.Version, Index: index, Set: on, Hash: st.Hash, Credential: hash, Height: ctx.Height, Time: st.Time}
	if err := module.PutJSON(ctx.Store, listLogKey(l.Issuer, l.N, purpose, st.Version), &ch); err != nil {
		return false, err
	}
	return true, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// GetAnchor returns a credential's anchor, or a not_found error.
func GetAnchor(r module.Getter, hash string) (*credentialapi.Anchor, error) {
	var a credentialapi.Anchor
	if err := module.GetRecord(r, credKey(hash), &a, "no credential with hash %s is anchored", hash); err != nil {
		return nil, err
	}
	return &a, nil
}

func (m Module) setStatus(ctx *module.Context, b *credentialapi.StatusBody) error {
	if err := field.Hex64("hash", b.Hash); err != nil {
		return err
	}
	if err := field.OneOf("status", b.Status, credentialapi.Statuses); err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 0, 200); err != nil {
		return err
	}
	a, err := GetAnchor(ctx.Store, b.Hash)
	if err != nil {
		return err
	}
	if a.Issuer != ctx.Signer.Org {
		return unauthorized("credential %s was issued by %s; only its issuer changes its status (or the consortium, by revoke_by_decision)", b.Hash, a.Issuer)
	}
	return m.changeStatus(ctx, a, b.Status, b.Reason, 0)
}

// changeStatus moves a credential to status, updating its status list's
// bits and anchored hashes, its anchor and its log.
func (Module) changeStatus(ctx *module.Context, a *credentialapi.Anchor, status, reason string, proposal uint64) error {
	switch {
	case a.Status == credentialapi.StatusRevoked:
		return conflict("credential %s was revoked; revocation is final", a.Hash)
	case a.Status == status:
		return conflict("credential %s is already %s", a.Hash, status)
	}
	l, err := GetList(ctx.Store, a.Issuer, a.List)
	if err != nil {
		return err
	}
	revoked, suspended := status == credentialapi.StatusRevoked, status == credentialapi.StatusSuspended
	if _, err := setBit(ctx, l, statuslist.Revocation, a.Index, revoked, a.Hash); err != nil {
		return err
	}
	if _, err := setBit(ctx, l, statuslist.Suspension, a.Index, suspended, a.Hash); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, listKey(l.Issuer, l.N), l); err != nil {
		return err
	}
	a.Status = status
	if err := module.PutJSON(ctx.Store, credKey(a.Hash), a); err != nil {
		return err
	}
	seq := 1
	for ; ; seq++ {
		b, err := ctx.Store.Get(credLogKey(a.Hash, seq))
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
	}
	e := credentialapi.StatusEntry{Seq: seq, Status: status, Reason: reason, ProposalID: proposal, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, credLogKey(a.Hash, seq), &e); err != nil {
		return err
	}
	ctx.Emit("credential.status_changed", "hash", a.Hash, "status", status, "issuer", a.Issuer, "by", ctx.Signer.Org)
	return ctx.SetResult(credentialapi.StatusResult{Hash: a.Hash, Status: status, Revocation: l.Revocation.Hash, Suspension: l.Suspension.Hash})
}

func (m Module) revokeByDecision(ctx *module.Context, b *credentialapi.DecisionRevokeBody) error {
	if err := field.Hex64("hash", b.Hash); err != nil {
		return err
	}
	if b.ProposalID == 0 {
		return malformed("proposal_id is required: the passed authorize_action proposal naming credential/revoke_by_decision on the credential's hash")
	}
	a, err := GetAnchor(ctx.Store, b.Hash)
	if err != nil {
		return err
	}
	if a.Status == credentialapi.StatusRevoked {
		return conflict("credential %s was revoked already", b.Hash)
	}
	d, err := decision(ctx, b.ProposalID, credentialapi.RevokeByDecision.Name, b.Hash)
	if err != nil {
		return err
	}
	return m.changeStatus(ctx, a, credentialapi.StatusRevoked, d.Reason, b.ProposalID)
}

func (Module) anchor(ctx *module.Context, b *credentialapi.AnchorBody) error {
	if len(b.Credentials) == 0 || len(b.Credentials) > credentialapi.MaxAnchors {
		return malformed("credentials: 1 to %d items, got %d", credentialapi.MaxAnchors, len(b.Credentials))
	}
	org := ctx.Signer.Org
	seen := map[string]bool{}
	for i, it := range b.Credentials {
		at := fmt.Sprintf("credentials[%d]", i)
		if err := field.Hex64(at+".hash", it.Hash); err != nil {
			return err
		}
		if seen[it.Hash] {
			return malformed("%s.hash is given twice", at)
		}
		seen[it.Hash] = true
		if !typeIDPattern.MatchString(it.Type) {
			return malformed("%s.type %q is not a credential type id", at, it.Type)
		}
		if err := checkKid(at+".kid", it.Kid); err != nil {
			return err
		}
		if it.List < 1 || it.Index < 0 {
			return malformed("%s: list from 1 and index from 0, got list %d index %d", at, it.List, it.Index)
		}
	}
	lists := map[int]*credentialapi.List{}
	// A batch is mostly one type and one key: each is checked once.
	types, kids := map[string]bool{}, map[string]bool{}
	for i, it := range b.Credentials {
		at := fmt.Sprintf("credentials[%d]", i)
		if !types[it.Type] {
			if raw, err := ctx.Store.Get(typeKey(it.Type)); err != nil {
				return err
			} else if raw == nil {
				return notFound("no credential type %q is registered", it.Type)
			}
			auth, ok, err := GetIssuer(ctx.Store, it.Type, org)
			if err != nil {
				return err
			}
			if !ok || !auth.Active {
				return unauthorized("%s: %s is not authorised to issue %s; the consortium authorises issuers by governance (credential/authorize_issuer)", at, org, it.Type)
			}
			types[it.Type] = true
		}
		if !kids[it.Kid] {
			k, err := GetKey(ctx.Store, org, it.Kid)
			if err != nil {
				return err
			}
			if k.Revoked != 0 {
				return rule("%s: key %s was revoked at height %d; sign with an active key", at, it.Kid, k.Revoked)
			}
			kids[it.Kid] = true
		}
		l := lists[it.List]
		if l == nil {
			var err error
			if l, err = GetList(ctx.Store, org, it.List); err != nil {
				return err
			}
			lists[it.List] = l
		}
		if it.Index >= l.Size {
			return malformed("%s.index %d is past the end of status list %d (%d entries)", at, it.Index, it.List, l.Size)
		}
		if err := absent(ctx.Store, credKey(it.Hash), "credential "+it.Hash); err != nil {
			return err
		}
		taken, err := ctx.Store.Get(slotKey(org, it.List, it.Index))
		if err != nil {
			return err
		}
		if taken != nil {
			return conflict("%s: entry %d of status list %d is another credential's; choose a free entry", at, it.Index, it.List)
		}
		a := credentialapi.Anchor{Hash: it.Hash, Type: it.Type, Issuer: org, Kid: it.Kid, List: it.List, Index: it.Index, By: ctx.Party(),
			Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: txHash(ctx), Status: credentialapi.StatusActive}
		if err := module.PutJSON(ctx.Store, credKey(it.Hash), &a); err != nil {
			return err
		}
		if err := ctx.Store.Set(slotKey(org, it.List, it.Index), []byte(it.Hash)); err != nil {
			return err
		}
		if err := ctx.Store.Set(issuedKey(org, ctx.Height, it.Hash), present); err != nil {
			return err
		}
		l.Used++
	}
	for _, n := range slices.Sorted(maps.Keys(lists)) {
		if err := module.PutJSON(ctx.Store, listKey(org, n), lists[n]); err != nil {
			return err
		}
	}
	ctx.Emit("credential.anchored", "issuer", org, "count", fmt.Sprint(len(b.Credentials)))
	return ctx.SetResult(credentialapi.AnchorResult{Anchored: len(b.Credentials)})
}

// SlotTaken reports whether an entry of a status list holds a credential.
func SlotTaken(r module.Getter, org string, n, index int) (bool, error) {
	b, err := r.Get(slotKey(org, n, index))
	return b != nil, err
}
