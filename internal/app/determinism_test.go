package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/tx"
)

// workload generates random blocks of transactions, most of them valid,
// some deliberately not, keeping track of keys and nonces by reading the
// first chain's state.
type workload struct {
	t     *testing.T
	rng   *rand.Rand
	rnd   testchain.SeededRand
	c     *testchain.Chain // the reference chain, used to learn nonces
	orgs  []string
	keys  map[string][]*tx.PrivateKey // org -> keys it registered (and admins)
	props uint64
	next  map[tx.KeyID]uint64
}

func newWorkload(t *testing.T, c *testchain.Chain, seed uint64) *workload {
	w := &workload{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), rnd: testchain.NewSeededRand(seed + 1), c: c, keys: map[string][]*tx.PrivateKey{}, next: map[tx.KeyID]uint64{}}
	for id, m := range c.Members {
		w.orgs = append(w.orgs, id)
		w.keys[id] = []*tx.PrivateKey{m.Admin}
	}
	// Map iteration order must not leak into the workload.
	for i := range w.orgs {
		for j := i + 1; j < len(w.orgs); j++ {
			if w.orgs[j] < w.orgs[i] {
				w.orgs[i], w.orgs[j] = w.orgs[j], w.orgs[i]
			}
		}
	}
	return w
}

func (w *workload) nonce(k *tx.PrivateKey) uint64 {
	id := k.ID()
	if _, ok := w.next[id]; !ok {
		n, err := w.c.App.NextNonce(id)
		if err != nil {
			w.t.Fatal(err)
		}
		w.next[id] = n
	}
	n := w.next[id]
	w.next[id]++
	return n
}

func (w *workload) sign(k *tx.PrivateKey, nonce uint64, action string, body any) []byte {
	b, _ := json.Marshal(body)
	t := &tx.Tx{ChainID: testchain.ChainID, Nonce: nonce, Module: "identity", Action: action, Body: b}
	if err := t.Sign(k); err != nil {
		w.t.Fatal(err)
	}
	return t.Encode()
}

// pick returns a random key of the list other than the first (the admin
// key the workload signs with), or the first if there is no other.
func (w *workload) pick(list []*tx.PrivateKey) *tx.PrivateKey {
	if len(list) == 1 {
		return list[0]
	}
	return list[1+w.rng.IntN(len(list)-1)]
}

// block returns one random block of transactions.
func (w *workload) block() [][]byte {
	var txs [][]byte
	for range 1 + w.rng.IntN(12) {
		org := w.orgs[w.rng.IntN(len(w.orgs))]
		admin := w.keys[org][0]
		switch op := w.rng.IntN(100); {
		case op < 40: // register a key
			algo := tx.AlgoEd25519
			if w.rng.IntN(2) == 0 {
				algo = tx.AlgoSM2
			}
			k := testchain.NewKey(w.t, algo, w.rnd)
			w.keys[org] = append(w.keys[org], k)
			txs = append(txs, w.sign(admin, w.nonce(admin), "register_key", map[string]any{"public_key": k.Public(), "admin": w.rng.IntN(4) == 0}))
		case op < 50: // deactivate a (maybe already inactive, maybe foreign) key
			target := w.pick(w.keys[w.orgs[w.rng.IntN(len(w.orgs))]])
			txs = append(txs, w.sign(admin, w.nonce(admin), "deactivate_key", map[string]any{"key_id": target.ID()}))
		case op < 58: // rotate
			target := w.pick(w.keys[org])
			k := testchain.NewKey(w.t, tx.AlgoSM2, w.rnd)
			w.keys[org] = append(w.keys[org], k)
			txs = append(txs, w.sign(admin, w.nonce(admin), "rotate_key", map[string]any{"key_id": target.ID(), "public_key": k.Public()}))
		case op < 66: // propose
			var body map[string]any
			switch w.rng.IntN(3) {
			case 0:
				body = map[string]any{"kind": "set_roles", "org_id": w.orgs[w.rng.IntN(len(w.orgs))], "roles": []role.Role{w.c.App.Roles().All()[w.rng.IntN(len(w.c.App.Roles().All()))]}}
			case 1:
				// Only the market may be voted out, so that the workload
				// keeps most organisations active.
				body = map[string]any{"kind": "remove_org", "org_id": "market"}
			default:
				k := testchain.NewKey(w.t, tx.AlgoSM2, w.rnd)
				id := fmt.Sprintf("new-%d", w.rng.IntN(1000))
				first := fmt.Sprintf("91330000MA%07d", w.rng.IntN(1000))
				c, _ := identity.USCCCheck(first)
				body = map[string]any{"kind": "add_org", "org": identity.OrgSpec{ID: id, Name: "新机构", USCC: first + string(c), Roles: []role.Role{role.Logistics}, AdminKeys: []tx.PublicKey{k.Public()}}}
			}
			w.props++
			txs = append(txs, w.sign(admin, w.nonce(admin), "propose", body))
		case op < 80: // vote on a recent proposal
			if w.props == 0 {
				continue
			}
			id := 1 + w.rng.Uint64N(w.props)
			txs = append(txs, w.sign(admin, w.nonce(admin), "vote", map[string]any{"proposal_id": id, "approve": w.rng.IntN(3) > 0}))
		case op < 85: // a key of the organisation acts on another organisation's admin key
			k := w.pick(w.keys[org])
			other := w.keys[w.orgs[(w.rng.IntN(len(w.orgs)-1)+1+indexOf(w.orgs, org))%len(w.orgs)]][0]
			txs = append(txs, w.sign(k, w.nonce(k), "deactivate_key", map[string]any{"key_id": other.ID()}))
		case op < 90: // replay or skip a nonce
			n := w.nonce(admin)
			w.next[admin.ID()]--
			if w.rng.IntN(2) == 0 {
				n = max(1, n-1-w.rng.Uint64N(3))
			} else {
				n += 1 + w.rng.Uint64N(3)
			}
			txs = append(txs, w.sign(admin, n, "register_key", map[string]any{"public_key": testchain.NewKey(w.t, tx.AlgoEd25519, w.rnd).Public()}))
		case op < 95: // corrupt bytes
			raw := w.sign(admin, 1, "register_key", map[string]any{})
			raw[w.rng.IntN(len(raw))] ^= byte(1 + w.rng.IntN(255))
			txs = append(txs, raw)
		default: // malformed body
			txs = append(txs, w.sign(admin, w.nonce(admin), "vote", map[string]any{"proposal_id": "x"}))
		}
	}
	return txs
}

// resync forgets nonce guesses after a block, since failed envelopes do
// not consume nonces.
func (w *workload) resync() { clear(w.next) }

// TestDeterminism applies the same random transactions to three
// independent application instances (in memory, on disk, and on disk with
// a restart half way) and requires the same app hash and the same results
// at every height.
func TestDeterminism(t *testing.T) {
	orgs := []testchain.Org{
		{ID: "regulator", Roles: []role.Role{role.Regulator}, Validator: true},
		{ID: "coop", Roles: []role.Role{role.Producer}, Validator: true},
		{ID: "bank", Roles: []role.Role{role.Bank}, Validator: true},
		{ID: "court", Roles: []role.Role{role.Inspector}, Validator: true},
		{ID: "market", Roles: []role.Role{role.Logistics}},
	}
	const seed = 2026
	dirB, dirC := t.TempDir(), t.TempDir()
	a := testchain.New(t, testchain.Options{Orgs: orgs, Seed: seed})
	b := testchain.New(t, testchain.Options{Orgs: orgs, Seed: seed, Dir: dirB})
	c := testchain.New(t, testchain.Options{Orgs: orgs, Seed: seed, Dir: dirC})
	w := newWorkload(t, a, seed)

	const blocks = 120
	var ok, failed int
	hashes := map[string]bool{}
	codes := map[uint32]int{}
	for h := 1; h <= blocks; h++ {
		txs := w.block()
		ra, ha := a.Block(txs...)
		rb, hb := b.Block(txs...)
		rc, hc := c.Block(txs...)
		if !bytes.Equal(ha, hb) || !bytes.Equal(ha, hc) {
			t.Fatalf("height %d: app hashes differ: %X %X %X", h, ha, hb, hc)
		}
		for i := range ra {
			if ra[i].Code != rb[i].Code || ra[i].Code != rc[i].Code || ra[i].Log != rb[i].Log {
				t.Fatalf("height %d tx %d: results differ: %d %q / %d %q / %d %q", h, i, ra[i].Code, ra[i].Log, rb[i].Code, rb[i].Log, rc[i].Code, rc[i].Log)
			}
			codes[ra[i].Code]++
			if ra[i].Code == 0 {
				ok++
			} else {
				failed++
			}
		}
		hashes[string(ha)] = true
		w.resync()
		if h == blocks/2 {
			c.Store.Close()
			c = testchain.Reopen(t, dirC, c)
		}
	}
	// The workload must exercise the chain, not just fail.
	if ok < 200 || failed < 50 || len(hashes) < blocks/2 {
		t.Fatalf("weak workload: %d ok, %d failed, %d distinct app hashes in %d blocks", ok, failed, len(hashes), blocks)
	}
	t.Logf("%d blocks: %d transactions applied, %d rejected, %d distinct app hashes; by code: %v", blocks, ok, failed, len(hashes), codes)
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
