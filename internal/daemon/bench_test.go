package daemon_test

import (
	"crypto/rand"
	"testing"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/tx"
)

// BenchmarkSingleValidatorTPS measures committed transactions per second
// through a one-validator chain with the tuned default configuration:
// transactions are signed before the timer starts, then broadcast into the
// mempool (CheckTx) from 8 signers in parallel, and the clock stops when
// the last one is committed. Each transaction registers a member key
// (identity/register_key: three state writes).
func BenchmarkSingleValidatorTPS(b *testing.B) {
	for _, algo := range []tx.Algo{tx.AlgoEd25519, tx.AlgoSM2} {
		b.Run(algo.String(), func(b *testing.B) {
			d, home := nodetest.Dev(b)
			var orgs []string
			for _, o := range devnet.Demo[1:] {
				orgs = append(orgs, o.ID)
			}
			signers := nodetest.NewSigners(b, d, home, algo, orgs)
			nodetest.RunPresigned(b, d, signers, b.N, "identity", "register_key", func(int) any {
				k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				return map[string]any{"public_key": k.Public()}
			})
		})
	}
}
