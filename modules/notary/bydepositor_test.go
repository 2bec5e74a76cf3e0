package notary_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// TestByDepositor lists an organisation's evidence newest first, in pages,
// and nothing of other organisations.
func TestByDepositor(t *testing.T) {
	c := newChain(t)
	var ids []string
	for i := range 5 {
		res := c.Do(admin(c, "dep-a"), "notary", "deposit", depositOf(i))
		if res.Code != 0 {
			t.Fatal(res.Log)
		}
		ids = append(ids, testchain.Result(t, res)["evidence_id"].(string))
	}
	c.Do(admin(c, "dep-b"), "notary", "deposit", depositOf(99))

	var got []string
	after := ""
	for page := 0; page < 5; page++ {
		evs, next, err := notary.ByDepositor(c.View(), "dep-a", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, e.ID)
		}
		if next == "" {
			break
		}
		after = next
	}
	if len(got) != 5 {
		t.Fatalf("listed %d records, want 5: %v", len(got), got)
	}
	for i := range got {
		if got[i] != ids[len(ids)-1-i] {
			t.Fatalf("order %v, want newest first %v", got, ids)
		}
	}
}
