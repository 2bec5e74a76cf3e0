package vc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
	"github.com/dengta-chain/dengta/proof"
)

func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// Claimed is what a presented credential says about itself, unverified:
// what a verifier asks a node's evidence for.
type Claimed struct {
	Hash   string // SHA-256 (hex) of the issuer-signed JWT
	Issuer string // the issuer's organisation, from its did:dengta
	Type   string
	Kid    string // the signing key's thumbprint
	List   int    // the status list its entries name
	Index  int
	// KeyOrg is the organisation whose key the kid names.
	KeyOrg string
}

// Claim reads what a presentation claims, without verifying anything.
func Claim(chainID, presentation string) (*Claimed, error) {
	s, err := sdjwt.Parse(presentation)
	if err != nil {
		return nil, err
	}
	j, err := jws.Parse(s.JWT)
	if err != nil {
		return nil, err
	}
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, fmt.Errorf("the credential's payload: %v", err)
	}
	c := &Claimed{Hash: credential.Hash(s.JWT)}
	c.Issuer, _ = credential.ParseDID(chainID, p.Issuer)
	for _, t := range p.Type {
		if t != "VerifiableCredential" {
			c.Type = t
		}
	}
	did, kid, _ := strings.Cut(j.Header.Kid, "#")
	c.Kid = kid
	c.KeyOrg, _ = credential.ParseDID(chainID, did)
	for _, e := range p.Status {
		if org, n, purpose, ok := ParseStatusURL(e.StatusListCredential); ok && org == c.Issuer && purpose == statuslist.Revocation {
			c.List = n
			c.Index, _ = strconv.Atoi(e.StatusListIndex)
		}
	}
	return c, nil
}

// payload is the part of a credential's payload verification reads.
type payload struct {
	Context    []string      `json:"@context"`
	Type       []string      `json:"type"`
	Issuer     string        `json:"issuer"`
	ValidFrom  string        `json:"validFrom"`
	ValidUntil string        `json:"validUntil"`
	Status     []statusEntry `json:"credentialStatus"`
	Schema     struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"credentialSchema"`
}

type statusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// Options are what a verifier brings to a verification.
type Options struct {
	// Trust is the validator set the verifier trusts.
	Trust proof.Trust
	// ChainID is the chain whose DIDs the credential must use (the
	// evidence's when empty).
	ChainID string
	// Nonce and Audience are what the holder's key binding must carry;
	// without both the holder binding check fails.
	Nonce, Audience string
	// Now is the verifier's time: validity and key binding freshness.
	Now time.Time
	// MaxAge bounds the key binding's age (10 minutes when zero).
	MaxAge time.Duration
	// RecognizedBy, when set, checks the organisation's recognition list
	// (the evidence must carry its entry).
	RecognizedBy string
	// StatusMaxAge, when set, fails the status check for evidence whose
	// state is older than this before Now: a status proven yesterday says
	// nothing of a revocation this morning.
	StatusMaxAge time.Duration
}

// Skew is the clock difference tolerated between holder, issuer and
// verifier.
const Skew = 2 * time.Minute

// verification is one run of Verify.
type verification struct {
	rep    *credentialapi.Report
	opts   Options
	ev     *credentialapi.Evidence
	proven map[string][]byte // state key -> proven value (nil: proven absent)
	time   string            // block time of the proven state
	at     time.Time         // the same, as a time
}

func (v *verification) pass(name, format string, args ...any) {
	v.rep.Checks = append(v.rep.Checks, credentialapi.Check{Name: name, OK: true, Detail: fmt.Sprintf(format, args...)})
}

func (v *verification) fail(name, format string, args ...any) {
	v.rep.Checks = append(v.rep.Checks, credentialapi.Check{Name: name, Detail: fmt.Sprintf(format, args...)})
	if v.rep.Failed == "" {
		v.rep.Failed = name
	}
}

// stop records the checks that could not run after a failure that leaves
// nothing to check them on.
func (v *verification) stop(from string) *credentialapi.Report {
	started := false
	for _, c := range credentialapi.Checks {
		if c == from {
			started = true
			continue
		}
		if started && (c != credentialapi.CheckRecognition || v.opts.RecognizedBy != "") {
			v.rep.Checks = append(v.rep.Checks, credentialapi.Check{Name: c, Detail: "not checked: " + from + " failed", Skipped: true})
		}
	}
	return v.finish()
}

func (v *verification) finish() *credentialapi.Report {
	v.rep.OK = v.rep.Failed == ""
	return v.rep
}

// provenJSON decodes the proven value of key into out; ok is false when
// the evidence proves the key absent. The key must have a bundle.
func (v *verification) provenJSON(key []byte, out any) (ok bool, err error) {
	val, has := v.proven[string(key)]
	if !has {
		return false, fmt.Errorf("the evidence has no proof bundle of %s", key)
	}
	if val == nil {
		return false, nil
	}
	return true, json.Unmarshal(val, out)
}

// Verify checks a presentation (an SD-JWT+KB of a Dengta credential) with
// evidence, offline. It runs every check in credentialapi.Checks and
// reports each; the report's Failed names the first that failed.
func Verify(presentation string, ev *credentialapi.Evidence, opts Options) *credentialapi.Report {
	v := &verification{rep: &credentialapi.Report{Checks: []credentialapi.Check{}}, opts: opts, ev: ev, proven: map[string][]byte{}}
	if opts.MaxAge == 0 {
		v.opts.MaxAge = 10 * time.Minute
	}
	if opts.RecognizedBy != "" {
		v.rep.RecognizedBy = opts.RecognizedBy
	}

	// format
	s, err := sdjwt.Parse(presentation)
	if err != nil {
		v.fail(credentialapi.CheckFormat, "%v", err)
		return v.stop(credentialapi.CheckFormat)
	}
	j, err := jws.Parse(s.JWT)
	if err != nil {
		v.fail(credentialapi.CheckFormat, "the issuer-signed JWT: %v", err)
		return v.stop(credentialapi.CheckFormat)
	}
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		v.fail(credentialapi.CheckFormat, "the credential is not a VC 2.0 document: %v", err)
		return v.stop(credentialapi.CheckFormat)
	}
	if ev == nil {
		v.fail(credentialapi.CheckFormat, "no evidence to check the credential against")
		return v.stop(credentialapi.CheckFormat)
	}
	chainID := opts.ChainID
	if chainID == "" {
		chainID = ev.ChainID
	}
	cl, err := Claim(chainID, presentation)
	if err != nil {
		v.fail(credentialapi.CheckFormat, "%v", err)
		return v.stop(credentialapi.CheckFormat)
	}
	if msg := checkShape(j, &p, cl, chainID); msg != "" {
		v.fail(credentialapi.CheckFormat, "%s", msg)
		return v.stop(credentialapi.CheckFormat)
	}
	v.rep.Credential = &credentialapi.Summary{Hash: cl.Hash, Type: cl.Type, Issuer: cl.Issuer, IssuerDID: p.Issuer, ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, Claims: []credentialapi.ShownClaim{}}
	v.pass(credentialapi.CheckFormat, "VC 2.0 credential of type %s secured as %s, issuer %s, %d disclosure(s)%s", cl.Type, TypSDJWT, p.Issuer, len(s.Disclosures), map[bool]string{true: " and a key binding JWT", false: ""}[s.KB != ""])

	// proof
	if msg := v.checkProofs(cl, chainID); msg != "" {
		v.fail(credentialapi.CheckProof, "%s", msg)
		return v.stop(credentialapi.CheckProof)
	}
	v.rep.Height, v.rep.Time = ev.Height, v.time
	v.pass(credentialapi.CheckProof, "%d proof bundles verify against %s: chain %s, state at height %d (block time %s)", len(ev.Bundles), opts.Trust.Source, ev.ChainID, ev.Height, v.time)

	// signature: with the key the chain proves under the kid.
	var key credentialapi.Key
	ok, err := v.provenJSON(credential.KeyKey(cl.KeyOrg, cl.Kid), &key)
	if err != nil || !ok {
		v.fail(credentialapi.CheckSignature, "the chain has no key %s of %s (the signing key is not in its DID document)", cl.Kid, cl.KeyOrg)
		return v.stop(credentialapi.CheckSignature)
	}
	pub, err := credential.PublicKey(key.JWK)
	if err != nil {
		v.fail(credentialapi.CheckSignature, "the proven key: %v", err)
		return v.stop(credentialapi.CheckSignature)
	}
	resolver := func(jws.Header, map[string]any) (*jws.PublicKey, error) { return pub, nil }
	bare := &sdjwt.SDJWT{JWT: s.JWT, Disclosures: s.Disclosures}
	verified, err := sdjwt.Verify(bare, resolver, sdjwt.Options{})
	switch {
	case errors.Is(err, sdjwt.ErrSignature):
		v.fail(credentialapi.CheckSignature, "%v", err)
		return v.stop(credentialapi.CheckSignature)
	case errors.Is(err, sdjwt.ErrDisclosure):
		v.pass(credentialapi.CheckSignature, "%s signature by key %s of %s", j.Header.Alg, cl.Kid, cl.KeyOrg)
		v.fail(credentialapi.CheckDisclosures, "%v", err)
		return v.stop(credentialapi.CheckDisclosures)
	case err != nil:
		v.fail(credentialapi.CheckSignature, "%v", err)
		return v.stop(credentialapi.CheckSignature)
	}
	v.pass(credentialapi.CheckSignature, "%s signature by key %s of %s, proven on chain", j.Header.Alg, cl.Kid, cl.KeyOrg)
	v.pass(credentialapi.CheckDisclosures, "%d disclosure(s), each referenced once by the signed credential", len(s.Disclosures))

	// The proven records the rest needs.
	var anchor credentialapi.Anchor
	anchored, _ := v.provenJSON(credential.AnchorKey(cl.Hash), &anchor)
	at := ev.Height
	if anchored {
		at = anchor.Height
	}
	var typ credentialapi.Type
	hasType, _ := v.provenJSON(credential.TypeKey(cl.Type), &typ)
	if hasType {
		v.rep.Credential.TypeName, v.rep.Credential.TypeNameEN = typ.Name, typ.NameEN
	}
	var org module.OrgView
	if ok, _ := v.provenJSON(module.OrgKey(cl.Issuer), &org); ok {
		v.rep.Credential.IssuerName = org.Name
	}
	v.shownClaims(verified.Claims, &typ)

	// issuer
	v.checkIssuer(cl, &key, at, anchored)
	// anchor
	v.checkAnchor(cl, &anchor, anchored)
	// status
	v.checkStatus(cl, anchored)
	// schema
	v.checkSchema(&p, verified.Claims, cl, &typ, hasType)
	// expiry
	v.checkExpiry(&p)
	// holder binding: for this verifier only, so its nonce and audience
	// are needed (sdjwt checks them only when given).
	if opts.Nonce == "" || opts.Audience == "" {
		v.fail(credentialapi.CheckHolder, "no nonce and audience to check the key binding against: nothing shows the presentation was made for this verifier rather than replayed")
	} else if _, err := sdjwt.VerifyKB(s, verified.Claims, sdjwt.Options{RequireKB: true, Nonce: opts.Nonce, Audience: opts.Audience, Now: opts.Now, MaxAge: v.opts.MaxAge, Skew: Skew}); err != nil {
		v.fail(credentialapi.CheckHolder, "%v", err)
	} else {
		v.pass(credentialapi.CheckHolder, "the holder's key (cnf) signed the presentation for %s with the verifier's nonce", opts.Audience)
	}
	// recognition
	if opts.RecognizedBy != "" {
		v.checkRecognition(cl)
	}
	return v.finish()
}

// checkShape checks the credential's structure: VC 2.0 contexts (bundled
// ones only), types, a did:dengta issuer whose key signed it, status
// entries and schema.
func checkShape(j *jws.JWS, p *payload, cl *Claimed, chainID string) string {
	if j.Header.Typ != TypSDJWT {
		return fmt.Sprintf("the JWT's typ is %q, want %q", j.Header.Typ, TypSDJWT)
	}
	if len(p.Context) == 0 || p.Context[0] != ContextV2 {
		return fmt.Sprintf("@context must start with %s", ContextV2)
	}
	for _, c := range p.Context {
		if _, ok := Context(c); !ok {
			return fmt.Sprintf("@context names %s, which is not a bundled context (verifiers fetch nothing)", c)
		}
	}
	if !slices.Contains(p.Type, "VerifiableCredential") || len(p.Type) != 2 || !credential.IsTypeID(cl.Type) {
		return fmt.Sprintf("type must be VerifiableCredential and one credential type, got %v", p.Type)
	}
	if cl.Issuer == "" {
		return fmt.Sprintf("issuer %q is not a did:dengta DID of chain %s", p.Issuer, chainID)
	}
	if cl.KeyOrg == "" || !strings.HasPrefix(j.Header.Kid, credential.DID(chainID, cl.KeyOrg)+"#") || cl.Kid == "" {
		return fmt.Sprintf("the JWT's kid %q is not a did:dengta key URL", j.Header.Kid)
	}
	if len(p.Status) != 2 || cl.List == 0 {
		return "credentialStatus must hold a revocation and a suspension entry of the issuer's status list"
	}
	for _, e := range p.Status {
		org, n, _, ok := ParseStatusURL(e.StatusListCredential)
		if e.Type != StatusEntryType || !ok || org != cl.Issuer || n != cl.List || e.StatusListIndex != strconv.Itoa(cl.Index) || !slices.Contains(statuslist.Purposes, e.StatusPurpose) {
			return fmt.Sprintf("credentialStatus entry %q is not an entry of the issuer's list %d at index %d", e.ID, cl.List, cl.Index)
		}
	}
	if p.Status[0].StatusPurpose == p.Status[1].StatusPurpose {
		return "credentialStatus names one purpose twice"
	}
	if p.Schema.Type != SchemaType || p.Schema.ID != credential.SchemaURL(cl.Type) {
		return fmt.Sprintf("credentialSchema must be %s %s", SchemaType, credential.SchemaURL(cl.Type))
	}
	return ""
}

// checkProofs verifies every bundle against the trusted validator set and
// that the evidence has the bundles the credential needs; it records the
// proven values.
func (v *verification) checkProofs(cl *Claimed, chainID string) string {
	ev := v.ev
	if ev.Format != credentialapi.EvidenceFormat {
		return fmt.Sprintf("evidence format %q, this verifier reads %q", ev.Format, credentialapi.EvidenceFormat)
	}
	if ev.Hash != cl.Hash {
		return fmt.Sprintf("the evidence is for credential %s, the presentation's is %s", ev.Hash, cl.Hash)
	}
	if ev.ChainID != chainID {
		return fmt.Sprintf("the evidence is of chain %s, the credential's DIDs of chain %s", ev.ChainID, chainID)
	}
	keys := make([]string, 0, len(ev.Bundles))
	for k := range ev.Bundles {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var headerTime time.Time
	for _, k := range keys {
		raw := []byte(ev.Bundles[k])
		r, err := proof.Verify(raw, v.opts.Trust)
		if err != nil {
			return fmt.Sprintf("bundle of %s: %v", k, err)
		}
		if r.Key != k || r.ChainID != ev.ChainID || r.Height != ev.Height {
			return fmt.Sprintf("the bundle filed under %s proves %s of chain %s at height %d", k, r.Key, r.ChainID, r.Height)
		}
		if r.Exists {
			v.proven[k] = r.Value
		} else {
			v.proven[k] = nil
		}
		if headerTime.IsZero() {
			headerTime = BundleTime(raw)
		}
	}
	need := [][]byte{credential.AnchorKey(cl.Hash), credential.TypeKey(cl.Type), credential.IssuerKey(cl.Type, cl.Issuer),
		credential.KeyKey(cl.KeyOrg, cl.Kid), module.OrgKey(cl.Issuer), credential.ListKey(cl.Issuer, cl.List)}
	if v.opts.RecognizedBy != "" {
		need = append(need, credential.RecognitionKey(v.opts.RecognizedBy, cl.Type))
	}
	for _, k := range need {
		if _, ok := v.proven[string(k)]; !ok {
			return fmt.Sprintf("the evidence has no proof bundle of %s", k)
		}
	}
	v.at = headerTime
	v.time = headerTime.UTC().Format(time.RFC3339)
	return ""
}

// BundleTime is the block time of a proof bundle's signed header, or the
// zero time when the bundle does not parse (it says nothing unless the
// bundle verifies).
func BundleTime(raw []byte) time.Time {
	b, err := proof.Parse(raw)
	if err != nil {
		return time.Time{}
	}
	var sh types.SignedHeader
	if err := cmtjson.Unmarshal(b.Header, &sh); err != nil || sh.Header == nil {
		return time.Time{}
	}
	return sh.Header.Time
}

func (v *verification) checkIssuer(cl *Claimed, key *credentialapi.Key, at int64, anchored bool) {
	const name = credentialapi.CheckIssuer
	if cl.KeyOrg != cl.Issuer {
		v.fail(name, "the credential names issuer %s, but it was signed with a key of %s", cl.Issuer, cl.KeyOrg)
		return
	}
	var auth credentialapi.IssuerAuth
	ok, err := v.provenJSON(credential.IssuerKey(cl.Type, cl.Issuer), &auth)
	if err != nil || !ok {
		v.fail(name, "the chain proves %s was never authorised to issue %s", cl.Issuer, cl.Type)
		return
	}
	when := "now"
	if anchored {
		when = fmt.Sprintf("at height %d, when it was anchored", at)
	}
	if !auth.Authorized(at) {
		v.fail(name, "%s was not authorised to issue %s %s", cl.Issuer, cl.Type, when)
		return
	}
	if !credential.KeyValidAt(key, at) {
		v.fail(name, "key %s of %s did not sign credentials %s (published at height %d, revoked at %d)", cl.Kid, cl.Issuer, when, key.Added, key.Revoked)
		return
	}
	name2 := v.rep.Credential.IssuerName
	if name2 == "" {
		name2 = cl.Issuer
	}
	v.pass(name, "%s (%s) was authorised by governance to issue %s %s, and key %s was in its DID document", name2, credential.DID(v.ev.ChainID, cl.Issuer), cl.Type, when, cl.Kid)
}

func (v *verification) checkAnchor(cl *Claimed, a *credentialapi.Anchor, anchored bool) {
	const name = credentialapi.CheckAnchor
	if !anchored {
		v.fail(name, "credential %s is not anchored on chain (the chain proves its absence at height %d)", cl.Hash, v.ev.Height)
		return
	}
	if a.Issuer != cl.Issuer || a.Type != cl.Type || a.Kid != cl.Kid || a.List != cl.List || a.Index != cl.Index {
		v.fail(name, "the anchor (issuer %s, type %s, key %s, list %d entry %d) does not match the credential", a.Issuer, a.Type, a.Kid, a.List, a.Index)
		return
	}
	v.pass(name, "anchored by %s at height %d (%s), transaction %s", a.Issuer, a.Height, a.Time, a.Tx)
}

func (v *verification) checkStatus(cl *Claimed, anchored bool) {
	const name = credentialapi.CheckStatus
	var l credentialapi.List
	ok, err := v.provenJSON(credential.ListKey(cl.Issuer, cl.List), &l)
	if err != nil || !ok {
		v.fail(name, "the chain has no status list %d of %s", cl.List, cl.Issuer)
		return
	}
	if cl.Index < 0 || cl.Index >= l.Size {
		v.fail(name, "entry %d is past the end of status list %d (%d entries)", cl.Index, cl.List, l.Size)
		return
	}
	var states []string
	for _, purpose := range statuslist.Purposes {
		enc, ok := v.ev.StatusLists[purpose]
		if !ok {
			v.fail(name, "the evidence has no %s list", purpose)
			return
		}
		bits, err := statuslist.Decode(enc, statuslist.MaxEntries/8)
		if err != nil {
			v.fail(name, "the %s list: %v", purpose, err)
			return
		}
		want := l.Revocation
		if purpose == statuslist.Suspension {
			want = l.Suspension
		}
		if len(bits) != l.Size/8 || statuslist.Hash(bits) != want.Hash {
			v.fail(name, "the %s list given hashes to %s, but the chain anchors %s (version %d, height %d): it was altered or is stale", purpose, statuslist.Hash(bits), want.Hash, want.Version, want.Height)
			return
		}
		if statuslist.Get(bits, cl.Index) {
			st := map[string]string{statuslist.Revocation: credentialapi.StatusRevoked, statuslist.Suspension: credentialapi.StatusSuspended}[purpose]
			v.rep.Credential.Status = st
			v.fail(name, "%s: entry %d of %s's %s list %d is set (list version %d, anchored at height %d)", st, cl.Index, cl.Issuer, purpose, cl.List, want.Version, want.Height)
			return
		}
		states = append(states, fmt.Sprintf("%s list version %d", purpose, want.Version))
	}
	if m := v.opts.StatusMaxAge; m > 0 && v.at.Before(v.opts.Now.Add(-m)) {
		v.fail(name, "the evidence shows the status as of %s (height %d), more than %s before %s: fetch fresh evidence", v.time, v.ev.Height, m, v.opts.Now.UTC().Format(time.RFC3339))
		return
	}
	v.rep.Credential.Status = credentialapi.StatusActive
	v.pass(name, "neither revoked nor suspended as of %s (height %d): entry %d is clear in the %s, whose hashes are anchored", v.time, v.ev.Height, cl.Index, strings.Join(states, " and the "))
}

func (v *verification) checkSchema(p *payload, claims map[string]any, cl *Claimed, t *credentialapi.Type, hasType bool) {
	const name = credentialapi.CheckSchema
	if !hasType {
		v.fail(name, "the chain has no credential type %s", cl.Type)
		return
	}
	subject, _ := claims["credentialSubject"].(map[string]any)
	if subject == nil {
		v.fail(name, "the credential has no credentialSubject object")
		return
	}
	if err := ValidateClaims(t, subject, false); err != nil {
		v.fail(name, "%v", err)
		return
	}
	v.pass(name, "the disclosed claims match the JSON Schema of %s (%s), registered at height %d with hash %s", t.ID, t.Name, t.Height, t.Hash[:16])
}

func (v *verification) checkExpiry(p *payload) {
	const name = credentialapi.CheckExpiry
	now := v.opts.Now
	from, err := time.Parse(time.RFC3339, p.ValidFrom)
	if err != nil {
		v.fail(name, "validFrom %q is not a date-time", p.ValidFrom)
		return
	}
	if now.Add(Skew).Before(from) {
		v.fail(name, "valid from %s, not yet at %s", p.ValidFrom, now.UTC().Format(timeFormat))
		return
	}
	if p.ValidUntil == "" {
		v.pass(name, "valid from %s, with no expiry", p.ValidFrom)
		return
	}
	until, err := time.Parse(time.RFC3339, p.ValidUntil)
	if err != nil {
		v.fail(name, "validUntil %q is not a date-time", p.ValidUntil)
		return
	}
	if !now.Before(until) {
		v.fail(name, "expired at %s", p.ValidUntil)
		return
	}
	v.pass(name, "valid from %s until %s", p.ValidFrom, p.ValidUntil)
}

func (v *verification) checkRecognition(cl *Claimed) {
	const name = credentialapi.CheckRecognition
	by := v.opts.RecognizedBy
	var rec credentialapi.Recognition
	ok, err := v.provenJSON(credential.RecognitionKey(by, cl.Type), &rec)
	no := false
	v.rep.Recognized = &no
	if err != nil || !ok {
		v.fail(name, "%s does not recognise %s credentials", by, cl.Type)
		return
	}
	if !credential.Recognizes(&rec, cl.Issuer) {
		v.fail(name, "%s recognises %s credentials only from %s", by, cl.Type, strings.Join(rec.Issuers, ", "))
		return
	}
	yes := true
	v.rep.Recognized = &yes
	from := "every authorised issuer"
	if len(rec.Issuers) > 0 {
		from = strings.Join(rec.Issuers, ", ")
	}
	v.pass(name, "%s recognises %s credentials from %s (its list since height %d)", by, cl.Type, from, rec.Height)
}

// shownClaims lists the disclosed claims in the type's order, with labels.
func (v *verification) shownClaims(claims map[string]any, t *credentialapi.Type) {
	subject, _ := claims["credentialSubject"].(map[string]any)
	seen := map[string]bool{}
	add := func(name, zh, en string) {
		val, ok := subject[name]
		if !ok || seen[name] {
			return
		}
		seen[name] = true
		b, _ := json.Marshal(val)
		v.rep.Credential.Claims = append(v.rep.Credential.Claims, credentialapi.ShownClaim{Name: name, ZH: zh, EN: en, Value: b})
	}
	for _, c := range t.Claims {
		add(c.Name, c.ZH, c.EN)
	}
	var rest []string
	for k := range subject {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		add(k, "", "")
	}
}
