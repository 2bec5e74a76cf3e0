package datashare_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/datashare"
)

// FuzzActions feeds arbitrary bodies to every action on an empty state
// (no organisations, keys, patients, records or devices): a handler
// decodes strictly, never panics, and refuses with a coded error,
// writing nothing. Only a patient or a device, which rest on nothing
// else in the state, can be registered on an empty state.
func FuzzActions(f *testing.F) {
	seeds := []string{
		`{"keys":["ed25519:0123"],"endpoint":"https://hospa.example.cn"}`,
		`{"id":"P0123456789ABCDEF0123456789ABCDEF","public_key":"sm2:04ab"}`,
		`{"domain":"medical","type":"lab","class":"R","subject":"P0","digest":"00","blob":"00","size":1,"keys":[]}`,
		`{"grantee":"hospb","purpose":"TREAT","records":["DR20260301-00000000000000000001"],"max_class":"R","end":"2026-04-01T00:00:00Z"}`,
		`{"grant":"DG20260301-00000000000000000001","reason":"出院"}`,
		`{"act":"approve","grant":"DG20260301-00000000000000000001","subject":"P0","time":"2026-03-02T00:00:00Z","signature":"00"}`,
		`{"events":[{"id":"00","digest":"00","time":"2026-03-02T00:00:00Z","event":"fetch","outcome":"served","record":"DR20260301-00000000000000000001","org":"hospb","key":"ed25519:00"}]}`,
		`{"subject":"P0","owner":"hospa","reason":"unconscious","justification":"昏迷"}`,
		`{"id":"BG20260301-00000000000000000001","finding":"justified"}`,
		`{"id":"PRESS-1","model":"HP-500","serial":"1","public_key":"sm2:04ab"}`,
		`{"device":"PRESS-1","kind":"repair","performed":"2026-03-02T00:00:00Z","summary":"更换轴承"}`,
		`{"device":"PRESS-1","window":"DR20260301-00000000000000000001","metric":"vibration","rule":"zscore","severity":"warning","digests":["00"]}`,
		`{"grant":"A","grant":"B"}`, `[]`, `{}`, `null`, "\xff",
	}
	actions := datashare.Module{}.Actions()
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	standalone := []string{"register_subject", "register_device"}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		a := actions[int(which)%len(actions)]
		kv := testchain.MemKV{}
		ctx := &module.Context{ChainID: testchain.ChainID, Height: 2, Time: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC),
			Signer: module.Signer{Org: "hospa"}, Store: kv}
		err := a.Handle(ctx, body)
		if err == nil && slices.Contains(standalone, a.Name) {
			return
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
