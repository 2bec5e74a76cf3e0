package credentialplug_test

import (
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
)

// BenchmarkVerifyOffline measures a verifier's offline check of a
// selective-disclosure presentation (a business licence, 2 of 7 claims
// disclosed, key binding) with its evidence: 7 to 8 proof bundles against
// the genesis validator set, the issuer's signature, disclosures, the
// registry, both status lists (131,072 entries each, decoded and hashed),
// the schema, validity, holder binding and recognition.
func BenchmarkVerifyOffline(b *testing.B) {
	f := demo(b)
	signed, holder := f.issueLicence(b, "合肥惠民超市有限公司")
	p, nonce := f.present(b, signed.Credential, holder, "bank", "legalRepresentative", "establishedDate")
	ev, err := credentialplug.Evidence(f.ctx(b), f.c, p, "bank")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for b.Loop() {
		if rep := credentialplug.VerifyOffline(p, ev, f.trust, nonce, f.did("bank"), "bank", now); !rep.OK {
			b.Fatalf("%s: %+v", rep.Failed, rep.Checks)
		}
	}
	b.ReportMetric(float64(len(ev.Bundles)), "bundles")
}

// BenchmarkEvidence measures the node's side: reading and proving the
// state a presentation needs (anchor, type, issuer authorisation, key,
// organisation, status list record, recognition entry) at one height and
// returning both status lists, through the gateway.
func BenchmarkEvidence(b *testing.B) {
	f := demo(b)
	signed, holder := f.issueLicence(b, "合肥惠民超市有限公司")
	p, _ := f.present(b, signed.Credential, holder, "bank", "legalRepresentative")
	ctx := f.ctx(b)
	for b.Loop() {
		if _, err := credentialplug.Evidence(ctx, f.c, p, "bank"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPresent measures the holder's side: choosing disclosures and
// signing the key binding JWT (ES256).
func BenchmarkPresent(b *testing.B) {
	f := demo(b)
	signed, holder := f.issueLicence(b, "合肥惠民超市有限公司")
	now := time.Now()
	for b.Loop() {
		if _, err := credentialplug.Present(signed.Credential, []string{"legalRepresentative", "establishedDate"}, holder, f.did("bank"), "n-1", now); err != nil {
			b.Fatal(err)
		}
	}
}
