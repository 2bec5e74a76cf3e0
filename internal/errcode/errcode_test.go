package errcode

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The numbers and names are a wire contract: this table may only grow.
func TestCodesAreStable(t *testing.T) {
	want := []string{"ok", "internal", "malformed_tx", "tx_too_large", "wrong_chain", "unknown_signer", "bad_signature",
		"nonce_replayed", "nonce_gap", "unauthorized", "malformed_body", "unknown_action", "key_inactive", "not_found",
		"conflict", "rule_violation", "mempool_full", "timeout", "bad_request", "unavailable", "proof_invalid", "foreign_write"}
	all := All()
	if len(all) < len(want) {
		t.Fatalf("All() has %d codes, want at least %d", len(all), len(want))
	}
	seen := map[string]bool{}
	for i, c := range all {
		if int(c) != i {
			t.Errorf("All()[%d] = %d", i, c)
		}
		if i < len(want) && c.Name() != want[i] {
			t.Errorf("Code(%d).Name() = %q, want %q", i, c.Name(), want[i])
		}
		if seen[c.Name()] {
			t.Errorf("name %q used twice", c.Name())
		}
		seen[c.Name()] = true
	}
	if got := Code(9999).Name(); got != "code_9999" {
		t.Errorf("Code(9999).Name() = %q", got)
	}
}

func TestOfAndMessage(t *testing.T) {
	e := New(NotFound, "no org %q", "x")
	wrapped := fmt.Errorf("lookup: %w", e)
	if Of(wrapped) != NotFound || Message(wrapped) != `no org "x"` {
		t.Errorf("Of/Message of wrapped = %s %q", Of(wrapped), Message(wrapped))
	}
	if !errors.Is(wrapped, New(NotFound, "")) || errors.Is(wrapped, New(Conflict, "")) {
		t.Error("errors.Is does not match on code")
	}
	plain := errors.New("disk on fire at /var/lib/secret")
	if Of(plain) != Internal || Message(plain) == plain.Error() {
		t.Errorf("internal error leaks: %s %q", Of(plain), Message(plain))
	}
	if Of(nil) != OK || Message(nil) != "" {
		t.Error("nil is not OK")
	}
}

// Every code but OK says, in Chinese and in English, what it means and
// what to do.
func TestEverySentence(t *testing.T) {
	for _, c := range All()[1:] {
		zh, en := Sentence(c, "zh-CN"), Sentence(c, "en")
		if !strings.Contains(zh, "。") || en == "" || zh == en {
			t.Errorf("code %s: %q / %q", c.Name(), zh, en)
		}
	}
	if Sentence(OK, "zh") != "" || Sentence(lastCode, "en") != "" {
		t.Error("OK or an unknown code has a sentence")
	}
}
