package chaos

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// echoServer answers every line with the same line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(c net.Conn, r *bufio.Reader, msg string) error {
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintln(c, msg); err != nil {
		return err
	}
	got, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if got != msg+"\n" {
		return fmt.Errorf("echo %q, want %q", got, msg)
	}
	return nil
}

// TestLinkCutAndHeal: a link forwards both ways; cutting it closes the
// connections through it and refuses new ones; healing lets new ones
// through.
func TestLinkCutAndHeal(t *testing.T) {
	l, err := newLink(0, 1, "127.0.0.1", echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	c, err := net.Dial("tcp", l.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if err := roundTrip(c, r, "灯塔 before the cut"); err != nil {
		t.Fatal(err)
	}

	l.setCut(true)
	if err := roundTrip(c, r, "during the cut"); err == nil {
		t.Fatal("a connection through a cut link still carries data")
	}
	c2, err := net.Dial("tcp", l.addr())
	if err == nil {
		err = roundTrip(c2, bufio.NewReader(c2), "new during the cut")
		c2.Close()
	}
	if err == nil {
		t.Fatal("a new connection through a cut link carries data")
	}

	l.setCut(false)
	c3, err := net.Dial("tcp", l.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if err := roundTrip(c3, bufio.NewReader(c3), "after the heal"); err != nil {
		t.Fatalf("after the heal: %v", err)
	}
}

// TestLinkTargetDown: a link whose target refuses closes the incoming
// connection instead of holding it.
func TestLinkTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	ln.Close()
	l, err := newLink(0, 1, "127.0.0.1", target)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	c, err := net.Dial("tcp", l.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("read through a link to a closed port: %v, want EOF", err)
	}
}

// TestSchedule: the same seed gives the same fault kinds; the first
// round has every kind once and the state sync (which needs a snapshot)
// never first; later draws follow the weights.
func TestSchedule(t *testing.T) {
	kinds := func(seed uint64, n int) []string {
		o := Options{Bin: "x", Dir: "y", Faults: n, Seed: seed}
		if err := o.defaults(); err != nil {
			t.Fatal(err)
		}
		h := &harness{o: o, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
		order := h.firstRound()
		var out []string
		for i := 1; i <= n; i++ {
			out = append(out, h.draw(i, order))
		}
		return out
	}
	a, b := kinds(7, 2000), kinds(7, 2000)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave two schedules")
	}
	if slices.Equal(a, kinds(8, 2000)) {
		t.Fatal("seeds 7 and 8 gave the same schedule")
	}
	first := slices.Clone(a[:len(Kinds)])
	if first[0] == StateSync {
		t.Fatalf("the first fault is a state sync: %v", first)
	}
	slices.Sort(first)
	want := slices.Clone(Kinds)
	slices.Sort(want)
	if !slices.Equal(first, want) {
		t.Fatalf("first round %v, want each of %v once", a[:len(Kinds)], Kinds)
	}
	count := map[string]int{}
	for _, k := range a[len(Kinds):] {
		count[k]++
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	for _, k := range Kinds {
		want := float64(weights[k]) / float64(total) * float64(len(a)-len(Kinds))
		if got := float64(count[k]); got < want*0.6 || got > want*1.4 {
			t.Errorf("%s drawn %v times in %d, want about %.0f", k, got, len(a)-len(Kinds), want)
		}
	}
}

func TestOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"no binary":    {Dir: "d", Faults: 1},
		"no limit":     {Bin: "b", Dir: "d"},
		"3 validators": {Bin: "b", Dir: "d", Faults: 1, Validators: 3},
		"unknown kind": {Bin: "b", Dir: "d", Faults: 1, Kinds: []string{"kill", "meteor"}},
	} {
		if err := o.defaults(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	o := Options{Bin: "b", Dir: "d", Duration: time.Minute}
	if err := o.defaults(); err != nil || o.Validators != 4 || len(o.Kinds) != len(Kinds) || o.Senders != 4 {
		t.Fatalf("defaults: %+v, %v", o, err)
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	for q, want := range map[float64]float64{0.5: 3, 0.9: 5, 1: 5, 0.2: 1} {
		if got := quantile(xs, q); got != want {
			t.Errorf("quantile %v = %v, want %v", q, got, want)
		}
	}
	if quantile(nil, 0.5) != 0 {
		t.Error("quantile of nothing")
	}
}

// TestReport: the summary counts kinds and says FAIL on a divergence.
func TestReport(t *testing.T) {
	r := &Report{Seed: 3, Validators: 4, ByKind: map[string]*KindReport{}, LoadErrors: map[string]int{}}
	for i, k := range []string{Kill, Kill, Pause, Kill} {
		r.add(FaultRecord{N: i + 1, Kind: k, Recovery: float64(i + 1)})
	}
	if r.ByKind[Kill].Count != 3 || r.ByKind[Kill].RecoveryMax != 4 || r.ByKind[Kill].RecoveryMedian != 2 || r.RecoveryMedian != 2 || r.RecoveryMax != 4 {
		t.Fatalf("report: %+v, kill %+v", r, r.ByKind[Kill])
	}
	var b strings.Builder
	r.WriteText(&b)
	if !r.OK() || !strings.Contains(b.String(), "chaos run PASS: 4 faults") || !strings.Contains(b.String(), "kill                3") {
		t.Fatalf("summary:\n%s", b.String())
	}
	r.Divergences = append(r.Divergences, "height 9: a has block X")
	b.Reset()
	r.WriteText(&b)
	if r.OK() || !strings.Contains(b.String(), "chaos run FAIL") || !strings.Contains(b.String(), "divergences: 1") {
		t.Fatalf("summary with a divergence:\n%s", b.String())
	}
}
