package credentialplug

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/prover"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
	"github.com/dengta-chain/dengta/modules/credential/vc"
)

// chain is what the module's services need of the node: its chain id, its
// state, its prover and its public URL. httpapi.Env and pages.Site both
// give them.
type chain interface {
	ChainID() string
	View(height int64) (*state.View, error)
	Prover() *prover.Prover
	PublicURL(path string) string
}

// evidence builds a credential's evidence at one height: proof bundles of
// its anchor (or of its absence), type, issuer authorisation, key, the
// issuer's organisation, its status list and, when asked, a relying
// organisation's recognition entry, with the status list's bits. What the
// anchor does not give comes from p (what the credential claims).
func evidence(ctx context.Context, c chain, p credentialapi.EvidenceParams) (*credentialapi.Evidence, error) {
	if !field.IsHex64(p.Hash) {
		return nil, errcode.New(errcode.BadRequest, "hash %q is not the 64-hex-digit SHA-256 of an issuer-signed JWT", p.Hash)
	}
	v, err := c.View(0)
	if err != nil {
		return nil, err
	}
	if a, err := credential.GetAnchor(v, p.Hash); err == nil {
		// What the caller names (what the credential claims) comes first:
		// a verifier checks the credential against the anchor.
		p.Issuer, p.Type, p.Kid = or(p.Issuer, a.Issuer), or(p.Type, a.Type), or(p.Kid, a.Kid)
		if p.List == 0 {
			p.List = a.List
		}
	} else if errcode.Of(err) != errcode.NotFound {
		return nil, err
	} else if p.Issuer == "" || p.Type == "" || p.Kid == "" || p.List < 1 {
		return nil, errcode.New(errcode.NotFound, "no credential with hash %s is anchored; give issuer, type, kid and list (what the credential claims) to prove their absence", p.Hash)
	}
	if p.KeyOrg == "" {
		p.KeyOrg = p.Issuer
	}
	if !field.IsOrgID(p.Issuer) || !field.IsOrgID(p.KeyOrg) || !credential.IsTypeID(p.Type) || (p.RecognizedBy != "" && !field.IsOrgID(p.RecognizedBy)) {
		return nil, errcode.New(errcode.BadRequest, "issuer, key_org, type or recognized_by is malformed")
	}
	// The anchor's newest provable height, then every other key at it.
	first, err := c.Prover().Bundle(ctx, credential.AnchorKey(p.Hash), 0)
	if err != nil {
		return nil, err
	}
	h := first.Height
	keys := [][]byte{credential.TypeKey(p.Type), credential.IssuerKey(p.Type, p.Issuer), credential.KeyKey(p.KeyOrg, p.Kid),
		module.OrgKey(p.Issuer), credential.ListKey(p.Issuer, p.List)}
	if p.RecognizedBy != "" {
		keys = append(keys, credential.RecognitionKey(p.RecognizedBy, p.Type))
	}
	raw, err := first.Marshal()
	if err != nil {
		return nil, err
	}
	ev := &credentialapi.Evidence{Format: credentialapi.EvidenceFormat, ChainID: c.ChainID(), Height: h, Hash: p.Hash,
		Bundles: credentialapi.Proofs{string(credential.AnchorKey(p.Hash)): string(raw)}, StatusLists: map[string]string{}}
	ev.Time = vc.BundleTime(raw).UTC().Format(time.RFC3339)
	for _, k := range keys {
		b, err := c.Prover().Bundle(ctx, k, h)
		if err != nil {
			return nil, err
		}
		raw, err := b.Marshal()
		if err != nil {
			return nil, err
		}
		ev.Bundles[string(k)] = string(raw)
	}
	at, err := c.View(h)
	if err != nil {
		return nil, err
	}
	if l, err := credential.GetList(at, p.Issuer, p.List); err == nil {
		for _, purpose := range statuslist.Purposes {
			bits, err := credential.Bits(at, l, purpose)
			if err != nil {
				return nil, err
			}
			if ev.StatusLists[purpose], err = statuslist.Encode(bits); err != nil {
				return nil, err
			}
		}
	}
	return ev, nil
}

// verify checks a presentation with evidence from this node, trusting its
// current validator set.
func verify(ctx context.Context, c chain, presentation, nonce, aud, recognizedBy string, now time.Time) (*credentialapi.Report, error) {
	opts := vc.Options{ChainID: c.ChainID(), Nonce: nonce, Audience: aud, Now: now, RecognizedBy: recognizedBy}
	cl, err := vc.Claim(c.ChainID(), presentation)
	if err != nil || cl.Issuer == "" || cl.KeyOrg == "" || cl.Kid == "" || !credential.IsTypeID(cl.Type) || cl.List < 1 {
		return vc.Verify(presentation, nil, opts), nil
	}
	ev, err := evidence(ctx, c, credentialapi.EvidenceParams{Hash: cl.Hash, Issuer: cl.Issuer, Type: cl.Type, Kid: cl.Kid, KeyOrg: cl.KeyOrg, List: cl.List, RecognizedBy: recognizedBy})
	if err != nil {
		return nil, err
	}
	trust, err := c.Prover().Trust(ctx)
	if err != nil {
		return nil, err
	}
	opts.Trust = trust
	return vc.Verify(presentation, ev, opts), nil
}

// nodeKey returns the key this node keeps for org, with a proof of
// possession, and whether the organisation published it.
func (n *node) nodeKey(c chain, org, alg string) (*credentialapi.NodeKey, *jws.PrivateKey, error) {
	if alg == "" {
		alg = jws.ES256
	}
	if alg != jws.ES256 && alg != jws.EdDSA && alg != jws.SM2SM3 {
		return nil, nil, errcode.New(errcode.BadRequest, "alg %q: choose ES256, EdDSA or SM2SM3", alg)
	}
	k, err := n.issuerKey(c.ChainID(), org, alg)
	if err != nil {
		return nil, nil, err
	}
	proof, err := credential.KeyProof(k, c.ChainID(), org)
	if err != nil {
		return nil, nil, err
	}
	v, err := c.View(0)
	if err != nil {
		return nil, nil, err
	}
	nk := &credentialapi.NodeKey{Org: org, Kid: k.Thumbprint(), Alg: alg, JWK: credential.WireJWK(&k.PublicKey), Proof: proof}
	if rec, err := credential.GetKey(v, org, nk.Kid); err == nil && rec.Revoked == 0 {
		nk.Published = true
	}
	return nk, k, nil
}

// freeEntry picks a random free entry of org's newest status list with
// room; ok is false when org has no such list.
func freeEntry(v module.Reader, org string) (n, index int, ok bool, err error) {
	lists, err := credential.Lists(v, org)
	if err != nil || lists == 0 {
		return 0, 0, false, err
	}
	l, err := credential.GetList(v, org, lists)
	if err != nil {
		return 0, 0, false, err
	}
	if l.Used >= l.Size*3/4 {
		return 0, 0, false, nil // open a new list before this one fills up
	}
	var b [8]byte
	for range 64 {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, 0, false, err
		}
		i := int(binary.BigEndian.Uint64(b[:]) % uint64(l.Size))
		taken, err := credential.SlotTaken(v, org, l.N, i)
		if err != nil {
			return 0, 0, false, err
		}
		if !taken {
			return l.N, i, true, nil
		}
	}
	return 0, 0, false, nil
}

// errNoList is the answer when the issuer has no list with room.
func errNoList(org string) error {
	return errcode.New(errcode.Conflict, "%s has no status list with room for a new credential; open one (credential/open_list) and sign again", org)
}

// sign signs a credential for org with the key this node keeps for it.
func (n *node) sign(c chain, org string, req *credentialapi.SignRequest, now time.Time) (*credentialapi.Signed, error) {
	if !credential.IsTypeID(req.Type) {
		return nil, errcode.New(errcode.BadRequest, "type %q is not a credential type id", req.Type)
	}
	v, err := c.View(0)
	if err != nil {
		return nil, err
	}
	t, err := credential.GetType(v, req.Type)
	if err != nil {
		return nil, err
	}
	if a, ok, err := credential.GetIssuer(v, req.Type, org); err != nil {
		return nil, err
	} else if !ok || !a.Active {
		return nil, errcode.New(errcode.Unauthorized, "%s is not authorised to issue %s; the consortium authorises issuers by governance", org, req.Type)
	}
	nk, key, err := n.nodeKey(c, org, req.Alg)
	if err != nil {
		return nil, err
	}
	if !nk.Published {
		return nil, errcode.New(errcode.Conflict, "this node's %s key %s for %s is not in its DID document; publish it (credential/add_key with GET /v1/credential/node-key) and sign again", nk.Alg, nk.Kid, org)
	}
	holder, err := credential.PublicKey(req.Holder)
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "holder: %v", err)
	}
	claims, err := decodeClaims(req.Claims)
	if err != nil {
		return nil, err
	}
	from, until, err := validity(req.ValidFrom, req.ValidUntil)
	if err != nil {
		return nil, err
	}
	list, index, ok, err := freeEntry(v, org)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoList(org)
	}
	is := &vc.Issuer{ChainID: c.ChainID(), Org: org, Key: key, StatusBase: strings.TrimSuffix(c.PublicURL("/"), "/")}
	out, err := is.Issue(vc.Request{Type: t, Claims: claims, Holder: holder, ValidFrom: from, ValidUntil: until, List: list, Index: index}, now, rand.Reader)
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "%v", err)
	}
	return &credentialapi.Signed{Credential: out.Credential, Hash: out.Hash, Anchor: out.Item}, nil
}

// decodeClaims decodes credentialSubject claims: a JSON object, numbers
// kept exact.
func decodeClaims(raw json.RawMessage) (map[string]any, error) {
	if err := jws.CheckJSON(raw); err != nil {
		return nil, errcode.New(errcode.BadRequest, "claims: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, errcode.New(errcode.BadRequest, "claims must be a JSON object of the type's claims")
	}
	return m, nil
}

// validity reads the validity bounds of a sign request.
func validity(from, until string) (time.Time, time.Time, error) {
	var f, u time.Time
	var err error
	if from != "" {
		if f, err = time.Parse(time.RFC3339, from); err != nil {
			return f, u, errcode.New(errcode.BadRequest, "valid_from %q is not an RFC 3339 time", from)
		}
	}
	if until != "" {
		if u, err = time.Parse(time.RFC3339, until); err != nil {
			d, err2 := time.ParseInLocation(time.DateOnly, until, field.CST)
			if err2 != nil {
				return f, u, errcode.New(errcode.BadRequest, "valid_until %q is neither an RFC 3339 time nor a date", until)
			}
			u = d.AddDate(0, 0, 1) // to the end of that day in China
		}
	}
	return f, u, nil
}

// statusCredential signs the status list credential of an issuer's list
// for purpose with the key this node keeps for the issuer (ES256), if it
// is published.
func (n *node) statusCredential(c chain, org string, list int, purpose string) ([]byte, error) {
	if purpose != statuslist.Revocation && purpose != statuslist.Suspension {
		return nil, errcode.New(errcode.BadRequest, "purpose %q: revocation or suspension", purpose)
	}
	v, err := c.View(0)
	if err != nil {
		return nil, err
	}
	l, err := credential.GetList(v, org, list)
	if err != nil {
		return nil, err
	}
	nk, key, err := n.nodeKey(c, org, jws.ES256)
	if err != nil {
		return nil, err
	}
	if !nk.Published {
		return nil, errcode.New(errcode.NotFound, "%s publishes its status lists from its own node; this node keeps no published key of it", org)
	}
	bits, err := credential.Bits(v, l, purpose)
	if err != nil {
		return nil, err
	}
	enc, err := statuslist.Encode(bits)
	if err != nil {
		return nil, err
	}
	st := l.Revocation
	if purpose == statuslist.Suspension {
		st = l.Suspension
	}
	when, err := time.Parse(time.RFC3339Nano, st.Time)
	if err != nil {
		return nil, fmt.Errorf("list time %q: %w", st.Time, err)
	}
	url := strings.TrimSuffix(c.PublicURL("/"), "/") + vc.StatusPath(org, list, purpose)
	jwt, err := vc.StatusListCredential(c.ChainID(), org, url, purpose, enc, when, key)
	return []byte(jwt), err
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
