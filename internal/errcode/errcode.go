// Package errcode defines the stable result codes that Dengta returns for
// rejected transactions and queries, and the error type that carries them.
//
// Codes are part of the wire contract: clients and the web hall switch on
// them, so a code's number and name never change once released. New codes
// are appended.
package errcode

import (
	"errors"
	"fmt"
)

// Codespace is the ABCI codespace of every Dengta result code.
const Codespace = "dengta"

// Code is a stable result code. Zero means success.
type Code uint32

// Result codes. The numbers are stable; append new ones at the end.
const (
	OK            Code = 0
	Internal      Code = 1  // a bug or an I/O failure on this node
	Malformed     Code = 2  // the transaction bytes do not decode
	TooLarge      Code = 3  // the transaction exceeds the size limit
	WrongChain    Code = 4  // signed for another chain id
	UnknownSigner Code = 5  // no key with this id is registered
	BadSignature  Code = 6  // the signature does not verify
	NonceReplayed Code = 7  // the nonce was already used
	NonceGap      Code = 8  // the nonce skips ahead of the next expected one
	Unauthorized  Code = 9  // the signer's organisation or key may not do this
	MalformedBody Code = 10 // the action's body does not decode or is invalid
	UnknownAction Code = 11 // no module or action with this name
	KeyInactive   Code = 12 // the key or its organisation is deactivated
	NotFound      Code = 13 // a referenced record does not exist
	Conflict      Code = 14 // the record already exists or the state forbids it
	RuleViolation Code = 15 // a business rule of the module rejects the action
	MempoolFull   Code = 16 // the node cannot take more transactions now
	Timeout       Code = 17 // the transaction was not committed in time
	BadRequest    Code = 18 // an API request is malformed (not a transaction)
	Unavailable   Code = 19 // the node is not ready (syncing, stopping)
	ProofInvalid  Code = 20 // a proof or bundle fails verification
	ForeignWrite  Code = 21 // a module wrote outside its own key prefix (a bug in the module, refused by consensus)
	// Unauthenticated: the API request needs a member's credentials (a
	// signed request or an API token), or the ones it carries are invalid.
	Unauthenticated Code = 22
	// RateLimited: the client sent more requests than the node takes from
	// one client; try again after the Retry-After seconds.
	RateLimited Code = 23
	lastCode    Code = 24
)

var names = [...]string{
	OK:              "ok",
	Internal:        "internal",
	Malformed:       "malformed_tx",
	TooLarge:        "tx_too_large",
	WrongChain:      "wrong_chain",
	UnknownSigner:   "unknown_signer",
	BadSignature:    "bad_signature",
	NonceReplayed:   "nonce_replayed",
	NonceGap:        "nonce_gap",
	Unauthorized:    "unauthorized",
	MalformedBody:   "malformed_body",
	UnknownAction:   "unknown_action",
	KeyInactive:     "key_inactive",
	NotFound:        "not_found",
	Conflict:        "conflict",
	RuleViolation:   "rule_violation",
	MempoolFull:     "mempool_full",
	Timeout:         "timeout",
	BadRequest:      "bad_request",
	Unavailable:     "unavailable",
	ProofInvalid:    "proof_invalid",
	ForeignWrite:    "foreign_write",
	Unauthenticated: "unauthenticated",
	RateLimited:     "rate_limited",
}

// Name returns the code's stable snake_case name, as shown in API errors.
func (c Code) Name() string {
	if c < lastCode {
		return names[c]
	}
	return fmt.Sprintf("code_%d", uint32(c))
}

func (c Code) String() string { return c.Name() }

// All returns every defined code, in numeric order.
func All() []Code {
	out := make([]Code, 0, lastCode)
	for c := OK; c < lastCode; c++ {
		out = append(out, c)
	}
	return out
}

// Error is an error with a stable code and a message written for a person.
// The message never contains secrets or internal paths.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return e.Code.Name() + ": " + e.Msg }

// Is reports whether target is an *Error with the same code, so
// errors.Is(err, errcode.New(errcode.NotFound, "")) matches on code alone.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// New returns an *Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Of returns the code carried by err: OK for nil, Internal for an error
// that carries no code.
func Of(err error) Code {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Message returns the person-readable message of err. Errors without a code
// are internal, and their text is replaced so that no internal detail leaks.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	if err == nil {
		return ""
	}
	return "internal error on this node; the operator can find the cause in its log"
}
