package trace_test

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/modules/trace"
)

// TestVisibility: the traceability records are public, what members hold
// and ship is for members, event bodies in the explorer are for members.
func TestVisibility(t *testing.T) {
	public, member := access.Caller{}, access.Caller{Org: market}
	for key, wantPublic := range map[string]bool{
		"trace/obj" + pear(1):                         true,
		"trace/product" + pearProd:                    true,
		"trace/prefix/gs1/6901234":                    true,
		"trace/scans" + pear(1):                       true,
		"trace/qty" + pearLot + "#EA#" + coop:         false,
		"trace/transit" + pearLot + "#EA":             false,
		"trace/holder" + pearLot + "#EA#" + logistics: false,
	} {
		if got := (trace.Module{}).CanRead(nil, []byte(key), public); got != wantPublic {
			t.Errorf("%s: the public reads it: %v", key, got)
		}
		if !(trace.Module{}).CanRead(nil, []byte(key), member) {
			t.Errorf("%s: a member cannot read it", key)
		}
	}
	if (trace.Module{}).CanReadTx(nil, "capture", nil, public) || !(trace.Module{}).CanReadTx(nil, "capture", nil, member) {
		t.Error("capture bodies: the public reads them, or a member does not")
	}
}
