package notary_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/dengta-chain/dengta/modules/notary/notaryapi"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// These tests call the handlers directly over an in-memory store, for
// fuzzing and for states no chain can reach (an id collision).

var handlerTime = time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

func handler(t testing.TB, name string) module.Handler {
	t.Helper()
	return testchain.Handler(t, notary.Module{}, name)
}

func handlerCtx(kv testchain.MemKV, org string) *module.Context {
	return &module.Context{ChainID: "dengta-test", Height: 7, Time: handlerTime, TxHash: [32]byte{1, 2, 3},
		Signer: module.Signer{Org: org, Roles: []role.Role{notaryapi.Depositor}}, Store: kv}
}

// seeded returns a store with the identity records of dep-a and dep-b, one
// evidence record and one work of dep-a.
func seeded(t testing.TB) (testchain.MemKV, string, string) {
	kv := testchain.MemKV{}
	for _, org := range []string{"dep-a", "dep-b"} {
		kv[string(module.OrgKey(org))] = []byte(`{"id":"` + org + `","active":true}`)
	}
	kv[string(module.OrgKey("gone"))] = []byte(`{"id":"gone","active":false}`)
	ctx := handlerCtx(kv, "dep-a")
	if err := handler(t, "deposit")(ctx, []byte(testchain.Encode(depositOf(1)))); err != nil {
		t.Fatal(err)
	}
	ev := str(decodeMap(ctx.Result()), "evidence_id")
	ctx = handlerCtx(kv, "dep-a")
	if err := handler(t, "register_work")(ctx, []byte(testchain.Encode(workOf(1)))); err != nil {
		t.Fatal(err)
	}
	return kv, ev, str(decodeMap(ctx.Result()), "work_id")
}

func decodeMap(b []byte) map[string]any {
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

func TestIDCollisionIsAConflict(t *testing.T) {
	sha, sm := file(9)
	root := batchOf(9)["merkle_root"].(string)
	for _, tc := range []struct {
		action string
		body   any
		key    []byte
	}{
		{"deposit", depositOf(9), notary.EvidenceKey(notary.EvidenceID(handlerTime, "dep-a", sha, sm))},
		{"batch_deposit", batchOf(9), notary.BatchKey(notary.BatchID(handlerTime, "dep-a", root))},
		{"register_work", workOf(9), notary.WorkKey(notary.WorkID(handlerTime, "dep-a", sha))},
	} {
		t.Run(tc.action, func(t *testing.T) {
			kv, _, _ := seeded(t)
			kv[string(tc.key)] = []byte(`{"id":"someone else's record"}`)
			before := maps.Clone(kv)
			err := handler(t, tc.action)(handlerCtx(kv, "dep-a"), []byte(testchain.Encode(tc.body)))
			if errcode.Of(err) != errcode.Conflict {
				t.Fatalf("%s over an occupied id: %v", tc.action, err)
			}
			if !maps.EqualFunc(before, kv, slices.Equal) {
				t.Fatal("the refused action wrote")
			}
		})
	}
}

func TestInactiveOrgRecord(t *testing.T) {
	kv, _, w := seeded(t)
	err := handler(t, "transfer_work")(handlerCtx(kv, "dep-a"), []byte(`{"work_id":"`+w+`","to":"gone"}`))
	if errcode.Of(err) != errcode.RuleViolation || !strings.Contains(errcode.Message(err), "removed") {
		t.Fatalf("transfer to a removed organisation: %v", err)
	}
}

func depositSeeds(f *testing.F) {
	base := depositOf(1)
	for _, b := range []any{
		base,
		with(base, "capture", map[string]any{"source_url": "https://example.com", "tool": "t", "captured_at": "2026-01-01T00:00:00Z"}),
		with(base, "supplements", "EV20260520-0123456789ABCDEF0123"),
		with(base, "description", "多行\n说明"),
		with(base, "sha256", strings.ToUpper(base["sha256"].(string))),
		with(base, "sm3", nil),
		with(base, "size", -1),
		with(base, "media_type", "text/plain; charset=utf-8"),
	} {
		f.Add([]byte(testchain.Encode(b)))
	}
	f.Add([]byte(`{"sha256":"` + strings.Repeat("a", 64) + `","SHA256":"x"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
}

// FuzzDeposit: whatever the body, the deposit handler never panics, never
// fails without a code, writes nothing when it refuses, and never stores a
// record whose digests or fields break the rules.
func FuzzDeposit(f *testing.F) {
	depositSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		kv, _, _ := seeded(t)
		before := maps.Clone(kv)
		ctx := handlerCtx(kv, "dep-b")
		err := handler(t, "deposit")(ctx, body)
		if err != nil {
			var e *errcode.Error
			if !errors.As(err, &e) || (e.Code != errcode.MalformedBody && e.Code != errcode.NotFound) || e.Msg == "" {
				t.Fatalf("refusal %v is not a coded malformed_body or not_found", err)
			}
			if !maps.EqualFunc(before, kv, slices.Equal) {
				t.Fatal("a refused deposit wrote")
			}
			return
		}
		res := decodeMap(ctx.Result())
		ev, err := notary.GetEvidence(kv, str(res, "evidence_id"))
		if err != nil {
			t.Fatalf("accepted deposit %s: %v", res, err)
		}
		if !isHex(ev.SHA256) || !isHex(ev.SM3) {
			t.Fatalf("accepted invalid digests %q %q", ev.SHA256, ev.SM3)
		}
		// The strict decoder and the standard one agree on what was sent.
		var sent struct {
			SHA256 string `json:"sha256"`
			SM3    string `json:"sm3"`
		}
		if err := json.Unmarshal(body, &sent); err != nil || sent.SHA256 != ev.SHA256 || sent.SM3 != ev.SM3 {
			t.Fatalf("stored %s/%s, body says %s/%s (%v)", ev.SHA256, ev.SM3, sent.SHA256, sent.SM3, err)
		}
		if ev.FileName == "" || len(ev.FileName) > 255 || strings.ContainsFunc(ev.FileName, unicode.IsControl) {
			t.Fatalf("accepted file name %q", ev.FileName)
		}
		if ev.Size < 0 || !slices.Contains(notary.EvidenceTypes, ev.EvidenceType) || !strings.Contains(ev.MediaType, "/") {
			t.Fatalf("accepted %+v", ev)
		}
		if res["existing"] == false && ev.Depositor.Org != "dep-b" {
			t.Fatalf("new record with depositor %+v", ev.Depositor)
		}
	})
}

// disputedPlaceholder stands in fuzz seeds for the seeded disputed work.
const disputedPlaceholder = "WK20260520-D15D0D15D0D15D0D15D0"

// FuzzActions sends arbitrary bodies to every action over a store with
// records to refer to (a work and a registration disputing it): no panic,
// every refusal coded and without writes.
func FuzzActions(f *testing.F) {
	depositSeeds(f)
	for _, b := range []any{
		batchOf(1), workOf(2),
		map[string]any{"work_id": "WK20260520-0123456789ABCDEF0123", "to": "dep-b"},
		map[string]any{"work_id": "WK20260520-0123456789ABCDEF0123", "licensee": "dep-b", "terms": "t", "from": "2026-01-01", "until": "2026-12-31", "exclusive": true},
		map[string]any{"work_id": disputedPlaceholder, "prevailing": "WK20260520-0123456789ABCDEF0123", "reference": "(2026)京0491民初1号"},
		map[string]any{"work_id": disputedPlaceholder, "prevailing": disputedPlaceholder, "terms": "和解"},
		map[string]any{"work_id": disputedPlaceholder, "proposal_seq": 1},
	} {
		f.Add([]byte(testchain.Encode(b)))
	}
	actions := (notary.Module{}).Actions()
	f.Fuzz(func(t *testing.T, body []byte) {
		kv, _, w := seeded(t)
		// dep-b's registration of the same file disputes the seeded work.
		ctx := handlerCtx(kv, "dep-b")
		if err := handler(t, "register_work")(ctx, []byte(testchain.Encode(workOf(1)))); err != nil {
			t.Fatal(err)
		}
		d := str(decodeMap(ctx.Result()), "work_id")
		// Refer to the seeded works where the body names the placeholders.
		body = []byte(strings.NewReplacer("WK20260520-0123456789ABCDEF0123", w, disputedPlaceholder, d).Replace(string(body)))
		for _, a := range actions {
			before := maps.Clone(kv)
			err := a.Handle(handlerCtx(kv, "dep-a"), body)
			if err == nil {
				continue
			}
			var e *errcode.Error
			if !errors.As(err, &e) || e.Code == errcode.Internal || e.Msg == "" {
				t.Fatalf("%s: uncoded refusal %v", a.Name, err)
			}
			if !maps.EqualFunc(before, kv, slices.Equal) {
				t.Fatalf("%s: a refusal wrote", a.Name)
			}
		}
	})
}
