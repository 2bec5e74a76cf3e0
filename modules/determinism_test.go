package modules_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/tx"
)

// TestModulesDeterminism is the determinism harness every registered module
// runs in: blocks of random actions from every module's generator (valid
// ones and refusals) are executed by two independent applications, one in
// memory and one on disk restarted half way, which must agree on every
// result code, every result and every app hash. Every action of every
// module must be generated at least once as a valid body, and each such
// body, encoded as the SDK encodes it, must validate against the action's
// published JSON schema.
func TestModulesDeterminism(t *testing.T) {
	reg := modules.Registry()
	seed := uint64(20261206)
	for _, m := range reg.Modules() {
		if m.Gen == nil {
			t.Errorf("module %s has no generator for the determinism harness (plug.Module.Gen)", m.Name())
		}
	}
	var orgs []testchain.Org
	for i, o := range devnet.Demo {
		orgs = append(orgs, testchain.Org{ID: o.ID, Roles: o.WithRoles(reg).Roles, Validator: i == 0})
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	dirB := t.TempDir()
	a := testchain.New(t, testchain.Options{Registry: reg, Orgs: orgs, Seed: seed, Time: start})
	b := testchain.New(t, testchain.Options{Registry: reg, Orgs: orgs, Seed: seed, Time: start, Dir: dirB})
	world := &plug.World{ChainID: testchain.ChainID}
	for _, o := range orgs {
		world.Orgs = append(world.Orgs, plug.WorldOrg{ID: o.ID, Roles: o.Roles})
	}
	// Each generator draws from its own random stream and makes three
	// actions a block, in an order the shared stream shuffles: a module
	// added to the registry changes neither what the others generate nor
	// how much.
	type genOf struct {
		module string
		g      plug.Gen
		rng    *rand.Rand
	}
	var gens []genOf
	for _, m := range reg.Modules() {
		if m.Gen != nil {
			h := fnv.New64a()
			h.Write([]byte(m.Name()))
			gens = append(gens, genOf{m.Name(), m.Gen(), rand.New(rand.NewPCG(seed, h.Sum64()))})
		}
	}
	schemas := actionSchemas(t, a)
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	nonces := map[tx.KeyID]uint64{}
	type tally struct{ valid, ok, refused int }
	tallies := map[string]*tally{}
	// Each module's generator gets 900 actions (three a block), however
	// many modules there are: a module added must not thin out the others'
	// coverage of their longer lifecycles (trade's rarer actions need about
	// this many).
	const blocks, perModule = 300, 3
	for h := 1; h <= blocks; h++ {
		if h == blocks/2 {
			b.Store.Close()
			b = testchain.Reopen(t, dirB, b)
		}
		world.Time = a.Time.Add(time.Second)
		if r := rng.IntN(10); r == 0 {
			// Now and then a day passes, for the rules that read dates.
			a.Time = a.Time.Add(36 * time.Hour)
			b.Time = a.Time
			world.Time = a.Time.Add(time.Second)
		}
		type sent struct {
			gen    plug.Gen
			action plug.Action
			route  string
			key    tx.KeyID
		}
		var txs [][]byte
		var sents []sent
		var order []int
		for i := range gens {
			for range perModule {
				order = append(order, i)
			}
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, gi := range order {
			g := gens[gi]
			act := g.g.Next(g.rng, world)
			route := g.module + "/" + act.Action
			member, ok := a.Members[act.Org]
			if !ok {
				t.Fatalf("%s: the generator names organisation %q, not in the consortium", route, act.Org)
			}
			body := encode(t, route, act.Body)
			if act.Valid {
				if _, raw := act.Body.([]byte); raw {
					t.Fatalf("%s: a valid action's body must be the wire type, not bytes", route)
				}
				checkSchema(t, schemas, route, body)
			}
			k := member.Admin
			nonces[k.ID()]++
			txs = append(txs, a.SignNonce(k, nonces[k.ID()], g.module, act.Action, body))
			sents = append(sents, sent{g.g, act, route, k.ID()})
		}
		ra, ha := a.Block(txs...)
		rb, hb := b.Block(txs...)
		if !bytes.Equal(ha, hb) {
			t.Fatalf("height %d: app hash %X in memory, %X on disk", h, ha, hb)
		}
		for i := range txs {
			if ra[i].Code != rb[i].Code || !bytes.Equal(ra[i].Data, rb[i].Data) {
				t.Fatalf("height %d tx %d (%s): code %d %q against %d %q", h, i, sents[i].route, ra[i].Code, ra[i].Data, rb[i].Code, rb[i].Data)
			}
			s := sents[i]
			tl := tallies[s.route]
			if tl == nil {
				tl = &tally{}
				tallies[s.route] = tl
			}
			switch {
			case ra[i].Code == 0:
				tl.ok++
			default:
				tl.refused++
			}
			if s.action.Valid {
				tl.valid++
			}
			s.gen.Observe(s.action, ra[i].Code, ra[i].Data)
		}
		// A transaction refused before its nonce was consumed leaves the
		// key's next nonce where it was.
		for _, s := range sents {
			n, err := a.App.NextNonce(s.key)
			if err != nil {
				t.Fatal(err)
			}
			nonces[s.key] = n - 1
		}
	}
	var routes []string
	for r := range tallies {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		tl := tallies[r]
		t.Logf("%-32s valid %3d, ok %3d, refused %3d", r, tl.valid, tl.ok, tl.refused)
	}
	for _, act := range a.App.Actions() {
		route := act.Module + "/" + act.Action
		if act.Module == "identity" {
			continue
		}
		if tl := tallies[route]; tl == nil || tl.valid == 0 {
			t.Errorf("%s: the module's generator never made a valid body of it, so its schema was not checked against what the SDK sends", route)
		}
	}
	for _, g := range gens {
		ok := 0
		for r, tl := range tallies {
			if strings.HasPrefix(r, g.module+"/") {
				ok += tl.ok
			}
		}
		if ok == 0 {
			t.Errorf("module %s: no generated action succeeded; the generator does not move the module's state", g.module)
		}
	}
}

// encode encodes a body as the SDK does (bytes are sent as they are).
func encode(t *testing.T, route string, body any) []byte {
	t.Helper()
	if raw, ok := body.([]byte); ok {
		return raw
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("%s: encode body: %v", route, err)
	}
	return b
}

// actionSchemas compiles the JSON schema of every action's body, as the
// API publishes it, with a real JSON Schema (2020-12) validator.
func actionSchemas(t *testing.T, c *testchain.Chain) map[string]*jsonschema.Schema {
	t.Helper()
	out := map[string]*jsonschema.Schema{}
	comp := jsonschema.NewCompiler()
	for _, a := range c.App.Actions() {
		route := a.Module + "/" + a.Action
		if a.Body == nil {
			t.Errorf("%s declares no body type, so the API publishes no schema of it", route)
			continue
		}
		s, err := api.Schema(a.Body)
		if err != nil {
			t.Fatalf("%s: schema: %v", route, err)
		}
		url := "mem:///" + strings.ReplaceAll(route, "/", ".") + ".json"
		if err := comp.AddResource(url, roundTrip(t, s)); err != nil {
			t.Fatalf("%s: %v", route, err)
		}
		cs, err := comp.Compile(url)
		if err != nil {
			t.Fatalf("%s: the published schema does not compile: %v", route, err)
		}
		out[route] = cs
	}
	return out
}

// roundTrip turns a Go schema value into the generic JSON the validator
// reads (numbers as json.Number).
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func checkSchema(t *testing.T, schemas map[string]*jsonschema.Schema, route string, body []byte) {
	t.Helper()
	s, ok := schemas[route]
	if !ok {
		t.Fatalf("%s: no schema", route)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: body %s: %v", route, body, err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s: the published schema refuses what the SDK sends:\n%s\n%v", route, body, fmt.Sprint(err))
	}
}
