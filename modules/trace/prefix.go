package trace

import (
	"strconv"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// GS1 company prefixes are assigned by the coding authority (GS1 China,
// 中国物品编码中心) and recorded on chain by a regulator: assign_prefix
// says which organisation owns a prefix. Only that organisation registers
// products, places and party GLNs under it, and containers and assets
// under an assigned prefix come into being only by its owner's events.
// Prefixes are prefix-free (GS1 never assigns one that starts another), so
// an identifier's digits fall under at most one assigned prefix.

// Prefix lengths.
const (
	minGS1Prefix  = 4
	maxGS1Prefix  = 12
	maxDrugPrefix = DrugProductDigits
)

func (Module) assignPrefix(ctx *module.Context, b *prefixBody) error {
	if b.Scheme == "" {
		b.Scheme = PrefixGS1
	}
	lo, hi := minGS1Prefix, maxGS1Prefix
	switch b.Scheme {
	case PrefixGS1:
	case PrefixDrug:
		lo, hi = 1, maxDrugPrefix
	default:
		return refuse(errcode.MalformedBody, "unknown_term", "scheme", "value", b.Scheme, "known", PrefixGS1+", "+PrefixDrug)
	}
	if !allDigits(b.Prefix) || len(b.Prefix) < lo || len(b.Prefix) > hi {
		return refuse(errcode.MalformedBody, "prefix_form", "prefix", "value", b.Prefix, "min", strconv.Itoa(lo), "max", strconv.Itoa(hi))
	}
	if err := field.Text("note", b.Note, 0, 200); err != nil {
		return err
	}
	if _, err := module.ActiveOrg(ctx.Store, "org", b.Org); err != nil {
		return err
	}
	// Neither a shorter assigned prefix of these digits nor a longer one
	// starting with them may exist.
	if p, err := prefixOf(ctx.Store, b.Scheme, b.Prefix); err != nil {
		return err
	} else if p != nil {
		return refuse(errcode.Conflict, "prefix_taken", "prefix", "value", b.Prefix, "prefix", p.Prefix, "org", p.Org)
	}
	if longer, err := ctx.Store.Get(prefixPartKey(b.Scheme, b.Prefix)); err != nil {
		return err
	} else if longer != nil {
		return refuse(errcode.Conflict, "prefix_overlaps", "prefix", "value", b.Prefix)
	}
	p := &Prefix{Scheme: b.Scheme, Prefix: b.Prefix, Org: b.Org, Note: b.Note, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, prefixKey(b.Scheme, b.Prefix), p); err != nil {
		return err
	}
	for n := 1; n < len(b.Prefix); n++ {
		if err := ctx.Store.Set(prefixPartKey(b.Scheme, b.Prefix[:n]), present); err != nil {
			return err
		}
	}
	ctx.Emit("trace.prefix_assigned", "scheme", b.Scheme, "prefix", b.Prefix, "org", b.Org)
	return ctx.SetResult(idResult{ID: b.Scheme + ":" + b.Prefix})
}

// prefixOf returns the assigned prefix digits start with, or nil.
func prefixOf(kv Getter, scheme, digits string) (*Prefix, error) {
	lo, hi := minGS1Prefix, maxGS1Prefix
	if scheme == PrefixDrug {
		lo, hi = 1, maxDrugPrefix
	}
	for n := min(hi, len(digits)); n >= lo; n-- {
		var p Prefix
		ok, err := module.GetJSON(kv, prefixKey(scheme, digits[:n]), &p)
		if err != nil {
			return nil, err
		}
		if ok {
			return &p, nil
		}
	}
	return nil, nil
}

// PrefixOf returns the assigned prefix an identifier is under (nil when
// none is, or the identifier has no GS1 key).
func PrefixOf(kv Getter, id ID) (*Prefix, error) {
	if id.Digits == "" {
		return nil, nil
	}
	scheme := PrefixGS1
	if id.Scheme == SchemeDrug {
		scheme = PrefixDrug
	}
	return prefixOf(kv, scheme, id.Digits)
}

// ownPrefix requires the identifier to be under a prefix org owns: what
// registering a product, place or party needs.
func ownPrefix(kv Getter, fieldName string, id ID, org string) error {
	p, err := PrefixOf(kv, id)
	if err != nil {
		return err
	}
	if p == nil {
		return refuse(errcode.Unauthorized, "prefix_unassigned", fieldName, "value", id.Path)
	}
	if p.Org != org {
		return refuse(errcode.Unauthorized, "prefix_of_other", fieldName, "value", id.Path, "prefix", p.Prefix, "org", p.Org)
	}
	return nil
}

// IsPrefixDigits reports whether s is a prefix's digits rather than an
// identifier.
func IsPrefixDigits(s string) bool {
	return allDigits(s) && len(s) >= minGS1Prefix && len(s) <= maxGS1Prefix
}
