package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/tx"
)

// abuseRSSBound is the most resident memory a dev node may use while the
// abuse test attacks it (docs/benchmarks.md, "A node under abuse"): its
// own working set, two passwords being hashed (64 MiB each) and the
// bounded buffers of the requests it takes at once.
const abuseRSSBound = 600 << 20

// TestNodeUnderAbuse attacks a real node process from loopback, within
// bounds, for abuseFor: parallel sign-in guesses, slow headers and slow
// uploads, oversized bodies on every kind of endpoint, and large public
// verify uploads. Meanwhile a member submits a transaction every second.
// The node's resident memory must stay under abuseRSSBound and every one
// of the member's transactions must commit.
func TestNodeUnderAbuse(t *testing.T) {
	if testing.Short() {
		t.Skip("the abuse test runs a node for half a minute")
	}
	const abuseFor = 20 * time.Second
	bin := buildDengta(t)
	home := filepath.Join(t.TempDir(), "dev")
	ports := nettest.FreePorts(t)
	gw := ports.Gateway
	logFile := filepath.Join(t.TempDir(), "node.log")
	lf, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	cmd := exec.Command(bin, "dev", "--home", home, "--empty", "--gateway-port", strconv.Itoa(gw),
		"--rpc-port", strconv.Itoa(ports.RPC), "--p2p-port", strconv.Itoa(ports.P2P))
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("node log:\n%s", lastLines(string(b), 40))
		}
	}()
	base := "http://127.0.0.1:" + strconv.Itoa(gw)
	c := client.New(base)
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for height(ctx, c) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the dev node did not reach height 2 in 60 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	member, err := client.LoadKey(devnet.KeyFile(filepath.Join(home, "keys"), "coop"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	idle := rss(t, cmd.Process.Pid)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var peak atomic.Int64
	peak.Store(idle)
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if r := rss(t, cmd.Process.Pid); r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	})
	counts := &sync.Map{}
	count := func(what string) {
		v, _ := counts.LoadOrStore(what, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	attack := func(n int, f func()) {
		for range n {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						f()
					}
				}
			})
		}
	}
	httpc := &http.Client{Timeout: 15 * time.Second}
	// Sign-in guesses at a predictable admin, each with its own form, from
	// 24 loopback addresses (each its own client to the node's limits).
	var guesser atomic.Int32
	attack(24, func() {
		jar, _ := cookiejar.New(nil)
		n := guesser.Add(1)
		src := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+n%24))}
		user := "coop-admin" // a predictable admin, and names of nobody
		if n%2 == 0 {
			user = fmt.Sprintf("user-%d", n)
		}
		hc := &http.Client{Jar: jar, Timeout: 15 * time.Second, Transport: &http.Transport{
			DialContext: (&net.Dialer{LocalAddr: src, Timeout: 5 * time.Second}).DialContext}}
		resp, err := hc.Get(base + "/login")
		if err != nil {
			return
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
		if m == nil {
			return
		}
		resp, err = hc.PostForm(base+"/login", url.Values{"csrf": {string(m[1])}, "user": {user}, "password": {"guess-" + strconv.Itoa(int(time.Now().UnixNano()%1000))}})
		if err != nil {
			return
		}
		resp.Body.Close()
		count(fmt.Sprintf("sign-in %d", resp.StatusCode))
	})
	// Headers sent a byte at a time, and uploads that never finish.
	slow := func(head string, body bool) func() {
		return func() {
			conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(gw), 5*time.Second)
			if err != nil {
				return
			}
			defer conn.Close()
			msg := head
			if !body {
				msg = head[:len(head)-4] // the headers never end
			}
			for i := 0; i < len(msg); i++ {
				if _, err := conn.Write([]byte{msg[i]}); err != nil {
					count("slow: closed by the node")
					return
				}
				if !body {
					if !sleepOrStop(stop, 200*time.Millisecond) {
						return
					}
				}
			}
			for body {
				if _, err := conn.Write([]byte{'x'}); err != nil {
					count("slow: closed by the node")
					return
				}
				if !sleepOrStop(stop, time.Second) {
					return
				}
			}
			count("slow: held to the end")
		}
	}
	attack(20, slow("POST /v1/blobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 67108864\r\n\r\n", true))
	attack(20, slow("POST /v1/notary/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 67108864\r\n\r\n", false))
	// Oversized bodies everywhere.
	for _, target := range []struct{ path, ctype string }{
		{"/v1/txs", "application/json"},
		{"/login", "application/x-www-form-urlencoded"},
		{"/v1/governance/preview", "application/json"},
		{"/verify", "multipart/form-data; boundary=b"},
	} {
		attack(2, func() {
			req, _ := http.NewRequest(http.MethodPost, base+target.path, io.LimitReader(zeros{}, 300<<20))
			req.Header.Set("Content-Type", target.ctype)
			resp, err := httpc.Do(req)
			if err != nil {
				count("oversized: connection closed")
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			count(fmt.Sprintf("oversized %s %d", target.path, resp.StatusCode))
		})
	}
	// Large public verify uploads, within the limit.
	attack(4, func() {
		resp, err := httpc.Post(base+"/v1/notary/verify", "application/octet-stream", io.LimitReader(zeros{}, 48<<20))
		if err != nil {
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		count(fmt.Sprintf("verify upload %d", resp.StatusCode))
	})

	// The member's work goes on.
	start := time.Now()
	var committed, failed int
	var worst time.Duration
	for time.Since(start) < abuseFor {
		k, err := tx.GenerateKey(tx.AlgoEd25519, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t0 := time.Now()
		_, err = c.Do(sctx, member, "identity", "register_key", map[string]any{"public_key": k.Public(), "name": "under abuse"})
		cancel()
		if err != nil {
			failed++
			t.Logf("member transaction: %v", err)
		} else {
			committed++
			worst = max(worst, time.Since(t0))
		}
		time.Sleep(time.Second)
	}
	close(stop)
	wg.Wait()
	counts.Range(func(k, v any) bool {
		t.Logf("%-45s %d", k, v.(*atomic.Int64).Load())
		return true
	})
	t.Logf("RSS idle %d MiB, peak %d MiB (bound %d MiB); member transactions: %d committed, %d failed, slowest %s",
		idle>>20, peak.Load()>>20, abuseRSSBound>>20, committed, failed, worst.Round(time.Millisecond))
	if peak.Load() > abuseRSSBound {
		t.Errorf("the node's resident memory reached %d MiB, over the bound of %d MiB", peak.Load()>>20, abuseRSSBound>>20)
	}
	if failed > 0 || committed < 5 {
		t.Errorf("under abuse %d of the member's transactions failed and %d committed", failed, committed)
	}
	if r := height(ctx, c); r < 0 {
		t.Error("the node stopped answering")
	}
}

// rss is a process's resident set size in bytes.
func rss(t *testing.T, pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func sleepOrStop(stop <-chan struct{}, d time.Duration) bool {
	select {
	case <-stop:
		return false
	case <-time.After(d):
		return true
	}
}

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
