package trace_test

import (
	"maps"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

// These tests call the handlers directly over an in-memory store, for
// inputs no transaction can carry (more than fits in one) and for fuzzing.

var handlerTime = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func handler(t testing.TB, name string) module.Handler {
	t.Helper()
	return testchain.Handler(t, trace.Module{}, name)
}

func handlerCtx(kv testchain.MemKV, org string, roles ...role.Role) *module.Context {
	return &module.Context{ChainID: "dengta-test", Height: 7, Time: handlerTime, TxHash: [32]byte{1, 2, 3},
		Signer: module.Signer{Org: org, Roles: roles}, Store: kv}
}

func TestScanBatchLimit(t *testing.T) {
	kv := testchain.MemKV{}
	mk := func(n int) []byte {
		ss := make([]map[string]any, n)
		for i := range ss {
			ss[i] = map[string]any{"epc": pear(i), "time": "2026-03-01T07:59:00+08:00", "device": device(i)}
		}
		return []byte(testchain.Encode(scans(ss...)))
	}
	err := handler(t, "record_scans")(handlerCtx(kv, bank), mk(trace.MaxScansPerBatch+1))
	if errcode.Of(err) != errcode.MalformedBody {
		t.Fatalf("501 scans: %v", err)
	}
	ctx := handlerCtx(kv, bank)
	if err := handler(t, "record_scans")(ctx, mk(trace.MaxScansPerBatch)); err != nil {
		t.Fatalf("500 scans: %v", err)
	}
	if string(ctx.Result()) != `{"recorded":0,"skipped":500}` {
		t.Fatalf("result %s", ctx.Result())
	}
}

// FuzzRecordScans: whatever a batch holds, record_scans refuses it as a
// whole only for its form, never with an internal error.
func FuzzRecordScans(f *testing.F) {
	c := newChain(f)
	setup(f, c)
	capture(f, c, coop, commission(c, pearLot, pear(1)))
	base := testchain.MemKV{}
	if err := c.View().Iterate(nil, nil, func(k, v []byte) bool { base[string(k)] = v; return true }); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(testchain.Encode(scans(scan(c, pear(1), 0, hefei, 1), scan(c, pear(2), 0, "", 2)))))
	f.Add([]byte(`{"scans":[{"epc":"x","time":"y","device":"z","city":"\u202e"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := handlerCtx(maps.Clone(base), coop)
		ctx.Time = c.Time
		if err := handler(t, "record_scans")(ctx, body); err != nil && errcode.Of(err) != errcode.MalformedBody {
			t.Fatalf("%q: %v", body, err)
		}
	})
}

// FuzzCapture feeds arbitrary bodies to capture over a store with master
// data: it must never panic, and a refusal must carry a code other than
// internal.
func FuzzCapture(f *testing.F) {
	c := newChain(f)
	setup(f, c)
	capture(f, c, coop, commission(c, pearLot, pear(1), pear(2)))
	capture(f, c, coop, pack(c, sscc(1), pear(1)))
	base := testchain.MemKV{}
	if err := c.View().Iterate(nil, nil, func(k, v []byte) bool { base[string(k)] = v; return true }); err != nil {
		f.Fatal(err)
	}
	for _, b := range []map[string]any{commission(c, pearLot, pear(3)), pack(c, sscc(2), pear(2)), unpack(c, sscc(1)),
		ship(c, logistics, pear(2)), transform(c, []string{pearLot}, []string{pearLot2}, ""), observe(c, "recalling", pearLot),
		{"type": "AssociationEvent", "action": "ADD", "parent_id": "/8004/6901234A1", "child_epcs": []string{pear(2)}, "event_time": ago(c, 0)},
		{"type": "ObjectEvent", "action": "OBSERVE", "biz_step": "shipping", "event_time": ago(c, 0), "quantity_list": []map[string]any{{"epc_class": pearLot, "quantity": "1.5", "uom": "KGM"}},
			"destination_list": []map[string]any{{"type": "owning_party", "destination": "/417/" + gs1("690123400009")}}}} {
		f.Add([]byte(testchain.Encode(b)))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		kv := testchain.MemKV{}
		for k, v := range base {
			kv[k] = v
		}
		ctx := handlerCtx(kv, coop, role.Producer, role.Regulator)
		ctx.Time = c.Time
		if err := handler(t, "capture")(ctx, body); err != nil && errcode.Of(err) == errcode.Internal {
			t.Fatalf("internal error for %q: %v", body, err)
		}
	})
}
