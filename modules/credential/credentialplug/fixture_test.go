package credentialplug_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/vc"
	"github.com/dengta-chain/dengta/proof"
)

// fixture is a dev node with the module's demo recorded: the catalogue's
// types registered, the market regulator, the notary office and the
// quality alliance authorised as issuers, recognition lists recorded.
type fixture struct {
	d       *daemon.Daemon
	home    string
	url     string
	chainID string
	c       *client.Client
	trust   proof.Trust
	keys    map[string]*client.Key
}

var (
	sharedOnce sync.Once
	shared     *fixture
	sharedErr  error
	stopShared func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if stopShared != nil {
		stopShared()
	}
	os.Exit(code)
}

// demo returns the package's shared demo node, started on first use: the
// tests that use it leave each other's records alone (each issues its
// own credentials).
func demo(t testing.TB) *fixture {
	t.Helper()
	sharedOnce.Do(func() {
		ft := &tbStub{TB: t}
		shared, sharedErr = startDemo(ft)
		stopShared = ft.cleanup
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// tbStub lets the shared node outlive the test that started it: its
// temporary directory and cleanups run from TestMain.
type tbStub struct {
	testing.TB
	dirs  []string
	funcs []func()
}

func (s *tbStub) TempDir() string {
	d, err := os.MkdirTemp("", "credential-node-")
	if err != nil {
		s.TB.Fatal(err)
	}
	s.dirs = append(s.dirs, d)
	return d
}

func (s *tbStub) Cleanup(f func()) { s.funcs = append(s.funcs, f) }

func (s *tbStub) cleanup() {
	for i := len(s.funcs) - 1; i >= 0; i-- {
		s.funcs[i]()
	}
	for _, d := range s.dirs {
		os.RemoveAll(d)
	}
}

func startDemo(tb testing.TB) (*fixture, error) {
	d, home := nodetest.DevHall(tb, modules.Registry()) // with <org>-admin hall users
	f := &fixture{d: d, home: home, url: d.GatewayURL, c: client.New(d.GatewayURL), keys: map[string]*client.Key{}}
	for _, o := range []string{"regulator", "coop", "logistics", "market", "foodgroup", "bank", "court", "alliance", "notary"} {
		f.keys[o] = client.KeyFrom(nodetest.AdminKey(tb, home, o))
	}
	env := &plug.DemoEnv{Client: f.c, PublicURL: d.GatewayURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Admin: func(org string) (*client.Key, error) {
			if k, ok := f.keys[org]; ok {
				return k, nil
			}
			return client.KeyFrom(nodetest.AdminKey(tb, home, org)), nil
		}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := credentialplug.Module().Demo.Seed(ctx, env); err != nil {
		return nil, err
	}
	var err error
	if f.chainID, err = f.c.ChainID(ctx); err != nil {
		return nil, err
	}
	if f.trust, err = proof.ParseTrust(node.GenesisFile(home)); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *fixture) ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func (f *fixture) did(org string) string { return credential.DID(f.chainID, org) }

// licence is a business licence's claims.
func licence(name string) map[string]any {
	return map[string]any{"uscc": "91340100MA2N00002U", "name": name, "entityType": "有限责任公司", "legalRepresentative": "孙建国",
		"registeredCapital": "人民币壹仟万元", "establishedDate": "2015-06-01", "domicile": "安徽省合肥市蜀山区"}
}

// issueLicence has the regulator issue a business licence to a holder
// through its hall node's key.
func (f *fixture) issueLicence(t testing.TB, name string) (*credentialapi.Signed, *jws.PrivateKey) {
	t.Helper()
	holder, _ := jws.NewKey(jws.ES256)
	claims := licence(name)
	s, _, err := credentialplug.Issue(f.ctx(t), f.c, f.keys["regulator"], credentialplug.Issuance{Type: catalog.BusinessLicence, Claims: claims, Holder: credential.WireJWK(&holder.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	return s, holder
}

// present discloses claims of cred to org with a fresh nonce.
func (f *fixture) present(t testing.TB, cred string, holder *jws.PrivateKey, to string, claims ...string) (presentation, nonce string) {
	t.Helper()
	nonce = strings.ToLower(rand.Text())
	p, err := credentialplug.Present(cred, claims, holder, f.did(to), nonce, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p, nonce
}

// verify fetches the evidence and verifies offline for org.
func (f *fixture) verify(t testing.TB, presentation, nonce, org string) *credentialapi.Report {
	t.Helper()
	ev, err := credentialplug.Evidence(f.ctx(t), f.c, presentation, org)
	if err != nil {
		t.Fatal(err)
	}
	return credentialplug.VerifyOffline(presentation, ev, f.trust, nonce, f.did(org), org, time.Now())
}

// externalIssuer has org publish a key it keeps itself.
func (f *fixture) externalIssuer(t testing.TB, org, alg string) *jws.PrivateKey {
	t.Helper()
	k, _ := jws.NewKey(alg)
	proofJWS, err := credential.KeyProof(k, f.chainID, org)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Send(f.ctx(t), f.c, f.keys[org], credentialapi.AddKey, credentialapi.AddKeyBody{JWK: credential.WireJWK(&k.PublicKey), Proof: proofJWS, Name: "test key"}); err != nil {
		t.Fatal(err)
	}
	return k
}

// forge builds a credential as vc.Issuer does but lets mutate change the
// payload before it is signed with key (naming keyOrg's DID), and anchors
// it with anchorOrg's admin key unless anchorOrg is empty. It returns
// the SD-JWT with every Disclosure.
func (f *fixture) forge(t testing.TB, typ *credentialapi.Type, issuer, keyOrg string, key *jws.PrivateKey, claims map[string]any, holder *jws.PublicKey, list, index int, mutate func(p map[string]any), anchorOrg string) string {
	t.Helper()
	is := &vc.Issuer{ChainID: f.chainID, Org: issuer, Key: key, StatusBase: f.url}
	out, err := is.Issue(vc.Request{Type: typ, Claims: claims, Holder: holder, List: list, Index: index}, time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	payload := out.Payload
	if mutate != nil {
		mutate(payload)
	}
	// Re-sign the payload (now perhaps invalid) as a credential.
	var frameMembers = map[string]*sdjwt.Frame{}
	for _, c := range typ.Claims {
		if !c.Fixed {
			frameMembers[c.Name] = &sdjwt.Frame{SD: true}
		}
	}
	b, _ := json.Marshal(payload)
	var p map[string]any
	json.Unmarshal(b, &p)
	issued, err := sdjwt.Issue(key, jws.Header{Typ: vc.TypSDJWT, Cty: "vc", Kid: credential.KeyURL(f.chainID, keyOrg, key.Thumbprint())}, p,
		&sdjwt.Frame{Members: map[string]*sdjwt.Frame{"credentialSubject": {Members: frameMembers}}}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if anchorOrg != "" {
		item := credentialapi.AnchorItem{Hash: credential.Hash(issued.SDJWT.JWT), Type: typ.ID, Kid: key.Thumbprint(), List: list, Index: index}
		if _, _, err := client.Send(f.ctx(t), f.c, f.keys[anchorOrg], credentialapi.AnchorIssued, credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{item}}); err != nil {
			t.Fatalf("anchor the forged credential: %v", err)
		}
	}
	return issued.SDJWT.String()
}

// typeOf reads a registered type.
func (f *fixture) typeOf(t testing.TB, id string) *credentialapi.Type {
	t.Helper()
	tv, err := client.Read(f.ctx(t), f.c, credentialapi.GetType, credentialapi.TypeParams{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return &tv.Type
}

// freeEntry is a fresh entry of org's newest list (tests use high
// entries, apart from the node's random ones).
var entries sync.Map

func (f *fixture) freeEntry(t testing.TB, org string) (int, int) {
	t.Helper()
	n := 0
	for i := 1; ; i++ {
		if _, err := client.Read(f.ctx(t), f.c, credentialapi.GetList, credentialapi.ListParams{Org: org, N: i}); err != nil {
			break
		}
		n = i
	}
	if n == 0 {
		res, _, err := client.Send(f.ctx(t), f.c, f.keys[org], credentialapi.OpenList, credentialapi.OpenListBody{})
		if err != nil {
			t.Fatal(err)
		}
		n = res.N
	}
	v, _ := entries.LoadOrStore(org, new(int))
	p := v.(*int)
	*p++
	return n, 131072 - *p
}
