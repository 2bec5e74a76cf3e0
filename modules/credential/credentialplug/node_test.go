package credentialplug_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
	"github.com/dengta-chain/dengta/proof"
)

// TestDemoRegistry: the demo registered the catalogue and its issuers by
// governance, and published its issuers' keys, offline-provable.
func TestDemoRegistry(t *testing.T) {
	f := demo(t)
	ctx := f.ctx(t)
	l, err := client.Read(ctx, f.c, credentialapi.ListTypes, credentialapi.HeightParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Types) != len(catalog.Types()) || len(l.Drafts) != 0 {
		t.Fatalf("%d types, %d drafts", len(l.Types), len(l.Drafts))
	}
	active := map[string]bool{}
	for _, a := range l.Issuers {
		if a.Active {
			active[a.Type+"/"+a.Issuer] = true
		}
	}
	for _, want := range []string{catalog.BusinessLicence + "/regulator", catalog.Notarial + "/notary", catalog.Quality + "/alliance"} {
		if !active[want] {
			t.Errorf("no active authorisation %s in %+v", want, l.Issuers)
		}
	}
	did, err := client.Read(ctx, f.c, credentialapi.GetDID, credentialapi.OrgParams{Org: "regulator", Prove: true})
	if err != nil {
		t.Fatal(err)
	}
	// The node's key, and any key other tests had the regulator publish.
	if did.DID != f.did("regulator") || !did.Active || len(did.Keys) == 0 {
		t.Fatalf("DID %+v", did)
	}
	for _, k := range did.Keys {
		if !strings.Contains(string(did.Document), k.Kid) {
			t.Fatalf("key %s is not in the document %s", k.Kid, did.Document)
		}
	}
	for key, raw := range did.Proofs {
		r, err := proof.Verify([]byte(raw), f.trust)
		if err != nil || r.Key != key || !r.Exists {
			t.Fatalf("bundle of %s: %v", key, err)
		}
	}
	// The SDK resolves it from the bundles, trusting the node for nothing.
	res, err := credentialplug.ResolveDID(ctx, f.c, "regulator", f.trust)
	var nodeDoc bytes.Buffer
	if err := json.Compact(&nodeDoc, did.Document); err != nil {
		t.Fatal(err)
	}
	if err != nil || res.DID != did.DID || string(res.Document) != nodeDoc.String() || len(res.Keys) != len(did.Keys) {
		t.Fatalf("resolved %+v, %v; the node's document %s", res, err, did.Document)
	}
	tv, err := client.Read(ctx, f.c, credentialapi.GetType, credentialapi.TypeParams{ID: catalog.Quality, Prove: true})
	if err != nil || len(tv.Proofs) != 2 {
		t.Fatalf("type view %+v, %v", tv, err)
	}
	rec, err := client.Read(ctx, f.c, credentialapi.GetRecognition, credentialapi.OrgParams{Org: "bank"})
	if err != nil || len(rec.Items) != 3 {
		t.Fatalf("bank's recognition %+v, %v", rec, err)
	}
	// The issuer's history is for the issuer and those who oversee.
	_, err = client.Read(ctx, f.c.As(f.keys["bank"]), credentialapi.ListIssued, credentialapi.PageParams{Org: "alliance"})
	if !client.IsCode(err, "unauthorized") {
		t.Fatalf("the bank reads the alliance's issued list: %v", err)
	}
	page, err := client.Read(ctx, f.c.As(f.keys["alliance"]), credentialapi.ListIssued, credentialapi.PageParams{Org: "alliance"})
	if err != nil || len(page.Items) != 1 || page.Items[0].Status != credentialapi.StatusSuspended {
		t.Fatalf("the alliance's issued list %+v, %v", page, err)
	}
}

// TestIssuePresentVerify: the regulator issues a business licence, the
// holder shows its name and legal representative to the bank bound to the
// bank's nonce, the bank verifies it offline with evidence from the chain
// (every check passes, only what was shown is shown) and online; once the
// regulator revokes it, the same presentation fails the status check.
func TestIssuePresentVerify(t *testing.T) {
	f := demo(t)
	signed, holder := f.issueLicence(t, "合肥惠民超市有限公司")
	p, nonce := f.present(t, signed.Credential, holder, "bank", "legalRepresentative")
	rep := f.verify(t, p, nonce, "bank")
	if !rep.OK {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.Checks) != len(credentialapi.Checks) {
		t.Fatalf("%d checks: %+v", len(rep.Checks), rep.Checks)
	}
	for i, c := range rep.Checks {
		if c.Name != credentialapi.Checks[i] || !c.OK || c.Detail == "" {
			t.Fatalf("check %d: %+v", i, c)
		}
	}
	shown := map[string]string{}
	for _, c := range rep.Credential.Claims {
		shown[c.Name] = string(c.Value)
	}
	want := map[string]string{"uscc": `"91340100MA2N00002U"`, "name": `"合肥惠民超市有限公司"`, "legalRepresentative": `"孙建国"`}
	if !reflect.DeepEqual(shown, want) {
		t.Fatalf("shown %v, want %v", shown, want)
	}
	if rep.Credential.IssuerName != "砀山县市场监督管理局" || rep.Credential.TypeName != "营业执照" || rep.Recognized == nil || !*rep.Recognized {
		t.Fatalf("summary %+v recognized %v", rep.Credential, rep.Recognized)
	}
	// The node verifies the same way.
	on, err := credentialplug.VerifyOnline(f.ctx(t), f.c, credentialapi.VerifyRequest{Presentation: p, Nonce: nonce, Audience: f.did("bank"), RecognizedBy: "bank"})
	if err != nil || !on.OK {
		t.Fatalf("online: %+v, %v", on, err)
	}
	// Without the verifier's nonce and audience nothing shows the
	// presentation was made for this verifier: a presentation made for the
	// bank does not pass the holder check of whoever leaves them empty.
	var apiErr *client.Error
	for _, tc := range []struct{ nonce, aud string }{{"", ""}, {nonce, ""}, {"", f.did("bank")}} {
		ev, err := credentialplug.Evidence(f.ctx(t), f.c, p, "")
		if err != nil {
			t.Fatal(err)
		}
		rep := credentialplug.VerifyOffline(p, ev, f.trust, tc.nonce, tc.aud, "", time.Now())
		if rep.OK || rep.Failed != credentialapi.CheckHolder {
			t.Fatalf("nonce %q audience %q: failed %q %+v", tc.nonce, tc.aud, rep.Failed, rep.Checks)
		}
		if _, err := credentialplug.VerifyOnline(f.ctx(t), f.c, credentialapi.VerifyRequest{Presentation: p, Nonce: tc.nonce, Audience: tc.aud}); !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
			t.Fatalf("online with nonce %q audience %q: %v", tc.nonce, tc.aud, err)
		}
		resp, err := http.PostForm(f.url+"/credential/verify", url.Values{"presentation": {p}, "nonce": {tc.nonce}, "audience": {tc.aud}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), "证照真实有效") || strings.Contains(string(page), "针对本次核验请求出示") || !strings.Contains(string(page), "请填写您给持证人的随机数") {
			t.Fatalf("public check with nonce %q audience %q:\n%s", tc.nonce, tc.aud, page)
		}
	}
	// Another relying organisation that does not recognise the regulator.
	p2, nonce2 := f.present(t, signed.Credential, holder, "court", "name")
	if rep := f.verify(t, p2, nonce2, "court"); rep.OK || rep.Failed != credentialapi.CheckRecognition {
		t.Fatalf("court's check: %s %+v", rep.Failed, rep.Checks)
	}
	// Revoked: the same presentation fails on its status, with evidence
	// fetched after the revocation committed.
	res, err := credentialplug.SetStatus(f.ctx(t), f.c, f.keys["regulator"], signed.Hash, credentialapi.StatusRevoked, "吊销")
	if err != nil || res.Status != credentialapi.StatusRevoked {
		t.Fatalf("revoke: %+v, %v", res, err)
	}
	rep = f.verify(t, p, nonce, "bank")
	if rep.OK || rep.Failed != credentialapi.CheckStatus || rep.Credential.Status != credentialapi.StatusRevoked {
		t.Fatalf("after revocation: %s %+v", rep.Failed, rep.Checks)
	}
}

// TestTamper changes each class of bytes a verifier receives, and each is
// caught by its own check.
func TestTamper(t *testing.T) {
	f := demo(t)
	signed, holder := f.issueLicence(t, "砀山县梨都果品专业合作社")
	good, nonce := f.present(t, signed.Credential, holder, "bank", "legalRepresentative", "domicile")
	ev, err := credentialplug.Evidence(f.ctx(t), f.c, good, "bank")
	if err != nil {
		t.Fatal(err)
	}
	verify := func(presentation string, ev *credentialapi.Evidence) *credentialapi.Report {
		return credentialplug.VerifyOffline(presentation, ev, f.trust, nonce, f.did("bank"), "bank", time.Now())
	}
	if rep := verify(good, ev); !rep.OK {
		t.Fatalf("genuine: %+v", rep.Checks)
	}
	s, _ := sdjwt.Parse(good)
	bind := func(s *sdjwt.SDJWT) string {
		b, err := sdjwt.Bind(&sdjwt.SDJWT{JWT: s.JWT, Disclosures: s.Disclosures}, holder, f.did("bank"), nonce, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	forgedRep, _ := sdjwt.NewDisclosure("c2FsdC1zYWx0LXNhbHQtMQ", "legalRepresentative", false, "王冒名")
	parts := strings.Split(s.JWT, ".")
	sig, _ := jws.B64.DecodeString(parts[2])
	sig[5] ^= 1
	badSig := parts[0] + "." + parts[1] + "." + jws.B64.EncodeToString(sig)
	// The enterprise's name, in the clear, changed in the signed payload.
	payload, _ := jws.B64.DecodeString(parts[1])
	renamed := parts[0] + "." + jws.B64.EncodeToString(bytes.Replace(payload, []byte("砀山县梨都果品专业合作社"), []byte("砀山县冒名果品专业合作社"), 1)) + "." + parts[2]
	// The status list with the credential's entry set, though the chain
	// anchors it clear.
	tamperedList := func() *credentialapi.Evidence {
		e := *ev
		e.StatusLists = map[string]string{}
		for k, v := range ev.StatusLists {
			e.StatusLists[k] = v
		}
		bits, _ := statuslist.Decode(e.StatusLists[statuslist.Revocation], statuslist.MaxEntries/8)
		statuslist.Set(bits, signed.Anchor.Index, true)
		e.StatusLists[statuslist.Revocation], _ = statuslist.Encode(bits)
		return &e
	}()
	swappedBundle := func() *credentialapi.Evidence {
		e := *ev
		e.Bundles = map[string]string{}
		for k, v := range ev.Bundles {
			e.Bundles[k] = v
		}
		k := string(credential.IssuerKey(catalog.BusinessLicence, "regulator"))
		e.Bundles[k] = strings.Replace(e.Bundles[k], `"active": true`, `"active": false`, 1)
		return &e
	}()
	// What the holder sends is checked with the evidence of what it names
	// (a verifier fetches it for the presentation); the evidence's own
	// bytes are checked against the chain.
	for _, tc := range []struct {
		name         string
		presentation string
		ev           *credentialapi.Evidence // nil: fetched for the presentation
		check        string
	}{
		{"a disclosure replaced", bind(&sdjwt.SDJWT{JWT: s.JWT, Disclosures: append([]string{forgedRep.Encoded}, s.Disclosures[1:]...)}), nil, credentialapi.CheckDisclosures},
		{"a signature byte", bind(&sdjwt.SDJWT{JWT: badSig, Disclosures: s.Disclosures}), nil, credentialapi.CheckSignature},
		{"a claim in the clear", bind(&sdjwt.SDJWT{JWT: renamed, Disclosures: s.Disclosures}), nil, credentialapi.CheckSignature},
		{"the status list", good, tamperedList, credentialapi.CheckStatus},
		{"a proof bundle", good, swappedBundle, credentialapi.CheckProof},
		{"the evidence of another credential", bind(&sdjwt.SDJWT{JWT: badSig, Disclosures: s.Disclosures}), ev, credentialapi.CheckProof},
		{"another nonce", func() string { p, _ := f.present(t, signed.Credential, holder, "bank", "name"); return p }(), nil, credentialapi.CheckHolder},
		{"a disclosure added after binding", s.JWT + "~" + strings.Join(s.Disclosures, "~") + "~" + s.Disclosures[0] + "~" + s.KB, nil, credentialapi.CheckDisclosures},
		{"no key binding", s.JWT + "~" + strings.Join(s.Disclosures, "~") + "~", nil, credentialapi.CheckHolder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.ev
			if e == nil {
				var err error
				if e, err = credentialplug.Evidence(f.ctx(t), f.c, tc.presentation, "bank"); err != nil {
					t.Fatal(err)
				}
			}
			rep := verify(tc.presentation, e)
			if rep.OK || rep.Failed != tc.check {
				t.Fatalf("failed %q, want %q: %+v", rep.Failed, tc.check, rep.Checks)
			}
		})
	}

	// The issuer class: a credential naming the regulator as issuer but
	// signed with the market's own key; one the market (not authorised)
	// issues as itself; and the schema class: a licence the regulator
	// signed with a USCC that does not match the type's schema.
	typ := f.typeOf(t, catalog.BusinessLicence)
	marketKey := f.externalIssuer(t, "market", jws.ES256)
	regKey := f.externalIssuer(t, "regulator", jws.EdDSA)
	n, i := f.freeEntry(t, "regulator")
	claims := licence("冒名企业")
	asRegulator := f.forge(t, typ, "regulator", "market", marketKey, claims, &holder.PublicKey, n, i, nil, "")
	mn, mi := f.freeEntry(t, "market")
	asMarket := f.forge(t, typ, "market", "market", marketKey, claims, &holder.PublicKey, mn, mi, nil, "")
	n2, i2 := f.freeEntry(t, "regulator")
	badSchema := f.forge(t, typ, "regulator", "regulator", regKey, licence("格式错误企业"), &holder.PublicKey, n2, i2, func(p map[string]any) {
		p["credentialSubject"].(map[string]any)["uscc"] = "not-a-credit-code"
	}, "regulator")
	for _, tc := range []struct {
		name, cred, check string
	}{
		{"signed with another organisation's key", asRegulator, credentialapi.CheckIssuer},
		{"issued by an organisation not authorised", asMarket, credentialapi.CheckIssuer},
		{"claims that break the schema", badSchema, credentialapi.CheckSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, nonce := f.present(t, tc.cred, holder, "bank", "name")
			rep := f.verify(t, p, nonce, "bank")
			if rep.OK || rep.Failed != tc.check {
				t.Fatalf("failed %q, want %q: %+v", rep.Failed, tc.check, rep.Checks)
			}
		})
	}
}

// flip changes one base64url character in the middle of s.
func flip(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestStatusListCredential: an issuer's node publishes each status list
// as a JWT-secured BitstringStatusListCredential signed with a key of the
// issuer's DID document, whose bits hash to the list's anchored hash.
func TestStatusListCredential(t *testing.T) {
	f := demo(t)
	signed, _ := f.issueLicence(t, "皖北食品集团有限公司")
	if _, err := credentialplug.SetStatus(f.ctx(t), f.c, f.keys["regulator"], signed.Hash, credentialapi.StatusSuspended, ""); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(f.url + "/v1/credential/status/regulator/" + strconv.Itoa(signed.Anchor.List) + "/suspension")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	j, err := jws.Parse(string(body))
	if err != nil {
		t.Fatal(err)
	}
	did, err := client.Read(f.ctx(t), f.c, credentialapi.GetDID, credentialapi.OrgParams{Org: "regulator"})
	if err != nil {
		t.Fatal(err)
	}
	var key *jws.PublicKey
	for _, k := range did.Keys {
		if j.Header.Kid == f.did("regulator")+"#"+k.Kid {
			key, _ = credential.PublicKey(k.JWK)
		}
	}
	if key == nil || j.Verify(key) != nil || j.Header.Typ != "vc+jwt" {
		t.Fatalf("status list credential's signature (kid %s)", j.Header.Kid)
	}
	var vcp struct {
		Type    []string `json:"type"`
		Subject struct {
			Purpose string `json:"statusPurpose"`
			List    string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	json.Unmarshal(j.Payload, &vcp)
	bits, err := statuslist.Decode(vcp.Subject.List, statuslist.MaxEntries/8)
	if err != nil || !statuslist.Get(bits, signed.Anchor.Index) || vcp.Subject.Purpose != "suspension" || vcp.Type[1] != "BitstringStatusListCredential" {
		t.Fatalf("status list credential %+v, %v", vcp, err)
	}
	lv, err := client.Read(f.ctx(t), f.c, credentialapi.GetList, credentialapi.ListParams{Org: "regulator", N: signed.Anchor.List, Prove: true})
	if err != nil || lv.List.Suspension.Hash != statuslist.Hash(bits) {
		t.Fatalf("anchored %+v, %v", lv, err)
	}
	if _, err := proof.Verify([]byte(lv.Proofs[string(credential.ListKey("regulator", signed.Anchor.List))]), f.trust); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPIFragment keeps the fragment's schemas those of the wire
// types.
func TestOpenAPIFragment(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]reflect.Type{
		"CredentialSignRequest":   reflect.TypeFor[credentialapi.SignRequest](),
		"CredentialSigned":        reflect.TypeFor[credentialapi.Signed](),
		"CredentialVerifyRequest": reflect.TypeFor[credentialapi.VerifyRequest](),
		"CredentialReport":        reflect.TypeFor[credentialapi.Report](),
	} {
		s, err := api.Schema(typ)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(s)
		var got any
		json.Unmarshal(doc.Components.Schemas[name], &got)
		gotb, _ := json.Marshal(got)
		if !bytes.Equal(gotb, want) {
			t.Errorf("openapi.json schema %s differs from the wire type's:\n got %s\nwant %s", name, gotb, want)
		}
	}
}

// TestFutureFoundingRefused: a business licence founded in 2099 is
// refused before it is signed or anchored.
func TestFutureFoundingRefused(t *testing.T) {
	f := demo(t)
	holder, _ := jws.NewKey(jws.ES256)
	claims := licence("未来科技有限公司")
	claims["establishedDate"] = "2099-01-01"
	_, _, err := credentialplug.Issue(f.ctx(t), f.c, f.keys["regulator"], credentialplug.Issuance{Type: catalog.BusinessLicence, Claims: claims, Holder: credential.WireJWK(&holder.PublicKey)})
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest || !strings.Contains(apiErr.Message, "establishedDate") {
		t.Fatalf("a licence founded in 2099: %v", err)
	}
}
