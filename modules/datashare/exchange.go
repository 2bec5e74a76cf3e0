package datashare

import (
	"net/url"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// setExchange names the signer organisation's exchange keys and node
// address, replacing what it named before. Records registered before keep
// their data keys wrapped to the keys of then; deliver_keys adds copies
// for the new ones.
func (Module) setExchange(ctx *module.Context, b *datashareapi.ExchangeBody) error {
	keys := b.Keys
	if len(keys) == 0 {
		keys = []tx.KeyID{ctx.Signer.KeyID}
	}
	if len(keys) > datashareapi.MaxExchangeKeys {
		return malformed("keys: name 1 to %d member keys of %s, it names %d", datashareapi.MaxExchangeKeys, ctx.Signer.Org, len(keys))
	}
	if err := checkEndpoint(b.Endpoint); err != nil {
		return err
	}
	if !ctx.Signer.Admin {
		return unauthorized("exchange keys decide who opens what is shared with %s: one of its admin keys names them", ctx.Signer.Org)
	}
	ex := datashareapi.Exchange{Org: ctx.Signer.Org, Endpoint: b.Endpoint, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	for i, id := range keys {
		if slices.Contains(keys[:i], id) {
			return malformed("keys[%d]: key %s is named twice", i, id)
		}
		k, err := identity.GetKey(ctx.Store, id)
		if err != nil {
			return notFound("keys[%d]: no member key %s on this chain", i, id)
		}
		if k.Org != ctx.Signer.Org {
			return unauthorized("keys[%d]: key %s is %s's, not %s's; exchange keys are the organisation's own", i, id, k.Org, ctx.Signer.Org)
		}
		if !k.Active {
			return rule("keys[%d]: key %s was deactivated", i, id)
		}
		ex.Keys = append(ex.Keys, datashareapi.ExchangeKey{ID: id, PublicKey: k.PublicKey})
	}
	if err := module.PutJSON(ctx.Store, exchangeKey(ctx.Signer.Org), &ex); err != nil {
		return err
	}
	ctx.Emit("datashare.exchange", "org", ctx.Signer.Org)
	return ctx.SetResult(datashareapi.ExchangeResult{Org: ctx.Signer.Org, Keys: ex.Keys})
}

// checkEndpoint accepts an absolute http or https URL of at most 200
// bytes, with a host and no query, fragment or user information.
func checkEndpoint(s string) error {
	if s == "" {
		return malformed("endpoint is required: the base URL of the node that serves the organisation's records, like https://node.example.cn")
	}
	if len(s) > 200 {
		return malformed("endpoint is %d bytes; at most 200", len(s))
	}
	if err := field.Plain("endpoint", s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, " \\") {
		return malformed("endpoint %q is not an http(s) base URL like https://node.example.cn", s)
	}
	return nil
}

// GetExchange returns an organisation's exchange settings, or a not_found
// error saying how to set them.
func GetExchange(r module.Getter, org string) (*datashareapi.Exchange, error) {
	var ex datashareapi.Exchange
	if err := module.GetRecord(r, exchangeKey(org), &ex, "%s has named no exchange keys: its admin names them with datashare/set_exchange before records are shared with or by it", org); err != nil {
		return nil, err
	}
	return &ex, nil
}

// checkWrapped checks the wrapped keys given for one holder (the owner's
// copies, or one grantee's) of one record: exactly one per exchange key
// of the holder, each in the right algorithm and well formed. field names
// the list in messages.
func checkWrapped(ex *datashareapi.Exchange, ws []datakey.Wrapped, name string) error {
	if len(ws) != len(ex.Keys) {
		return malformed("%s: %d wrapped keys; %s has %d exchange keys and each needs one", name, len(ws), ex.Org, len(ex.Keys))
	}
	for i, w := range ws {
		if slices.ContainsFunc(ws[:i], func(o datakey.Wrapped) bool { return o.KeyID == w.KeyID }) {
			return malformed("%s[%d]: key %s is wrapped to twice", name, i, w.KeyID)
		}
		if err := checkOne(ex, w, name+"["+itoa(i)+"]"); err != nil {
			return err
		}
	}
	return nil
}

// checkOne checks one wrapped key against an exchange: the key is one of
// the exchange's, the algorithm is the key's, the form is right.
func checkOne(ex *datashareapi.Exchange, w datakey.Wrapped, name string) error {
	i := slices.IndexFunc(ex.Keys, func(k datashareapi.ExchangeKey) bool { return k.ID == w.KeyID })
	if i < 0 {
		return rule("%s: key %s is not an exchange key of %s", name, w.KeyID, ex.Org)
	}
	alg, err := datakey.AlgFor(ex.Keys[i].PublicKey.Algo)
	if err != nil {
		return rule("%s: %v", name, err)
	}
	if w.Alg != alg {
		return malformed("%s: key %s is %s; its data key is wrapped with %s, not %q", name, w.KeyID, ex.Keys[i].PublicKey.Algo, alg, w.Alg)
	}
	if err := w.Check(); err != nil {
		return malformed("%s: %v", name, err)
	}
	return nil
}

// putWrapped stores a record's wrapped keys for grant (ownCopies for the
// owner), refusing to replace one.
func putWrapped(ctx *module.Context, rec, grant string, ws []datakey.Wrapped) error {
	for _, w := range ws {
		k := wkeyKey(rec, grant, w.KeyID)
		if err := absent(ctx, k, "the data key of "+rec+" wrapped to "+w.KeyID.String()); err != nil {
			return err
		}
		if err := module.PutJSON(ctx.Store, k, &w); err != nil {
			return err
		}
	}
	return nil
}

// WrappedFor returns a record's data key wrapped for grant ("" for the
// owner's own copies), in key id order.
func WrappedFor(r module.Reader, rec, grant string) ([]datakey.Wrapped, error) {
	if grant == "" {
		grant = ownCopies
	}
	var out []datakey.Wrapped
	err := module.EachJSON(r, wkeysPrefix(rec, grant), func(_ []byte, w *datakey.Wrapped) { out = append(out, *w) })
	return out, err
}

// keyIn reports whether id is one of ex's exchange keys.
func keyIn(ex *datashareapi.Exchange, id tx.KeyID) bool {
	return slices.ContainsFunc(ex.Keys, func(k datashareapi.ExchangeKey) bool { return k.ID == id })
}
