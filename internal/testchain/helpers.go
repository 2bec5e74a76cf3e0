package testchain

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
)

// Helpers for module tests: run an action and require its code, decode
// its answer, compare the state before and after a refusal, build bodies,
// and call handlers directly over an in-memory store.

// WantCode requires a transaction's result code to be want and, for a
// refusal, a message saying why. what names the transaction in the failure.
func WantCode(tb testing.TB, what string, res *abci.ExecTxResult, want errcode.Code) {
	tb.Helper()
	if errcode.Code(res.Code) != want {
		tb.Fatalf("%s: code %s (%s), want %s", what, errcode.Code(res.Code), res.Log, want)
	}
	if want != errcode.OK && res.Log == "" {
		tb.Fatalf("%s: refused without a message", what)
	}
}

// Do signs action of module mod with the admin key of member org, runs it
// in its own block and requires the result code want (see WantCode).
func Do(tb testing.TB, c *Chain, org, mod, action string, body any, want errcode.Code) *abci.ExecTxResult {
	tb.Helper()
	m, ok := c.Members[org]
	if !ok {
		tb.Fatalf("%s %s: no member %q", mod, action, org)
	}
	res := c.Do(m.Admin, mod, action, body)
	WantCode(tb, fmt.Sprintf("%s %s by %s", action, Compact(body), org), res, want)
	return res
}

// Result decodes a transaction's answer, a JSON object.
func Result(tb testing.TB, res *abci.ExecTxResult) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(res.Data, &m); err != nil {
		tb.Fatalf("result %q: %v", res.Data, err)
	}
	return m
}

// HasEvent reports whether res has an event of type typ with every
// attribute of the key, value, key, value... pairs kv.
func HasEvent(res *abci.ExecTxResult, typ string, kv ...string) bool {
	for _, e := range res.Events {
		if e.Type != typ {
			continue
		}
		attrs := map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = a.Value
		}
		ok := true
		for i := 0; i < len(kv); i += 2 {
			ok = ok && attrs[kv[i]] == kv[i+1]
		}
		if ok {
			return true
		}
	}
	return false
}

// Snapshot copies every key under prefix of the latest committed state
// ("" for the whole state).
func Snapshot(tb testing.TB, c *Chain, prefix string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	if err := c.View().Iterate([]byte(prefix), nil, func(k, v []byte) bool {
		out[string(k)] = string(v)
		return true
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}

// SameState requires two snapshots to be equal, and otherwise names a key
// the transactions in between (what) wrote, changed or deleted.
func SameState(tb testing.TB, what string, before, after map[string]string) {
	tb.Helper()
	for k, v := range after {
		if w, ok := before[k]; !ok {
			tb.Fatalf("%s: wrote %s = %s", what, k, v)
		} else if w != v {
			tb.Fatalf("%s: changed %s from %s to %s", what, k, w, v)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			tb.Fatalf("%s: deleted %s", what, k)
		}
	}
}

// Case is a row of a refusal table: Org (the table's default signer when
// empty) sends Body, and the transaction must be refused with Want.
//
// A test package declares its own row type as "type vcase testchain.Case"
// so that its tables may be written without field names (go vet asks for
// names in literals of another package's struct types); Refusals takes
// either.
type Case struct {
	Name string
	Org  string
	Body any
	Want errcode.Code
}

// Row is the constraint of Refusals' rows: Case, or a type defined as Case.
type Row interface {
	~struct {
		Name string
		Org  string
		Body any
		Want errcode.Code
	}
}

// Refusals runs each case as a subtest, in its own block, as action of
// module mod: it requires the case's code, a message, and that the
// module's state (every key under "<mod>/") did not change. defaultOrg
// signs the cases that name no organisation.
func Refusals[R Row](t *testing.T, c *Chain, mod, defaultOrg, action string, cases []R) {
	t.Helper()
	prefix := mod + "/"
	if c.Height == 0 {
		MustBlock(t, c) // commit what the genesis wrote, so that it is in "before"
	}
	for _, row := range cases {
		tc := Case(row)
		t.Run(tc.Name, func(t *testing.T) {
			if tc.Want == errcode.OK {
				t.Fatal("refusal table with an OK case")
			}
			org := tc.Org
			if org == "" {
				org = defaultOrg
			}
			before := Snapshot(t, c, prefix)
			res := Do(t, c, org, mod, action, tc.Body, tc.Want)
			t.Logf("%s: %s", errcode.Code(res.Code), res.Log)
			SameState(t, tc.Name, before, Snapshot(t, c, prefix))
		})
	}
}

// With returns a copy of body with the given fields set, key, value, key,
// value...; a nil value removes the field.
func With(body map[string]any, kv ...any) map[string]any {
	out := maps.Clone(body)
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

// Encode encodes a body as JSON; it panics on a value JSON cannot encode.
func Encode(body any) string {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Compact shows a body in a failure message: its JSON (a []byte body as
// it is), cut to 160 bytes.
func Compact(body any) string {
	var s string
	if b, ok := body.([]byte); ok {
		s = string(b)
	} else {
		b, _ := json.Marshal(body)
		s = string(b)
	}
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}

// MemKV is an in-memory module.KV for calling handlers directly, in states
// no chain reaches or for fuzzing. Like the state store, it refuses empty
// values.
type MemKV map[string][]byte

var _ module.KV = MemKV{}

// Get implements module.KV.
func (m MemKV) Get(k []byte) ([]byte, error) { return m[string(k)], nil }

// Set implements module.KV.
func (m MemKV) Set(k, v []byte) error {
	if len(v) == 0 {
		return errors.New("empty value")
	}
	m[string(k)] = slices.Clone(v)
	return nil
}

// Delete implements module.KV.
func (m MemKV) Delete(k []byte) error { delete(m, string(k)); return nil }

// Handler returns the handler of action name of module m.
func Handler(tb testing.TB, m module.Module, name string) module.Handler {
	tb.Helper()
	for _, a := range m.Actions() {
		if a.Name == name {
			return a.Handle
		}
	}
	tb.Fatalf("module %s has no action %s", m.Name(), name)
	return nil
}

// Tally counts the results of a model test's transactions by kind (an
// action, say) and code.
type Tally map[string]map[errcode.Code]int

// Add counts one result.
func (t Tally) Add(kind string, code errcode.Code) {
	if t[kind] == nil {
		t[kind] = map[errcode.Code]int{}
	}
	t[kind][code]++
}

// Check requires every kind to have succeeded at least minOK times, and
// at least minPercent of all the transactions to have succeeded: a
// workload that is mostly refused tests too little. It returns the totals
// and a report, a line a kind ("deposit: ok=120 malformed_body=3").
func (t Tally) Check(tb testing.TB, minOK, minPercent int) (total, ok int, report string) {
	tb.Helper()
	var lines []string
	for _, kind := range slices.Sorted(maps.Keys(t)) {
		var parts []string
		for _, code := range slices.Sorted(maps.Keys(t[kind])) {
			parts = append(parts, fmt.Sprintf("%s=%d", code, t[kind][code]))
			total += t[kind][code]
		}
		ok += t[kind][errcode.OK]
		lines = append(lines, kind+": "+strings.Join(parts, " "))
		if t[kind][errcode.OK] < minOK {
			tb.Errorf("%s succeeded only %d times", kind, t[kind][errcode.OK])
		}
	}
	if ok*100 < total*minPercent {
		tb.Errorf("only %d of %d transactions succeeded; the workload tests too little", ok, total)
	}
	return total, ok, strings.Join(lines, "\n")
}

// MustBlock executes and commits one block with txs (Block) and fails tb
// unless every transaction succeeded.
func MustBlock(tb testing.TB, c *Chain, txs ...[]byte) []*abci.ExecTxResult {
	tb.Helper()
	res, _ := c.Block(txs...)
	for i, r := range res {
		if r.Code != 0 {
			tb.Fatalf("block %d tx %d: %s: %s", c.Height, i, errcode.Code(r.Code), r.Log)
		}
	}
	return res
}

// CheckedAndNot runs bench as two sub-benchmarks: "unchecked" (check
// false) and "checked" (check true); see RunBlocks.
func CheckedAndNot(b *testing.B, bench func(b *testing.B, check bool)) {
	for _, check := range []bool{false, true} {
		name := "unchecked"
		if check {
			name = "checked"
		}
		b.Run(name, func(b *testing.B) { bench(b, check) })
	}
}

// RunBlocks is the timed part of a benchmark over pre-signed blocks, one
// per iteration (len(blocks) == b.N): it resets the timer and executes and
// commits each block (MustBlock). Without check, the block verifies every
// signature itself (in parallel); with check, every transaction is first
// admitted as a node admits the transactions it receives (PreCheckTx, then
// CheckTx), so that the block reuses the cached signatures, and that time
// counts too.
// Beside the time it reports the process's CPU time per transaction,
// which other work on the machine disturbs less than the time, and for a
// store on disk the growth of its database per transaction.
func RunBlocks(b *testing.B, c *Chain, blocks [][][]byte, check bool) {
	b.Helper()
	b.ResetTimer()
	cpu0, txs, disk0 := cpuTime(b), 0, c.Store.DiskBytes()
	for i := range b.N {
		if check {
			for _, raw := range blocks[i] {
				c.App.PreCheckTx(raw)
				if res := c.Check(raw); res.Code != 0 {
					b.Fatal(res.Log)
				}
			}
		}
		MustBlock(b, c, blocks[i]...)
		txs += len(blocks[i])
	}
	if txs > 0 {
		b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(txs), "cpu-µs/tx")
		if disk0 > 0 {
			b.ReportMetric(float64(c.Store.DiskBytes()-disk0)/float64(txs), "disk-B/tx")
		}
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// CheckGenesis runs a module's InitGenesis on each section of cases (its
// JSON, null for none) and holds it to the value it must leave under key:
// "" for nothing written, "error" for a refusal, which must write nothing.
func CheckGenesis(tb testing.TB, m module.Genesis, key string, cases map[string]string) {
	tb.Helper()
	for g, want := range cases {
		kv := MemKV{}
		err := m.InitGenesis(&module.Context{Store: kv}, json.RawMessage(g))
		switch {
		case want == "error" && err == nil:
			tb.Errorf("genesis %s accepted", g)
		case want != "error" && (err != nil || string(kv[key]) != want):
			tb.Errorf("genesis %s: %v, %s = %q, want %q", g, err, key, kv[key], want)
		case want == "error" && len(kv) != 0:
			tb.Errorf("refused genesis %s wrote %v", g, kv)
		}
	}
}
