package modules_test

import (
	"reflect"
	"testing"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules"
)

// precheckSamples are bodies each action with a stateless check admits,
// covering its optional parts. An action that declares a Precheck needs
// an entry here.
var precheckSamples = map[string][]string{
	"notary/deposit": {
		`{"sha256":"` + hex64("ab") + `","sm3":"` + hex64("cd") + `","file_name":"合同.pdf","size":1024,"media_type":"application/pdf","evidence_type":"contract"}`,
		`{"sha256":"` + hex64("01") + `","sm3":"` + hex64("02") + `","file_name":"截图.png","size":0,"media_type":"image/png","evidence_type":"image",` +
			`"capture":{"source_url":"https://weibo.com/1/2","tool":"取证工具 2.1","captured_at":"2026-01-01T07:30:00+08:00"},` +
			`"supplements":"EV20260101-0123456789ABCDEF0123","description":"网页截图\n第二行 \u00e9"}`,
	},
}

func hex64(pair string) string {
	s := ""
	for range 32 {
		s += pair
	}
	return s
}

// TestStatelessChecksKeepTheBody: the block's handler on the node that
// admitted a transaction gets the body its stateless check decoded
// (module.Context.Decoded), where every other node decodes the bytes
// afresh; a check that changed the body would make the nodes disagree.
// Every such check, in every module, must leave its body as decoded.
func TestStatelessChecksKeepTheBody(t *testing.T) {
	mods := append([]module.Module{identity.Module{}}, modules.Registry().Core()...)
	seen := map[string]bool{}
	for _, m := range mods {
		for _, a := range m.Actions() {
			if a.Precheck == nil {
				continue
			}
			route := m.Name() + "/" + a.Name
			samples := precheckSamples[route]
			if len(samples) == 0 {
				t.Errorf("%s has a stateless check and no sample bodies in precheckSamples", route)
				continue
			}
			seen[route] = true
			for _, s := range samples {
				decoded, err := a.Precheck([]byte(s))
				if err != nil {
					t.Errorf("%s: the sample %s is refused: %v", route, s, err)
					continue
				}
				fresh := reflect.New(a.Body)
				if err := module.DecodeBody([]byte(s), fresh.Interface()); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(decoded, fresh.Interface()) {
					t.Errorf("%s: the check changed the body it decoded:\n%#v\nafresh:\n%#v", route, decoded, fresh.Interface())
				}
			}
		}
	}
	for route := range precheckSamples {
		if !seen[route] {
			t.Errorf("precheckSamples lists %s, which has no stateless check", route)
		}
	}
}
