package notary_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/notary"
)

// An organisation's batches, newest first, its own only, at most limit.
func TestBatchesOf(t *testing.T) {
	c := newChain(t)
	for i := range 3 {
		do(t, c, "dep-a", "batch_deposit", batchOf(i), errcode.OK)
	}
	do(t, c, "dep-b", "batch_deposit", batchOf(9), errcode.OK)
	bs, more, err := notary.BatchesOf(c.View(), "dep-a", 10)
	if err != nil || more || len(bs) != 3 {
		t.Fatalf("dep-a's batches: %d %v %v", len(bs), more, err)
	}
	for i, b := range bs {
		if b.Depositor.Org != "dep-a" || (i > 0 && b.Height > bs[i-1].Height) {
			t.Errorf("batch %d: %+v", i, b)
		}
	}
	if first, _ := notary.GetBatch(c.View(), bs[0].ID); first.MerkleRoot != batchOf(2)["merkle_root"] {
		t.Errorf("newest first: %+v", bs[0])
	}
	if bs, more, err := notary.BatchesOf(c.View(), "dep-a", 2); err != nil || !more || len(bs) != 2 {
		t.Errorf("at most 2: %d %v %v", len(bs), more, err)
	}
	if bs, more, err := notary.BatchesOf(c.View(), "court", 10); err != nil || more || len(bs) != 0 {
		t.Errorf("none: %d %v %v", len(bs), more, err)
	}
}
