package vc_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/vc"
	"github.com/dengta-chain/dengta/proof"
)

// FuzzVerify feeds vc.Claim and vc.Verify any presentation, with evidence
// whose bundles are the fuzzer's bytes too: nothing panics, and nothing
// verifies, since no bundle can prove anything against a validator set
// nobody signed for.
func FuzzVerify(f *testing.F) {
	key, _ := jws.NewKey(jws.ES256)
	holder, _ := jws.NewKey(jws.ES256)
	is := &vc.Issuer{ChainID: "dengta-dev", Org: "estate", Key: key, StatusBase: "http://127.0.0.1:8480"}
	out, err := is.Issue(vc.Request{Type: realEstate(), Claims: claims, Holder: &holder.PublicKey, List: 1, Index: 7}, time.Now(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	s, _ := sdjwt.Parse(out.Credential)
	p, _ := sdjwt.Present(s, func(path string, _ *sdjwt.Disclosure) bool { return path == "credentialSubject.owner" })
	f.Add(out.Credential, "")
	f.Add(p.String(), `{"format":"dengta-proof/1"}`)
	f.Add(p.String()+"eyJhbGciOiJFUzI1NiJ9.e30.AAAA", "{}")
	f.Add("~~~", "null")
	trust := proof.Trust{SetHash: make([]byte, 32), Source: "fuzz"}
	f.Fuzz(func(t *testing.T, presentation, bundle string) {
		if c, err := vc.Claim("dengta-dev", presentation); err == nil && c == nil {
			t.Fatal("a claim without an error must not be nil")
		}
		ev := &credentialapi.Evidence{Format: credentialapi.EvidenceFormat, ChainID: "dengta-dev", Height: 5,
			Bundles: credentialapi.Proofs{"credential/x": bundle}, StatusLists: map[string]string{"revocation": bundle}}
		for _, e := range []*credentialapi.Evidence{nil, ev} {
			rep := vc.Verify(presentation, e, vc.Options{ChainID: "dengta-dev", Trust: trust, Nonce: "n", Audience: "a", Now: time.Now()})
			if rep == nil || rep.OK || rep.Failed == "" {
				t.Fatalf("verified with no valid evidence: %+v", rep)
			}
		}
		if _, err := vc.ResolveDID("did:dengta:dengta-dev:estate", [][]byte{[]byte(bundle)}, trust); err == nil {
			t.Fatal("a DID resolved from an unproven bundle")
		}
	})
}
