// Package module is the contract between the Dengta application and its
// modules. A module declares its actions (with the roles that may perform
// them) and handles each action against a key-value store; the application
// does everything else: decoding, signature, nonce, role checks, write
// buffering and events.
//
// Modules import this package, its field package (checks of body fields)
// and the small shared packages (errcode, role, tx); they never import each
// other or the application. What a module reads of another module's state
// goes through this package: organisations through Org and ActiveOrg.
package module

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/dengta-chain/dengta/internal/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/tx"
)

// KV is the state a handler reads and writes. Reads see the writes made
// earlier in the same transaction and block. Writes of a transaction that
// fails are discarded as a whole.
type KV interface {
	Get(key []byte) ([]byte, error)
	Set(key, value []byte) error
	Delete(key []byte) error
}

// Signer is the authenticated sender of a transaction.
type Signer struct {
	KeyID tx.KeyID
	Org   string
	Admin bool // the key is one of its organisation's admin keys
	// Operator: the key is one of its organisation's node operator keys.
	Operator bool
	Roles    []role.Role
}

// Party is who signed an action, as the modules' records show it: the
// organisation and its key.
type Party struct {
	Org   string   `json:"org"`
	KeyID tx.KeyID `json:"key_id"`
}

// ValidatorUpdate changes the voting power of a validator (0 removes it).
type ValidatorUpdate struct {
	PubKey []byte // Ed25519 public key
	Power  int64
}

// Event is an ABCI event emitted by a transaction.
type Event struct {
	Type  string
	Attrs []Attr
}

// Attr is one attribute of an event.
type Attr struct {
	Key, Value string
}

// Context is what a handler sees of the transaction and block.
type Context struct {
	ChainID string
	Height  int64     // height of the block being executed
	Time    time.Time // block time from the header; never the wall clock
	TxHash  [32]byte
	Signer  Signer
	Store   KV
	// Check is true while the transaction is only being checked for the
	// mempool; writes are then thrown away at the next commit.
	Check bool

	events     []Event
	validators []ValidatorUpdate
	result     []byte
}

// SetResult sets what the transaction answers its submitter: v is encoded
// as JSON and returned with the committed transaction (for example the id
// assigned to a new record). v must be a struct or a map with string keys,
// so that the encoding is deterministic.
func (c *Context) SetResult(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	c.result = b
	return nil
}

// Party returns the transaction's signer as records show it.
func (c *Context) Party() Party { return Party{Org: c.Signer.Org, KeyID: c.Signer.KeyID} }

// Result returns the JSON set by SetResult, or nil.
func (c *Context) Result() []byte { return c.result }

// Emit records an event. Attribute pairs are key, value, key, value...
func (c *Context) Emit(typ string, kv ...string) {
	if len(kv)%2 != 0 {
		panic("module: Emit needs key/value pairs")
	}
	e := Event{Type: typ}
	for i := 0; i < len(kv); i += 2 {
		e.Attrs = append(e.Attrs, Attr{kv[i], kv[i+1]})
	}
	c.events = append(c.events, e)
}

// UpdateValidator asks consensus to change a validator's power at the end
// of the block.
func (c *Context) UpdateValidator(pubKey []byte, power int64) {
	c.validators = append(c.validators, ValidatorUpdate{PubKey: bytes.Clone(pubKey), Power: power})
}

// Events returns the events emitted so far.
func (c *Context) Events() []Event { return c.events }

// ValidatorUpdates returns the validator updates requested so far.
func (c *Context) ValidatorUpdates() []ValidatorUpdate { return c.validators }

// Handler executes one action. body is the action's JSON body.
type Handler func(ctx *Context, body []byte) error

// Action describes one action of a module.
type Action struct {
	Name string
	// Roles lists the organisation roles that may perform the action; empty
	// means any active organisation.
	Roles []role.Role
	// AdminOnly restricts the action to the organisation's admin keys.
	AdminOnly bool
	// OperatorOnly restricts the action to node operator keys (of any
	// organisation the roles allow): what a node signs on its own.
	OperatorOnly bool
	Handle       Handler
	// Doc is one line for the API reference and the CLI.
	Doc string
	// Body and Result are the Go types of the JSON body and result, from
	// the action's api.Action; the API documents their schemas.
	Body, Result reflect.Type
}

// Handle binds a typed handler to an action of the wire package: the body
// is decoded strictly (DecodeBody) into B before h sees it.
func Handle[B, R any](def api.Action[B, R], h func(ctx *Context, body *B) error) Action {
	return Action{
		Name: def.Name, Doc: def.Doc, Body: def.BodyType(), Result: def.ResultType(),
		Handle: func(ctx *Context, raw []byte) error {
			var b B
			if err := DecodeBody(raw, &b); err != nil {
				return err
			}
			return h(ctx, &b)
		},
	}
}

// For returns a with the roles that may perform it.
func (a Action) For(roles ...role.Role) Action {
	a.Roles = roles
	return a
}

// Admin returns a restricted to the organisations' admin keys.
func (a Action) Admin() Action {
	a.AdminOnly = true
	return a
}

// Operator returns a restricted to node operator keys.
func (a Action) Operator() Action {
	a.OperatorOnly = true
	return a
}

// Module is one scenario or platform module.
type Module interface {
	Name() string
	Actions() []Action
}

// Genesis is implemented by modules that have initial state.
type Genesis interface {
	// InitGenesis writes the module's initial state from its section of the
	// app genesis (raw may be nil when the section is absent).
	InitGenesis(ctx *Context, raw json.RawMessage) error
}

// DecodeBody decodes a strict JSON body into v: unknown fields, keys that
// match a field only when case is ignored, keys given twice, trailing data
// and type mismatches are rejected with errcode.MalformedBody.
func DecodeBody(body []byte, v any) error {
	if len(body) == 0 {
		return errcode.New(errcode.MalformedBody, "the action needs a JSON body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errcode.New(errcode.MalformedBody, "body: %v", err)
	}
	if err := checkKeys(body, reflect.TypeOf(v)); err != nil {
		return errcode.New(errcode.MalformedBody, "%v", err)
	}
	// Only white space may follow the value: More is false before a stray
	// closing bracket, so ask for the next token and require the end.
	if _, err := dec.Token(); err != io.EOF {
		return errcode.New(errcode.MalformedBody, "body has data after the JSON value")
	}
	return nil
}

// GetJSON reads key and decodes its JSON value into v. It reports whether
// the key exists.
func GetJSON(kv Getter, key []byte, v any) (bool, error) {
	b, err := kv.Get(key)
	if err != nil {
		return false, fmt.Errorf("read %q: %w", key, err)
	}
	if b == nil {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

// PutJSON encodes v as JSON and writes it under key. v must be a struct
// (or a pointer to one) so that the encoding is deterministic.
func PutJSON(kv KV, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	return kv.Set(key, b)
}
