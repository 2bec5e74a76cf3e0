// Package ratelimit limits how often a client may do something: keyed
// token buckets (one per client address, say) in a bounded memory, and the
// client address of an HTTP request.
//
// A Limit lets a key do Burst things at once and one more every Every
// after that. A Limiter keeps one bucket per key it has seen, at most
// MaxKeys of them: past that the least recently used key is forgotten,
// and a forgotten key starts again with a full bucket. The cap bounds the
// memory an attacker with many addresses can make the node spend; the
// price is that an attacker controlling more than MaxKeys addresses can
// make the limiter forget a key (and every address of its own already has
// a bucket of its own anyway). Each bucket is one time value (the
// generic cell rate algorithm), so a million keys cost some 100 MB.
//
// Client addresses come from the connection (http.Request.RemoteAddr).
// X-Forwarded-For is read only when the connection comes from a proxy the
// caller trusts (ClientAddr's trusted prefixes); a header from anyone else
// is ignored, since any client can write one. IPv6 clients are keyed by
// their /64, the block one host usually holds.
package ratelimit

import (
	"container/list"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limit is a rate: Burst events at once, then one every Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// DefaultMaxKeys is the number of keys a Limiter remembers when Options
// give none.
const DefaultMaxKeys = 100_000

// Options configure a Limiter.
type Options struct {
	// MaxKeys bounds the keys remembered (DefaultMaxKeys when 0).
	MaxKeys int
	// Now is the clock (time.Now when nil); tests inject their own.
	Now func() time.Time
}

// Limiter applies one Limit to many keys.
type Limiter struct {
	limit Limit
	max   int
	now   func() time.Time

	mu   sync.Mutex
	lru  *list.List // of *bucket, most recently used first
	keys map[string]*list.Element
}

// bucket is a key's state: tat is the theoretical arrival time of the
// next event at the steady rate; the key may act while tat is at most
// (Burst-1)·Every ahead of now.
type bucket struct {
	key string
	tat time.Time
}

// New returns a limiter of l. A limit with Burst < 1 or Every ≤ 0 allows
// nothing.
func New(l Limit, opts Options) *Limiter {
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = DefaultMaxKeys
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Limiter{limit: l, max: opts.MaxKeys, now: opts.Now, lru: list.New(), keys: map[string]*list.Element{}}
}

// Allow reports whether key may act now, and takes a token if so. When it
// may not, wait says how long until it may.
func (l *Limiter) Allow(key string) (ok bool, wait time.Duration) {
	if l.limit.Burst < 1 || l.limit.Every <= 0 {
		return false, time.Hour
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	e, found := l.keys[key]
	var b *bucket
	if found {
		b = e.Value.(*bucket)
		l.lru.MoveToFront(e)
	} else {
		b = &bucket{key: key, tat: now}
		l.keys[key] = l.lru.PushFront(b)
		for l.lru.Len() > l.max {
			old := l.lru.Back()
			delete(l.keys, old.Value.(*bucket).key)
			l.lru.Remove(old)
		}
	}
	tat := b.tat
	if tat.Before(now) {
		tat = now
	}
	tolerance := time.Duration(l.limit.Burst-1) * l.limit.Every
	if ahead := tat.Sub(now); ahead > tolerance {
		return false, ahead - tolerance
	}
	b.tat = tat.Add(l.limit.Every)
	return true, 0
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// ClientAddr returns the address of the client that sent r: the
// connection's peer, or, when the peer is in trusted (proxies the node
// sits behind), the rightmost address of X-Forwarded-For that is not
// itself a trusted proxy. It returns the zero Addr when the peer address
// does not parse (a test's fake request, say).
func ClientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := parseHostAddr(r.RemoteAddr)
	if !peer.IsValid() || !inAny(peer, trusted) {
		return peer
	}
	// Each proxy appends the address it received the request from; read
	// from the right, past our own proxies, to the first address one of
	// them vouches for.
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a malformed hop: trust nothing left of it
		}
		a = a.Unmap()
		if !inAny(a, trusted) {
			return a
		}
	}
	return peer
}

func parseHostAddr(hostport string) netip.Addr {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func inAny(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Key is the limiter key of a client address: the address itself for
// IPv4, its /64 for IPv6, "unknown" for the zero Addr.
func Key(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// Network is the client's coarse network: its /24 for IPv4, its /48 for
// IPv6; several clients behind one home router or office share it.
func Network(a netip.Addr) netip.Prefix {
	if !a.IsValid() {
		return netip.Prefix{}
	}
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}
