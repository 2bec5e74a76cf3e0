package carbon

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/tx"
)

// FuzzRanges takes serials out of a holding and puts them back: what is
// taken plus what remains is what was held, neither overlaps, and adding
// back restores the holding exactly.
func FuzzRanges(f *testing.F) {
	f.Add([]byte{1, 10, 20, 30}, int64(5), []byte{})
	f.Add([]byte{1, 10, 20, 30}, int64(15), []byte{2, 4})
	f.Add([]byte{5, 5, 7, 9, 11, 200}, int64(3), []byte{6, 6, 8, 9})
	f.Fuzz(func(t *testing.T, heldRaw []byte, qty int64, explicitRaw []byte) {
		held := toRanges(heldRaw)
		merged, err := addRanges(nil, held)
		if err != nil {
			return // the fuzzer's holding overlaps; not a holding
		}
		var explicit []carbonapi.Range
		if len(explicitRaw) > 0 {
			if explicit, err = normRanges(toRanges(explicitRaw), 1<<20, carbonapi.Total(toRanges(explicitRaw))); err != nil {
				return
			}
			qty = carbonapi.Total(explicit)
		}
		if qty < 1 {
			return
		}
		rest, taken, err := takeRanges(merged, qty, explicit)
		if err != nil {
			if errcode.Of(err) != errcode.RuleViolation {
				t.Fatalf("take: %v", err)
			}
			return
		}
		if carbonapi.Total(taken) != qty || carbonapi.Total(rest)+qty != carbonapi.Total(merged) {
			t.Fatalf("took %v (%d) leaving %v of %v", taken, qty, rest, merged)
		}
		back, err := addRanges(rest, taken)
		if err != nil {
			t.Fatalf("taken and rest overlap: %v", err)
		}
		if !slices.Equal(back, merged) {
			t.Fatalf("put back %v, held %v", back, merged)
		}
	})
}

// toRanges reads byte pairs as ranges from, from+len.
func toRanges(b []byte) []carbonapi.Range {
	var out []carbonapi.Range
	for i := 0; i+1 < len(b); i += 2 {
		from := int64(b[i]) + 1
		out = append(out, carbonapi.Range{From: from, To: from + int64(b[i+1]%32)})
	}
	return out
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"0", "0.25", "12", "-0.5", "1e3", "01", ".5", "5.", "123456789012.123456", "-0", "0.0000001", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := decimal("x", s, true)
		if err != nil {
			if errcode.Of(err) != errcode.MalformedBody {
				t.Fatalf("decimal(%q): %v", s, err)
			}
			return
		}
		// An accepted decimal is digits, at most one point and a leading
		// sign, and the same value with or without trailing zeros.
		if v != 0 && s[len(s)-1] == '0' && slices.Contains([]byte(s), '.') {
			if w, err := decimal("x", s[:len(s)-1], true); err == nil && w != v {
				t.Fatalf("decimal(%q) = %d, without its last zero %d", s, v, w)
			}
		}
		for _, c := range []byte(s) {
			if !(c >= '0' && c <= '9' || c == '.' || c == '-') {
				t.Fatalf("decimal(%q) accepted %q", s, c)
			}
		}
	})
}

func FuzzGTIN(f *testing.F) {
	for _, s := range []string{"6901234567892", "06901234567892", "12345670", "036000291452", "6901234567893", "", "690123456789x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGTIN("gtin", s)
		if err != nil {
			return
		}
		if len(g) != 14 || !allDigits(g) || gs1Check(g[:13]) != g[13] {
			t.Fatalf("ParseGTIN(%q) = %q", s, g)
		}
		if again, err := ParseGTIN("gtin", g); err != nil || again != g {
			t.Fatalf("ParseGTIN(%q) = %q, %v: not stable", g, again, err)
		}
	})
}

// FuzzActions runs every action's handler on arbitrary bodies over a small
// state with a registered project, a batch and a plant: no body panics,
// every refusal is a coded error, and a refused body writes nothing.
func FuzzActions(f *testing.F) {
	m := Module{}
	for _, a := range m.Actions() {
		f.Add(a.Name, []byte(`{}`))
	}
	f.Add("transfer", []byte(`{"batch":"CCB-2025-000001","to":"buyer","quantity":3,"ranges":[{"from":2,"to":4}]}`))
	f.Add("retire", []byte(`{"batch":"CCB-2025-000001","quantity":2,"beneficiary":"甲","purpose":"乙","claim_year":2026}`))
	f.Add("claim_gec", []byte(`{"batch":"GEC-202602-000002","quantity":1,"year":2026}`))
	f.Add("cancel", []byte(`{"batch":"CCB-2025-000001","holder":"dev","quantity":1,"reason":"x"}`))
	f.Add("transfer", []byte(`{"batch":"CCB-2025-000001","to":"buyer","quantity":3,"ranges":[{"from":9223372036854775807,"to":-9223372036854775808}]}`))
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		var h module.Handler
		for _, a := range m.Actions() {
			if a.Name == action {
				h = a.Handle
			}
		}
		if h == nil {
			return
		}
		kv := fuzzState(t)
		before := len(kv)
		snapshot := map[string]string{}
		for k, v := range kv {
			snapshot[k] = string(v)
		}
		ctx := &module.Context{ChainID: "fuzz", Height: 9, Time: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC), Store: kv,
			Signer: module.Signer{Org: "dev", Roles: []role.Role{carbonapi.Developer, carbonapi.Registry}, KeyID: tx.KeyID{1}}}
		err := h(ctx, body)
		if err == nil {
			return
		}
		if errcode.Of(err) == errcode.Internal {
			t.Fatalf("%s %s: an uncoded error %v", action, body, err)
		}
		// The app discards a failed transaction's writes; the handlers
		// here check before they write, so nothing changed.
		if len(kv) != before {
			t.Fatalf("%s %s refused (%v) after writing", action, body, err)
		}
		for k, v := range snapshot {
			if string(kv[k]) != v {
				t.Fatalf("%s %s refused (%v) after changing %s", action, body, err, k)
			}
		}
	})
}

// fuzzState is a registered project of dev with a batch of 10 credits,
// and a plant with a batch of certificates, written by the handlers.
func fuzzState(t *testing.T) testchain.MemKV {
	kv := testchain.MemKV{}
	put := func(k string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		kv[k] = b
	}
	for _, o := range []string{"dev", "buyer"} {
		put("identity/org/"+o, module.OrgView{ID: o, Name: o, Roles: []role.Role{carbonapi.Developer, carbonapi.Covered}, Active: true})
	}
	ctx := &module.Context{ChainID: "fuzz", Height: 1, Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Store: kv,
		Signer: module.Signer{Org: "dev", Roles: []role.Role{carbonapi.Developer}}}
	m := Module{}
	body := carbonapi.ProjectBody{Name: "p", Methodology: "VM0042", Sector: "forestry", Province: "安徽", Description: "d", DesignSHA256: sha256hex("d"),
		CreditingStart: "2024-01-01", CreditingEnd: "2030-12-31"}
	if err := m.submitProject(ctx, &body); err != nil {
		t.Fatal(err)
	}
	p := "PRJ-000001"
	pr, _ := GetProject(kv, p)
	pr.Status = carbonapi.StatusRegistered
	put(string(projectKey(p)), pr)
	ctx.Signer.Org = "reg"
	if err := newBatch(ctx, &carbonapi.Batch{ID: "CCB-2025-000001", Kind: carbonapi.KindCredit, Quantity: 10, IssuedTo: "dev", Project: p, Vintage: 2025}); err != nil {
		t.Fatal(err)
	}
	if err := newBatch(ctx, &carbonapi.Batch{ID: "GEC-202602-000002", Kind: carbonapi.KindGEC, Quantity: 10, IssuedTo: "dev", Month: "2026-02", ExpiresOn: "2028-02-01"}); err != nil {
		t.Fatal(err)
	}
	return kv
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
