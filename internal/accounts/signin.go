package accounts

import (
	"container/list"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/pebble"

	"github.com/dengta-chain/dengta/internal/ratelimit"
)

// Sign-in limits. Guesses are refused before any password is hashed:
//
//   - per client address (IPv6 by /64): a bucket of addrBurst attempts,
//     refilled one every addrRefill;
//   - per account and client (the client is the browser's device cookie
//     when it carries a valid one for the account, else its address):
//     pairFree failures, then a wait of 2^(n-pairFree) seconds after the
//     latest failure, at most pairMaxWait;
//   - per account, for clients without the account's device cookie:
//     accountFree failures, then a wait of 2^(n-accountFree) seconds, at
//     most accountMaxWait. A browser that signed in to the account before
//     carries a device cookie and is not held up by guesses from
//     elsewhere, so nobody can lock a user out by guessing.
//
// An attempt counts as a failure when it starts, before its password is
// checked, and is cleared when it succeeds: parallel guesses see each
// other. At most maxHashing passwords are hashed at once (64 MiB each);
// up to maxHashWaiting more wait, and the rest are told the node is busy.
const (
	addrBurst      = 10
	addrRefill     = 6 * time.Second
	pairFree       = 3
	pairMaxWait    = 15 * time.Minute
	accountFree    = 10
	accountMaxWait = time.Minute
	maxHashing     = 2
	maxHashWaiting = 16
	// trackedClients bounds the in-memory tables (addresses and
	// account-client pairs); the least recently seen entry goes first.
	trackedClients = 10000
	// DeviceCookieTTL is how long a device cookie is honoured.
	DeviceCookieTTL = 180 * 24 * time.Hour
)

// ThrottledError refuses a sign-in without checking the password.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many sign-in attempts; try again in %s", e.RetryAfter.Round(time.Second))
}

// ErrBusy: the node is checking as many passwords as it will at once.
var ErrBusy = errors.New("the node is busy checking passwords; try again in a moment")

// Attempt is one sign-in attempt.
type Attempt struct {
	Name     string
	Password string
	// Addr is the client's IP address (the connection's, or the one a
	// trusted proxy reports).
	Addr string
	// Device is the device cookie the browser sent, if any.
	Device string
}

// guard keeps the in-memory sign-in limits.
type guard struct {
	mu      sync.Mutex
	addrs   *ratelimit.Limiter
	pairs   *lru[failures]
	hashing chan struct{} // a slot per password being hashed
	waiting chan struct{} // a slot per attempt waiting for one
	secret  []byte        // device cookie MAC key
}

type failures struct {
	n    int
	last time.Time
}

func newGuard(secret []byte, now func() time.Time) *guard {
	return &guard{
		addrs:   ratelimit.New(ratelimit.Limit{Burst: addrBurst, Every: addrRefill}, ratelimit.Options{MaxKeys: trackedClients, Now: now}),
		pairs:   newLRU[failures](trackedClients),
		hashing: make(chan struct{}, maxHashing), waiting: make(chan struct{}, maxHashWaiting), secret: secret,
	}
}

// wait is the backoff after n failures with free failures allowed.
func wait(n, free int, most time.Duration) time.Duration {
	if n < free {
		return 0
	}
	shift := n - free
	if shift > 30 {
		return most
	}
	return min(time.Duration(1<<shift)*time.Second, most)
}

// clientKey groups an address: IPv4 by address, IPv6 by /64.
func clientKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	return ratelimit.Key(ip.Unmap())
}

// SignIn checks a sign-in attempt within the limits. On success it
// returns the user and a device cookie value for the browser to keep.
// Refusals before the password is checked are *ThrottledError or ErrBusy;
// a wrong name or password is ErrBadLogin (unknown users cost the same
// hashing time as known ones).
func (s *Store) SignIn(ctx context.Context, a Attempt) (*User, string, error) {
	now := s.now()
	device := s.deviceID(a.Name, a.Device, now)
	client := clientKey(a.Addr)
	pair := a.Name + "\x00" + client
	if device != "" {
		pair = a.Name + "\x00device:" + device
	}
	if err := s.reserve(a.Name, client, pair, device != "", now); err != nil {
		return nil, "", err
	}
	ok, u, err := s.checkAttempt(ctx, a)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", ErrBadLogin
	}
	s.guard.mu.Lock()
	s.guard.pairs.remove(pair)
	s.guard.mu.Unlock()
	if err := s.db.Delete(failKey(a.Name), pebble.Sync); err != nil {
		return nil, "", fmt.Errorf("sign-in record: %w", err)
	}
	return u, s.newDevice(a.Name, now), nil
}

// reserve applies the limits and counts the attempt as a failure, in one
// step under the lock.
func (s *Store) reserve(name, client, pair string, knownDevice bool, now time.Time) error {
	g := s.guard
	g.mu.Lock()
	defer g.mu.Unlock()
	if ok, wait := g.addrs.Allow(client); !ok {
		return &ThrottledError{RetryAfter: wait}
	}
	f, _ := g.pairs.get(pair)
	if w := wait(f.n, pairFree, pairMaxWait); now.Sub(f.last) < w {
		return &ThrottledError{RetryAfter: w - now.Sub(f.last)}
	}
	acct, last := s.fails(name)
	if !knownDevice {
		if w := wait(int(min(acct, 1<<30)), accountFree, accountMaxWait); now.Sub(last) < w {
			return &ThrottledError{RetryAfter: w - now.Sub(last)}
		}
	}
	g.pairs.put(pair, failures{n: f.n + 1, last: now})
	s.recordFail(name, acct+1)
	return nil
}

// checkAttempt hashes the attempt's password within the hashing limit.
func (s *Store) checkAttempt(ctx context.Context, a Attempt) (bool, *User, error) {
	g := s.guard
	select {
	case g.waiting <- struct{}{}:
	default:
		return false, nil, ErrBusy
	}
	select {
	case g.hashing <- struct{}{}:
		<-g.waiting
	case <-ctx.Done():
		<-g.waiting
		return false, nil, ErrBusy
	}
	defer func() { <-g.hashing }()
	u, err := s.User(a.Name)
	if errors.Is(err, ErrNoUser) {
		checkPassword(dummyHash, a.Password)
		return false, nil, nil
	}
	if err != nil {
		return false, nil, err
	}
	if !checkPassword(u.Password, a.Password) || u.Disabled {
		return false, nil, nil
	}
	return true, u, nil
}

// hash hashes a new password, taking a hashing slot like a sign-in.
func (s *Store) hash(password string) (string, error) {
	s.guard.hashing <- struct{}{}
	defer func() { <-s.guard.hashing }()
	return hashPassword(password)
}

// Device cookies: "v1.<id>.<unix expiry>.<mac>", the MAC (HMAC-SHA256
// under the database's device secret) binding the account name, the id
// and the expiry. The database keeps no list of them.
func (s *Store) newDevice(name string, now time.Time) string {
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		panic("accounts: no randomness: " + err.Error())
	}
	enc := base64.RawURLEncoding
	body := fmt.Sprintf("v1.%s.%d", enc.EncodeToString(id), now.Add(DeviceCookieTTL).Unix())
	return body + "." + enc.EncodeToString(s.deviceMAC(name, body))
}

func (s *Store) deviceMAC(name, body string) []byte {
	m := hmac.New(sha256.New, s.guard.secret)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write([]byte(body))
	return m.Sum(nil)
}

// deviceID returns the id of a valid, unexpired device cookie for name,
// or "".
func (s *Store) deviceID(name, cookie string, now time.Time) string {
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 || !strings.HasPrefix(cookie, "v1.") {
		return ""
	}
	body := cookie[:i]
	mac, err := base64.RawURLEncoding.DecodeString(cookie[i+1:])
	if err != nil || !hmac.Equal(mac, s.deviceMAC(name, body)) {
		return ""
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 {
		return ""
	}
	if exp, err := strconv.ParseInt(parts[2], 10, 64); err != nil || now.Unix() > exp {
		return ""
	}
	return parts[1]
}

// deviceSecret returns the database's device-cookie key, creating it.
func deviceSecret(db *pebble.DB) ([]byte, error) {
	key := []byte(deviceSecretKey)
	b, closer, err := db.Get(key)
	if err == nil {
		defer closer.Close()
		if len(b) == 32 {
			return append([]byte(nil), b...), nil
		}
		return nil, errors.New("device secret: corrupt")
	}
	if !errors.Is(err, pebble.ErrNotFound) {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	return secret, db.Set(key, secret, pebble.Sync)
}

// lru is a map bounded to n entries that drops the least recently used.
type lru[V any] struct {
	n     int
	order *list.List // of *entry[V], most recent at the front
	m     map[string]*list.Element
}

type entry[V any] struct {
	k string
	v V
}

func newLRU[V any](n int) *lru[V] {
	return &lru[V]{n: n, order: list.New(), m: map[string]*list.Element{}}
}

func (l *lru[V]) get(k string) (V, bool) {
	if e, ok := l.m[k]; ok {
		l.order.MoveToFront(e)
		return e.Value.(*entry[V]).v, true
	}
	var zero V
	return zero, false
}

func (l *lru[V]) put(k string, v V) {
	if e, ok := l.m[k]; ok {
		e.Value.(*entry[V]).v = v
		l.order.MoveToFront(e)
		return
	}
	l.m[k] = l.order.PushFront(&entry[V]{k, v})
	if l.order.Len() > l.n {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.m, last.Value.(*entry[V]).k)
	}
}

func (l *lru[V]) remove(k string) {
	if e, ok := l.m[k]; ok {
		l.order.Remove(e)
		delete(l.m, k)
	}
}
