package jws_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// RFC 8037 appendix A: the Ed25519 key, its thumbprint and the signature
// of "Example of Ed25519 signing" (Ed25519 signatures are deterministic).
const (
	rfc8037D          = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
	rfc8037X          = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	rfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
	rfc8037JWS        = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)

func TestRFC8037(t *testing.T) {
	k, err := jws.FromJWK(jws.JWK{Kty: "OKP", Crv: "Ed25519", X: rfc8037X, D: rfc8037D})
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Thumbprint(); got != rfc8037Thumbprint {
		t.Errorf("Thumbprint = %q, want %q", got, rfc8037Thumbprint)
	}
	got, err := jws.Sign(k, jws.Header{}, []byte("Example of Ed25519 signing"))
	if err != nil {
		t.Fatal(err)
	}
	if got != rfc8037JWS {
		t.Errorf("Sign = %q, want %q", got, rfc8037JWS)
	}
	j, err := jws.Parse(rfc8037JWS)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Verify(&k.PublicKey); err != nil {
		t.Fatal(err)
	}
}

// The example key of RFC 9901 (appendix A.5), as a public JWK.
const rfc9901Issuer = `{"kty":"EC","crv":"P-256","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}`

func TestSignVerifyEachAlgorithm(t *testing.T) {
	for _, alg := range jws.Algorithms {
		t.Run(alg, func(t *testing.T) {
			k, err := jws.NewKey(alg)
			if err != nil {
				t.Fatal(err)
			}
			compact, err := jws.Sign(k, jws.Header{Typ: "vc+sd-jwt", Kid: "did:example:1#k"}, []byte(`{"a":1}`))
			if err != nil {
				t.Fatal(err)
			}
			j, err := jws.Parse(compact)
			if err != nil {
				t.Fatal(err)
			}
			if j.Header.Alg != alg || j.Header.Typ != "vc+sd-jwt" || j.Header.Kid != "did:example:1#k" || string(j.Payload) != `{"a":1}` {
				t.Fatalf("parsed %+v %s", j.Header, j.Payload)
			}
			pub, err := jws.FromJWK(k.JWK())
			if err != nil {
				t.Fatal(err)
			}
			if pub.Private() || pub.Thumbprint() != k.Thumbprint() {
				t.Fatalf("public copy: private %v, thumbprint %s vs %s", pub.Private(), pub.Thumbprint(), k.Thumbprint())
			}
			if err := j.Verify(&pub.PublicKey); err != nil {
				t.Fatal(err)
			}
			// Every byte of the signature matters.
			for i := range j.Signature {
				bad := bytes.Clone(j.Signature)
				bad[i] ^= 0x01
				if pub.Verify([]byte(j.Input), bad) {
					t.Fatalf("signature with byte %d flipped verifies", i)
				}
			}
			// Another key of the same algorithm does not verify it.
			other, _ := jws.NewKey(alg)
			if j.Verify(&other.PublicKey) == nil {
				t.Fatal("verifies with another key")
			}
			// The private JWK round-trips.
			again, err := jws.FromJWK(k.PrivateJWK())
			if err != nil || !again.Private() || again.Thumbprint() != k.Thumbprint() {
				t.Fatalf("private round trip: %v", err)
			}
		})
	}
}

func TestDeriveKeyIsDeterministic(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, 48)
	for _, alg := range jws.Algorithms {
		a, err := jws.DeriveKey(alg, seed)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := jws.DeriveKey(alg, seed)
		c, _ := jws.DeriveKey(alg, bytes.Repeat([]byte{8}, 48))
		if a.Thumbprint() != b.Thumbprint() || a.Thumbprint() == c.Thumbprint() {
			t.Errorf("%s: derived keys %s %s %s", alg, a.Thumbprint(), b.Thumbprint(), c.Thumbprint())
		}
	}
	if _, err := jws.DeriveKey(jws.ES256, make([]byte, 31)); err == nil {
		t.Error("a 31-byte seed was accepted")
	}
}

func TestParseJWKRefusals(t *testing.T) {
	valid := map[string]string{}
	json.Unmarshal([]byte(rfc9901Issuer), &valid)
	for _, tc := range []struct {
		name, jwk, want string
	}{
		{"rsa", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, "is not a key this verifier accepts"},
		{"padding", strings.Replace(rfc9901Issuer, `uNtQ"`, `uNtQ="`, 1), "not base64url"},
		{"short x", `{"kty":"EC","crv":"P-256","x":"AAAA","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}`, "is 3 bytes, want 32"},
		{"off the curve", `{"kty":"EC","crv":"P-256","x":"b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ","y":"Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk0"}`, "not on P-256"},
		{"ed25519 with y", `{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `","y":"AA"}`, "has no y"},
		{"wrong d", `{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `","d":"` + rfc8037X + `"}`, "d does not match"},
		{"not json", `{"kty":`, "jwk:"},
	} {
		_, err := jws.ParseJWK([]byte(tc.jwk))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseJWK(%s) = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	if _, err := jws.ParseJWK([]byte(rfc9901Issuer)); err != nil {
		t.Errorf("RFC 9901 issuer key: %v", err)
	}
}

func TestParseRefusals(t *testing.T) {
	k, _ := jws.NewKey(jws.ES256)
	good, _ := jws.Sign(k, jws.Header{Typ: "kb+jwt"}, []byte(`{}`))
	parts := strings.Split(good, ".")
	h := func(s string) string { return jws.B64.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		name, compact, want string
	}{
		{"two parts", parts[0] + "." + parts[1], "2 parts"},
		{"none", h(`{"alg":"none"}`) + "." + parts[1] + ".", `algorithm "none" is not accepted`},
		{"no alg", h(`{"typ":"JWT"}`) + "." + parts[1] + "." + parts[2], "no alg"},
		{"crit", h(`{"alg":"ES256","crit":["b64"],"b64":false}`) + "." + parts[1] + "." + parts[2], "crit"},
		{"repeated alg", h(`{"alg":"ES256","alg":"EdDSA"}`) + "." + parts[1] + "." + parts[2], "given twice"},
		{"padded payload", parts[0] + "." + parts[1] + "=." + parts[2], "payload is not base64url"},
		{"header not an object", h(`["ES256"]`) + "." + parts[1] + "." + parts[2], "not a JSON object"},
		{"alg not a string", h(`{"alg":1}`) + "." + parts[1] + "." + parts[2], "not a string"},
	} {
		_, err := jws.Parse(tc.compact)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s) = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	// An EdDSA key does not verify an ES256 signature.
	j, _ := jws.Parse(good)
	ed, _ := jws.NewKey(jws.EdDSA)
	if err := j.Verify(&ed.PublicKey); err == nil || !strings.Contains(err.Error(), "signed with ES256") {
		t.Errorf("ES256 JWS with an EdDSA key: %v", err)
	}
}

func TestCheckJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"b":{"a":2}}`:           "",
		`[{"a":1},{"a":1}]`:             "",
		`"x"`:                           "",
		`{"a":1,"a":2}`:                 `member "a" is given twice`,
		`{"a":{"b":1,"b":1}}`:           `member "b" is given twice`,
		`{"a":[{"c":1,"c":2}]}`:         `member "c" is given twice`,
		`{"a":1} {"b":2}`:               "data after the JSON value",
		`{"a":1`:                        "not valid JSON",
		"{\"a\":\"\xff\"}":              "not valid UTF-8",
		strings.Repeat("[", 40) + "]":   "nested deeper",
		``:                              "unexpected end",
		`{"a":"b","c":["a","a"],"d":1}`: "",
	} {
		err := jws.CheckJSON([]byte(in))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	k, _ := jws.NewKey(jws.ES256)
	good, _ := jws.Sign(k, jws.Header{Typ: "vc+sd-jwt"}, []byte(`{"iss":"x"}`))
	for _, s := range []string{good, rfc8037JWS, "a.b.c", "..", "eyJhbGciOiJub25lIn0.e30."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := jws.Parse(s)
		if err != nil {
			return
		}
		if j.Verify(&k.PublicKey) == nil && s != good {
			// Another serialisation verifying under the key would be a
			// forgery; only the signed one may.
			if j.Input+"."+jws.B64.EncodeToString(j.Signature) != good {
				t.Fatalf("%q verifies", s)
			}
		}
	})
}

func FuzzJWK(f *testing.F) {
	for _, s := range []string{rfc9901Issuer, `{"kty":"OKP","crv":"Ed25519","x":"` + rfc8037X + `"}`, `{"kty":"EC","crv":"SM2","x":"","y":""}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := jws.ParseJWK(b)
		if err != nil {
			return
		}
		again, err := jws.FromJWK(k.JWK())
		if err != nil || again.Thumbprint() != k.Thumbprint() {
			t.Fatalf("%s: the public part does not round-trip: %v", b, err)
		}
	})
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,{"a":[]}]`, `{"a":1,"a":2}`, `{`, `1 2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if jws.CheckJSON(b) == nil && !json.Valid(b) {
			t.Fatalf("CheckJSON accepted invalid JSON %q", b)
		}
	})
}
