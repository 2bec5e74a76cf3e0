package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/tx"
)

func signIn(s *Store, name, password, addr, device string) (*User, string, error) {
	return s.SignIn(context.Background(), Attempt{Name: name, Password: password, Addr: addr, Device: device})
}

func throttled(err error) bool {
	var te *ThrottledError
	return errors.As(err, &te)
}

// TestParallelGuessesSeeEachOther is the finding: twelve wrong guesses sent
// at once all passed the failure check, and the right password then
// worked. Now every attempt counts before its password is hashed.
func TestParallelGuessesSeeEachOther(t *testing.T) {
	s, _, _ := open(t)
	s.AddUser(User{Name: "coop-admin", Org: "coop", Role: RoleAdmin}, "pear-orchard-2026", newKey(t, tx.AlgoSM2))
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Go(func() { _, _, errs[i] = signIn(s, "coop-admin", fmt.Sprintf("guess-%d", i), "203.0.113.7", "") })
	}
	wg.Wait()
	checked := 0
	for _, err := range errs {
		switch {
		case errors.Is(err, ErrBadLogin):
			checked++
		case throttled(err):
		default:
			t.Fatalf("guess: %v", err)
		}
	}
	if checked != pairFree {
		t.Errorf("%d of 12 parallel guesses had their password checked, want %d", checked, pairFree)
	}
	if _, _, err := signIn(s, "coop-admin", "pear-orchard-2026", "203.0.113.7", ""); !throttled(err) {
		t.Fatalf("the right password right after the guesses: %v, want throttled", err)
	}
}

// TestNobodyCanLockOutAUser is the finding that anyone could lock out a
// predictable <org>-admin. Guesses from elsewhere hold up only browsers
// that never signed in to the account, and only for a bounded time.
func TestNobodyCanLockOutAUser(t *testing.T) {
	s, c, _ := open(t)
	s.AddUser(User{Name: "bank-admin", Org: "bank", Role: RoleAdmin}, "letter-of-credit", newKey(t, tx.AlgoSM2))
	_, device, err := signIn(s, "bank-admin", "letter-of-credit", "198.51.100.1", "")
	if err != nil || device == "" {
		t.Fatalf("first sign-in: %v (device %q)", err, device)
	}
	// An attacker guesses from many addresses, waiting out every backoff.
	for i := range accountFree + 4 {
		c.t = c.t.Add(pairMaxWait)
		if _, _, err := signIn(s, "bank-admin", "guess", fmt.Sprintf("203.0.113.%d", i%250), ""); err != nil && !errors.Is(err, ErrBadLogin) && !throttled(err) {
			t.Fatal(err)
		}
	}
	// A new browser is held up, for at most a minute after the latest guess.
	_, _, err = signIn(s, "bank-admin", "letter-of-credit", "198.51.100.9", "")
	var te *ThrottledError
	if !errors.As(err, &te) || te.RetryAfter > accountMaxWait {
		t.Fatalf("new browser during the attack: %v", err)
	}
	// A cookie for another account, a forged one or an expired one is no
	// device cookie at all.
	for name, cookie := range map[string]string{
		"forged":          device[:len(device)-2] + "xx",
		"another account": s.newDevice("coop-admin", c.t),
		"expired":         s.newDevice("bank-admin", c.t.Add(-DeviceCookieTTL-time.Hour)),
	} {
		if _, _, err := signIn(s, "bank-admin", "letter-of-credit", "198.51.100.2", cookie); !throttled(err) {
			t.Errorf("%s cookie: %v, want throttled like a new browser", name, err)
		}
	}
	// The user's own browser is not.
	if u, _, err := signIn(s, "bank-admin", "letter-of-credit", "198.51.100.1", device); err != nil || u.Name != "bank-admin" {
		t.Fatalf("the user's browser during the attack: %v", err)
	}
	// The attack goes on; a minute after its latest guess a new browser
	// gets in too.
	s.recordFail("bank-admin", accountFree+2)
	if _, _, err := signIn(s, "bank-admin", "letter-of-credit", "198.51.100.9", ""); !throttled(err) {
		t.Fatalf("new browser as the attack goes on: %v", err)
	}
	c.t = c.t.Add(accountMaxWait)
	if _, _, err := signIn(s, "bank-admin", "letter-of-credit", "198.51.100.9", ""); err != nil {
		t.Fatalf("after the backoff: %v", err)
	}
}

func TestAddressBucket(t *testing.T) {
	s, c, _ := open(t)
	for i := range addrBurst {
		if _, _, err := signIn(s, fmt.Sprintf("user-%d", i), "whatever-pass", "2001:db8:1:2::1", ""); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// Another address in the same /64 shares the bucket.
	if _, _, err := signIn(s, "user-x", "whatever-pass", "2001:db8:1:2::ffff", ""); !throttled(err) {
		t.Fatalf("attempt past the burst: %v", err)
	}
	if _, _, err := signIn(s, "user-x", "whatever-pass", "2001:db8:1:3::1", ""); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("another /64: %v", err)
	}
	c.t = c.t.Add(addrRefill)
	if _, _, err := signIn(s, "user-y", "whatever-pass", "2001:db8:1:2::1", ""); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("after a refill: %v", err)
	}
}

// TestHashingIsBounded: with every hashing slot and waiting place taken, a
// sign-in is told the node is busy and hashes nothing.
func TestHashingIsBounded(t *testing.T) {
	s, _, _ := open(t)
	for range maxHashing {
		s.guard.hashing <- struct{}{}
	}
	for range maxHashWaiting {
		s.guard.waiting <- struct{}{}
	}
	if _, _, err := signIn(s, "anyone", "whatever-pass", "192.0.2.9", ""); !errors.Is(err, ErrBusy) {
		t.Fatalf("sign-in with no slot: %v", err)
	}
	<-s.guard.waiting
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := s.SignIn(ctx, Attempt{Name: "anyone", Password: "x", Addr: "192.0.2.10"}); !errors.Is(err, ErrBusy) {
		t.Fatalf("sign-in waiting past its deadline: %v", err)
	}
}

func TestLRUBound(t *testing.T) {
	l := newLRU[int](3)
	for i := range 5 {
		l.put(fmt.Sprint(i), i)
	}
	if _, ok := l.get("0"); ok {
		t.Fatal("the oldest entry was kept")
	}
	l.get("2")
	l.put("5", 5)
	if _, ok := l.get("2"); !ok {
		t.Fatal("a recently used entry was dropped")
	}
	if _, ok := l.get("3"); ok {
		t.Fatal("the least recently used entry was kept")
	}
	if len(l.m) != 3 || l.order.Len() != 3 {
		t.Fatalf("size %d/%d", len(l.m), l.order.Len())
	}
}
