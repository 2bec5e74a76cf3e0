package vc_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/vc"
)

// BenchmarkIssue measures issuing one real-estate title certificate: the
// VC 2.0 payload, nine salted disclosures with decoys, schema check, and
// the issuer's signature, by algorithm.
func BenchmarkIssue(b *testing.B) {
	holder, _ := jws.NewKey(jws.ES256)
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, alg := range jws.Algorithms {
		b.Run(alg, func(b *testing.B) {
			key, err := jws.NewKey(alg)
			if err != nil {
				b.Fatal(err)
			}
			is := &vc.Issuer{ChainID: "dengta-dev", Org: "estate", Key: key, StatusBase: "http://127.0.0.1:8480"}
			typ := realEstate()
			i := 0
			for b.Loop() {
				i++
				if _, err := is.Issue(vc.Request{Type: typ, Claims: claims, Holder: &holder.PublicKey, List: 1, Index: i}, now, rand.Reader); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
		})
	}
}
