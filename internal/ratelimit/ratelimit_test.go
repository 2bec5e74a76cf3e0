package ratelimit

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

// clock is a hand-moved clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time           { return c.t }
func (c *clock) add(d time.Duration)      { c.t = c.t.Add(d) }
func newClock() *clock                    { return &clock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)} }
func allowed(l *Limiter, key string) bool { ok, _ := l.Allow(key); return ok }

func TestBurstThenRate(t *testing.T) {
	c := newClock()
	l := New(Limit{Burst: 3, Every: 10 * time.Second}, Options{Now: c.now})
	for i := range 3 {
		if !allowed(l, "a") {
			t.Fatalf("event %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("4th event at once: ok=%v wait=%v, want refused, wait 10s", ok, wait)
	}
	c.add(9 * time.Second)
	if ok, wait := l.Allow("a"); ok || wait != time.Second {
		t.Fatalf("after 9s: ok=%v wait=%v, want refused, wait 1s", ok, wait)
	}
	c.add(time.Second)
	if !allowed(l, "a") {
		t.Fatal("after 10s one more event must pass")
	}
	if allowed(l, "a") {
		t.Fatal("only one event per 10s after the burst")
	}
	// Another key has its own bucket.
	if !allowed(l, "b") {
		t.Fatal("key b refused because of key a")
	}
	// A long pause refills the burst, no more.
	c.add(time.Hour)
	n := 0
	for allowed(l, "a") {
		n++
	}
	if n != 3 {
		t.Fatalf("after an hour %d events pass, want the burst of 3", n)
	}
}

func TestSteadyRate(t *testing.T) {
	c := newClock()
	l := New(Limit{Burst: 1, Every: time.Second}, Options{Now: c.now})
	passed := 0
	for range 1000 {
		if allowed(l, "k") {
			passed++
		}
		c.add(250 * time.Millisecond)
	}
	// 1000 attempts over 250 s at one per second.
	if passed != 250 {
		t.Fatalf("%d passed, want 250", passed)
	}
}

func TestDisabledLimitAllowsNothing(t *testing.T) {
	for _, lim := range []Limit{{Burst: 0, Every: time.Second}, {Burst: 5, Every: 0}} {
		l := New(lim, Options{})
		if ok, wait := l.Allow("x"); ok || wait <= 0 {
			t.Errorf("%+v: Allow = %v, %v; want refused with a wait", lim, ok, wait)
		}
	}
}

func TestMemoryIsBounded(t *testing.T) {
	c := newClock()
	l := New(Limit{Burst: 1, Every: time.Minute}, Options{MaxKeys: 100, Now: c.now})
	allowed(l, "victim")
	if allowed(l, "victim") {
		t.Fatal("victim's second event passed")
	}
	// 99 other keys: the victim is still remembered.
	for i := range 99 {
		allowed(l, fmt.Sprint("k", i))
	}
	if l.Len() != 100 {
		t.Fatalf("%d keys remembered, want 100", l.Len())
	}
	if allowed(l, "victim") {
		t.Fatal("victim forgotten while within the cap")
	}
	// The victim was just used, so 99 more keys push out the others first.
	for i := range 99 {
		allowed(l, fmt.Sprint("m", i))
	}
	if allowed(l, "victim") {
		t.Fatal("the most recently used key was evicted")
	}
	// 100 new keys push it out: it starts again with a full bucket.
	for i := range 100 {
		allowed(l, fmt.Sprint("n", i))
	}
	if l.Len() != 100 {
		t.Fatalf("%d keys remembered, want 100", l.Len())
	}
	if !allowed(l, "victim") {
		t.Fatal("an evicted key starts with a full bucket")
	}
}

func req(remote string, xff ...string) *http.Request {
	r, _ := http.NewRequest("GET", "http://node/", nil)
	r.RemoteAddr = remote
	for _, h := range xff {
		r.Header.Add("X-Forwarded-For", h)
	}
	return r
}

func TestClientAddr(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name    string
		r       *http.Request
		trusted []netip.Prefix
		want    string
	}{
		{"peer", req("203.0.113.7:5555"), nil, "203.0.113.7"},
		{"header ignored without trusted proxies", req("203.0.113.7:5555", "198.51.100.1"), nil, "203.0.113.7"},
		{"header of an untrusted peer ignored", req("203.0.113.7:5555", "198.51.100.1"), proxy, "203.0.113.7"},
		{"trusted proxy", req("10.1.2.3:80", "198.51.100.1"), proxy, "198.51.100.1"},
		{"client forges the left of the header", req("10.1.2.3:80", "1.1.1.1, 198.51.100.1"), proxy, "198.51.100.1"},
		{"two trusted hops", req("10.1.2.3:80", "198.51.100.1, 10.9.9.9"), proxy, "198.51.100.1"},
		{"several header lines", req("10.1.2.3:80", "1.1.1.1", "198.51.100.2"), proxy, "198.51.100.2"},
		{"malformed hop", req("10.1.2.3:80", "198.51.100.1, junk"), proxy, "10.1.2.3"},
		{"only proxies", req("10.1.2.3:80", "10.4.4.4"), proxy, "10.1.2.3"},
		{"ipv6 peer", req("[2001:db8::1]:443"), nil, "2001:db8::1"},
		{"mapped ipv4", req("[::ffff:203.0.113.9]:443"), nil, "203.0.113.9"},
	} {
		got := ClientAddr(c.r, c.trusted)
		if got.String() != c.want {
			t.Errorf("%s: ClientAddr = %s, want %s", c.name, got, c.want)
		}
	}
	if a := ClientAddr(req("pipe"), nil); a.IsValid() {
		t.Errorf("unparsable peer gave %s", a)
	}
}

func TestKeyAndNetwork(t *testing.T) {
	for _, c := range []struct{ addr, key, net string }{
		{"203.0.113.7", "203.0.113.7", "203.0.113.0/24"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64", "2001:db8:1::/48"},
	} {
		a := netip.MustParseAddr(c.addr)
		if got := Key(a); got != c.key {
			t.Errorf("Key(%s) = %q, want %q", c.addr, got, c.key)
		}
		if got := Network(a).String(); got != c.net {
			t.Errorf("Network(%s) = %q, want %q", c.addr, got, c.net)
		}
	}
	if Key(netip.Addr{}) != "unknown" {
		t.Error("Key of the zero address")
	}
}

func BenchmarkAllow(b *testing.B) {
	l := New(Limit{Burst: 10, Every: time.Second}, Options{MaxKeys: 10_000})
	keys := make([]string, 50_000)
	for i := range keys {
		keys[i] = fmt.Sprintf("198.51.%d.%d", i/256, i%256)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Allow(keys[i%len(keys)])
	}
}
