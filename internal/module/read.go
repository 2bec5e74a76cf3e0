package module

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Getter reads single state values; KV and the application's state views
// satisfy it. Handlers read through their Context's Store; queries read a
// committed view.
type Getter interface {
	Get(key []byte) ([]byte, error)
}

// Reader reads and lists state values; the application's state views
// satisfy it.
type Reader interface {
	Getter
	// Iterate calls fn for every key under prefix, from start (or the
	// first key) in key order, until fn returns false.
	Iterate(prefix, start []byte, fn func(k, v []byte) bool) error
}

// IndexReader is a Reader that also lists the node's local index entries
// (Context.Index): state views do. The index is not versioned: it holds
// the entries of every committed block, whatever version the Reader
// reads, so a listing through it checks each record against the Reader.
type IndexReader interface {
	Reader
	// Version is the version of the state the Reader reads.
	Version() int64
	// IterateLocal calls fn for every index entry under prefix, from
	// start (or the first) in key order, until fn returns false.
	IterateLocal(prefix, start []byte, fn func(k, v []byte) bool) error
}

// GetRecord reads the JSON record under key into v. When there is none it
// answers an errcode.NotFound error with the message format and args
// ("no evidence %q", id).
func GetRecord(r Getter, key []byte, v any, format string, args ...any) error {
	ok, err := GetJSON(r, key, v)
	if err != nil {
		return err
	}
	if !ok {
		return errcode.New(errcode.NotFound, format, args...)
	}
	return nil
}

// List returns what follows prefix in every key under it, in key order:
// the ids an index lists under a record, for example.
func List(r Reader, prefix []byte) ([]string, error) {
	var out []string
	err := r.Iterate(prefix, nil, func(k, _ []byte) bool {
		out = append(out, string(bytes.TrimPrefix(k, prefix)))
		return true
	})
	return out, err
}

// EachJSON decodes every value under prefix as a T, in key order, and
// calls fn with its key and value. It stops at the first value that does
// not decode and returns that error.
func EachJSON[T any](r Reader, prefix []byte, fn func(k []byte, v *T)) error {
	return WalkJSON(r, prefix, func(k []byte, v *T) error { fn(k, v); return nil })
}

// WalkJSON is EachJSON with a fn that may fail: it stops at fn's first
// error, or at the first value that does not decode, and returns it.
func WalkJSON[T any](r Reader, prefix []byte, fn func(k []byte, v *T) error) error {
	var walkErr error
	err := r.Iterate(prefix, nil, func(k, v []byte) bool {
		var x T
		if walkErr = json.Unmarshal(v, &x); walkErr != nil {
			walkErr = fmt.Errorf("decode %q: %w", k, walkErr)
			return false
		}
		walkErr = fn(k, &x)
		return walkErr == nil
	})
	if err == nil {
		err = walkErr
	}
	return err
}

// Modules do not import each other, nor the identity module; they read
// the consortium's organisations through OrgKey, Org and ActiveOrg, the
// one place outside identity that spells identity's key. The identity
// module (identity/keys.go) owns the key and writes the records; modules
// only read them.

// OrgKey returns the state key of organisation id, identity/org/<id>,
// which the identity module owns and writes (identity.OrgStateKey).
func OrgKey(id string) []byte { return []byte("identity/org/" + id) }

// OrgView is the part of the identity module's organisation record
// (identity.Org) that other modules may read.
type OrgView struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	NameEN string      `json:"name_en,omitempty"`
	Roles  []role.Role `json:"roles"`
	Active bool        `json:"active"` // false once removed from the consortium
}

// Org reads organisation id; ok is false when the consortium never had
// such an organisation.
func Org(r Getter, id string) (o *OrgView, ok bool, err error) {
	o = &OrgView{}
	if ok, err = GetJSON(r, OrgKey(id), o); err != nil || !ok {
		return nil, false, err
	}
	return o, true, nil
}

// ActiveOrg reads organisation id, which a body names in field, and
// requires it to be a member of the consortium (errcode.NotFound) that was
// not removed (errcode.RuleViolation).
func ActiveOrg(r Getter, field, id string) (*OrgView, error) {
	o, ok, err := Org(r, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "%s: no organisation %q in the consortium", field, id)
	}
	if !o.Active {
		return nil, errcode.New(errcode.RuleViolation, "%s: organisation %s was removed from the consortium", field, id)
	}
	return o, nil
}

// KeyNonceKey returns the state key of a signer key's sequence,
// app/nonce/<key id>, which the application owns and writes
// (app.NonceStateKey).
func KeyNonceKey(id tx.KeyID) []byte { return []byte("app/nonce/" + id.String()) }

// KeyNonce reads how many transactions key id has sent: the last nonce it
// used in the Dengta envelope's numbering, and the nonce of its next
// Ethereum transaction (ADR 0014). A key that sent none has 0.
func KeyNonce(r Getter, id tx.KeyID) (uint64, error) {
	b, err := r.Get(KeyNonceKey(id))
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, fmt.Errorf("nonce of %s has %d bytes", id, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}
