// Package vc makes and checks Dengta's electronic certificates: W3C
// Verifiable Credentials (Data Model 2.0) secured as SD-JWTs (RFC 9901,
// the vc+sd-jwt media type of "Securing Verifiable Credentials using JOSE
// and COSE"), with Bitstring Status List entries for revocation and
// suspension, a JSON Schema of the credential type, and the holder's key
// confirmed for key binding.
//
// An issuer signs a credential with a key of its DID document
// (did:dengta) and anchors its hash on chain; the holder presents the
// claims it chooses, bound to a verifier's nonce; the verifier checks the
// presentation with evidence — proof bundles of the anchor, the type, the
// issuer's authorisation and key, and the status list, with the list's
// bits — against the validator set it trusts, offline, check by check.
//
// The JSON-LD contexts credentials and DID documents name are bundled
// (Context); nothing is fetched at run time.
package vc

import (
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Context URLs.
const (
	ContextV2     = "https://www.w3.org/ns/credentials/v2"
	ContextDengta = "https://dengta-chain.github.io/ns/credentials/v1"
	ContextDID    = "https://www.w3.org/ns/did/v1"
	ContextCID    = "https://www.w3.org/ns/cid/v1"
)

// Media types and names of the formats.
const (
	TypSDJWT        = "vc+sd-jwt" // the issuer-signed JWT's typ
	TypJWT          = "vc+jwt"    // a JWT-secured credential's typ (status list credentials)
	StatusEntryType = "BitstringStatusListEntry"
	SchemaType      = "JsonSchema"
)

// CredentialContexts are the contexts of every Dengta credential, in
// order.
var CredentialContexts = []string{ContextV2, ContextDengta}

//go:embed contexts/*.jsonld
var contextFS embed.FS

var contextFiles = map[string]string{
	ContextV2:     "credentials-v2.jsonld",
	ContextDengta: "dengta-credentials-v1.jsonld",
	ContextDID:    "did-v1.jsonld",
	ContextCID:    "cid-v1.jsonld",
}

// Context returns a bundled JSON-LD context by its URL.
func Context(url string) ([]byte, bool) {
	name, ok := contextFiles[url]
	if !ok {
		return nil, false
	}
	b, err := contextFS.ReadFile(path.Join("contexts", name))
	return b, err == nil
}

// Contexts lists the bundled contexts' URLs, sorted.
func Contexts() []string {
	var out []string
	for u := range contextFiles {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// StatusPath is the path, under an issuer node's public URL, of the status
// list credential of an issuer's list n for a purpose.
func StatusPath(org string, n int, purpose string) string {
	return fmt.Sprintf("/v1/credential/status/%s/%d/%s", org, n, purpose)
}

// ParseStatusURL reads the issuer, list number and purpose from a
// statusListCredential URL Dengta made (StatusPath under any base).
func ParseStatusURL(u string) (org string, n int, purpose string, ok bool) {
	i := strings.Index(u, "/v1/credential/status/")
	if i < 0 {
		return "", 0, "", false
	}
	parts := strings.Split(u[i+len("/v1/credential/status/"):], "/")
	if len(parts) != 3 {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 {
		return "", 0, "", false
	}
	return parts[0], n, parts[2], true
}
