package credentialplug

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/vc"
	"github.com/dengta-chain/dengta/proof"
)

// The SDK's flows over the module's actions and endpoints, for Go
// programs, the CLI and the hall alike.

// Issuance is a credential to issue.
type Issuance struct {
	Type string
	// Claims are credentialSubject's claims.
	Claims map[string]any
	// Holder is the holder's public key.
	Holder credentialapi.JWK
	// ValidFrom and ValidUntil are RFC 3339 times (ValidUntil may be a
	// date); empty: now, and the type's validity.
	ValidFrom, ValidUntil string
	// Alg is the signature algorithm (ES256 unless set).
	Alg string
}

// Issue has the node sign a credential with the key it keeps for the
// signer's organisation and anchors it with the signer's key. When the
// node's key is not yet in the organisation's DID document it publishes
// it, and when the organisation has no status list with room it opens
// one. It returns the credential (the holder's file) and the anchoring
// transaction.
func Issue(ctx context.Context, c *client.Client, key *client.Key, is Issuance) (*credentialapi.Signed, *client.TxRecord, error) {
	c = c.As(key)
	nk, err := client.Read(ctx, c, credentialapi.GetNodeKey, credentialapi.AlgParams{Alg: is.Alg})
	if err != nil {
		return nil, nil, err
	}
	if !nk.Published {
		if _, _, err := client.Send(ctx, c, key, credentialapi.AddKey, credentialapi.AddKeyBody{JWK: nk.JWK, Proof: nk.Proof, Name: "hall node key " + nk.Alg}); err != nil {
			return nil, nil, fmt.Errorf("publish the node's key: %w", err)
		}
	}
	claims, err := json.Marshal(is.Claims)
	if err != nil {
		return nil, nil, err
	}
	req := credentialapi.SignRequest{Type: is.Type, Claims: claims, Holder: is.Holder, ValidFrom: is.ValidFrom, ValidUntil: is.ValidUntil, Alg: is.Alg}
	opened := false
	for attempt := 0; ; attempt++ {
		var signed credentialapi.Signed
		err := c.PostJSON(ctx, credentialapi.Sign.Path, req, &signed)
		if client.IsCode(err, "conflict") && strings.Contains(err.Error(), "no status list") && !opened {
			if _, _, err := client.Send(ctx, c, key, credentialapi.OpenList, credentialapi.OpenListBody{}); err != nil {
				return nil, nil, fmt.Errorf("open a status list: %w", err)
			}
			opened = true
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		_, rec, err := client.Send(ctx, c, key, credentialapi.AnchorIssued, credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{signed.Anchor}})
		if client.IsCode(err, "conflict") && attempt < 3 {
			continue // another credential took the entry meanwhile: sign again
		}
		if err != nil {
			return nil, rec, fmt.Errorf("anchor: %w", err)
		}
		return &signed, rec, nil
	}
}

// IssueWith signs a credential with an issuer's own key (one it keeps
// itself, not the node) and anchors it with the signer's key, publishing
// the key and opening a status list first when needed. statusBase is the
// public URL of the node that publishes the issuer's status lists.
func IssueWith(ctx context.Context, c *client.Client, key *client.Key, issuerKey *jws.PrivateKey, org, statusBase string, is Issuance) (*credentialapi.Signed, *client.TxRecord, error) {
	c = c.As(key)
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := publishKey(ctx, c, key, issuerKey, chainID, org); err != nil {
		return nil, nil, err
	}
	tv, err := client.Read(ctx, c, credentialapi.GetType, credentialapi.TypeParams{ID: is.Type})
	if err != nil {
		return nil, nil, err
	}
	holder, err := credential.PublicKey(is.Holder)
	if err != nil {
		return nil, nil, fmt.Errorf("holder key: %w", err)
	}
	from, until, err := validity(is.ValidFrom, is.ValidUntil)
	if err != nil {
		return nil, nil, err
	}
	iss := &vc.Issuer{ChainID: chainID, Org: org, Key: issuerKey, StatusBase: strings.TrimSuffix(statusBase, "/")}
	for attempt := 0; ; attempt++ {
		list, index, err := remoteEntry(ctx, c, key, org)
		if err != nil {
			return nil, nil, err
		}
		out, err := iss.Issue(vc.Request{Type: &tv.Type, Claims: is.Claims, Holder: holder, ValidFrom: from, ValidUntil: until, List: list, Index: index}, time.Now(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		_, rec, err := client.Send(ctx, c, key, credentialapi.AnchorIssued, credentialapi.AnchorBody{Credentials: []credentialapi.AnchorItem{out.Item}})
		if client.IsCode(err, "conflict") && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, rec, fmt.Errorf("anchor: %w", err)
		}
		return &credentialapi.Signed{Credential: out.Credential, Hash: out.Hash, Anchor: out.Item}, rec, nil
	}
}

// publishKey adds an issuer's key to its DID document unless it is there.
func publishKey(ctx context.Context, c *client.Client, key *client.Key, k *jws.PrivateKey, chainID, org string) error {
	did, err := client.Read(ctx, c, credentialapi.GetDID, credentialapi.OrgParams{Org: org})
	if err != nil {
		return err
	}
	for _, rec := range did.Keys {
		if rec.Kid == k.Thumbprint() {
			if rec.Revoked != 0 {
				return fmt.Errorf("key %s of %s was revoked at height %d", rec.Kid, org, rec.Revoked)
			}
			return nil
		}
	}
	proof, err := credential.KeyProof(k, chainID, org)
	if err != nil {
		return err
	}
	_, _, err = client.Send(ctx, c, key, credentialapi.AddKey, credentialapi.AddKeyBody{JWK: credential.WireJWK(&k.PublicKey), Proof: proof, Name: "issuer key " + k.Alg})
	return err
}

// remoteEntry picks a free entry of the organisation's newest status list
// through the API, opening a list when it has none with room.
func remoteEntry(ctx context.Context, c *client.Client, key *client.Key, org string) (int, int, error) {
	n := 0
	var last *credentialapi.ListView
	for i := 1; ; i++ {
		lv, err := client.Read(ctx, c, credentialapi.GetList, credentialapi.ListParams{Org: org, N: i})
		if client.IsCode(err, "not_found") {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		n, last = i, lv
	}
	if n == 0 || last.List.Used >= last.List.Size*3/4 {
		res, _, err := client.Send(ctx, c, key, credentialapi.OpenList, credentialapi.OpenListBody{})
		if err != nil {
			return 0, 0, fmt.Errorf("open a status list: %w", err)
		}
		return res.N, randIndex(res.Size), nil
	}
	return n, randIndex(last.List.Size), nil
}

func randIndex(size int) int {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("credential: no randomness: " + err.Error())
	}
	return int(binary.BigEndian.Uint64(b[:]) % uint64(size))
}

// Present makes a presentation of a credential (an SD-JWT with every
// Disclosure) that discloses only the claims named (credentialSubject's,
// e.g. "owner"), bound with the holder's key to the verifier's audience
// and nonce at time now.
func Present(cred string, claims []string, holder *jws.PrivateKey, aud, nonce string, now time.Time) (string, error) {
	s, err := sdjwt.Parse(cred)
	if err != nil {
		return "", err
	}
	want := map[string]bool{}
	for _, c := range claims {
		want["credentialSubject."+strings.TrimPrefix(c, "credentialSubject.")] = true
	}
	found := map[string]bool{}
	p, err := sdjwt.Present(s, func(path string, _ *sdjwt.Disclosure) bool {
		found[path] = true
		return want[path]
	})
	if err != nil {
		return "", err
	}
	// A claim the type fixes is in the clear: it is shown anyway.
	j, err := jws.Parse(s.JWT)
	if err != nil {
		return "", err
	}
	var clear struct {
		Subject map[string]json.RawMessage `json:"credentialSubject"`
	}
	json.Unmarshal(j.Payload, &clear)
	var missing []string
	for _, c := range claims {
		name := strings.TrimPrefix(c, "credentialSubject.")
		if _, ok := clear.Subject[name]; !found["credentialSubject."+name] && !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("the credential has no claim %s", strings.Join(missing, ", "))
	}
	b, err := sdjwt.Bind(p, holder, aud, nonce, now)
	if err != nil {
		return "", err
	}
	return b.String(), nil
}

// Evidence fetches from a node the evidence of a presentation's
// credential, with a relying organisation's recognition entry when
// recognizedBy is set.
func Evidence(ctx context.Context, c *client.Client, presentation, recognizedBy string) (*credentialapi.Evidence, error) {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	cl, err := vc.Claim(chainID, presentation)
	if err != nil {
		return nil, err
	}
	if cl.Issuer == "" || cl.KeyOrg == "" || cl.List < 1 {
		return nil, errors.New("the credential does not name a did:dengta issuer of this chain and a status list")
	}
	return client.Read(ctx, c, credentialapi.GetEvidence, credentialapi.EvidenceParams{Hash: cl.Hash, Issuer: cl.Issuer, Type: cl.Type,
		Kid: cl.Kid, KeyOrg: cl.KeyOrg, List: cl.List, RecognizedBy: recognizedBy})
}

// VerifyOffline checks a presentation with its evidence against the
// validator set trust names, with no network.
func VerifyOffline(presentation string, ev *credentialapi.Evidence, trust proof.Trust, nonce, aud, recognizedBy string, now time.Time) *credentialapi.Report {
	return vc.Verify(presentation, ev, vc.Options{Trust: trust, Nonce: nonce, Audience: aud, Now: now, RecognizedBy: recognizedBy})
}

// ResolveDID fetches an organisation's DID with its proof bundles from a
// node and resolves it against the validator set trust names, as a
// resolver offline would (vc.ResolveDID): the node is not trusted.
func ResolveDID(ctx context.Context, c *client.Client, org string, trust proof.Trust) (*vc.Resolved, error) {
	v, err := client.Read(ctx, c, credentialapi.GetDID, credentialapi.OrgParams{Org: org, Prove: true})
	if err != nil {
		return nil, err
	}
	bundles := make([][]byte, 0, len(v.Proofs))
	for _, k := range slices.Sorted(maps.Keys(v.Proofs)) {
		bundles = append(bundles, []byte(v.Proofs[k]))
	}
	res, err := vc.ResolveDID(v.DID, bundles, trust)
	if err != nil {
		return nil, err
	}
	if got, _ := credential.ParseDID(res.ChainID, res.DID); got != org {
		return nil, fmt.Errorf("asked for the DID of %s, the node answered %s", org, res.DID)
	}
	return res, nil
}

// VerifyOnline has a node verify a presentation against its chain and its
// current validator set.
func VerifyOnline(ctx context.Context, c *client.Client, req credentialapi.VerifyRequest) (*credentialapi.Report, error) {
	var rep credentialapi.Report
	err := c.PostJSON(ctx, credentialapi.Verify.Path, req, &rep)
	return &rep, err
}

// SetStatus revokes, suspends or reinstates a credential the signer's
// organisation issued.
func SetStatus(ctx context.Context, c *client.Client, key *client.Key, hash, status, reason string) (*credentialapi.StatusResult, error) {
	res, _, err := client.Send(ctx, c, key, credentialapi.SetStatus, credentialapi.StatusBody{Hash: hash, Status: status, Reason: reason})
	return res, err
}

// HashOf is the hash that identifies a credential or presentation on
// chain: the SHA-256 of its issuer-signed JWT.
func HashOf(credOrPresentation string) (string, error) {
	s, err := sdjwt.Parse(credOrPresentation)
	if err != nil {
		return "", err
	}
	return credential.Hash(s.JWT), nil
}

// isNotFound reports a not_found answer or error.
func isNotFound(err error) bool {
	return errcode.Of(err) == errcode.NotFound || client.IsCode(err, "not_found")
}
