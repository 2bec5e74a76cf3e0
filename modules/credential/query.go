package credential

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

// Types returns the registered types, every authorisation and the drafts
// not registered, in id order.
func Types(r module.Reader) (*credentialapi.TypeList, error) {
	out := &credentialapi.TypeList{Types: []credentialapi.Type{}, Issuers: []credentialapi.IssuerAuth{}, Drafts: []credentialapi.Draft{}}
	if err := module.EachJSON(r, []byte(typePrefix), func(_ []byte, t *credentialapi.Type) { out.Types = append(out.Types, *t) }); err != nil {
		return nil, err
	}
	if err := module.EachJSON(r, []byte(issuerPrefix), func(_ []byte, a *credentialapi.IssuerAuth) { out.Issuers = append(out.Issuers, *a) }); err != nil {
		return nil, err
	}
	registered := map[string]string{}
	for _, t := range out.Types {
		registered[t.ID] = t.Hash
	}
	err := module.EachJSON(r, []byte(draftPrefix), func(_ []byte, d *credentialapi.Draft) {
		if _, ok := registered[d.Type.ID]; !ok {
			out.Drafts = append(out.Drafts, *d)
		}
	})
	return out, err
}

// Issuers returns the authorisations of a type, in organisation order.
func Issuers(r module.Reader, typ string) ([]credentialapi.IssuerAuth, error) {
	out := []credentialapi.IssuerAuth{}
	err := module.EachJSON(r, []byte(issuerPrefix+typ+"/"), func(_ []byte, a *credentialapi.IssuerAuth) { out = append(out, *a) })
	return out, err
}

// TypesOf returns the types an organisation is authorised to issue now.
func TypesOf(r module.Reader, org string) ([]credentialapi.Type, error) {
	names, err := module.List(r, []byte(issuerOfPrefix+org+"/"))
	if err != nil {
		return nil, err
	}
	out := []credentialapi.Type{}
	for _, n := range names {
		a, ok, err := GetIssuer(r, n, org)
		if err != nil {
			return nil, err
		}
		if !ok || !a.Active {
			continue
		}
		t, err := GetType(r, n)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// TypeView reads a type with its issuers.
func TypeView(r module.Reader, id string) (*credentialapi.TypeView, error) {
	t, err := GetType(r, id)
	if err != nil {
		return nil, err
	}
	is, err := Issuers(r, id)
	if err != nil {
		return nil, err
	}
	return &credentialapi.TypeView{Type: *t, Issuers: is}, nil
}

// TypeProofKeys are the state keys whose bundles prove a type and its
// issuers.
func TypeProofKeys(v *credentialapi.TypeView) [][]byte {
	keys := [][]byte{typeKey(v.Type.ID)}
	for _, a := range v.Issuers {
		keys = append(keys, issuerKey(a.Type, a.Issuer))
	}
	return keys
}

// DIDView resolves an organisation's DID from its keys.
func DIDView(r module.Reader, chainID, org string) (*credentialapi.DIDView, error) {
	o, ok, err := module.Org(r, org)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "no organisation %q in the consortium, so no DID %s", org, DID(chainID, org))
	}
	keys, err := Keys(r, org)
	if err != nil {
		return nil, err
	}
	return &credentialapi.DIDView{DID: DID(chainID, org), Name: o.Name, Active: o.Active, Document: Document(chainID, org, o.Active, keys), Keys: keys}, nil
}

// DIDProofKeys are the state keys whose bundles prove a DID document: the
// organisation, the number of its active keys (so that a resolver knows
// the document lists them all) and each of its keys.
func DIDProofKeys(v *credentialapi.DIDView, org string) [][]byte {
	keys := [][]byte{module.OrgKey(org), keysKey(org)}
	for _, k := range v.Keys {
		keys = append(keys, keyKey(org, k.Kid))
	}
	return keys
}

// StatusLog returns a credential's status changes, in order.
func StatusLog(r module.Reader, hash string) ([]credentialapi.StatusEntry, error) {
	out := []credentialapi.StatusEntry{}
	err := module.EachJSON(r, []byte(credLogPrefix+hash+"/"), func(_ []byte, e *credentialapi.StatusEntry) { out = append(out, *e) })
	return out, err
}

// AnchorView reads a credential's anchor and status log.
func AnchorView(r module.Reader, hash string) (*credentialapi.AnchorView, error) {
	a, err := GetAnchor(r, hash)
	if err != nil {
		return nil, err
	}
	log, err := StatusLog(r, hash)
	if err != nil {
		return nil, err
	}
	return &credentialapi.AnchorView{Anchor: *a, Log: log}, nil
}

// AnchorProofKeys are the state keys whose bundles prove an anchor: the
// anchor, its status list, its type, its issuer's authorisation and key.
func AnchorProofKeys(a *credentialapi.Anchor) [][]byte {
	return [][]byte{credKey(a.Hash), listKey(a.Issuer, a.List), typeKey(a.Type), issuerKey(a.Type, a.Issuer), keyKey(a.Issuer, a.Kid)}
}

// maxChanges bounds the list changes a list view shows.
const maxChanges = 50

// ListView reads a status list with its bits, encoded, and its latest
// changes.
func ListView(r module.Reader, org string, n int) (*credentialapi.ListView, error) {
	l, err := GetList(r, org, n)
	if err != nil {
		return nil, err
	}
	v := &credentialapi.ListView{List: *l, Changes: []credentialapi.ListChange{}}
	for _, p := range statuslist.Purposes {
		bits, err := Bits(r, l, p)
		if err != nil {
			return nil, err
		}
		enc, err := statuslist.Encode(bits)
		if err != nil {
			return nil, err
		}
		if p == statuslist.Revocation {
			v.Revocation = enc
		} else {
			v.Suspension = enc
		}
		var changes []credentialapi.ListChange
		if err := module.EachJSON(r, listLogPrefixOf(org, n, p), func(_ []byte, c *credentialapi.ListChange) { changes = append(changes, *c) }); err != nil {
			return nil, err
		}
		v.Changes = append(v.Changes, changes...)
	}
	// Newest first, across both purposes.
	sortChanges(v.Changes)
	if len(v.Changes) > maxChanges {
		v.Changes = v.Changes[:maxChanges]
	}
	return v, nil
}

func sortChanges(cs []credentialapi.ListChange) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && newer(cs[j], cs[j-1]); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func newer(a, b credentialapi.ListChange) bool {
	if a.Height != b.Height {
		return a.Height > b.Height
	}
	if a.Purpose != b.Purpose {
		return a.Purpose > b.Purpose
	}
	return a.Version > b.Version
}

// Recognitions returns an organisation's recognition list.
func Recognitions(r module.Reader, org string) (*credentialapi.RecognitionList, error) {
	out := &credentialapi.RecognitionList{Org: org, Items: []credentialapi.Recognition{}}
	err := module.EachJSON(r, []byte(recogPrefix+org+"/"), func(_ []byte, rec *credentialapi.Recognition) { out.Items = append(out.Items, *rec) })
	return out, err
}

// Page limits.
const (
	DefaultPage = 50
	MaxPage     = 200
)

func pageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultPage, nil
	case limit < 0 || limit > MaxPage:
		return 0, errcode.New(errcode.BadRequest, "limit must be 1 to %d", MaxPage)
	}
	return limit, nil
}

// page walks the keys under prefix from after (exclusive), decoding each
// with get, and returns at most limit items that keep accepts (every item
// when keep is nil) with the next value. A cursor that does not match
// cursor (the form of the keys under prefix) is refused.
func page[T any](r module.Reader, prefix []byte, after string, limit int, cursor *regexp.Regexp, get func(k []byte) (*T, error), keep func(*T) bool) (*api.Page[T], error) {
	limit, err := pageLimit(limit)
	if err != nil {
		return nil, err
	}
	var start []byte
	if after != "" {
		if !cursor.MatchString(after) {
			return nil, errcode.New(errcode.BadRequest, "cursor %q is not a page's next value: use the next value of the previous page, or nothing for the first page", after)
		}
		start = append(append(bytes.Clone(prefix), after...), 0) // just past it
	}
	out := &api.Page[T]{Items: []T{}}
	var walkErr error
	var last string
	err = r.Iterate(prefix, start, func(k, _ []byte) bool {
		v, err := get(k)
		if err != nil {
			walkErr = err
			return false
		}
		if keep != nil && !keep(v) {
			return true
		}
		if len(out.Items) == limit {
			out.Next = last // there is more after the last item shown
			return false
		}
		out.Items = append(out.Items, *v)
		last = strings.TrimPrefix(string(k), string(prefix))
		return true
	})
	if err == nil {
		err = walkErr
	}
	return out, err
}

// The forms of Issued's and Uses's cursors: <inverted height>/<hash> and
// <inverted seq>.
var (
	issuedCursor = regexp.MustCompile(`^[0-9a-f]{16}/[0-9a-f]{64}$`)
	useCursor    = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// typeMatch reports whether search names credential type id, by id or by
// its registered name in Chinese or English; names caches the answers.
func typeMatch(r module.Getter, search *module.Search, names map[string]bool, id string) bool {
	m, ok := names[id]
	if !ok {
		m = search.Text(id)
		if t, err := GetType(r, id); !m && err == nil {
			m = search.Text(t.Name, t.NameEN)
		}
		names[id] = m
	}
	return m
}

// Issued pages through the credentials an issuer anchored, newest first,
// those search matches (nil: all): by hash, type (id or name) or status.
func Issued(r module.Reader, org string, search *module.Search, after string, limit int) (*api.Page[credentialapi.Anchor], error) {
	prefix := []byte(issuedPrefix + org + "/")
	var keep func(a *credentialapi.Anchor) bool
	if !search.Empty() {
		types := map[string]bool{}
		keep = func(a *credentialapi.Anchor) bool {
			return search.Text(a.Hash) || search.Enum("credential.status", a.Status) || typeMatch(r, search, types, a.Type)
		}
	}
	return page(r, prefix, after, limit, issuedCursor, func(k []byte) (*credentialapi.Anchor, error) {
		rest := strings.TrimPrefix(string(k), string(prefix))
		_, hash, ok := strings.Cut(rest, "/")
		if !ok {
			return nil, fmt.Errorf("issued index key %q", k)
		}
		return GetAnchor(r, hash)
	}, keep)
}

// Uses pages through an organisation's recorded uses, newest first, those
// search matches (nil: all): by reference, purpose, type (id or name),
// issuer (id or name) or result.
func Uses(r module.Reader, org string, search *module.Search, after string, limit int) (*api.Page[credentialapi.Use], error) {
	var keep func(u *credentialapi.Use) bool
	if !search.Empty() {
		types := map[string]bool{}
		keep = func(u *credentialapi.Use) bool {
			result := "passed"
			if !u.OK {
				result = "failed"
			}
			return search.Text(u.Ref, u.Purpose, strconv.Itoa(u.Seq)) || search.Enum("credential.result", result) || (u.Failed != "" && search.Enum("credential.check", u.Failed)) ||
				typeMatch(r, search, types, u.Type) || search.Org(u.Issuer)
		}
	}
	return page(r, []byte(usePrefix+org+"/"), after, limit, useCursor, func(k []byte) (*credentialapi.Use, error) {
		var u credentialapi.Use
		if _, err := module.GetJSON(r, k, &u); err != nil {
			return nil, err
		}
		return &u, nil
	}, keep)
}

// Count is how many of an organisation's records of one credential type
// fall in each state: issued credentials by status (active, suspended,
// revoked), uses by result (passed, failed).
type Count struct {
	Type                       string
	Active, Suspended, Revoked int
	Passed, Failed             int
}

// Counts tallies the credentials org issued and the uses it recorded, by
// type in type id order, reading its two indexes once.
func Counts(r module.Reader, org string) (issued, uses []Count, err error) {
	byType := func(m map[string]*Count) []Count {
		out := make([]Count, 0, len(m))
		for _, c := range m {
			out = append(out, *c)
		}
		slices.SortFunc(out, func(a, b Count) int { return strings.Compare(a.Type, b.Type) })
		return out
	}
	is, us := map[string]*Count{}, map[string]*Count{}
	get := func(m map[string]*Count, typ string) *Count {
		if m[typ] == nil {
			m[typ] = &Count{Type: typ}
		}
		return m[typ]
	}
	prefix := []byte(issuedPrefix + org + "/")
	var walkErr error
	err = r.Iterate(prefix, nil, func(k, _ []byte) bool {
		_, hash, ok := strings.Cut(string(k[len(prefix):]), "/")
		if !ok {
			walkErr = fmt.Errorf("issued index key %q", k)
			return false
		}
		a, err := GetAnchor(r, hash)
		if err != nil {
			walkErr = err
			return false
		}
		c := get(is, a.Type)
		switch a.Status {
		case credentialapi.StatusRevoked:
			c.Revoked++
		case credentialapi.StatusSuspended:
			c.Suspended++
		default:
			c.Active++
		}
		return true
	})
	if err == nil {
		err = walkErr
	}
	if err != nil {
		return nil, nil, err
	}
	err = module.EachJSON(r, []byte(usePrefix+org+"/"), func(_ []byte, u *credentialapi.Use) {
		c := get(us, u.Type)
		if u.OK {
			c.Passed++
		} else {
			c.Failed++
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return byType(is), byType(us), nil
}
