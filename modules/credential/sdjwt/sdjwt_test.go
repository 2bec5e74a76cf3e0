package sdjwt_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	mrand "math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
)

type vectors struct {
	IssuerKey jws.JWK `json:"issuer_key"`
	HolderKey jws.JWK `json:"holder_key"`
	Examples  []struct {
		Name      string          `json:"name"`
		SDJWT     []string        `json:"sd_jwt"`
		Nonce     string          `json:"nonce"`
		Aud       string          `json:"aud"`
		Processed json.RawMessage `json:"processed"`
	} `json:"examples"`
	Digests []struct {
		Disclosure string `json:"disclosure"`
		Digest     string `json:"digest"`
	} `json:"digests"`
}

func loadVectors(t *testing.T) *vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/rfc9901.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

// canon decodes JSON keeping numbers exact, for comparisons.
func canon(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func keyOf(k *jws.PrivateKey) sdjwt.KeyResolver {
	return func(jws.Header, map[string]any) (*jws.PublicKey, error) { return &k.PublicKey, nil }
}

// TestRFC9901Examples verifies the RFC's examples with its example issuer
// key, their key binding with the nonce and audience the RFC uses, and
// compares the processed payloads with the ones the RFC prints.
func TestRFC9901Examples(t *testing.T) {
	v := loadVectors(t)
	issuer, err := jws.FromJWK(v.IssuerKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range v.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			s, err := sdjwt.Parse(strings.Join(ex.SDJWT, ""))
			if err != nil {
				t.Fatal(err)
			}
			got, err := sdjwt.Verify(s, keyOf(issuer), sdjwt.Options{RequireKB: ex.Nonce != "", Nonce: ex.Nonce, Audience: ex.Aud})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(got.Claims)
			if want := canon(t, ex.Processed); !reflect.DeepEqual(canon(t, b), want) {
				t.Fatalf("processed payload\n got %s\nwant %s", b, ex.Processed)
			}
			if ex.Nonce != "" && (got.KB == nil || got.KB.Nonce != ex.Nonce) {
				t.Fatalf("key binding %+v", got.KB)
			}
			// The presentations are bound: another nonce fails.
			if ex.Nonce != "" {
				_, err := sdjwt.Verify(s, keyOf(issuer), sdjwt.Options{RequireKB: true, Nonce: "another", Audience: ex.Aud})
				if !errors.Is(err, sdjwt.ErrKeyBinding) {
					t.Fatalf("another nonce: %v", err)
				}
			}
			// Another issuer key does not verify it.
			other, _ := jws.NewKey(jws.ES256)
			if _, err := sdjwt.Verify(s, keyOf(other), sdjwt.Options{}); !errors.Is(err, sdjwt.ErrSignature) {
				t.Fatalf("other key: %v", err)
			}
		})
	}
	for _, d := range v.Digests {
		if got := sdjwt.Digest(d.Disclosure); got != d.Digest {
			t.Errorf("Digest(%s) = %s, want %s", d.Disclosure, got, d.Digest)
		}
	}
}

// TestRFC9901PresentFromIssued makes the RFC's section 5.2 choice of
// Disclosures from the issued SD-JWT of section 5.1 and binds it with a
// new holder key: what a holder's wallet does.
func TestRFC9901PresentFromIssued(t *testing.T) {
	v := loadVectors(t)
	issuer, _ := jws.FromJWK(v.IssuerKey)
	s, _ := sdjwt.Parse(strings.Join(v.Examples[0].SDJWT, ""))
	want := map[string]bool{"given_name": true, "family_name": true, "address": true, "nationalities[0]": true}
	p, err := sdjwt.Present(s, func(path string, _ *sdjwt.Disclosure) bool { return want[path] })
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Disclosures) != 4 {
		t.Fatalf("%d disclosures presented", len(p.Disclosures))
	}
	got, err := sdjwt.Verify(p, keyOf(issuer), sdjwt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Claims["email"] != nil || got.Claims["given_name"] != "John" || len(got.Claims["nationalities"].([]any)) != 1 {
		t.Fatalf("presented claims %v", got.Claims)
	}
}

func newIssuer(t testing.TB, alg string) *jws.PrivateKey {
	k, err := jws.NewKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// credential issues a nested credential-like SD-JWT with a holder key.
func credential(t testing.TB, issuer, holder *jws.PrivateKey) *sdjwt.Issued {
	t.Helper()
	return credentialFrom(t, issuer, holder, rand.Reader)
}

// credentialFrom is credential with salts from rnd.
func credentialFrom(t testing.TB, issuer, holder *jws.PrivateKey, rnd io.Reader) *sdjwt.Issued {
	t.Helper()
	hj, _ := json.Marshal(holder.JWK())
	var cnf any
	json.Unmarshal(hj, &cnf)
	payload := map[string]any{
		"iss":  "did:dengta:test:univ",
		"type": []any{"VerifiableCredential", "DegreeCredential"},
		"credentialSubject": map[string]any{
			"name":     "张三",
			"idNumber": "340321199001011234",
			"degree":   map[string]any{"name": "工学学士", "year": json.Number("2026")},
			"majors":   []any{"计算机", "数学"},
		},
		"cnf": map[string]any{"jwk": cnf},
	}
	frame := &sdjwt.Frame{Members: map[string]*sdjwt.Frame{
		"credentialSubject": {Decoys: 2, Members: map[string]*sdjwt.Frame{
			"name":     {SD: true},
			"idNumber": {SD: true},
			"degree":   {SD: true, Members: map[string]*sdjwt.Frame{"name": {SD: true}, "year": {SD: true}}},
			"majors":   {Elements: map[int]*sdjwt.Frame{0: {SD: true}, 1: {SD: true}}},
		}},
	}}
	is, err := sdjwt.Issue(issuer, jws.Header{Typ: "vc+sd-jwt", Kid: "did:dengta:test:univ#k1"}, payload, frame, rnd)
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func TestIssuePresentVerify(t *testing.T) {
	for _, alg := range jws.Algorithms {
		t.Run(alg, func(t *testing.T) {
			issuer, holder := newIssuer(t, alg), newIssuer(t, jws.ES256)
			is := credential(t, issuer, holder)
			if len(is.Disclosures) != 7 {
				t.Fatalf("%d disclosures", len(is.Disclosures))
			}
			all, err := sdjwt.Verify(is.SDJWT, keyOf(issuer), sdjwt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			cs := all.Claims["credentialSubject"].(map[string]any)
			if cs["idNumber"] != "340321199001011234" || cs["degree"].(map[string]any)["year"] != json.Number("2026") {
				t.Fatalf("all claims %v", cs)
			}
			// Degree year only: the degree object comes with it; the name
			// and ID number stay hidden.
			p, err := sdjwt.Present(is.SDJWT, func(path string, _ *sdjwt.Disclosure) bool { return path == "credentialSubject.degree.year" })
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(1767225600, 0)
			bound, err := sdjwt.Bind(p, holder, "did:dengta:test:bank", "n-123", now)
			if err != nil {
				t.Fatal(err)
			}
			opts := sdjwt.Options{RequireKB: true, Nonce: "n-123", Audience: "did:dengta:test:bank", Now: now.Add(time.Minute), MaxAge: 5 * time.Minute, Skew: time.Minute}
			got, err := sdjwt.Verify(bound, keyOf(issuer), opts)
			if err != nil {
				t.Fatal(err)
			}
			cs = got.Claims["credentialSubject"].(map[string]any)
			if cs["name"] != nil || cs["idNumber"] != nil || cs["degree"].(map[string]any)["year"] != json.Number("2026") || cs["degree"].(map[string]any)["name"] != nil {
				t.Fatalf("presented %v", cs)
			}
			if len(cs["majors"].([]any)) != 0 {
				t.Fatalf("undisclosed majors shown: %v", cs["majors"])
			}
			// Round trip of the serialisation.
			again, err := sdjwt.Parse(bound.String())
			if err != nil || again.String() != bound.String() {
				t.Fatalf("reparse: %v", err)
			}
		})
	}
}

// TestTamper changes each part of a bound presentation and checks which
// error class catches it.
func TestTamper(t *testing.T) {
	issuer, holder := newIssuer(t, jws.ES256), newIssuer(t, jws.ES256)
	is := credential(t, issuer, holder)
	now := time.Unix(1767225600, 0)
	opts := sdjwt.Options{RequireKB: true, Nonce: "n", Audience: "aud", Now: now, MaxAge: time.Minute, Skew: time.Minute}
	bind := func(s *sdjwt.SDJWT) *sdjwt.SDJWT {
		b, err := sdjwt.Bind(s, holder, "aud", "n", now)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	full := bind(is.SDJWT)
	forged, _ := sdjwt.NewDisclosure("c2FsdHNhbHRzYWx0c2FsdA", "idNumber", false, "110101199001019999")
	otherHolder := newIssuer(t, jws.ES256)
	jparts := strings.Split(full.JWT, ".")
	sig, _ := jws.B64.DecodeString(jparts[2])
	sig[3] ^= 0x40
	for _, tc := range []struct {
		name string
		s    *sdjwt.SDJWT
		want error
	}{
		{"disclosure replaced", bind(&sdjwt.SDJWT{JWT: is.SDJWT.JWT, Disclosures: append([]string{forged.Encoded}, is.SDJWT.Disclosures[1:]...)}), sdjwt.ErrDisclosure},
		{"disclosure given twice", bind(&sdjwt.SDJWT{JWT: is.SDJWT.JWT, Disclosures: append([]string{is.SDJWT.Disclosures[0]}, is.SDJWT.Disclosures...)}), sdjwt.ErrDisclosure},
		{"disclosure byte", bind(&sdjwt.SDJWT{JWT: is.SDJWT.JWT, Disclosures: append([]string{"X" + is.SDJWT.Disclosures[0][1:]}, is.SDJWT.Disclosures[1:]...)}), sdjwt.ErrDisclosure},
		{"signature byte", bind(&sdjwt.SDJWT{JWT: jparts[0] + "." + jparts[1] + "." + jws.B64.EncodeToString(sig), Disclosures: is.SDJWT.Disclosures}), sdjwt.ErrSignature},
		{"disclosure added after binding", &sdjwt.SDJWT{JWT: full.JWT, Disclosures: full.Disclosures, KB: mustBind(t, &sdjwt.SDJWT{JWT: full.JWT, Disclosures: full.Disclosures[1:]}, holder, now).KB}, sdjwt.ErrKeyBinding},
		{"bound by another key", mustBind(t, is.SDJWT, otherHolder, now), sdjwt.ErrKeyBinding},
		{"stale binding", mustBind(t, is.SDJWT, holder, now.Add(-time.Hour)), sdjwt.ErrKeyBinding},
		{"no binding", is.SDJWT, sdjwt.ErrKeyBinding},
		{"payload byte", bind(&sdjwt.SDJWT{JWT: jparts[0] + "." + flip(jparts[1]) + "." + jparts[2], Disclosures: is.SDJWT.Disclosures}), sdjwt.ErrSignature},
	} {
		_, err := sdjwt.Verify(tc.s, keyOf(issuer), opts)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func mustBind(t *testing.T, s *sdjwt.SDJWT, k *jws.PrivateKey, at time.Time) *sdjwt.SDJWT {
	t.Helper()
	b, err := sdjwt.Bind(s, k, "aud", "n", at)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flip changes one base64url character in the middle of s, keeping it
// valid base64url.
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

// TestProcessRules covers RFC 9901 section 7.1's refusals on hand-made
// payloads.
func TestProcessRules(t *testing.T) {
	d1, _ := sdjwt.NewDisclosure("salt1", "a", false, "x")
	el, _ := sdjwt.NewDisclosure("salt2", "", true, "y")
	sdName := jws.B64.EncodeToString([]byte(`["s","_sd","x"]`))
	for _, tc := range []struct {
		name    string
		payload string
		discl   []string
		want    string
	}{
		{"unreferenced", `{"_sd":[]}`, []string{d1.Encoded}, "not referenced"},
		{"digest twice", `{"_sd":["` + d1.Digest() + `"],"b":{"_sd":["` + d1.Digest() + `"]}}`, []string{d1.Encoded}, "more than once"},
		{"clash", `{"_sd":["` + d1.Digest() + `"],"a":1}`, []string{d1.Encoded}, "both in the clear and disclosed"},
		{"element in _sd", `{"_sd":["` + el.Digest() + `"]}`, []string{el.Encoded}, "array element's disclosure is referenced from an object"},
		{"member in array", `{"l":[{"...":"` + d1.Digest() + `"}]}`, []string{d1.Encoded}, "object member's disclosure is referenced from an array"},
		{"_sd not an array", `{"_sd":"x"}`, nil, "not an array"},
		{"_sd_alg", `{"_sd_alg":"sha-512"}`, nil, "this verifier accepts sha-256"},
		{"name _sd", `{"_sd":["` + sdjwt.Digest(sdName) + `"]}`, []string{sdName}, `may not name the claim "_sd"`},
		{"fine", `{"_sd":["` + d1.Digest() + `"],"l":[{"...":"` + el.Digest() + `"},{"...":"undisclosed"}]}`, []string{d1.Encoded, el.Encoded}, ""},
	} {
		var payload map[string]any
		json.Unmarshal([]byte(tc.payload), &payload)
		out, _, err := sdjwt.Process(payload, tc.discl)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if tc.want == "" && (out["a"] != "x" || len(out["l"].([]any)) != 1 || out["l"].([]any)[0] != "y") {
			t.Errorf("%s: %v", tc.name, out)
		}
	}
}

func FuzzVerify(f *testing.F) {
	// Every fuzzing process must issue the same credential: an EdDSA
	// issuer (deterministic signatures) and salts from a fixed stream.
	issuer, _ := jws.DeriveKey(jws.EdDSA, bytes.Repeat([]byte{1}, 48))
	holder, _ := jws.DeriveKey(jws.EdDSA, bytes.Repeat([]byte{2}, 48))
	is := credentialFrom(f, issuer, holder, mrand.NewChaCha8([32]byte{3}))
	bound, _ := sdjwt.Bind(is.SDJWT, holder, "aud", "n", time.Unix(1767225600, 0))
	f.Add(is.SDJWT.String())
	f.Add(bound.String())
	f.Add("a~b~c")
	f.Add("~")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := sdjwt.Parse(s)
		if err != nil {
			return
		}
		v, err := sdjwt.Verify(p, keyOf(issuer), sdjwt.Options{Nonce: "n", Audience: "aud"})
		if err != nil {
			return
		}
		// Whatever verifies was signed by the issuer: its JWT is the one
		// issued.
		if p.JWT != is.SDJWT.JWT {
			t.Fatalf("a JWT the issuer never signed verifies: %q", p.JWT)
		}
		if v.Claims["iss"] != "did:dengta:test:univ" {
			t.Fatalf("claims %v", v.Claims)
		}
	})
}

func FuzzParseDisclosure(f *testing.F) {
	d, _ := sdjwt.NewDisclosure("salt", "name", false, map[string]any{"a": 1})
	for _, s := range []string{d.Encoded, "WyJzIiwgIngiXQ", "W10", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sdjwt.ParseDisclosure(s)
		if err != nil {
			return
		}
		if d.Name == "_sd" || d.Name == "..." || !json.Valid(d.Value) {
			t.Fatalf("accepted %q as %+v", s, d)
		}
	})
}
