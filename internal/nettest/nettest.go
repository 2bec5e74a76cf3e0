// Package nettest has helpers for tests that run nodes (and for the
// benchmark harness): polling with a deadline, picking free loopback
// addresses and ports, and reading the end of a log file.
package nettest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/node"
)

// WaitFor polls cond every 50 ms until it holds, failing the test after
// timeout.
func WaitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// PickAddresses chooses a random block of n loopback addresses
// 127.0.0.(base+i) and three random ports that are free on every one of
// them, so that tests and processes running at the same time do not clash.
func PickAddresses(tb testing.TB, n int) (int, node.Ports) {
	tb.Helper()
	base, p, err := FreeAddresses(n)
	if err != nil {
		tb.Fatal(err)
	}
	return base, p
}

// FreeAddresses is PickAddresses for callers without a testing.TB (the
// benchmark harness).
func FreeAddresses(n int) (int, node.Ports, error) {
	if n < 1 || n > 180 {
		return 0, node.Ports{}, fmt.Errorf("free addresses: %d addresses; choose 1 to 180", n)
	}
	for range 100 {
		base := 20 + rand.IntN(181-n)
		// Below Linux's ephemeral range (32768-60999), so that outgoing
		// connections cannot take them between the check and the bind.
		p := node.Ports{P2P: 20000 + rand.IntN(12000), RPC: 20000 + rand.IntN(12000), Gateway: 20000 + rand.IntN(12000)}
		if p.P2P != p.RPC && p.RPC != p.Gateway && p.P2P != p.Gateway && addressesFree(base, n, p) {
			return base, p, nil
		}
	}
	return 0, node.Ports{}, errors.New("free addresses: found no free loopback addresses and ports")
}

func addressesFree(base, n int, p node.Ports) bool {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range n {
		for _, port := range []int{p.P2P, p.RPC, p.Gateway} {
			l, err := net.Listen("tcp", net.JoinHostPort(fmt.Sprintf("127.0.0.%d", base+i), strconv.Itoa(port)))
			if err != nil {
				return false
			}
			ls = append(ls, l)
		}
	}
	return true
}

// FreePorts returns the three distinct ports of a node on 127.0.0.1
// that were free a moment ago (picked one by one, a port could come back
// twice).
func FreePorts(tb testing.TB) node.Ports {
	tb.Helper()
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports [3]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return node.Ports{P2P: ports[0], RPC: ports[1], Gateway: ports[2]}
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Tail returns the last n lines of a file, or the read error's text.
func Tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
