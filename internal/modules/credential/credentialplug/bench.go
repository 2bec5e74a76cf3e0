package credentialplug

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/modules/credential"
	"github.com/dengta-chain/dengta/internal/modules/credential/catalog"
	"github.com/dengta-chain/dengta/internal/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/internal/modules/credential/jws"
	"github.com/dengta-chain/dengta/internal/modules/credential/vc"
	"github.com/dengta-chain/dengta/internal/tx"
	"github.com/dengta-chain/dengta/internal/workload"
)

func workloads() []workload.Def {
	return []workload.Def{{
		Name:  "wcredential",
		Doc:   "credential/anchor of real-estate certificates signed as SD-JWTs by the issuers (each transaction anchors --batch credentials, 1 when 0)",
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
	issued  []int // credentials anchored per lane, for Check
	chainID string
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
	w.issued = make([]int, len(s.Keys))
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
		b, _ := json.Marshal(body)
		return credentialapi.AnchorIssued.Name, b
	})
	w.txs = txs
	return err
}

func (w *issuing) Next(i int) workload.Tx { return w.txs[i] }

// Check compares each lane's status list with what the lane anchored:
// every entry it gave out is taken.
func (w *issuing) Check(ctx context.Context, net *workload.Network) error {
	gw := net.Nodes[0].Client()
	used := map[[2]any]int{}
	for lane := range w.s.Keys {
		used[[2]any{w.s.Orgs[lane], w.lists[lane]}] += w.next[lane]
	}
	for k, want := range used {
		l, err := client.Read(ctx, gw, credentialapi.GetList, credentialapi.ListParams{Org: k[0].(string), N: k[1].(int)})
		if err != nil {
			return err
		}
		if l.List.Used != want {
			return fmt.Errorf("status list %d of %s has %d entries taken, the workload anchored %d", k[1], k[0], l.List.Used, want)
		}
	}
	return nil
}
