package vc

import (
	"encoding/json"
	"time"

	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// StatusListCredential signs the BitstringStatusListCredential an issuer
// publishes at url: its list's bits for purpose, encoded, secured as a
// JWT (vc+jwt) with the issuer's key. validFrom is the time of the list's
// anchored version.
func StatusListCredential(chainID, org, url, purpose, encodedList string, validFrom time.Time, key *jws.PrivateKey) (string, error) {
	p := map[string]any{
		"@context":  []any{ContextV2},
		"id":        url,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    credential.DID(chainID, org),
		"validFrom": validFrom.UTC().Format(timeFormat),
		"credentialSubject": map[string]any{
			"id":            url + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": purpose,
			"encodedList":   encodedList,
		},
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return jws.Sign(key, jws.Header{Typ: TypJWT, Cty: "vc", Kid: credential.KeyURL(chainID, org, key.Thumbprint())}, b)
}
