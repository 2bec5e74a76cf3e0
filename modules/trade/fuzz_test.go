package trade_test

import (
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
)

// FuzzActions feeds arbitrary bodies to every action on an empty state
// (no organisations, no records): a handler decodes strictly, never
// panics, and refuses with a coded error, writing nothing. Only a bank's
// calendar can be recorded on an empty state.
func FuzzActions(f *testing.F) {
	seeds := []string{
		`{"ref":"WYCL26000001","to":"bank-a","endorsement":"named"}`,
		testchain.Encode(eblBody("WYCL26000001", true, "")),
		testchain.Encode(creditBody("LC-1")),
		testchain.Encode(presentBody("LC-1", "WYCL26000001", 100)),
		`{"id":"LC-1-P1","complying":true}`,
		`{"utc_offset_min":480,"closed":["2026-04-06"]}`,
		`{"ref":"A","ref":"B"}`, `[]`, `{}`, `null`,
	}
	actions := trade.Module{}.Actions()
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		a := actions[int(which)%len(actions)]
		kv := testchain.MemKV{}
		ctx := &module.Context{ChainID: testchain.ChainID, Height: 2, Time: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC),
			Signer: module.Signer{Org: "bank-a"}, Store: kv}
		err := a.Handle(ctx, body)
		if err == nil && a.Name == "set_calendar" {
			return // a bank's calendar needs nothing else in the state
		}
		if err == nil {
			t.Fatalf("%s accepted %q on an empty state", a.Name, body)
		}
		if c := errcode.Of(err); c == errcode.Internal || c == errcode.OK {
			t.Fatalf("%s: %q: uncoded error %v", a.Name, body, err)
		}
		if len(kv) != 0 {
			t.Fatalf("%s wrote %d keys while refusing %q", a.Name, len(kv), body)
		}
	})
}
