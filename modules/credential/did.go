package credential

import (
	"bytes"
	"encoding/json"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// PublicKey checks a published JWK and returns the key.
func PublicKey(j credentialapi.JWK) (*jws.PublicKey, error) {
	k, err := jws.FromJWK(jws.JWK{Kty: j.Kty, Crv: j.Crv, X: j.X, Y: j.Y})
	if err != nil {
		return nil, err
	}
	return &k.PublicKey, nil
}

// KeyProof signs the proof of possession add_key asks for: a compact JWS
// by k over {chain_id, org, kid, purpose}.
func KeyProof(k *jws.PrivateKey, chainID, org string) (string, error) {
	payload, err := json.Marshal(credentialapi.KeyProof{ChainID: chainID, Org: org, Kid: k.Thumbprint(), Purpose: credentialapi.KeyPurpose})
	if err != nil {
		return "", err
	}
	return jws.Sign(k, jws.Header{Typ: "JWT"}, payload)
}

// WireJWK is a key's public JWK in the wire form.
func WireJWK(k *jws.PublicKey) credentialapi.JWK {
	j := k.JWK()
	return credentialapi.JWK{Kty: j.Kty, Crv: j.Crv, X: j.X, Y: j.Y}
}

func (Module) addKey(ctx *module.Context, b *credentialapi.AddKeyBody) error {
	k, err := PublicKey(b.JWK)
	if err != nil {
		return malformed("jwk: %v", err)
	}
	if err := field.Text("name", b.Name, 0, 60); err != nil {
		return err
	}
	kid := k.Thumbprint()
	proof, err := jws.Parse(b.Proof)
	if err != nil {
		return malformed("proof: %v", err)
	}
	if err := proof.Verify(k); err != nil {
		return malformed("proof: %v; sign {chain_id, org, kid, purpose} with the key itself", err)
	}
	var got credentialapi.KeyProof
	dec := json.NewDecoder(bytes.NewReader(proof.Payload))
	dec.DisallowUnknownFields()
	want := credentialapi.KeyProof{ChainID: ctx.ChainID, Org: ctx.Signer.Org, Kid: kid, Purpose: credentialapi.KeyPurpose}
	if err := dec.Decode(&got); err != nil || got != want {
		return malformed("proof: the key signed %s, it must sign %s", proof.Payload, mustJSON(want))
	}
	if err := absent(ctx.Store, keyKey(ctx.Signer.Org, kid), "key "+kid+" of "+ctx.Signer.Org); err != nil {
		return conflict("key %s is already in %s's DID document (a revoked key is never published again)", kid, ctx.Signer.Org)
	}
	active, err := getCount(ctx.Store, keysKey(ctx.Signer.Org))
	if err != nil {
		return err
	}
	if active >= credentialapi.MaxKeys {
		return rule("%s has %d active keys, the most a DID document holds; revoke one first", ctx.Signer.Org, active)
	}
	rec := credentialapi.Key{Org: ctx.Signer.Org, Kid: kid, Alg: k.Alg, JWK: b.JWK, Name: b.Name, By: ctx.Party(), Added: ctx.Height, AddedTime: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, keyKey(ctx.Signer.Org, kid), &rec); err != nil {
		return err
	}
	if err := setCount(ctx.Store, keysKey(ctx.Signer.Org), active+1); err != nil {
		return err
	}
	ctx.Emit("credential.key_added", "org", ctx.Signer.Org, "kid", kid, "alg", k.Alg)
	return ctx.SetResult(credentialapi.KeyResult{Kid: kid, DID: DID(ctx.ChainID, ctx.Signer.Org)})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (Module) revokeKey(ctx *module.Context, b *credentialapi.RevokeKeyBody) error {
	if err := checkKid("kid", b.Kid); err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 0, 200); err != nil {
		return err
	}
	k, err := GetKey(ctx.Store, ctx.Signer.Org, b.Kid)
	if err != nil {
		return err
	}
	if k.Revoked != 0 {
		return conflict("key %s was revoked at height %d", b.Kid, k.Revoked)
	}
	k.Revoked, k.RevokedTime, k.Reason = ctx.Height, field.BlockTime(ctx.Time), b.Reason
	if err := module.PutJSON(ctx.Store, keyKey(ctx.Signer.Org, b.Kid), k); err != nil {
		return err
	}
	active, err := getCount(ctx.Store, keysKey(ctx.Signer.Org))
	if err != nil {
		return err
	}
	if err := setCount(ctx.Store, keysKey(ctx.Signer.Org), active-1); err != nil {
		return err
	}
	ctx.Emit("credential.key_revoked", "org", ctx.Signer.Org, "kid", b.Kid)
	return ctx.SetResult(credentialapi.KeyResult{Kid: b.Kid, DID: DID(ctx.ChainID, ctx.Signer.Org)})
}

// checkKid checks a key id: a base64url SHA-256 thumbprint (43
// characters).
func checkKid(name, kid string) error {
	if b, err := jws.B64.DecodeString(kid); err != nil || len(b) != 32 {
		return malformed("%s %q is not a key thumbprint (43 base64url characters)", name, kid)
	}
	return nil
}

// GetKey returns one of an organisation's keys, or a not_found error.
func GetKey(r module.Getter, org, kid string) (*credentialapi.Key, error) {
	var k credentialapi.Key
	if err := module.GetRecord(r, keyKey(org, kid), &k, "%s has no credential key %s", org, kid); err != nil {
		return nil, err
	}
	return &k, nil
}

// Keys returns every key an organisation published, revoked ones too, in
// key id order.
func Keys(r module.Reader, org string) ([]credentialapi.Key, error) {
	out := []credentialapi.Key{}
	err := module.EachJSON(r, KeyPrefix(org), func(_ []byte, k *credentialapi.Key) { out = append(out, *k) })
	return out, err
}

// KeyValidAt reports whether a key signs credentials anchored at height h.
func KeyValidAt(k *credentialapi.Key, h int64) bool {
	return k.Added <= h && (k.Revoked == 0 || h < k.Revoked)
}

// Contexts of DID documents: DID v1.0, and Controlled Identifiers v1.0 for
// the JsonWebKey verification method type.
var DIDContexts = []string{"https://www.w3.org/ns/did/v1", "https://www.w3.org/ns/cid/v1"}

// Document builds the DID document (W3C DID v1.0) of an organisation from
// its keys: one JsonWebKey verification method per active key, each an
// assertion method (it signs credentials). A deactivated DID (an
// organisation removed from the consortium) lists no method.
func Document(chainID, org string, active bool, keys []credentialapi.Key) json.RawMessage {
	did := DID(chainID, org)
	type method struct {
		ID           string            `json:"id"`
		Type         string            `json:"type"`
		Controller   string            `json:"controller"`
		PublicKeyJwk credentialapi.JWK `json:"publicKeyJwk"`
	}
	doc := struct {
		Context            []string `json:"@context"`
		ID                 string   `json:"id"`
		Controller         string   `json:"controller"`
		VerificationMethod []method `json:"verificationMethod"`
		AssertionMethod    []string `json:"assertionMethod"`
	}{Context: DIDContexts, ID: did, Controller: did, VerificationMethod: []method{}, AssertionMethod: []string{}}
	for _, k := range keys {
		if k.Revoked != 0 || !active {
			continue
		}
		id := did + "#" + k.Kid
		doc.VerificationMethod = append(doc.VerificationMethod, method{ID: id, Type: "JsonWebKey", Controller: did, PublicKeyJwk: k.JWK})
		doc.AssertionMethod = append(doc.AssertionMethod, id)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic("credential: encode DID document: " + err.Error())
	}
	return b
}
