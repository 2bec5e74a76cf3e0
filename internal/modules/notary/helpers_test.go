package notary_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/internal/tx"
)

// consortium is the test consortium: two depositors, a notary office, a
// court and a bank (which has no notary role).
func consortium() []testchain.Org {
	return []testchain.Org{
		{ID: "dep-a", Roles: []role.Role{role.Depositor}, Validator: true},
		{ID: "dep-b", Roles: []role.Role{role.Depositor}},
		{ID: "notary", Roles: []role.Role{role.Notary}},
		{ID: "court", Roles: []role.Role{role.Court}},
		{ID: "bank", Roles: []role.Role{role.Bank}},
	}
}

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Orgs: consortium()})
}

func admin(c *testchain.Chain, org string) *tx.PrivateKey { return c.Members[org].Admin }

// file returns the SHA-256 and SM3 digests of test file i.
func file(i int) (string, string) {
	data := []byte(fmt.Sprintf("test file %d", i))
	a, b := sha256.Sum256(data), sm3.Sum(data)
	return hex.EncodeToString(a[:]), hex.EncodeToString(b[:])
}

func depositOf(i int) map[string]any {
	sha, sm := file(i)
	return map[string]any{
		"sha256": sha, "sm3": sm, "file_name": fmt.Sprintf("合同-%d.pdf", i), "size": 1024 + i,
		"media_type": "application/pdf", "evidence_type": "contract",
	}
}

func batchOf(i int) map[string]any {
	root := sha256.Sum256([]byte(fmt.Sprintf("root %d", i)))
	return map[string]any{"merkle_root": hex.EncodeToString(root[:]), "size": 100, "item_format": "dengta-batch-item/1"}
}

func workOf(i int) map[string]any {
	sha, sm := file(i)
	return map[string]any{
		"title": fmt.Sprintf("西湖组诗 %d", i), "authors": []string{"张三", "李四"}, "created_on": "2025-06-01",
		"license": "all-rights-reserved", "work_type": "literary", "sha256": sha, "sm3": sm,
	}
}

// with returns a copy of body with the given fields set; a nil value
// removes the field.
func with(body map[string]any, kv ...any) map[string]any {
	out := maps.Clone(body)
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

func wantCode(t testing.TB, what string, res *abci.ExecTxResult, want errcode.Code) {
	t.Helper()
	if errcode.Code(res.Code) != want {
		t.Fatalf("%s: code %s (%s), want %s", what, errcode.Code(res.Code), res.Log, want)
	}
	if want != errcode.OK && res.Log == "" {
		t.Fatalf("%s: refused without a message", what)
	}
}

// do runs one action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	res := c.Do(admin(c, org), "notary", action, body)
	wantCode(t, fmt.Sprintf("%s %s by %s", action, compact(body), org), res, want)
	return res
}

func encode(body any) string {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func compact(body any) string {
	b, _ := json.Marshal(body)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// result decodes a transaction's answer.
func result(t testing.TB, res *abci.ExecTxResult) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(res.Data, &m); err != nil {
		t.Fatalf("result %q: %v", res.Data, err)
	}
	return m
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// snapshot copies every state key under prefix.
func snapshot(t testing.TB, c *testchain.Chain, prefix string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := c.View().Iterate([]byte(prefix), nil, func(k, v []byte) bool {
		out[string(k)] = string(v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameState(t testing.TB, what string, before, after map[string]string) {
	t.Helper()
	for k, v := range after {
		if w, ok := before[k]; !ok {
			t.Fatalf("%s: wrote %s = %s", what, k, v)
		} else if w != v {
			t.Fatalf("%s: changed %s from %s to %s", what, k, w, v)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			t.Fatalf("%s: deleted %s", what, k)
		}
	}
}

// stateWithoutNonces copies the whole state except the signers' nonces.
func stateWithoutNonces(t testing.TB, c *testchain.Chain) map[string]string {
	t.Helper()
	all := snapshot(t, c, "")
	for k := range all {
		if bytes.HasPrefix([]byte(k), []byte("app/nonce/")) {
			delete(all, k)
		}
	}
	return all
}

func hasEvent(res *abci.ExecTxResult, typ string, kv ...string) bool {
	for _, e := range res.Events {
		if e.Type != typ {
			continue
		}
		attrs := map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = a.Value
		}
		ok := true
		for i := 0; i < len(kv); i += 2 {
			ok = ok && attrs[kv[i]] == kv[i+1]
		}
		if ok {
			return true
		}
	}
	return false
}
