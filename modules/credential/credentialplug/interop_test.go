package credentialplug_test

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/npmtest"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/credentialplug"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/vc"
)

// sdjwtJS drives the OpenWallet Foundation's SD-JWT implementation
// (@sd-jwt/core with @sd-jwt/crypto-nodejs, ES256): it verifies a
// presentation with an issuer key, issues a credential with a key and a
// disclosure frame, and presents a credential with a presentation frame
// and a key binding, as its input asks.
const sdjwtJS = `
(async () => {
  const { SDJwtInstance } = require("@sd-jwt/core");
  const { ES256, digest, generateSalt } = require("@sd-jwt/crypto-nodejs");
  const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const out = {};
  const kbVerifier = async (data, sig, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, sig);
  if (input.verify) {
    const sd = new SDJwtInstance({ hasher: digest, verifier: await ES256.getVerifier(input.verify.issuer), kbVerifier });
    const r = await sd.verify(input.verify.presentation, { keyBindingNonce: input.verify.nonce });
    out.verified = { payload: r.payload, kb: r.kb ? r.kb.payload : null };
  }
  if (input.issue) {
    const sd = new SDJwtInstance({ hasher: digest, hashAlg: "sha-256", saltGenerator: generateSalt,
      signer: await ES256.getSigner(input.issue.key), signAlg: "ES256" });
    out.credential = await sd.issue(input.issue.payload, input.issue.frame, { header: { typ: "vc+sd-jwt", cty: "vc", kid: input.issue.kid } });
  }
  if (input.present) {
    const sd = new SDJwtInstance({ hasher: digest, kbSigner: await ES256.getSigner(input.present.holder), kbSignAlg: "ES256" });
    out.presentation = await sd.present(input.present.credential, input.present.frame,
      { kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: input.present.aud, nonce: input.present.nonce } } });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
`

type jsOut struct {
	Verified *struct {
		Payload map[string]any `json:"payload"`
		KB      map[string]any `json:"kb"`
	} `json:"verified"`
	Credential   string `json:"credential"`
	Presentation string `json:"presentation"`
}

func runJS(t *testing.T, dir string, in map[string]any) *jsOut {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out jsOut
	if err := json.Unmarshal(npmtest.Node(t, dir, sdjwtJS, b), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// issuerJWK is the public key of a key of org's DID document, by kid.
func (f *fixture) issuerJWK(t *testing.T, org, kid string) credentialapi.JWK {
	t.Helper()
	did, err := client.Read(f.ctx(t), f.c, credentialapi.GetDID, credentialapi.OrgParams{Org: org})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range did.Keys {
		if k.Kid == kid {
			return k.JWK
		}
	}
	t.Fatalf("%s has no key %s", org, kid)
	return credentialapi.JWK{}
}

// TestInteropDengtaToSDJWTJS: a credential Dengta issues, and a
// selective-disclosure presentation Dengta makes of it, verify with
// @sd-jwt/core, which sees only the claims disclosed; @sd-jwt/core's own
// presentation of the same credential, with its key binding, verifies in
// Dengta, check by check.
func TestInteropDengtaToSDJWTJS(t *testing.T) {
	dir := npmtest.Require(t, "@sd-jwt/core")
	npmtest.Require(t, "@sd-jwt/crypto-nodejs")
	f := demo(t)
	signed, holder := f.issueLicence(t, "合肥惠民超市有限公司")
	issuer := f.issuerJWK(t, "regulator", signed.Anchor.Kid)
	p, nonce := f.present(t, signed.Credential, holder, "bank", "legalRepresentative", "establishedDate")
	out := runJS(t, dir, map[string]any{"verify": map[string]any{"issuer": issuer, "presentation": p, "nonce": nonce}})
	if out.Verified == nil || out.Verified.KB["nonce"] != nonce || out.Verified.KB["aud"] != f.did("bank") {
		t.Fatalf("@sd-jwt/core: %+v", out.Verified)
	}
	subject := out.Verified.Payload["credentialSubject"].(map[string]any)
	if subject["legalRepresentative"] != "孙建国" || subject["establishedDate"] != "2015-06-01" || subject["name"] != "合肥惠民超市有限公司" ||
		subject["domicile"] != nil || subject["registeredCapital"] != nil || len(subject) != 4 {
		t.Fatalf("@sd-jwt/core sees %v", subject)
	}
	if out.Verified.Payload["issuer"] != f.did("regulator") {
		t.Fatalf("payload %v", out.Verified.Payload)
	}

	// @sd-jwt/core presents the holder's credential to the bank.
	nonce2 := strings.ToLower(rand.Text())
	out = runJS(t, dir, map[string]any{"present": map[string]any{"credential": signed.Credential, "holder": holder.PrivateJWK(), "aud": f.did("bank"), "nonce": nonce2,
		"frame": map[string]any{"credentialSubject": map[string]any{"domicile": true}}}})
	rep := f.verify(t, out.Presentation, nonce2, "bank")
	if !rep.OK {
		t.Fatalf("@sd-jwt/core's presentation in Dengta: %s %+v", rep.Failed, rep.Checks)
	}
	if got := shownNames(rep); got != "domicile name uscc" {
		t.Fatalf("shown %s", got)
	}
}

func shownNames(rep *credentialapi.Report) string {
	var names []string
	for _, c := range rep.Credential.Claims {
		names = append(names, c.Name)
	}
	return strings.Join(sorted(names), " ")
}

func sorted(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// TestInteropSDJWTJSToDengta: @sd-jwt/core issues a credential with a key
// of the regulator's DID document, the regulator anchors it, and
// @sd-jwt/core's selective-disclosure presentation verifies in Dengta; a
// credential it issues with a claim the type's schema refuses fails the
// schema check once that claim is disclosed.
func TestInteropSDJWTJSToDengta(t *testing.T) {
	dir := npmtest.Require(t, "@sd-jwt/core")
	npmtest.Require(t, "@sd-jwt/crypto-nodejs")
	f := demo(t)
	key := f.externalIssuer(t, "regulator", jws.ES256)
	holder, _ := jws.NewKey(jws.ES256)
	typ := f.typeOf(t, catalog.BusinessLicence)
	issue := func(mutate func(subject map[string]any)) string {
		n, i := f.freeEntry(t, "regulator")
		// The unsecured credential Dengta would sign; @sd-jwt/core secures it.
		draft, err := (&vc.Issuer{ChainID: f.chainID, Org: "regulator", Key: key, StatusBase: f.url}).Issue(
			vc.Request{Type: typ, Claims: licence("砀山酥梨电子商务有限公司"), Holder: &holder.PublicKey, List: n, Index: i}, time.Now(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(draft.Payload)
		var payload map[string]any
		json.Unmarshal(b, &payload)
		if mutate != nil {
			mutate(payload["credentialSubject"].(map[string]any))
		}
		var sd []string
		for _, c := range typ.Claims {
			if !c.Fixed {
				if _, ok := payload["credentialSubject"].(map[string]any)[c.Name]; ok {
					sd = append(sd, c.Name)
				}
			}
		}
		out := runJS(t, dir, map[string]any{"issue": map[string]any{"key": key.PrivateJWK(), "payload": payload,
			"kid":   credential.KeyURL(f.chainID, "regulator", key.Thumbprint()),
			"frame": map[string]any{"credentialSubject": map[string]any{"_sd": sd}}}})
		hash, err := credentialplug.HashOf(out.Credential)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := client.Send(f.ctx(t), f.c, f.keys["regulator"], credentialapi.AnchorIssued, credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{
			{Hash: hash, Type: typ.ID, Kid: key.Thumbprint(), List: n, Index: i}}}); err != nil {
			t.Fatal(err)
		}
		return out.Credential
	}
	present := func(cred string, claims ...string) (string, string) {
		nonce := strings.ToLower(rand.Text())
		frame := map[string]any{}
		for _, c := range claims {
			frame[c] = true
		}
		out := runJS(t, dir, map[string]any{"present": map[string]any{"credential": cred, "holder": holder.PrivateJWK(), "aud": f.did("bank"), "nonce": nonce,
			"frame": map[string]any{"credentialSubject": frame}}})
		return out.Presentation, nonce
	}
	cred := issue(nil)
	p, nonce := present(cred, "legalRepresentative", "registeredCapital")
	rep := f.verify(t, p, nonce, "bank")
	if !rep.OK {
		t.Fatalf("@sd-jwt/core's credential in Dengta: %s %+v", rep.Failed, rep.Checks)
	}
	if got := shownNames(rep); got != "legalRepresentative name registeredCapital uscc" {
		t.Fatalf("shown %s", got)
	}
	// Dengta's own presentation of the same credential.
	p2, nonce2 := f.present(t, cred, holder, "bank", "domicile")
	if rep := f.verify(t, p2, nonce2, "bank"); !rep.OK || shownNames(rep) != "domicile name uscc" {
		t.Fatalf("Dengta's presentation of @sd-jwt/core's credential: %s %+v", rep.Failed, rep.Checks)
	}
	bad := issue(func(subject map[string]any) { subject["establishedDate"] = "2015-02-30" })
	// The schema is checked on what is disclosed: hidden, the bad date
	// passes; disclosed, it fails the schema check.
	p, nonce = present(bad, "legalRepresentative")
	if rep := f.verify(t, p, nonce, "bank"); !rep.OK {
		t.Fatalf("the bad claim undisclosed: %s %+v", rep.Failed, rep.Checks)
	}
	p, nonce = present(bad, "establishedDate")
	if rep := f.verify(t, p, nonce, "bank"); rep.OK || rep.Failed != credentialapi.CheckSchema {
		t.Fatalf("a credential against the schema: failed %q: %+v", rep.Failed, rep.Checks)
	}
}
