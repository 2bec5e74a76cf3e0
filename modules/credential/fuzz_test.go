package credential_test

import (
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

// FuzzActions feeds arbitrary bodies to every action on an empty state (no
// organisations, types or proposals): a handler decodes strictly, never
// panics, and refuses with a coded error, writing nothing. Only what needs
// nothing else in the state may be accepted: a type's submission, a key,
// a status list.
func FuzzActions(f *testing.F) {
	d, _ := catalog.Get(catalog.Degree)
	seeds := []string{
		testchain.Encode(credentialapi.SubmitTypeBody{Type: d}),
		`{"proposal_id":1,"id":"DegreeCredential","hash":"` + hashOf("x") + `"}`,
		`{"proposal_id":1,"type":"DegreeCredential","issuer":"univ"}`,
		`{"jwk":{"kty":"EC","crv":"P-256","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"},"proof":"a.b.c"}`,
		`{"size":131072}`,
		`{"credentials":[{"hash":"` + hashOf("x") + `","type":"DegreeCredential","kid":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","list":1,"index":3}]}`,
		`{"hash":"` + hashOf("x") + `","status":"revoked"}`,
		`{"type":"DegreeCredential","issuers":["univ"]}`,
		`{"ref":"` + hashOf("x") + `","type":"DegreeCredential","issuer":"univ","ok":true}`,
		`{"a":1,"a":2}`, `[]`, `{}`, `null`,
	}
	actions := credential.Module{}.Actions()
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		a := actions[int(which)%len(actions)]
		kv := testchain.MemKV{}
		ctx := &module.Context{ChainID: testchain.ChainID, Height: 2, Time: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC),
			Signer: module.Signer{Org: "univ", Admin: true}, Store: kv}
		err := a.Handle(ctx, body)
		if err == nil {
			switch a.Name {
			case "submit_type", "add_key", "open_list":
				return
			}
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
