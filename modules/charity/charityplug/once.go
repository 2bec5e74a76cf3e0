package charityplug

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
)

// A donation form of the hall records one donation however often it is
// sent: each form the hall renders carries a token of its own, and a
// token sent again (a double click, the browser resending the form) waits
// for the first sending and records nothing. A sending that recorded
// nothing for sure (the chain refused it, or the form was wrong) frees
// its token: the clerk corrects the form and sends it again. One whose
// outcome is not known (a timeout) keeps it, so as never to record twice. The receipt of a recorded
// donation, with its key that is kept nowhere else, is held for the
// session that recorded it and shown once on the page the browser is
// sent to (Post-Redirect-Get): reloading that page cannot record the
// donation again.
const (
	heldFor  = 10 * time.Minute
	maxHeld  = 10000
	waitSent = 30 * time.Second
)

type sentForm struct {
	done     chan struct{} // closed when the first sending has ended
	recorded bool          // the first sending recorded the donation; set before done closes
	expires  time.Time
}

type heldReceipt struct {
	rc      Receipt
	inKind  bool
	expires time.Time
}

type donationForms struct {
	mu       sync.Mutex
	sent     map[string]*sentForm   // by form token
	receipts map[string]heldReceipt // by session (its CSRF token)
}

func newDonationForms() *donationForms {
	return &donationForms{sent: map[string]*sentForm{}, receipts: map[string]heldReceipt{}}
}

// send claims a form token. first reports whether this sending may
// record the donation; it then calls end with whether it did. A later
// sending waits (up to waitSent or ctx) for the first to end: if that one
// recorded the donation, it records nothing; if not, it claims the token
// in its turn. An empty token (a form from before tokens) or a full table
// claims nothing.
func (f *donationForms) send(ctx context.Context, token string) (first bool, end func(recorded bool)) {
	if token == "" {
		return true, func(bool) {}
	}
	wait, cancel := context.WithTimeout(ctx, waitSent)
	defer cancel()
	for {
		now := time.Now()
		f.mu.Lock()
		if s, ok := f.sent[token]; ok && now.Before(s.expires) {
			f.mu.Unlock()
			select {
			case <-s.done:
			case <-wait.Done():
				return false, func(bool) {}
			}
			f.mu.Lock()
			recorded := s.recorded
			f.mu.Unlock()
			if recorded {
				return false, func(bool) {}
			}
			continue // the first sending recorded nothing: claim the token
		}
		if len(f.sent) >= maxHeld {
			for k, v := range f.sent {
				if now.After(v.expires) {
					delete(f.sent, k)
				}
			}
			if len(f.sent) >= maxHeld {
				f.mu.Unlock()
				return true, func(bool) {}
			}
		}
		s := &sentForm{done: make(chan struct{}), expires: now.Add(heldFor)}
		f.sent[token] = s
		f.mu.Unlock()
		return true, func(recorded bool) {
			f.mu.Lock()
			s.recorded = recorded
			if !recorded && f.sent[token] == s {
				delete(f.sent, token)
			}
			f.mu.Unlock()
			close(s.done)
		}
	}
}

// hold keeps a session's new receipt for its next page; false when the
// table is full (the receipt must then be shown on the answer itself).
func (f *donationForms) hold(session string, rc *Receipt, inKind bool) bool {
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.receipts) >= maxHeld {
		for k, v := range f.receipts {
			if now.After(v.expires) {
				delete(f.receipts, k)
			}
		}
		if len(f.receipts) >= maxHeld {
			return false
		}
	}
	f.receipts[session] = heldReceipt{rc: *rc, inKind: inKind, expires: now.Add(heldFor)}
	return true
}

// take returns the receipt held for a session, once.
func (f *donationForms) take(session string) (*Receipt, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.receipts[session]
	delete(f.receipts, session)
	if !ok || time.Now().After(h.expires) {
		return nil, false
	}
	return &h.rc, h.inKind
}

// nothingRecorded reports whether err says for sure that the chain
// recorded nothing: a refusal with its reason, not a timeout or a node
// that could not answer, after which the donation may still commit.
func nothingRecorded(err error) bool {
	var ce *client.Error
	if !errors.As(err, &ce) {
		return false
	}
	switch errcode.Code(ce.Code) {
	case errcode.Timeout, errcode.Unavailable, errcode.Internal:
		return false
	}
	return true
}
