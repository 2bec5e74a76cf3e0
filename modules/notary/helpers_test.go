package notary_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/notary"

	"github.com/dengta-chain/dengta/modules/notary/notaryapi"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/emmansun/gmsm/sm3"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// consortium is the test consortium: two depositors, a notary office, a
// court and a bank (which has no notary role).
func consortium() []testchain.Org {
	return []testchain.Org{
		{ID: "dep-a", Roles: []role.Role{notaryapi.Depositor}, Validator: true},
		{ID: "dep-b", Roles: []role.Role{notaryapi.Depositor}},
		{ID: "notary", Roles: []role.Role{notaryapi.Notary}},
		{ID: "court", Roles: []role.Role{notaryapi.Court}},
		{ID: "bank", Roles: []role.Role{role.Bank}},
	}
}

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium()})
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

// with is testchain.With, short for the refusal tables.
var with = testchain.With

// do runs one notary action in its own block and requires the code.
func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) *abci.ExecTxResult {
	t.Helper()
	return testchain.Do(t, c, org, "notary", action, body, want)
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// stateWithoutNonces copies the whole state except the signers' nonces.
func stateWithoutNonces(t testing.TB, c *testchain.Chain) map[string]string {
	t.Helper()
	all := testchain.Snapshot(t, c, "")
	for k := range all {
		if bytes.HasPrefix([]byte(k), []byte("app/nonce/")) {
			delete(all, k)
		}
	}
	return all
}

// own is the module under test, alone on its chains, with its roles.
var (
	own      = []module.Module{notary.Module{}}
	ownRoles = role.MustSet(notaryapi.Roles...)
)
