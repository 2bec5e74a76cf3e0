package notary_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/tx"
)

// expectedID recomputes a record id from the documented formula, without
// the module's code.
func expectedID(kind, domain string, blockTime time.Time, parts ...string) string {
	msg := domain
	for _, p := range parts {
		msg += "\x00" + p
	}
	sum := sha256.Sum256([]byte(msg))
	day := blockTime.In(time.FixedZone("UTC+8", 8*3600)).Format("20060102")
	return kind + day + "-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
}

func TestDepositRecord(t *testing.T) {
	c := newChain(t)
	body := with(depositOf(1), "capture", map[string]any{"source_url": "https://weibo.com/1/2", "tool": "取证工具 2.1", "captured_at": "2026-01-01T07:30:00+08:00"}, "description", "网页截图\n第二行")
	raw := c.Sign(admin(c, "dep-a"), "notary", "deposit", body)
	res, _ := c.Block(raw)
	testchain.WantCode(t, "deposit", res[0], errcode.OK)
	sha, sm := file(1)
	id := expectedID("EV", "dengta/evidence/v1", c.Time, "dep-a", sha, sm)
	if r := testchain.Result(t, res[0]); r["evidence_id"] != id || r["existing"] != false {
		t.Fatalf("result = %v, want evidence_id %s existing false", r, id)
	}
	if !testchain.HasEvent(res[0], "notary.evidence_deposited", "evidence_id", id, "org", "dep-a", "sha256", sha, "sm3", sm) {
		t.Fatalf("no deposit event: %v", res[0].Events)
	}

	// The stored JSON, as the offline verifier reads it from a proof.
	v, err := c.View().Get(notary.EvidenceKey(id))
	if err != nil || v == nil {
		t.Fatalf("evidence key: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil {
		t.Fatal(err)
	}
	txHash := tx.Hash(raw)
	want := map[string]any{
		"id": id, "sha256": sha, "sm3": sm, "file_name": "合同-1.pdf", "size": 1025.0, "media_type": "application/pdf",
		"evidence_type": "contract", "description": "网页截图\n第二行", "height": float64(c.Height),
		"time": "2026-01-01T08:00:01+08:00", "tx_hash": strings.ToUpper(hex.EncodeToString(txHash[:])),
		"depositor": map[string]any{"org": "dep-a", "key_id": admin(c, "dep-a").ID().String()},
		"capture":   map[string]any{"source_url": "https://weibo.com/1/2", "tool": "取证工具 2.1", "captured_at": "2026-01-01T07:30:00+08:00"},
	}
	for k, w := range want {
		if g, _ := json.Marshal(m[k]); string(g) != testchain.Encode(w) {
			t.Errorf("record %s = %s, want %s", k, g, testchain.Encode(w))
		}
	}
	for k := range m {
		if _, ok := want[k]; !ok {
			t.Errorf("record has unexpected field %s", k)
		}
	}
	ts, err := time.Parse(time.RFC3339, m["time"].(string))
	if err != nil || !ts.Equal(c.Time) {
		t.Errorf("record time %v is not the block time %v: %v", m["time"], c.Time, err)
	}
	e, err := notary.GetEvidence(c.View(), id)
	if err != nil || e.SHA256 != sha || e.Capture == nil || e.Capture.Tool != "取证工具 2.1" {
		t.Fatalf("GetEvidence = %+v, %v", e, err)
	}
	for _, h := range []string{sha, sm, strings.ToUpper(sm)} {
		found, err := notary.FindEvidence(c.View(), h)
		if err != nil || len(found) != 1 || found[0].ID != id {
			t.Fatalf("FindEvidence(%s) = %+v, %v", h, found, err)
		}
	}
}

func TestDepositIdempotent(t *testing.T) {
	c := newChain(t)
	first := testchain.Result(t, do(t, c, "dep-a", "deposit", depositOf(1), errcode.OK))
	id := str(first, "evidence_id")

	// A member key of the same organisation deposits the same file, with
	// other metadata, a day later.
	clerk := testchain.NewKey(t, tx.AlgoSM2, testchain.NewSeededRand(5))
	testchain.WantCode(t, "register clerk", c.Do(admin(c, "dep-a"), "identity", "register_key", map[string]any{"public_key": clerk.Public()}), errcode.OK)
	c.Time = c.Time.Add(24 * time.Hour)
	before := stateWithoutNonces(t, c)
	nonce, _ := c.App.NextNonce(clerk.ID())
	res := c.Do(clerk, "notary", "deposit", with(depositOf(1), "file_name", "other name.pdf", "description", "again"))
	testchain.WantCode(t, "deposit again", res, errcode.OK)
	if r := testchain.Result(t, res); r["evidence_id"] != id || r["existing"] != true {
		t.Fatalf("second deposit answered %v, want %s existing", r, id)
	}
	if n, _ := c.App.NextNonce(clerk.ID()); n != nonce+1 {
		t.Fatalf("nonce not consumed: next %d, was %d", n, nonce)
	}
	if len(res.Events) != 1 { // only the app's "tx" event
		t.Fatalf("existing deposit emitted %v", res.Events)
	}
	testchain.SameState(t, "existing deposit", before, stateWithoutNonces(t, c))
	if e, _ := notary.GetEvidence(c.View(), id); e.FileName != "合同-1.pdf" || e.Depositor.KeyID != admin(c, "dep-a").ID() {
		t.Fatalf("record changed: %+v", e)
	}

	// Twice in one block: the second sees the first.
	sha2, sm2 := file(2)
	res2, _ := c.Block(c.Sign(admin(c, "dep-b"), "notary", "deposit", depositOf(2)), c.Sign(admin(c, "dep-b"), "notary", "deposit", depositOf(2)))
	r1, r2 := testchain.Result(t, res2[0]), testchain.Result(t, res2[1])
	if r1["existing"] != false || r2["existing"] != true || r1["evidence_id"] != r2["evidence_id"] {
		t.Fatalf("same block: %v then %v", r1, r2)
	}

	// Another organisation, same file: its own record.
	res = do(t, c, "notary", "deposit", depositOf(1), errcode.OK)
	other := str(testchain.Result(t, res), "evidence_id")
	if other == id || testchain.Result(t, res)["existing"] != false {
		t.Fatalf("other organisation got %s (first %s)", other, id)
	}
	sha1, sm1 := file(1)
	if found, _ := notary.FindEvidence(c.View(), sha1); len(found) != 2 {
		t.Fatalf("FindEvidence after two depositors: %d records", len(found))
	}
	if found, _ := notary.FindEvidence(c.View(), sm1); len(found) != 2 {
		t.Fatalf("FindEvidence by SM3 after two depositors: %d records", len(found))
	}
	// The same SHA-256 with another SM3 (impossible for one file, but the
	// module does not know) is another triple, hence another record.
	res = do(t, c, "dep-a", "deposit", with(depositOf(1), "sm3", sm2), errcode.OK)
	if testchain.Result(t, res)["existing"] != false {
		t.Fatal("a different SM3 was taken for the existing record")
	}
	if found, _ := notary.FindEvidence(c.View(), sha2); len(found) != 1 {
		t.Fatalf("FindEvidence(sha2) = %d records", len(found))
	}
}

func TestSupplements(t *testing.T) {
	c := newChain(t)
	a := str(testchain.Result(t, do(t, c, "dep-a", "deposit", depositOf(1), errcode.OK)), "evidence_id")
	b := str(testchain.Result(t, do(t, c, "dep-a", "deposit", with(depositOf(2), "supplements", a), errcode.OK)), "evidence_id")
	cc := str(testchain.Result(t, do(t, c, "dep-a", "deposit", with(depositOf(3), "supplements", b), errcode.OK)), "evidence_id")
	// A notary adds to the depositor's evidence.
	d := str(testchain.Result(t, do(t, c, "notary", "deposit", with(depositOf(4), "supplements", a), errcode.OK)), "evidence_id")

	list := func(id string) []string {
		t.Helper()
		s, err := notary.Supplements(c.View(), id)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range s {
			if e.Supplements != id {
				t.Fatalf("listed %s as a supplement of %s, it supplements %q", e.ID, id, e.Supplements)
			}
			ids = append(ids, e.ID)
		}
		return ids
	}
	want := []string{b, d}
	slices.Sort(want)
	if got := list(a); !slices.Equal(got, want) {
		t.Fatalf("supplements of %s = %v, want %v", a, got, want)
	}
	if got := list(b); !slices.Equal(got, []string{cc}) {
		t.Fatalf("supplements of %s = %v", b, got)
	}
	if got := list(cc); len(got) != 0 {
		t.Fatalf("supplements of the last = %v", got)
	}
	if _, err := notary.Supplements(c.View(), "EV20260101-0123456789ABCDEF0123"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("supplements of an unknown record: %v", err)
	}
	// Walk the chain back from the last supplement.
	var chain []string
	for id := cc; id != ""; {
		e, err := notary.GetEvidence(c.View(), id)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, id)
		id = e.Supplements
	}
	if !slices.Equal(chain, []string{cc, b, a}) {
		t.Fatalf("chain = %v", chain)
	}
}

func TestIDsUseChinaStandardTime(t *testing.T) {
	// Whatever the node's zone, ids take the date in UTC+8.
	saved := time.Local
	time.Local = time.FixedZone("EST", -5*3600)
	t.Cleanup(func() { time.Local = saved })
	// Block 1 at 15:59:59 UTC (23:59:59 CST), block 2 at 16:00:00 UTC
	// (00:00 CST the next day).
	c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: time.Date(2026, 3, 31, 15, 59, 58, 0, time.UTC)})
	sha, sm := file(1)
	ev := str(testchain.Result(t, do(t, c, "dep-a", "deposit", depositOf(1), errcode.OK)), "evidence_id")
	if !strings.HasPrefix(ev, "EV20260331-") || ev != notary.EvidenceID(c.Time, "dep-a", sha, sm) {
		t.Fatalf("evidence id at 23:59:59 CST = %s", ev)
	}
	res := do(t, c, "dep-a", "batch_deposit", batchOf(1), errcode.OK)
	ba := str(testchain.Result(t, res), "batch_id")
	if want := expectedID("BA", "dengta/batch/v1", c.Time, "dep-a", batchOf(1)["merkle_root"].(string)); ba != want || !strings.HasPrefix(ba, "BA20260401-") {
		t.Fatalf("batch id at 00:00 CST = %s, want %s", ba, want)
	}
	// created_on may be the block's CST date, which UTC still calls March.
	res = do(t, c, "dep-a", "register_work", with(workOf(1), "created_on", "2026-04-01"), errcode.OK)
	wk := str(testchain.Result(t, res), "work_id")
	if want := expectedID("WK", "dengta/work/v1", c.Time, "dep-a", sha); wk != want || !strings.HasPrefix(wk, "WK20260401-") {
		t.Fatalf("work id = %s, want %s", wk, want)
	}
	if w, _ := notary.GetWork(c.View(), wk); w.Time != "2026-04-01T00:00:01+08:00" {
		t.Fatalf("work time = %s", w.Time)
	}
}

// TestDeterminism runs the same transactions on two chains with the same
// genesis: the same ids, results and app hashes at every height.
func TestDeterminism(t *testing.T) {
	run := func() (ids []string, hashes [][]byte) {
		c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Seed: 9})
		step := func(org, action string, body any) string {
			res, h := c.Block(c.Sign(admin(c, org), "notary", action, body))
			testchain.WantCode(t, action, res[0], errcode.OK)
			hashes = append(hashes, h)
			ids = append(ids, string(res[0].Data))
			var r map[string]any
			json.Unmarshal(res[0].Data, &r)
			for _, k := range []string{"evidence_id", "batch_id", "work_id"} {
				if s, ok := r[k].(string); ok {
					return s
				}
			}
			return ""
		}
		ev := step("dep-a", "deposit", depositOf(1))
		step("dep-b", "deposit", with(depositOf(2), "supplements", ev))
		step("dep-a", "deposit", depositOf(1))
		step("court", "batch_deposit", batchOf(1))
		w := step("dep-a", "register_work", with(workOf(1), "evidence_id", ev))
		d := step("dep-b", "register_work", workOf(1))
		step("court", "resolve_dispute", map[string]any{"work_id": d, "prevailing": w, "reference": "(2026)京0491民初1号"})
		step("dep-a", "license_work", map[string]any{"work_id": w, "licensee": "dep-b", "terms": "t", "from": "2026-01-01", "exclusive": true})
		step("dep-a", "transfer_work", map[string]any{"work_id": w, "to": "notary"})
		return ids, hashes
	}
	ids1, h1 := run()
	ids2, h2 := run()
	if !slices.Equal(ids1, ids2) {
		t.Fatalf("results differ:\n%v\n%v", ids1, ids2)
	}
	for i := range h1 {
		if !bytes.Equal(h1[i], h2[i]) {
			t.Fatalf("app hash differs at step %d", i)
		}
	}
}

func TestBatch(t *testing.T) {
	c := newChain(t)
	items := [][]byte{[]byte("msg 1"), []byte("msg 2"), []byte("msg 3")}
	root := rfc6962Root(items)
	body := map[string]any{"merkle_root": hex.EncodeToString(root), "size": len(items), "label": "2026-01-01 聊天记录", "item_format": notary.ItemFormat}
	res := do(t, c, "notary", "batch_deposit", body, errcode.OK)
	id := str(testchain.Result(t, res), "batch_id")
	if testchain.Result(t, res)["existing"] != false || !testchain.HasEvent(res, "notary.batch_deposited", "batch_id", id, "size", "3") {
		t.Fatalf("batch result %s, events %v", res.Data, res.Events)
	}
	// The verifier reads "merkle_root" (hex string) and "size" (number)
	// from the proven value.
	v, _ := c.View().Get(notary.BatchKey(id))
	var m map[string]any
	json.Unmarshal(v, &m)
	if m["merkle_root"] != hex.EncodeToString(root) || m["size"] != 3.0 || m["item_format"] != "dengta-batch-item/1" {
		t.Fatalf("batch record = %s", v)
	}
	again := testchain.Result(t, do(t, c, "notary", "batch_deposit", with(body, "label", "relabelled"), errcode.OK))
	if again["batch_id"] != id || again["existing"] != true {
		t.Fatalf("same root again = %v", again)
	}
	other := testchain.Result(t, do(t, c, "dep-a", "batch_deposit", body, errcode.OK))
	if other["batch_id"] == id || other["existing"] != false {
		t.Fatalf("same root by another organisation = %v", other)
	}
	if b, err := notary.GetBatch(c.View(), id); err != nil || b.Label != "2026-01-01 聊天记录" || b.Size != 3 {
		t.Fatalf("GetBatch = %+v, %v", b, err)
	}
}

// rfc6962Root is the RFC 6962 Merkle tree hash of items.
func rfc6962Root(items [][]byte) []byte {
	if len(items) == 1 {
		h := sha256.Sum256(append([]byte{0}, items[0]...))
		return h[:]
	}
	k := 1
	for k*2 < len(items) {
		k *= 2
	}
	h := sha256.Sum256(slices.Concat([]byte{1}, rfc6962Root(items[:k]), rfc6962Root(items[k:])))
	return h[:]
}

func TestCopyrightConflicts(t *testing.T) {
	c := newChain(t)
	sha, _ := file(1)
	first := testchain.Result(t, do(t, c, "dep-a", "register_work", workOf(1), errcode.OK))
	w1 := str(first, "work_id")
	if first["status"] != "registered" || first["conflicts_with"] != nil {
		t.Fatalf("first registration = %v", first)
	}

	// Same owner again: refused, on another day and with another title too.
	c.Time = c.Time.Add(24 * time.Hour)
	before := testchain.Snapshot(t, c, "notary/")
	do(t, c, "dep-a", "register_work", with(workOf(1), "title", "另一个标题"), errcode.Conflict)
	testchain.SameState(t, "same owner twice", before, testchain.Snapshot(t, c, "notary/"))

	// Another organisation: recorded, but disputed, and loudly.
	res := do(t, c, "dep-b", "register_work", with(workOf(1), "authors", []string{"王五"}), errcode.OK)
	second := testchain.Result(t, res)
	w2 := str(second, "work_id")
	if second["status"] != "disputed" || second["conflicts_with"] != w1 {
		t.Fatalf("second registration = %v", second)
	}
	if !testchain.HasEvent(res, "notary.work_conflict", "work_id", w2, "conflicts_with", w1, "owner", "dep-b", "sha256", sha) {
		t.Fatalf("no conflict event: %v", res.Events)
	}
	if testchain.HasEvent(res, "notary.work_registered") {
		t.Fatal("a disputed registration announced itself as registered")
	}
	wk2, _ := notary.GetWork(c.View(), w2)
	if wk2.Status != notary.StatusDisputed || wk2.ConflictsWith != w1 || wk2.Owner != "dep-b" {
		t.Fatalf("disputed work = %+v", wk2)
	}
	w3 := str(testchain.Result(t, do(t, c, "notary", "register_work", workOf(1), errcode.OK)), "work_id")
	do(t, c, "dep-b", "register_work", workOf(1), errcode.Conflict)

	disputes, err := notary.Disputes(c.View(), w1)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, d := range disputes {
		got = append(got, d.ID)
	}
	want := []string{w2, w3}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("disputes of %s = %v, want %v", w1, got, want)
	}
	if d, _ := notary.Disputes(c.View(), w2); len(d) != 0 {
		t.Fatalf("a disputed work has disputes: %v", d)
	}
	all, err := notary.WorksByHash(c.View(), sha)
	if err != nil || len(all) != 3 || all[0].ID != w1 || all[0].Status != notary.StatusRegistered {
		t.Fatalf("WorksByHash = %+v, %v", all, err)
	}
	if none, err := notary.WorksByHash(c.View(), strings.Repeat("0", 64)); err != nil || len(none) != 0 {
		t.Fatalf("WorksByHash of an unknown file = %v, %v", none, err)
	}

	// The first registration is in dispute with both: it moves only once
	// both disputes are resolved.
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": w1, "to": "dep-b"}, errcode.Conflict)
	for _, d := range []string{w2, w3} {
		do(t, c, "court", "resolve_dispute", map[string]any{"work_id": d, "prevailing": w1, "reference": "(2026)浙01民初7号"}, errcode.OK)
	}
	// Once dep-a transfers the first work to dep-b, dep-b owns the file's
	// first registration and cannot register it again; dep-a, having
	// registered it, cannot either.
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": w1, "to": "dep-b"}, errcode.OK)
	do(t, c, "dep-a", "register_work", workOf(1), errcode.Conflict)
	if wk, _ := notary.GetWork(c.View(), w1); wk.Owner != "dep-b" || wk.Status != notary.StatusRegistered {
		t.Fatalf("first work after the transfer = %+v", wk)
	}
}

func TestTransferThenLicenseLog(t *testing.T) {
	c := newChain(t)
	w := str(testchain.Result(t, do(t, c, "dep-a", "register_work", workOf(1), errcode.OK)), "work_id")
	res := do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": w, "to": "dep-b", "note": "转让合同 No.7"}, errcode.OK)
	if r := testchain.Result(t, res); r["seq"] != 1.0 || r["work_id"] != w {
		t.Fatalf("transfer result = %v", r)
	}
	if !testchain.HasEvent(res, "notary.work_transferred", "work_id", w, "from", "dep-a", "to", "dep-b", "seq", "1") {
		t.Fatalf("transfer event: %v", res.Events)
	}
	// The old owner lost every right; the new one has them.
	do(t, c, "dep-a", "license_work", map[string]any{"work_id": w, "licensee": "notary", "terms": "t", "from": "2026-01-01"}, errcode.Unauthorized)
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": w, "to": "notary"}, errcode.Unauthorized)
	res = do(t, c, "dep-b", "license_work", map[string]any{"work_id": w, "licensee": "notary", "terms": "信息网络传播权", "from": "2026-02-01", "until": "2027-01-31", "exclusive": true}, errcode.OK)
	if r := testchain.Result(t, res); r["seq"] != 2.0 {
		t.Fatalf("licence result = %v", r)
	}
	// A transfer to an organisation without notary roles is allowed; that
	// organisation cannot then act on the work through this module.
	do(t, c, "dep-b", "transfer_work", map[string]any{"work_id": w, "to": "bank"}, errcode.OK)

	log, err := notary.WorkLog(c.View(), w)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("log has %d entries", len(log))
	}
	if e := log[0]; e.Seq != 1 || e.Kind != notary.KindTransfer || e.Transfer.From != "dep-a" || e.Transfer.To != "dep-b" || e.Transfer.Note != "转让合同 No.7" || e.By.Org != "dep-a" {
		t.Fatalf("entry 1 = %+v", e)
	}
	if e := log[1]; e.Seq != 2 || e.Kind != notary.KindLicense || e.License.Licensor != "dep-b" || e.License.Licensee != "notary" || !e.License.Exclusive || e.By.Org != "dep-b" {
		t.Fatalf("entry 2 = %+v", e)
	}
	if e := log[2]; e.Seq != 3 || e.Transfer.From != "dep-b" || e.Transfer.To != "bank" {
		t.Fatalf("entry 3 = %+v", e)
	}
	wk, _ := notary.GetWork(c.View(), w)
	if wk.Owner != "bank" || wk.Registrant.Org != "dep-a" || wk.Status != notary.StatusRegistered {
		t.Fatalf("work = %+v", wk)
	}
	// Each entry is provable under its own key.
	if v, _ := c.View().Get(notary.WorkLogKey(w, 2)); !bytes.Contains(v, []byte(`"licensee":"notary"`)) {
		t.Fatalf("log key 2 = %s", v)
	}
	if _, err := notary.WorkLog(c.View(), "WK20260101-0123456789ABCDEF0123"); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("log of an unknown work: %v", err)
	}
}

func TestExclusiveLicences(t *testing.T) {
	c := newChain(t)
	w := str(testchain.Result(t, do(t, c, "dep-a", "register_work", workOf(1), errcode.OK)), "work_id")
	lic := func(licensee, from, until string, exclusive bool) map[string]any {
		b := map[string]any{"work_id": w, "licensee": licensee, "terms": "改编权", "from": from, "exclusive": exclusive}
		if until != "" {
			b["until"] = until
		}
		return b
	}
	do(t, c, "dep-a", "license_work", lic("dep-b", "2026-03-01", "2026-05-31", true), errcode.OK)
	for _, tc := range []struct {
		name        string
		from, until string
		exclusive   bool
		want        errcode.Code
	}{
		{"inside", "2026-04-01", "2026-04-30", true, errcode.RuleViolation},
		{"covering", "2026-01-01", "2026-12-31", true, errcode.RuleViolation},
		{"touching the first day", "2026-01-01", "2026-03-01", true, errcode.RuleViolation},
		{"touching the last day", "2026-05-31", "2026-06-30", true, errcode.RuleViolation},
		{"open-ended from before", "2025-01-01", "", true, errcode.RuleViolation},
		{"day before", "2026-02-01", "2026-02-28", true, errcode.OK},
		{"day after", "2026-06-01", "2026-06-30", true, errcode.OK},
		{"non-exclusive inside", "2026-04-01", "2026-04-30", false, errcode.OK},
		{"open-ended after", "2026-07-01", "", true, errcode.OK},
		{"after the open-ended one", "2030-01-01", "2030-12-31", true, errcode.RuleViolation},
		{"non-exclusive after the open-ended one", "2030-01-01", "", false, errcode.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := testchain.Snapshot(t, c, "notary/")
			do(t, c, "dep-a", "license_work", lic("notary", tc.from, tc.until, tc.exclusive), tc.want)
			if tc.want != errcode.OK {
				testchain.SameState(t, tc.name, before, testchain.Snapshot(t, c, "notary/"))
			}
		})
	}
	// Exclusive licences survive a transfer: the new owner cannot grant an
	// overlapping one.
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": w, "to": "dep-b"}, errcode.OK)
	do(t, c, "dep-b", "license_work", lic("notary", "2026-04-01", "2026-04-02", true), errcode.RuleViolation)
	do(t, c, "dep-b", "license_work", lic("notary", "2026-06-15", "2026-06-15", false), errcode.OK)
	log, _ := notary.WorkLog(c.View(), w)
	for i, e := range log {
		if e.Seq != uint64(i+1) {
			t.Fatalf("log entry %d has seq %d", i, e.Seq)
		}
	}
}

// TestRemovedOrganisation: a work cannot go to, or be licensed to, an
// organisation that governance removed.
func TestRemovedOrganisation(t *testing.T) {
	c := newChain(t)
	w := str(testchain.Result(t, do(t, c, "dep-a", "register_work", workOf(1), errcode.OK)), "work_id")
	testchain.WantCode(t, "propose", c.Do(admin(c, "dep-a"), "identity", "propose", map[string]any{"kind": "remove_org", "org_id": "bank"}), errcode.OK)
	for _, org := range []string{"dep-b", "notary", "court"} {
		testchain.WantCode(t, "vote", c.Do(admin(c, org), "identity", "vote", map[string]any{"proposal_id": 1, "approve": true}), errcode.OK)
	}
	before := testchain.Snapshot(t, c, "notary/")
	do(t, c, "dep-a", "transfer_work", map[string]any{"work_id": w, "to": "bank"}, errcode.RuleViolation)
	do(t, c, "dep-a", "license_work", map[string]any{"work_id": w, "licensee": "bank", "terms": "t", "from": "2026-01-01"}, errcode.RuleViolation)
	testchain.SameState(t, "removed organisation", before, testchain.Snapshot(t, c, "notary/"))
}

func TestQueryInputs(t *testing.T) {
	c := newChain(t)
	v := c.View()
	for _, h := range []string{"", "abc", strings.Repeat("g", 64), strings.Repeat("0", 63) + "/"} {
		if _, err := notary.FindEvidence(v, h); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("FindEvidence(%q): %v", h, err)
		}
		if _, err := notary.WorksByHash(v, h); errcode.Of(err) != errcode.BadRequest {
			t.Errorf("WorksByHash(%q): %v", h, err)
		}
	}
	for _, id := range []string{"", "EV1", "EV20260101-0123456789ABCDEF0123", "../x"} {
		if _, err := notary.GetEvidence(v, id); errcode.Of(err) != errcode.NotFound {
			t.Errorf("GetEvidence(%q): %v", id, err)
		}
	}
	if _, err := notary.GetBatch(v, "BA20260101-0123456789ABCDEF0123"); errcode.Of(err) != errcode.NotFound {
		t.Errorf("GetBatch: %v", err)
	}
	if _, err := notary.GetWork(v, "WK20260101-0123456789ABCDEF0123"); errcode.Of(err) != errcode.NotFound {
		t.Errorf("GetWork: %v", err)
	}
	if _, err := notary.Disputes(v, "WK20260101-0123456789ABCDEF0123"); errcode.Of(err) != errcode.NotFound {
		t.Errorf("Disputes: %v", err)
	}
	if got := fmt.Sprint(string(notary.EvidenceKey("X")), " ", string(notary.BatchKey("Y")), " ", string(notary.WorkKey("Z")), " ", string(notary.WorkLogKey("Z", 10))); got != "notary/ev/X notary/batch/Y notary/work/Z notary/worklog/Z/000000000000000a" {
		t.Errorf("keys = %s", got)
	}
}

// The module cannot import package batch (modules import only the shared
// packages), so it spells the item format out; the two must agree.
func TestItemFormatMatchesBatch(t *testing.T) {
	if notary.ItemFormat != batch.ItemFormat {
		t.Fatalf("notary.ItemFormat %q, batch.ItemFormat %q", notary.ItemFormat, batch.ItemFormat)
	}
}

// TestDepositNameWithDirectories: the mempool refuses a deposit whose
// file name has directories, saying what a name is; a block still
// records one (the block rule waits for a protocol version).
func TestDepositNameWithDirectories(t *testing.T) {
	c := newChain(t)
	k := admin(c, "dep-a")
	for _, name := range []string{"../../etc/passwd", `C:\合同\1.pdf`, "a/b.pdf", ".."} {
		res := c.Check(c.SignUnconsumed(k, "notary", "deposit", with(depositOf(1), "file_name", name)))
		if errcode.Code(res.Code) != errcode.MalformedBody || !strings.Contains(res.Log, "without directories") {
			t.Errorf("check of a deposit named %q: %s %s", name, errcode.Code(res.Code), res.Log)
		}
	}
	if res := c.Check(c.SignUnconsumed(k, "notary", "deposit", with(depositOf(1), "file_name", "合同 (1).pdf"))); res.Code != 0 {
		t.Fatalf("check of a plain name: %s", res.Log)
	}
	testchain.WantCode(t, "a deposit with directories in a block", c.Do(k, "notary", "deposit", with(depositOf(2), "file_name", "a/b.pdf")), errcode.OK)
}
