package credential_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

// model is what the chain should hold: each anchored credential's issuer,
// entry and status, and each issuer's keys and lists.
type model struct {
	creds  map[string]*mcred
	order  []string // hashes in anchoring order
	slots  map[string]string
	lists  map[string]int // lists opened per issuer
	keys   map[string][]string
	minted int
}

type mcred struct {
	issuer, typ string
	list, index int
	status      string
}

func slot(org string, n, i int) string { return fmt.Sprintf("%s/%d/%d", org, n, i) }

// TestModel runs random blocks of anchors, status changes, keys and lists
// from two issuers, predicts every result code from a model, and checks
// the module's invariants after every block: each list's anchored hashes
// are the SHA-256 of its bits, a credential's bits are its status, an
// anchor's status is the model's, and a list counts the entries taken.
func TestModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed, 40) })
	}
}

func runModel(t *testing.T, seed uint64, blocks int) {
	c := newChain(t)
	registerType(t, c, catalog.RealEstate)
	registerType(t, c, catalog.Degree)
	authorize(t, c, catalog.RealEstate, estate)
	authorize(t, c, catalog.Degree, univ)
	types := map[string]string{estate: catalog.RealEstate, univ: catalog.Degree}
	m := &model{creds: map[string]*mcred{}, slots: map[string]string{}, lists: map[string]int{}, keys: map[string][]string{}}
	for _, org := range []string{estate, univ} {
		m.keys[org] = []string{addKey(t, c, org, jws.ES256).Thumbprint()}
		do(t, c, org, "open_list", credentialapi.OpenListBody{}, errcode.OK)
		m.lists[org] = 1
	}
	rnd := rand.New(rand.NewPCG(seed, 7))
	// Small index range so that entries collide.
	const span = 40
	for b := range blocks {
		var txs [][]byte
		var want []errcode.Code
		var what []string
		add := func(org, action string, body any, code errcode.Code) {
			txs = append(txs, c.Sign(c.Members[org].Admin, credentialapi.Name, action, body))
			want = append(want, code)
			what = append(what, fmt.Sprintf("%s %s %s", org, action, testchain.Compact(body)))
		}
		for range 1 + rnd.IntN(8) {
			org := []string{estate, univ}[rnd.IntN(2)]
			switch k := rnd.IntN(10); {
			case k < 4: // anchor one or two credentials
				var items []credentialapi.AnchorItem
				code := errcode.OK
				taken := map[string]bool{}
				for range 1 + rnd.IntN(2) {
					m.minted++
					it := credentialapi.AnchorItem{Hash: hashOf(fmt.Sprintf("%d/%d", seed, m.minted)), Type: types[org],
						Kid: m.keys[org][rnd.IntN(len(m.keys[org]))], List: 1 + rnd.IntN(m.lists[org]), Index: rnd.IntN(span)}
					if rnd.IntN(6) == 0 && len(m.order) > 0 {
						it.Hash = m.order[rnd.IntN(len(m.order))] // anchored already
					}
					s := slot(org, it.List, it.Index)
					if _, ok := m.creds[it.Hash]; (ok || m.slots[s] != "" || taken[s]) && code == errcode.OK {
						code = errcode.Conflict
					}
					taken[s] = true
					items = append(items, it)
				}
				if code == errcode.OK {
					for _, it := range items {
						m.creds[it.Hash] = &mcred{issuer: org, typ: it.Type, list: it.List, index: it.Index, status: credentialapi.StatusActive}
						m.order = append(m.order, it.Hash)
						m.slots[slot(org, it.List, it.Index)] = it.Hash
					}
				}
				add(org, "anchor", credentialapi.AnchorBody{Credentials: items}, code)
			case k < 8 && len(m.order) > 0: // change a status
				h := m.order[rnd.IntN(len(m.order))]
				cr := m.creds[h]
				to := credentialapi.Statuses[rnd.IntN(len(credentialapi.Statuses))]
				signer := cr.issuer
				if rnd.IntN(8) == 0 {
					signer = map[string]string{estate: univ, univ: estate}[cr.issuer]
				}
				code := errcode.OK
				switch {
				case signer != cr.issuer:
					code = errcode.Unauthorized
				case cr.status == credentialapi.StatusRevoked || cr.status == to:
					code = errcode.Conflict
				default:
					cr.status = to
				}
				add(signer, "set_status", credentialapi.StatusBody{Hash: h, Status: to}, code)
			case k == 8: // a new key, or a key revoked
				if rnd.IntN(2) == 0 || len(m.keys[org]) == 1 {
					key, _ := jws.NewKey(jws.Algorithms[rnd.IntN(len(jws.Algorithms))])
					proof, _ := credential.KeyProof(key, testchain.ChainID, org)
					m.keys[org] = append(m.keys[org], key.Thumbprint())
					add(org, "add_key", credentialapi.AddKeyBody{JWK: credential.WireJWK(&key.PublicKey), Proof: proof}, errcode.OK)
				} else {
					i := rnd.IntN(len(m.keys[org]))
					kid := m.keys[org][i]
					m.keys[org] = slices.Delete(m.keys[org], i, i+1)
					add(org, "revoke_key", credentialapi.RevokeKeyBody{Kid: kid}, errcode.OK)
				}
			default:
				m.lists[org]++
				add(org, "open_list", credentialapi.OpenListBody{}, errcode.OK)
			}
		}
		res, _ := c.Block(txs...)
		for i, r := range res {
			if errcode.Code(r.Code) != want[i] {
				t.Fatalf("block %d: %s: code %s (%s), the model says %s", b, what[i], errcode.Code(r.Code), r.Log, want[i])
			}
		}
		checkModel(t, c, m)
	}
	if len(m.order) < 20 {
		t.Fatalf("only %d credentials anchored", len(m.order))
	}
}

func checkModel(t *testing.T, c *testchain.Chain, m *model) {
	t.Helper()
	v := c.View()
	for _, org := range []string{estate, univ} {
		n, _ := credential.Lists(v, org)
		if n != m.lists[org] {
			t.Fatalf("%s has %d lists, the model %d", org, n, m.lists[org])
		}
		for i := 1; i <= n; i++ {
			l, err := credential.GetList(v, org, i)
			if err != nil {
				t.Fatal(err)
			}
			used := 0
			bits := map[string][]byte{}
			for _, p := range statuslist.Purposes {
				b, err := credential.Bits(v, l, p)
				if err != nil {
					t.Fatal(err)
				}
				bits[p] = b
				want := l.Revocation.Hash
				if p == statuslist.Suspension {
					want = l.Suspension.Hash
				}
				if statuslist.Hash(b) != want {
					t.Fatalf("%s list %d %s: anchored %s, bits %s", org, i, p, want, statuslist.Hash(b))
				}
			}
			for _, h := range m.order {
				cr := m.creds[h]
				if cr.issuer != org || cr.list != i {
					continue
				}
				used++
				if statuslist.Get(bits[statuslist.Revocation], cr.index) != (cr.status == credentialapi.StatusRevoked) ||
					statuslist.Get(bits[statuslist.Suspension], cr.index) != (cr.status == credentialapi.StatusSuspended) {
					t.Fatalf("credential %s (%s) has the wrong bits", h, cr.status)
				}
			}
			if l.Used != used {
				t.Fatalf("%s list %d counts %d entries used, the model %d", org, i, l.Used, used)
			}
		}
	}
	for _, h := range m.order {
		a, err := credential.GetAnchor(v, h)
		if err != nil {
			t.Fatal(err)
		}
		cr := m.creds[h]
		if a.Status != cr.status || a.Issuer != cr.issuer || a.List != cr.list || a.Index != cr.index {
			t.Fatalf("anchor %+v, model %+v", a, cr)
		}
		if taken, _ := credential.SlotTaken(v, cr.issuer, cr.list, cr.index); !taken {
			t.Fatalf("the entry of %s is free", h)
		}
	}
}
