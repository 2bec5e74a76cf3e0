package credentialplug

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/vc"
	"github.com/dengta-chain/dengta/tx"
)

func workloads() []workload.Def {
	return []workload.Def{{
		Name:  "wcredential",
		Doc:   "credential/anchor of real-estate certificates signed as SD-JWTs by the issuers (each transaction anchors --batch-size credentials, 1 to 200; the flag's default gives 200)",
		Rates: []float64{50, 100, 200},
		Batch: true,
		New:   func(p workload.Params) workload.Workload { return &issuing{p: p} },
	}}
}

// issuing is the wcredential workload: every signer's organisation is
// authorised by governance to issue real-estate certificates, publishes
// an issuer key and has a status list per signer; each transaction
// anchors a batch of credentials the workload signed (untimed) while
// preparing the step.
type issuing struct {
	p       workload.Params
	s       *workload.Signers
	keys    map[string]*jws.PrivateKey // issuer key per organisation
	lists   []int                      // each lane's status list
	next    []int                      // each lane's next entry
	typ     *credentialapi.Type
	holder  *jws.PublicKey
	txs     []workload.Tx
	chainID string

	mu        sync.Mutex
	pending   map[[32]byte]batchOf // signed anchor transactions by hash
	committed map[listOf]int       // credentials seen committed per list
	samples   []string             // hashes of some committed credentials
	seen      atomic.Int64         // height of the last block observed
}

// listOf names a status list.
type listOf struct {
	org string
	n   int
}

// batchOf is what one anchor transaction anchors.
type batchOf struct {
	list  listOf
	count int
	first string // the first credential's hash
}

func (w *issuing) Name() string { return "wcredential" }
func (w *issuing) Describe() string {
	return fmt.Sprintf("credential/anchor of %d SD-JWT credential(s) per transaction, %s", w.batch(), w.p.SignedBy())
}
func (w *issuing) Lanes() int { return len(w.s.Keys) }

func (w *issuing) batch() int {
	return max(1, min(w.p.BatchSize, credentialapi.MaxAnchors))
}

func (w *issuing) Setup(ctx context.Context, net *workload.Network) error {
	w.chainID = net.ChainID
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), credentialapi.Name, credentialapi.AnchorIssued.Name)
	if err != nil {
		return err
	}
	w.s = s
	orgs := slices.Compact(slices.Sorted(slices.Values(s.Orgs)))
	gw := net.Nodes[0].Client()
	admin := func(org string) (*client.Key, error) {
		k, _, err := tx.OpenKeyFile(net.AdminKeyFile(org), &keyfile.Sources{})
		return client.KeyFrom(k), err
	}
	// The registry: the type and every signer organisation as its issuer,
	// by governance decisions of the genesis organisations.
	var all []string
	for _, o := range net.Orgs {
		all = append(all, o.ID)
	}
	need := 2*len(all)/3 + 1
	proposer, err := admin(all[0])
	if err != nil {
		return err
	}
	var voters []*client.Key
	for _, o := range all[1:need] {
		k, err := admin(o)
		if err != nil {
			return err
		}
		voters = append(voters, k)
	}
	d, _ := catalog.Get(catalog.RealEstate)
	var issuers [][2]string
	for _, o := range orgs {
		issuers = append(issuers, [2]string{d.ID, o})
	}
	if err := Register(ctx, gw, proposer, voters, []credentialapi.TypeDef{d}, issuers); err != nil {
		return fmt.Errorf("wcredential registry: %w", err)
	}
	w.typ = &credentialapi.Type{TypeDef: d, Hash: credential.TypeHash(&d)}
	// Each organisation's issuer key and each lane's status list.
	w.keys = map[string]*jws.PrivateKey{}
	listsOf := map[string]int{}
	for _, o := range orgs {
		seed := sha256.Sum256([]byte("wcredential issuer key " + net.ChainID + " " + o))
		k, err := jws.DeriveKey(jws.ES256, append(seed[:], seed[:16]...))
		if err != nil {
			return err
		}
		w.keys[o] = k
		ak, err := admin(o)
		if err != nil {
			return err
		}
		p, err := newPipeline(ctx, gw, ak)
		if err != nil {
			return err
		}
		proof, err := credential.KeyProof(k, net.ChainID, o)
		if err != nil {
			return err
		}
		if err := p.send(ctx, credentialapi.Name, credentialapi.AddKey.Name, credentialapi.AddKeyBody{JWK: credential.WireJWK(&k.PublicKey), Proof: proof, Name: "wcredential"}); err != nil {
			return err
		}
		n, err := listCount(ctx, gw, o)
		if err != nil {
			return err
		}
		listsOf[o] = n
		for _, so := range s.Orgs {
			if so == o {
				if err := p.send(ctx, credentialapi.Name, credentialapi.OpenList.Name, credentialapi.OpenListBody{}); err != nil {
					return err
				}
			}
		}
		if _, err := p.wait(ctx, nil); err != nil {
			return fmt.Errorf("wcredential keys and lists of %s: %w", o, err)
		}
	}
	for _, o := range s.Orgs {
		listsOf[o]++
		w.lists = append(w.lists, listsOf[o])
	}
	w.next = make([]int, len(s.Keys))
	w.pending, w.committed = map[[32]byte]batchOf{}, map[listOf]int{}
	holder, err := jws.DeriveKey(jws.ES256, make([]byte, 48))
	if err != nil {
		return err
	}
	w.holder = &holder.PublicKey
	return net.AwaitHeights(ctx, 60*time.Second)
}

// listCount is the number of status lists org opened.
func listCount(ctx context.Context, c *client.Client, org string) (int, error) {
	n := 0
	for {
		_, err := client.Read(ctx, c, credentialapi.GetList, credentialapi.ListParams{Org: org, N: n + 1})
		if isNotFound(err) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		n++
	}
}

var benchClaims = map[string]any{
	"certificateNumber": "皖(2026)砀山县不动产权第0000000号", "owner": "测试权利人", "location": "砀山县梨都大道1号",
	"unitNumber": "341321001001GB00001F00010101", "rightType": "国有建设用地使用权/房屋所有权", "registrationDate": "2026-03-01",
}

func (w *issuing) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return err
	}
	signers := len(w.s.Keys)
	now := time.Now()
	meta := make([]batchOf, n)
	txs, err := w.s.SignEach(ctx, n, credentialapi.Name, w.batch(), func(j int, _ *rand.Rand) (string, []byte) {
		lane := j % signers
		org := w.s.Orgs[lane]
		is := &vc.Issuer{ChainID: w.chainID, Org: org, Key: w.keys[org], StatusBase: net.Nodes[0].Gateway}
		body := credentialapi.AnchorBody{}
		for range w.batch() {
			out, err := is.Issue(vc.Request{Type: w.typ, Claims: benchClaims, Holder: w.holder, List: w.lists[lane], Index: w.next[lane]}, now, crand.Reader)
			if err != nil {
				panic("wcredential: " + err.Error()) // the claims are fixed and valid
			}
			w.next[lane]++
			body.Credentials = append(body.Credentials, out.Item)
		}
		meta[j] = batchOf{list: listOf{org, w.lists[lane]}, count: len(body.Credentials), first: body.Credentials[0].Hash}
		b, _ := json.Marshal(body)
		return credentialapi.AnchorIssued.Name, b
	})
	w.txs = txs
	if err != nil {
		return err
	}
	w.mu.Lock()
	for j, t := range txs {
		w.pending[sha256.Sum256(t.Raw)] = meta[j]
	}
	w.mu.Unlock()
	return nil
}

// Observe counts the anchors each committed block holds.
func (w *issuing) Observe(b *workload.Block) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, raw := range b.Txs {
		if i >= len(b.Results) || b.Results[i].Code != 0 {
			continue
		}
		h := sha256.Sum256(raw)
		if m, ok := w.pending[h]; ok {
			w.committed[m.list] += m.count
			if len(w.samples) < 64 {
				w.samples = append(w.samples, m.first)
			}
			delete(w.pending, h)
		}
	}
	w.seen.Store(b.Height)
}

func (w *issuing) Next(i int) workload.Tx { return w.txs[i] }

// Check compares each status list with what was anchored in it: no
// fewer entries taken than the anchors seen committed, no more than the
// workload signed (some may have been left unsent or uncommitted when a
// step offered more than the chain took); and some of the credentials
// seen committed are read back. It reads once every node has the first
// node's latest block and the observer has seen it.
func (w *issuing) Check(ctx context.Context, net *workload.Network) error {
	if _, err := workload.SettledHeight(ctx, net, &w.seen); err != nil {
		return err
	}
	gw := net.Nodes[0].Client()
	signed := map[listOf]int{}
	for lane := range w.s.Keys {
		signed[listOf{w.s.Orgs[lane], w.lists[lane]}] += w.next[lane]
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, most := range signed {
		l, err := client.Read(ctx, gw, credentialapi.GetList, credentialapi.ListParams{Org: k.org, N: k.n})
		if err != nil {
			return err
		}
		if least := w.committed[k]; l.List.Used < least || l.List.Used > most {
			return fmt.Errorf("status list %d of %s has %d entries taken; %d credentials were seen committed in it and %d signed", k.n, k.org, l.List.Used, least, most)
		}
	}
	for _, h := range w.samples {
		a, err := client.Read(ctx, gw, credentialapi.GetAnchor, credentialapi.HashParams{Hash: h})
		if err != nil {
			return fmt.Errorf("credential %s, seen committed: %w", h, err)
		}
		if a.Anchor.Status != credentialapi.StatusActive || a.Anchor.Type != catalog.RealEstate {
			return fmt.Errorf("credential %s: %+v", h, a.Anchor)
		}
	}
	return nil
}
