package app_test

import (
	"testing"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
)

type indexBody struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Fail  bool   `json:"fail"`
}

// indexModule writes one local index entry per transaction, then fails
// when asked to.
type indexModule struct{}

func (indexModule) Name() string { return "ixtest" }
func (indexModule) Actions() []module.Action {
	return []module.Action{module.Handle(api.Action[indexBody, struct{}]{Module: "ixtest", Name: "index"}, func(ctx *module.Context, b *indexBody) error {
		ctx.Index([]byte(b.Key), []byte(b.Value))
		if b.Fail {
			return errcode.New(errcode.RuleViolation, "failed after indexing")
		}
		return nil
	})}
}

// TestLocalIndex: a transaction's local index entries (ADR 0028) are the
// node's once its block commits, and only when it succeeds; a check for
// the mempool writes none, and refuses a bad one; an entry outside the module's keys, or with an
// empty value, refuses the transaction with its state writes; none of it
// touches the app hash.
func TestLocalIndex(t *testing.T) {
	c := testchain.New(t, testchain.Options{Orgs: orgs(), Modules: []module.Module{indexModule{}}})
	c.Block()
	admin := c.Members["coop"].Admin
	local := func(k string) string {
		t.Helper()
		v, err := c.Store.GetLocal([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		return string(v)
	}
	do := func(b indexBody) *struct{ code errcode.Code } {
		t.Helper()
		raw := c.Sign(admin, "ixtest", "index", b)
		res, _ := c.Block(raw)
		return &struct{ code errcode.Code }{errcode.Code(res[0].Code)}
	}

	if r := c.Check(c.SignUnconsumed(admin, "ixtest", "index", indexBody{Key: "identity/checked", Value: "1"})); errcode.Code(r.Code) != errcode.ForeignWrite {
		t.Fatalf("check of an entry outside the module's keys: %s (%s)", errcode.Code(r.Code), r.Log)
	}
	if r := c.Check(c.SignUnconsumed(admin, "ixtest", "index", indexBody{Key: "ixtest/checked", Value: "1"})); r.Code != 0 {
		t.Fatalf("check: %s", r.Log)
	}
	if got := do(indexBody{Key: "ixtest/a", Value: "1"}); got.code != errcode.OK {
		t.Fatalf("indexing its own key: %s", got.code)
	}
	if local("ixtest/a") != "1" || local("ixtest/checked") != "" {
		t.Fatalf("after a block: ixtest/a = %q, ixtest/checked = %q", local("ixtest/a"), local("ixtest/checked"))
	}
	for _, b := range []indexBody{
		{Key: "ixtest/b", Value: "1", Fail: true},
		{Key: "identity/b", Value: "1"},
		{Key: "ixtestb", Value: "1"},
		{Key: "ixtest/b", Value: ""},
	} {
		want := errcode.ForeignWrite
		if b.Fail {
			want = errcode.RuleViolation
		}
		if got := do(b); got.code != want {
			t.Fatalf("%+v: %s, want %s", b, got.code, want)
		}
		if v := local(b.Key); v != "" {
			t.Fatalf("%+v: the entry was written (%q)", b, v)
		}
	}

	// Two chains that index different values reach the same app hash.
	root := func(value string) [32]byte {
		c := testchain.New(t, testchain.Options{Orgs: orgs(), Modules: []module.Module{indexModule{}}})
		_, r := c.Block(c.Sign(c.Members["coop"].Admin, "ixtest", "index", indexBody{Key: "ixtest/a", Value: value}))
		if got, err := c.Store.GetLocal([]byte("ixtest/a")); err != nil || string(got) != value {
			t.Fatalf("ixtest/a = %q, %v; want %q", got, err, value)
		}
		return [32]byte(r)
	}
	if a, b := root("1"), root("2"); a != b {
		t.Fatalf("the indexed value changed the app hash: %X, %X", a, b)
	}
}
