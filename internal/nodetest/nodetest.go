// Package nodetest starts real Dengta nodes in-process for tests, with the
// registered modules (or a given registry): a dev chain in a temporary
// home on loopback ports of its own, and helpers that sign, submit and
// time transactions. Module tests use it to test their endpoints, pages
// and commands against a real node.
package nodetest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// Dev starts a dev chain of the registered modules (one validator, the
// demo consortium, tuned default config) in a temporary home on 127.0.0.1
// ports of its own, and stops it at the end of the test.
func Dev(tb testing.TB) (*daemon.Daemon, string) {
	tb.Helper()
	return DevWith(tb, modules.Registry(), nil)
}

// DevWith is Dev with the modules of reg, and with config changed by
// update (nil: the tuned defaults) before the node starts.
func DevWith(tb testing.TB, reg *plug.Registry, update func(*cmtcfg.Config)) (*daemon.Daemon, string) {
	tb.Helper()
	home := tb.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-test", Consortium: reg, IP: "127.0.0.1",
		Ports: nettest.FreePorts(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	if update != nil {
		if err := node.UpdateConfig(home, update); err != nil {
			tb.Fatal(err)
		}
	}
	d, err := daemon.StartWith(context.Background(), home, Logger(), reg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Stop() })
	awaitFirstBlock(tb, d)
	return d, home
}

// awaitFirstBlock waits until the node has committed its first block:
// before it the genesis state is not readable, and no signed request can
// be checked.
func awaitFirstBlock(tb testing.TB, d *daemon.Daemon) {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for d.App.Store().Version() < 1 {
		if time.Now().After(deadline) {
			tb.Fatal("the node committed no block in 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// AdminKey reads a demo organisation's admin key from a dev home.
func AdminKey(tb testing.TB, home, org string) *tx.PrivateKey {
	tb.Helper()
	k, _, err := tx.ReadKeyFile(devnet.KeyFile(filepath.Join(home, "keys"), org))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// Signer is a key that signs a sequence of transactions, counting its
// nonces itself (a new key, or one nothing else signs with).
type Signer struct {
	Key   *tx.PrivateKey
	nonce uint64
}

// Sign signs the key's next transaction.
func (s *Signer) Sign(tb testing.TB, chainID, module, action string, body any) []byte {
	tb.Helper()
	b, _ := json.Marshal(body)
	s.nonce++
	t := &tx.Tx{ChainID: chainID, Nonce: s.nonce, Module: module, Action: action, Body: b}
	if err := t.Sign(s.Key); err != nil {
		tb.Fatal(err)
	}
	return t.Encode()
}

// SubmitAll broadcasts each signer's transactions in order (signers in
// parallel) and waits until all are committed; it fails on any non-zero
// result.
func SubmitAll(tb testing.TB, d *daemon.Daemon, batches [][][]byte) {
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

// NewSigners gives each listed demo organisation a fresh admin key of
// algo, registered on the chain, and returns a signer per organisation.
func NewSigners(b testing.TB, d *daemon.Daemon, home string, algo tx.Algo, orgs []string) []*Signer {
	b.Helper()
	var signers []*Signer
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
		admin := &Signer{Key: adminKey}
		setup = append(setup, [][]byte{admin.Sign(b, d.ChainID, "identity", "register_key", map[string]any{"public_key": k.Public(), "admin": true})})
		signers = append(signers, &Signer{Key: k})
	}
	SubmitAll(b, d, setup)
	return signers
}

// RunPresigned signs n transactions round-robin over signers (body(i) is
// the i-th body), then times broadcasting all of them and waiting for the
// last commit, and reports tx/s, blocks and the process's CPU time per
// transaction (node and submitters; the rate depends on block timing as
// much as on CPU, the CPU time does not).
func RunPresigned(b *testing.B, d *daemon.Daemon, signers []*Signer, n int, module, action string, body func(i int) any) {
	b.Helper()
	batches := make([][][]byte, len(signers))
	for i := range n {
		j := i % len(signers)
		batches[j] = append(batches[j], signers[j].Sign(b, d.ChainID, module, action, body(i)))
	}
	start := d.App.Store().Version()
	b.ResetTimer()
	t0, cpu0 := time.Now(), CPUTime(b)
	SubmitAll(b, d, batches)
	elapsed, cpu := time.Since(t0), CPUTime(b)-cpu0
	b.StopTimer()
	b.ReportMetric(float64(n)/elapsed.Seconds(), "tx/s")
	b.ReportMetric(float64(d.App.Store().Version()-start), "blocks")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/tx")
}

// CPUTime returns the user and system CPU time of the process so far.
func CPUTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Logger logs to stderr at the level named by DENGTA_TEST_LOG (debug,
// info, warn, error); by default nothing is logged.
func Logger() *slog.Logger {
	var level slog.Level
	if v := os.Getenv("DENGTA_TEST_LOG"); v == "" || level.UnmarshalText([]byte(v)) != nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// HallPassword is the password of the hall users DevHall adds.
const HallPassword = "dengta-test-pass"

// DevHall is DevWith with a hall administrator <org>-admin for every demo
// organisation, with HallPassword.
func DevHall(tb testing.TB, reg *plug.Registry) (*daemon.Daemon, string) {
	tb.Helper()
	home := tb.TempDir()
	err := devnet.Dev(home, devnet.DevOptions{ChainID: "dengta-test", Consortium: reg, IP: "127.0.0.1",
		Ports: nettest.FreePorts(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	if err := devnet.AddDevHallUsers(home, HallPassword); err != nil {
		tb.Fatal(err)
	}
	d, err := daemon.StartWith(context.Background(), home, Logger(), reg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Stop() })
	awaitFirstBlock(tb, d)
	return d, home
}

// SignIn signs in to the hall at base as user (with HallPassword) and
// returns an HTTP client holding the session, and the session's CSRF
// token for forms.
func SignIn(tb testing.TB, base, user string) (*http.Client, string) {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	page := func(resp *http.Response, err error) string {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("%s: %d\n%s", resp.Request.URL, resp.StatusCode, b)
		}
		return string(b)
	}
	token := csrfIn(tb, page(c.Get(base+"/login")))
	hall := page(c.PostForm(base+"/login", url.Values{"csrf": {token}, "user": {user}, "password": {HallPassword}, "next": {"/hall"}}))
	return c, csrfIn(tb, hall)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfIn(tb testing.TB, page string) string {
	tb.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}
