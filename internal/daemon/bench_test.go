package daemon_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/batch"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/modules"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/tx"
)

// startDev starts a dev chain (one validator, tuned default config) in a
// temporary home.
func startDev(tb testing.TB) (*daemon.Daemon, string) {
	tb.Helper()
	home := tb.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-bench", Consortium: modules.Registry(), IP: "127.0.0.1",
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

func (s *signer) sign(tb testing.TB, chainID, module, action string, body any) []byte {
	tb.Helper()
	b, _ := json.Marshal(body)
	s.nonce++
	t := &tx.Tx{ChainID: chainID, Nonce: s.nonce, Module: module, Action: action, Body: b}
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

// newSigners gives each listed demo organisation a fresh admin key of
// algo, registered on the chain, and returns a signer per organisation.
func newSigners(b *testing.B, d *daemon.Daemon, home string, algo tx.Algo, orgs []string) []*signer {
	b.Helper()
	var signers []*signer
	var setup [][][]byte
	for _, org := range orgs {
		adminKey, _, err := tx.ReadKeyFile(devnet.KeyFile(home+"/keys", org))
		if err != nil {
			b.Fatal(err)
		}
		k, err := tx.GenerateKey(algo, rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		admin := &signer{key: adminKey}
		setup = append(setup, [][]byte{admin.sign(b, d.ChainID, "identity", "register_key", map[string]any{"public_key": k.Public(), "admin": true})})
		signers = append(signers, &signer{key: k})
	}
	submitAll(b, d, setup)
	return signers
}

// runPresigned signs n transactions round-robin over signers (body(i) is
// the i-th body), then times broadcasting all of them and waiting for the
// last commit, and reports tx/s, blocks and the process's CPU time per
// transaction (node and submitters; the rate depends on block timing as
// much as on CPU, the CPU time does not).
func runPresigned(b *testing.B, d *daemon.Daemon, signers []*signer, n int, module, action string, body func(i int) any) {
	b.Helper()
	batches := make([][][]byte, len(signers))
	for i := range n {
		j := i % len(signers)
		batches[j] = append(batches[j], signers[j].sign(b, d.ChainID, module, action, body(i)))
	}
	start := d.App.Store().Version()
	b.ResetTimer()
	t0, cpu0 := time.Now(), cpuTime(b)
	submitAll(b, d, batches)
	elapsed, cpu := time.Since(t0), cpuTime(b)-cpu0
	b.StopTimer()
	b.ReportMetric(float64(n)/elapsed.Seconds(), "tx/s")
	b.ReportMetric(float64(d.App.Store().Version()-start), "blocks")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/tx")
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
			var orgs []string
			for _, o := range devnet.Demo[1:] {
				orgs = append(orgs, o.ID)
			}
			signers := newSigners(b, d, home, algo, orgs)
			runPresigned(b, d, signers, b.N, "identity", "register_key", func(int) any {
				k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				return map[string]any{"public_key": k.Public()}
			})
		})
	}
}

// depositOrgs are the demo organisations allowed to deposit evidence.
var depositOrgs = []string{"coop", "logistics", "market", "foodgroup", "bank", "notary", "court"}

// BenchmarkNotaryDeposits measures single evidence deposits (a file's two
// 32-byte digests plus about 150 bytes of metadata) per second through a
// one-validator chain, signed with Ed25519, as BenchmarkSingleValidatorTPS.
func BenchmarkNotaryDeposits(b *testing.B) {
	d, home := startDev(b)
	signers := newSigners(b, d, home, tx.AlgoEd25519, depositOrgs)
	runPresigned(b, d, signers, b.N, "notary", "deposit", func(i int) any {
		content := fmt.Appendf(nil, "bench evidence %d", i)
		it := batch.ItemForContent(content, "", "", "")
		return map[string]any{
			"sha256": it.SHA256, "sm3": it.SM3, "file_name": fmt.Sprintf("scan-%08d.pdf", i), "size": 184320 + i,
			"media_type": "application/pdf", "evidence_type": "invoice", "description": "增值税专用发票扫描件，供应链金融贸易背景材料",
		}
	})
}

// BenchmarkNotaryBatched measures batched deposits in records per second:
// for every 100,000 items the timed work is building the RFC 6962 tree,
// signing and submitting one batch_deposit and waiting for its commit.
// Item digests are computed before the timer (hashing files is the
// client's I/O, not the chain's).
func BenchmarkNotaryBatched(b *testing.B) {
	d, home := startDev(b)
	signers := newSigners(b, d, home, tx.AlgoEd25519, depositOrgs[:1])
	const per = 100_000
	items := make([]batch.Item, b.N)
	for i := range items {
		items[i] = batch.ItemForContent(fmt.Appendf(nil, "bench item %d", i), fmt.Sprintf("photo-%08d.jpg", i), "image/jpeg", "")
	}
	b.ResetTimer()
	t0 := time.Now()
	for lo := 0; lo < len(items); lo += per {
		tree, err := batch.Build(items[lo:min(lo+per, len(items))])
		if err != nil {
			b.Fatal(err)
		}
		raw := signers[0].sign(b, d.ChainID, "notary", "batch_deposit", map[string]any{
			"merkle_root": hex.EncodeToString(tree.Root()), "size": tree.Size(), "item_format": batch.ItemFormat,
		})
		submitAll(b, d, [][][]byte{{raw}})
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
}
