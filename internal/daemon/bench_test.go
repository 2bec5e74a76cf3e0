package daemon_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/tx"
)

// startDev starts a dev chain (one validator, tuned default config) in a
// temporary home.
func startDev(tb testing.TB) (*daemon.Daemon, string) {
	tb.Helper()
	home := tb.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-bench", IP: "127.0.0.1",
		Ports: node.Ports{P2P: nettest.FreePort(tb), RPC: nettest.FreePort(tb), Gateway: nettest.FreePort(tb)}})
	if err != nil {
		tb.Fatal(err)
	}
	d, err := daemon.Start(context.Background(), home, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Stop() })
	return d, home
}

// signer is a key that signs a sequence of transactions.
type signer struct {
	key   *tx.PrivateKey
	nonce uint64
}

func (s *signer) sign(tb testing.TB, chainID, action string, body any) []byte {
	tb.Helper()
	b, _ := json.Marshal(body)
	s.nonce++
	t := &tx.Tx{ChainID: chainID, Nonce: s.nonce, Module: "identity", Action: action, Body: b}
	if err := t.Sign(s.key); err != nil {
		tb.Fatal(err)
	}
	return t.Encode()
}

// submitAll broadcasts each signer's transactions in order (signers in
// parallel) and waits until all are committed; it fails on any non-zero
// result.
func submitAll(tb testing.TB, d *daemon.Daemon, batches [][][]byte) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(batches))
	for _, batch := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var chans []<-chan app.TxRecord
			for _, raw := range batch {
				ch, _ := d.App.Watch(tx.Hash(raw))
				chans = append(chans, ch)
				for {
					res, err := d.Node.Client().BroadcastTxSync(ctx, raw)
					if err == nil && res.Code == 0 {
						break
					}
					if err != nil && ctx.Err() == nil {
						// Mempool full: let the chain catch up.
						time.Sleep(20 * time.Millisecond)
						continue
					}
					errs <- fmt.Errorf("broadcast: %v %+v", err, res)
					return
				}
			}
			for _, ch := range chans {
				rec, err := app.Await(ctx, ch)
				if err != nil {
					errs <- err
					return
				}
				if rec.Code != 0 {
					errs <- fmt.Errorf("tx %s: %s", rec.Hash, rec.Log)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// BenchmarkSingleValidatorTPS measures committed transactions per second
// through a one-validator chain with the tuned default configuration:
// transactions are signed before the timer starts, then broadcast into the
// mempool (CheckTx) from 8 signers in parallel, and the clock stops when
// the last one is committed. Each transaction registers a member key
// (identity/register_key: three state writes).
func BenchmarkSingleValidatorTPS(b *testing.B) {
	for _, algo := range []tx.Algo{tx.AlgoEd25519, tx.AlgoSM2} {
		b.Run(algo.String(), func(b *testing.B) {
			d, home := startDev(b)
			// Give each of 8 organisations a fresh admin key of this algorithm.
			var signers []*signer
			var setup [][][]byte
			for _, org := range devnet.Demo[1:] {
				adminKey, _, err := tx.ReadKeyFile(devnet.KeyFile(home+"/keys", org.ID))
				if err != nil {
					b.Fatal(err)
				}
				k, err := tx.GenerateKey(algo, rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				admin := &signer{key: adminKey}
				setup = append(setup, [][]byte{admin.sign(b, d.ChainID, "register_key", map[string]any{"public_key": k.Public(), "admin": true})})
				signers = append(signers, &signer{key: k})
			}
			submitAll(b, d, setup)

			batches := make([][][]byte, len(signers))
			for i := range b.N {
				s := signers[i%len(signers)]
				k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				batches[i%len(signers)] = append(batches[i%len(signers)], s.sign(b, d.ChainID, "register_key", map[string]any{"public_key": k.Public()}))
			}
			start := d.App.Store().Version()
			b.ResetTimer()
			t0 := time.Now()
			submitAll(b, d, batches)
			elapsed := time.Since(t0)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "tx/s")
			b.ReportMetric(float64(d.App.Store().Version()-start), "blocks")
		})
	}
}
