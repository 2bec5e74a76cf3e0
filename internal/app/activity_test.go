package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// TestActivity: the index counts an organisation's transactions that
// committed without error, by day in China time; refused ones and other
// organisations' do not count.
func TestActivity(t *testing.T) {
	// 15:59:58 UTC is 23:59:58 in China: the third block is the next day.
	c := testchain.New(t, testchain.Options{Orgs: orgs(), Time: time.Date(2026, 3, 1, 15, 59, 57, 0, time.UTC)})
	admin := c.Members["coop"].Admin
	rnd := testchain.NewSeededRand(3)
	register := func() []byte {
		return c.Sign(admin, "identity", "register_key", map[string]any{"public_key": testchain.NewKey(t, tx.AlgoEd25519, rnd).Public()})
	}
	c.Block(register(), register()) // 23:59:58 CST, 2 March
	c.Block(register())             // 23:59:59
	c.Block(register())             // 00:00:00, 3 March
	// A refused transaction (a key registered twice) does not count.
	k := testchain.NewKey(t, tx.AlgoEd25519, rnd)
	c.Block(c.Sign(admin, "identity", "register_key", map[string]any{"public_key": k.Public()}))
	if res := c.Do(admin, "identity", "register_key", map[string]any{"public_key": k.Public()}); res.Code == 0 {
		t.Fatal("a key registered twice")
	}
	got, err := c.App.Activity("coop", c.Time, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 3, 2}; !slices.Equal(got, want) {
		t.Errorf("coop's activity = %v, want %v", got, want)
	}
	if got, _ := c.App.Activity("regulator", c.Time, 3); !slices.Equal(got, []int64{0, 0, 0}) {
		t.Errorf("regulator's activity = %v, want none", got)
	}
}
