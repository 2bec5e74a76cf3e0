package notary_test

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
)

type vcase testchain.Case

// refusals runs a refusal table (testchain.Refusals); dep-a signs the
// cases that name no organisation.
func refusals(t *testing.T, c *testchain.Chain, action string, cases []vcase) {
	t.Helper()
	testchain.Refusals(t, c, "notary", "dep-a", action, cases)
}

// accepts runs each case in its own block and requires success.
func accepts(t *testing.T, c *testchain.Chain, action string, cases []vcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			org := tc.Org
			if org == "" {
				org = "dep-a"
			}
			do(t, c, org, action, tc.Body, errcode.OK)
		})
	}
}

const (
	mal      = errcode.MalformedBody
	notFound = errcode.NotFound
	unauth   = errcode.Unauthorized
	rule     = errcode.RuleViolation
	conflict = errcode.Conflict
)

func TestDepositValidation(t *testing.T) {
	c := newChain(t)
	base := depositOf(1)
	sha, sm := file(1)
	capture := func(kv ...any) map[string]any {
		return with(map[string]any{"source_url": "https://example.com/page?id=1", "tool": "dengta-capture 1.0", "captured_at": "2026-01-01T07:59:00+08:00"}, kv...)
	}
	refusals(t, c, "deposit", []vcase{
		{"not JSON", "", []byte("deposit please"), mal},
		{"empty body", "", []byte{}, mal},
		{"JSON array", "", []any{base}, mal},
		{"trailing data", "", []byte(testchain.Encode(base) + ` {}`), mal},
		{"unknown field", "", with(base, "sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"), mal},
		{"sha256 missing", "", with(base, "sha256", nil), mal},
		{"sha256 uppercase", "", with(base, "sha256", strings.ToUpper(sha)), mal},
		{"sha256 63 digits", "", with(base, "sha256", sha[:63]), mal},
		{"sha256 65 digits", "", with(base, "sha256", sha+"0"), mal},
		{"sha256 not hex", "", with(base, "sha256", "g"+sha[1:]), mal},
		{"sha256 0x prefix", "", with(base, "sha256", "0x"+sha[:62]), mal},
		{"sha256 a number", "", with(base, "sha256", 12), mal},
		{"sm3 missing", "", with(base, "sm3", nil), mal},
		{"sm3 uppercase", "", with(base, "sm3", strings.ToUpper(sm)), mal},
		{"sm3 too short", "", with(base, "sm3", sm[:40]), mal},
		{"file_name missing", "", with(base, "file_name", nil), mal},
		{"file_name 256 bytes", "", with(base, "file_name", strings.Repeat("a", 252)+".pdf"), mal},
		{"file_name 86 Chinese characters (258 bytes)", "", with(base, "file_name", strings.Repeat("文", 86)), mal},
		{"file_name NUL", "", with(base, "file_name", "a\x00b.pdf"), mal},
		{"file_name new line", "", with(base, "file_name", "a\nb.pdf"), mal},
		{"file_name DEL", "", with(base, "file_name", "a\x7fb.pdf"), mal},
		{"file_name direction override", "", with(base, "file_name", "invoice\u202Efdp.exe"), mal},
		{"size missing", "", with(base, "size", nil), mal},
		{"size negative", "", with(base, "size", -1), mal},
		{"size fraction", "", with(base, "size", 1.5), mal},
		{"size string", "", with(base, "size", "1024"), mal},
		{"size beyond int64", "", []byte(strings.Replace(testchain.Encode(base), `"size":1025`, `"size":9223372036854775808`, 1)), mal},
		{"media_type missing", "", with(base, "media_type", nil), mal},
		{"media_type without subtype", "", with(base, "media_type", "application"), mal},
		{"media_type empty subtype", "", with(base, "media_type", "application/"), mal},
		{"media_type upper case", "", with(base, "media_type", "Application/PDF"), mal},
		{"media_type with parameters", "", with(base, "media_type", "text/plain; charset=utf-8"), mal},
		{"media_type two slashes", "", with(base, "media_type", "a/b/c"), mal},
		{"media_type 128 bytes", "", with(base, "media_type", "application/"+strings.Repeat("x", 116)), mal},
		{"evidence_type missing", "", with(base, "evidence_type", nil), mal},
		{"evidence_type unknown", "", with(base, "evidence_type", "photo"), mal},
		{"evidence_type upper case", "", with(base, "evidence_type", "Contract"), mal},
		{"capture empty", "", with(base, "capture", map[string]any{}), mal},
		{"capture without time", "", with(base, "capture", capture("captured_at", nil)), mal},
		{"capture time not RFC 3339", "", with(base, "capture", capture("captured_at", "2026-01-01 07:59:00")), mal},
		{"capture time without zone", "", with(base, "capture", capture("captured_at", "2026-01-01T07:59:00")), mal},
		{"capture time a date", "", with(base, "capture", capture("captured_at", "2026-01-01")), mal},
		{"capture time a number", "", with(base, "capture", capture("captured_at", 1767225540)), mal},
		{"capture relative URL", "", with(base, "capture", capture("source_url", "example.com/page")), mal},
		{"capture URL with space", "", with(base, "capture", capture("source_url", "https://example.com/a page")), mal},
		{"capture URL 2049 bytes", "", with(base, "capture", capture("source_url", "https://example.com/"+strings.Repeat("a", 2029))), mal},
		{"capture tool 129 bytes", "", with(base, "capture", capture("tool", strings.Repeat("t", 129))), mal},
		{"capture tool control", "", with(base, "capture", capture("tool", "tool\x1b[31m")), mal},
		{"capture unknown field", "", with(base, "capture", capture("operator", "张三")), mal},
		{"supplements malformed", "", with(base, "supplements", "EV123"), mal},
		{"supplements lowercase id", "", with(base, "supplements", "ev20260101-0123456789abcdef0123"), mal},
		{"supplements unknown", "", with(base, "supplements", "EV20260101-0123456789ABCDEF0123"), notFound},
		{"description 1001 characters", "", with(base, "description", strings.Repeat("证", 1001)), mal},
		{"description control", "", with(base, "description", "bell\x07"), mal},
		{"bank may not deposit", "bank", base, unauth},
	})

	sha2, sm2 := file(2)
	accepts(t, c, "deposit", []vcase{
		{"minimal", "", base, errcode.OK},
		{"by the notary", "notary", base, errcode.OK},
		{"by the court", "court", base, errcode.OK},
		{"boundaries", "", map[string]any{
			"sha256": sha2, "sm3": sm2, "file_name": strings.Repeat("文", 85), "size": 0,
			"media_type": "application/" + strings.Repeat("x", 115), "evidence_type": "other",
			"description": strings.Repeat("证", 999) + "\n",
			"capture":     capture("source_url", "https://example.com/"+strings.Repeat("a", 2028), "tool", strings.Repeat("t", 128), "captured_at", "2025-12-31T23:59:59.123Z"),
		}, errcode.OK},
		{"capture time only", "dep-b", with(base, "capture", map[string]any{"captured_at": "2026-01-01T00:00:00Z"}), errcode.OK},
	})
	for i, typ := range []string{"document", "contract", "invoice", "image", "audio", "video", "webpage", "email", "chat", "code", "data", "other"} {
		do(t, c, "dep-a", "deposit", with(depositOf(100+i), "evidence_type", typ), errcode.OK)
	}
}

func TestBatchValidation(t *testing.T) {
	c := newChain(t)
	base := batchOf(1)
	root := base["merkle_root"].(string)
	refusals(t, c, "batch_deposit", []vcase{
		{"not JSON", "", []byte("{"), mal},
		{"unknown field", "", with(base, "items", 3), mal},
		{"merkle_root missing", "", with(base, "merkle_root", nil), mal},
		{"merkle_root uppercase", "", with(base, "merkle_root", strings.ToUpper(root)), mal},
		{"merkle_root short", "", with(base, "merkle_root", root[:32]), mal},
		{"merkle_root base64", "", with(base, "merkle_root", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="), mal},
		{"size missing", "", with(base, "size", nil), mal},
		{"size 0", "", with(base, "size", 0), mal},
		{"size negative", "", with(base, "size", -5), mal},
		{"size 10,000,001", "", with(base, "size", 10_000_001), mal},
		{"size string", "", with(base, "size", "100"), mal},
		{"label 257 characters", "", with(base, "label", strings.Repeat("批", 257)), mal},
		{"label new line", "", with(base, "label", "a\nb"), mal},
		{"item_format missing", "", with(base, "item_format", nil), mal},
		{"item_format other version", "", with(base, "item_format", "dengta-batch-item/2"), mal},
		{"bank may not deposit", "bank", base, unauth},
	})
	accepts(t, c, "batch_deposit", []vcase{
		{"one item", "", with(base, "size", 1), errcode.OK},
		{"ten million items and a long label", "", with(batchOf(2), "size", 10_000_000, "label", strings.Repeat("批", 256)), errcode.OK},
		{"court", "court", base, errcode.OK},
		{"notary", "notary", base, errcode.OK},
	})
	// The same root from the same organisation: the existing record, but
	// only when the size agrees (an RFC 6962 root fixes the size).
	res := do(t, c, "dep-a", "batch_deposit", with(base, "size", 1), errcode.OK)
	if r := testchain.Result(t, res); r["existing"] != true {
		t.Fatalf("same batch again: %v", r)
	}
	refusals(t, c, "batch_deposit", []vcase{{"same root other size", "dep-a", with(base, "size", 2), conflict}})
}

func TestRegisterWorkValidation(t *testing.T) {
	c := newChain(t)
	base := workOf(1)
	sha, _ := file(1)
	ev := str(testchain.Result(t, do(t, c, "dep-a", "deposit", depositOf(1), errcode.OK)), "evidence_id")
	authors := func(n, length int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = strings.Repeat("名", length)
		}
		return out
	}
	// The chain's blocks are on 2026-01-01 in China Standard Time.
	refusals(t, c, "register_work", []vcase{
		{"not JSON", "", []byte("null null"), mal},
		{"unknown field", "", with(base, "owner", "dep-b"), mal},
		{"title missing", "", with(base, "title", nil), mal},
		{"title blank", "", with(base, "title", "   "), mal},
		{"title 201 characters", "", with(base, "title", strings.Repeat("题", 201)), mal},
		{"title control", "", with(base, "title", "a\tb"), mal},
		{"authors missing", "", with(base, "authors", nil), mal},
		{"authors empty", "", with(base, "authors", []string{}), mal},
		{"authors a string", "", with(base, "authors", "张三"), mal},
		{"21 authors", "", with(base, "authors", authors(21, 2)), mal},
		{"empty author", "", with(base, "authors", []string{"张三", ""}), mal},
		{"author 101 characters", "", with(base, "authors", authors(1, 101)), mal},
		{"created_on missing", "", with(base, "created_on", nil), mal},
		{"created_on slashes", "", with(base, "created_on", "2025/06/01"), mal},
		{"created_on compact", "", with(base, "created_on", "20250601"), mal},
		{"created_on one digit month", "", with(base, "created_on", "2025-6-01"), mal},
		{"created_on not a day", "", with(base, "created_on", "2025-02-29"), mal},
		{"created_on with time", "", with(base, "created_on", "2025-06-01T00:00:00Z"), mal},
		{"created_on tomorrow", "", with(base, "created_on", "2026-01-02"), rule},
		{"license missing", "", with(base, "license", nil), mal},
		{"license blank", "", with(base, "license", " "), mal},
		{"license 65 characters", "", with(base, "license", strings.Repeat("l", 65)), mal},
		{"work_type missing", "", with(base, "work_type", nil), mal},
		{"work_type unknown", "", with(base, "work_type", "poem"), mal},
		{"sha256 missing", "", with(base, "sha256", nil), mal},
		{"sha256 uppercase", "", with(base, "sha256", strings.ToUpper(sha)), mal},
		{"sm3 missing", "", with(base, "sm3", nil), mal},
		{"sm3 not hex", "", with(base, "sm3", strings.Repeat("z", 64)), mal},
		{"evidence_id malformed", "", with(base, "evidence_id", "42"), mal},
		{"evidence_id unknown", "", with(base, "evidence_id", "EV20260101-0123456789ABCDEF0123"), notFound},
		{"evidence_id of a work", "", with(base, "evidence_id", "WK20260101-0123456789ABCDEF0123"), mal},
		{"court may not register", "court", base, unauth},
		{"bank may not register", "bank", base, unauth},
	})
	accepts(t, c, "register_work", []vcase{
		{"minimal", "", base, errcode.OK},
		{"boundaries", "", with(workOf(2), "title", strings.Repeat("题", 200), "authors", authors(20, 100),
			"created_on", "2026-01-01", "license", strings.Repeat("l", 64), "evidence_id", ev), errcode.OK},
		{"notary", "notary", workOf(3), errcode.OK},
	})
	for i, typ := range []string{"literary", "music", "art", "photo", "film", "software", "design", "other"} {
		do(t, c, "dep-b", "register_work", with(workOf(100+i), "work_type", typ, "license", "CC-BY-4.0"), errcode.OK)
	}
}

func TestTransferAndLicenseValidation(t *testing.T) {
	c := newChain(t)
	w := str(testchain.Result(t, do(t, c, "dep-a", "register_work", workOf(1), errcode.OK)), "work_id")
	unknown := "WK20260101-0123456789ABCDEF0123"
	tr := map[string]any{"work_id": w, "to": "dep-b", "note": "转让合同 2026-001"}
	refusals(t, c, "transfer_work", []vcase{
		{"not JSON", "", []byte("[]"), mal},
		{"unknown field", "", with(tr, "price", 100), mal},
		{"work_id missing", "", with(tr, "work_id", nil), mal},
		{"work_id malformed", "", with(tr, "work_id", "WK1"), mal},
		{"work_id of evidence", "", with(tr, "work_id", "EV20260101-0123456789ABCDEF0123"), mal},
		{"work unknown", "", with(tr, "work_id", unknown), notFound},
		{"to missing", "", with(tr, "to", nil), mal},
		{"to malformed", "", with(tr, "to", "Dep B"), mal},
		{"to path", "", with(tr, "to", "dep-b/x"), mal},
		{"to unknown", "", with(tr, "to", "nobody"), notFound},
		{"to itself", "", with(tr, "to", "dep-a"), rule},
		{"note 501 characters", "", with(tr, "note", strings.Repeat("注", 501)), mal},
		{"note control", "", with(tr, "note", "\x00"), mal},
		{"not the owner", "dep-b", tr, unauth},
		{"notary is not the owner", "notary", with(tr, "to", "notary"), unauth},
		{"court role", "court", tr, unauth},
		{"bank role", "bank", tr, unauth},
	})
	lic := map[string]any{"work_id": w, "licensee": "dep-b", "terms": "网络传播权，中国大陆", "from": "2026-02-01", "until": "2026-12-31", "exclusive": true}
	refusals(t, c, "license_work", []vcase{
		{"not JSON", "", []byte(`{"work_id":`), mal},
		{"unknown field", "", with(lic, "fee", "100"), mal},
		{"work_id missing", "", with(lic, "work_id", nil), mal},
		{"work unknown", "", with(lic, "work_id", unknown), notFound},
		{"licensee missing", "", with(lic, "licensee", nil), mal},
		{"licensee malformed", "", with(lic, "licensee", "-"), mal},
		{"licensee unknown", "", with(lic, "licensee", "nobody"), notFound},
		{"licensee is the owner", "", with(lic, "licensee", "dep-a"), rule},
		{"terms missing", "", with(lic, "terms", nil), mal},
		{"terms blank", "", with(lic, "terms", "\n"), mal},
		{"terms 501 characters", "", with(lic, "terms", strings.Repeat("条", 501)), mal},
		{"from missing", "", with(lic, "from", nil), mal},
		{"from month 13", "", with(lic, "from", "2026-13-01"), mal},
		{"until not a day", "", with(lic, "until", "2026-02-30"), mal},
		{"until before from", "", with(lic, "until", "2026-01-31"), mal},
		{"exclusive a string", "", with(lic, "exclusive", "yes"), mal},
		{"not the owner", "dep-b", with(lic, "licensee", "notary"), unauth},
		{"court role", "court", lic, unauth},
	})
	accepts(t, c, "license_work", []vcase{
		{"one day", "", with(lic, "from", "2026-01-15", "until", "2026-01-15", "terms", strings.Repeat("条", 500)), errcode.OK},
		{"open-ended non-exclusive", "", with(lic, "until", nil, "exclusive", false, "licensee", "court"), errcode.OK},
		{"exclusive omitted", "", with(lic, "exclusive", nil, "licensee", "bank"), errcode.OK},
	})
	accepts(t, c, "transfer_work", []vcase{{"to the notary", "", with(tr, "to", "notary", "note", strings.Repeat("注", 500)), errcode.OK}})
}
