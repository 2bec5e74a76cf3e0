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
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
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
	// TxIndex is the transaction's position in its block (0 while it is
	// only being checked).
	TxIndex int
	// Nonce is the transaction's number in its signer key's sequence: the
	// envelope's nonce, or an Ethereum transaction's nonce + 1 (ADR 0014).
	Nonce uint64
	// Version is the application protocol version the chain runs for
	// this block (ADR 0019): a release gates what it changes on it, never
	// on the software's own version.
	Version uint64
	// Decoded is the body as the action's Precheck decoded it from the
	// same bytes when this node admitted the transaction to its mempool,
	// or nil. Handle takes it instead of decoding the body again.
	Decoded any

	events     []Event
	validators []ValidatorUpdate
	result     []byte
	index      [][2][]byte
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

// Index writes key = value into the node's local index of the module's
// records (ADR 0028): not state, so not in the app hash, not provable and
// not seen by handlers. The app keeps the entries of a transaction that
// succeeds in a block; a check for the mempool collects them only to
// refuse a bad one as the block would. It serves listings that consensus
// never reads, such as "an organisation's records, newest first". key
// starts with the module's name and "/", as its state keys do; the value
// must not be empty. The module rebuilds the same entries from its state
// in Indexer.Reindex, and its queries read them with IndexReader.
func (c *Context) Index(key, value []byte) {
	c.index = append(c.index, [2][]byte{bytes.Clone(key), bytes.Clone(value)})
}

// Indexed returns the index entries written so far.
func (c *Context) Indexed() [][2][]byte { return c.index }

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
	// Decision marks an action that carries out a passed governance
	// decision (an identity authorize_action proposal naming it; see
	// Decision): any active organisation's admin key may take it, and
	// the handler checks the proposal.
	Decision bool
	// Since is the application protocol version from which the action
	// exists (0 or 1: from the chain's start). Before the chain upgrades
	// to it, the action is refused like any rule violation (ADR 0019).
	Since  uint64
	Handle Handler
	// Doc is one line for the API reference and the CLI.
	Doc string
	// Body and Result are the Go types of the JSON body and result, from
	// the action's api.Action; the API documents their schemas.
	Body, Result reflect.Type
	// Precheck, when set, is what the mempool runs of the action instead
	// of the handler (ADR 0018): a check of the body alone, with no state.
	// The envelope, signer, role and nonce are checked as always; what
	// depends on state is decided in the block, where a refusal consumes
	// the nonce like any failed transaction. Set it (with Stateless) only
	// for actions whose refusals by state are rare, so that the cheaper
	// admission does not fill blocks with failures. It returns the body
	// as it decoded it, which the block's handler gets in
	// Context.Decoded; the check must not change it.
	Precheck func(body []byte) (any, error)
}

// Stateless returns a with a Precheck that decodes the body strictly and
// runs validate on it. B must be the action's body type. validate must
// not change the body: the block's handler gets the same value
// (Context.Decoded), where another node decodes the bytes afresh
// (TestStatelessChecksKeepTheBody holds every module's checks to it).
func Stateless[B any](a Action, validate func(*B) error) Action {
	if a.Body != reflect.TypeFor[B]() {
		panic(fmt.Sprintf("module: Stateless check of %s takes %v; the body is %v", a.Name, reflect.TypeFor[B](), a.Body))
	}
	a.Precheck = func(raw []byte) (any, error) {
		b := new(B)
		if err := DecodeBody(raw, b); err != nil {
			return nil, err
		}
		if err := validate(b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return a
}

// Handle binds a typed handler to an action of the wire package: the body
// is decoded strictly (DecodeBody) into B before h sees it, unless the
// mempool's Precheck decoded the same bytes already (Context.Decoded).
func Handle[B, R any](def api.Action[B, R], h func(ctx *Context, body *B) error) Action {
	return Action{
		Name: def.Name, Doc: def.Doc, Body: def.BodyType(), Result: def.ResultType(),
		Handle: func(ctx *Context, raw []byte) error {
			if b, ok := ctx.Decoded.(*B); ok && b != nil {
				return h(ctx, b)
			}
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

// From returns a as available only once the chain runs application
// version v.
func (a Action) From(v uint64) Action {
	a.Since = v
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

// ByDecision returns a as the action that carries out governance
// decisions naming it: for the admin keys of any active organisation,
// whatever its roles; the handler requires a passed authorize_action
// proposal (Decision). Identity accepts such proposals only for actions
// declared this way.
func (a Action) ByDecision() Action {
	a.Roles, a.AdminOnly, a.Decision = nil, true, true
	return a
}

// Module is one scenario or platform module.
type Module interface {
	Name() string
	Actions() []Action
}

// Visibility is implemented by modules that say who may read their
// records (ADR 0007). The node applies it to the state and proof
// endpoints, which read any key, and to the bodies of transactions in the
// explorer and the transaction endpoint; a module's own read endpoints
// apply the same rules. A module without it shows its keys to members
// only, and a transaction's body to its signer's organisation and to
// those who oversee (regulators, auditors).
type Visibility interface {
	// CanRead reports whether c may read the value under key, one of the
	// module's keys, in state r.
	CanRead(r Reader, key []byte, c access.Caller) bool
	// CanReadTx reports whether c may read the body and result of a
	// transaction of the module's action, beyond its signer's
	// organisation and those who oversee, who always may.
	CanReadTx(r Reader, action string, body []byte, c access.Caller) bool
}

// Ethereum is implemented by the module that executes the chain's
// Ethereum transactions (ADR 0014), the second kind of transaction beside
// the envelope. The app routes every transaction of that kind to the
// action EthereumAction returns, with the raw Ethereum transaction as the
// body and its sender's member key as the signer, after the same checks
// as an envelope's (key, organisation, role, nonce). It is not one of the
// module's Actions: no envelope can name it. At most one module of a
// chain implements Ethereum.
type Ethereum interface {
	EthereumAction() Action
}

// Metered is implemented by a module whose transactions reserve gas from
// a budget per block (the EVM, ADR 0014). The app keeps the gas a block's
// transactions reserve, the sum of their gas limits, within BlockGas:
// proposals leave the rest for later blocks, and a block that goes over
// refuses the transactions beyond the budget before they consume their
// nonce.
type Metered interface {
	// BlockGas is the most gas one block's transactions may reserve.
	BlockGas(r Getter) (uint64, error)
	// TxGas is the gas a transaction of the action with this body
	// reserves: its gas limit, or 0 for an action that is not metered.
	// For the Ethereum action the body is the raw Ethereum transaction.
	TxGas(action string, body []byte) uint64
}

// RoleUse is implemented by modules whose open records need an
// organisation to keep a role: an obligor needs its core-enterprise role
// to pay what it owes, a holder its supplier role to pass a receivable on.
// A governance preview of a change of an organisation's roles, or of its
// removal, asks every such module, so voters see what the change would
// strand. It reads only: the chain does not refuse the change.
type RoleUse interface {
	// RoleUse says what org's open records in the module need it to keep
	// roles among removed (kept are the roles it would still hold), one
	// notice each; none when nothing does.
	RoleUse(r Reader, org string, removed, kept []role.Role) ([]Notice, error)
}

// Notice is a sentence for people in English and Chinese.
type Notice struct {
	EN string `json:"en"`
	ZH string `json:"zh"`
}

// Indexer is implemented by a module that writes local index entries
// (Context.Index). A node that got its state from a snapshot of another
// node has none of the entries for the blocks before it: Reindex puts
// back every entry the module's state at r implies, the same that its
// handlers wrote while running those blocks.
type Indexer interface {
	Reindex(r Reader, put func(key, value []byte) error) error
}

// Genesis is implemented by modules that have initial state.
type Genesis interface {
	// InitGenesis writes the module's initial state from its section of the
	// app genesis (raw may be nil when the section is absent).
	InitGenesis(ctx *Context, raw json.RawMessage) error
}

// DecodeGenesis decodes a module's section of the app genesis into v,
// strictly: unknown fields and data after the value are refused. It
// reports false, leaving v alone, when the section is absent or null.
func DecodeGenesis(raw json.RawMessage, v any) (bool, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return true, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return true, fmt.Errorf("data after the JSON value")
	}
	return true, nil
}

// DecodeBody decodes a strict JSON body into v: unknown fields, keys that
// match a field only when case is ignored, keys given twice, trailing data
// and type mismatches are rejected with errcode.MalformedBody.
func DecodeBody(body []byte, v any) error {
	if len(body) == 0 {
		return errcode.New(errcode.MalformedBody, "the action needs a JSON body")
	}
	if err := checkText(body); err != nil {
		return errcode.New(errcode.MalformedBody, "%v", err)
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

// checkText refuses what encoding/json would silently turn into U+FFFD:
// bytes that are not UTF-8, and \u escapes of lone UTF-16 surrogates.
// A body is what its signer signed; none of it may change in decoding.
func checkText(body []byte) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("the body is not valid UTF-8")
	}
	for i := 0; i+5 < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		if body[i+1] != 'u' {
			i++ // an escaped character, possibly a backslash
			continue
		}
		r, ok := hex4(body[i+2 : i+6])
		if !ok {
			return nil // encoding/json reports it
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if i+11 < len(body) && body[i+6] == '\\' && body[i+7] == 'u' {
				if lo, ok := hex4(body[i+8 : i+12]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
					i += 11
					continue
				}
			}
			return fmt.Errorf("the body has a lone UTF-16 surrogate \\u%04X", r)
		case r >= 0xDC00 && r <= 0xDFFF:
			return fmt.Errorf("the body has a lone UTF-16 surrogate \\u%04X", r)
		}
		i += 5
	}
	return nil
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
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

// RulesGenesis is the genesis section of a module whose rules changed
// from one release to another: the rule set a new chain runs, recorded in
// the chain's state and kept for ever, so that its blocks decide the same
// on every release. Rule set 1 is the absence of the module's rules key
// (the chains created before the module had rule sets).
type RulesGenesis struct {
	// Rules is the module's rule set: 0 for the newest, or an earlier
	// one (for tests that check them).
	Rules int `json:"rules,omitempty"`
}

// InitRules decodes a module's RulesGenesis section from raw and records
// its rule set under key: nothing for rule set 1, the number otherwise.
// newest is the module's newest rule set; others are refused.
func InitRules(ctx *Context, raw json.RawMessage, key []byte, newest int) error {
	var g RulesGenesis
	if _, err := DecodeGenesis(raw, &g); err != nil {
		return err
	}
	switch {
	case g.Rules == 0:
		g.Rules = newest
	case g.Rules < 1 || g.Rules > newest:
		return fmt.Errorf("rules %d: want 1 to %d", g.Rules, newest)
	}
	if g.Rules == 1 {
		return nil // rule set 1 is the absence of the key
	}
	return ctx.Store.Set(key, []byte(strconv.Itoa(g.Rules)))
}

// RulesOf returns the rule set InitRules recorded under key.
func RulesOf(r Getter, key []byte, newest int) (int, error) {
	v, err := r.Get(key)
	switch {
	case err != nil:
		return 0, err
	case v == nil:
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 2 || n > newest || strconv.Itoa(n) != string(v) {
		return 0, fmt.Errorf("unknown rule set %q under %s", v, key)
	}
	return n, nil
}
