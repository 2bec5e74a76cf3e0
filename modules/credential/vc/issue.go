package vc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/sdjwt"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

// Issuer signs an organisation's credentials.
type Issuer struct {
	ChainID string
	Org     string
	Key     *jws.PrivateKey
	// StatusBase is the public URL of the issuer's node, under which its
	// status list credentials are published (StatusPath).
	StatusBase string
}

// Request is one credential to issue.
type Request struct {
	Type *credentialapi.Type
	// Claims are the credentialSubject's claims, which must match the
	// type's schema.
	Claims map[string]any
	// Holder is the key the holder binds presentations with (cnf).
	Holder *jws.PublicKey
	// ValidFrom defaults to now; ValidUntil to the type's validity, or
	// none.
	ValidFrom, ValidUntil time.Time
	// List and Index are the credential's entry in the issuer's status
	// lists.
	List, Index int
}

// Issued is a signed credential and what anchors it.
type Issued struct {
	// Credential is the SD-JWT with every Disclosure: the holder's file.
	Credential string
	Hash       string
	Item       credentialapi.AnchorItem
	Payload    map[string]any // the unsecured credential, for display
}

// timeFormat is how credentials write times (XML Schema dateTimeStamp, UTC).
const timeFormat = "2006-01-02T15:04:05Z"

// StatusEntries are a credential's credentialStatus: a revocation and a
// suspension entry at the same index of the issuer's list n.
func StatusEntries(base, org string, n, index int) []any {
	var out []any
	for _, p := range statuslist.Purposes {
		u := base + StatusPath(org, n, p)
		out = append(out, map[string]any{
			"id":                   u + "#" + strconv.Itoa(index),
			"type":                 StatusEntryType,
			"statusPurpose":        p,
			"statusListIndex":      strconv.Itoa(index),
			"statusListCredential": u,
		})
	}
	return out
}

// Issue signs a credential: a VC 2.0 document with the type's claims in
// credentialSubject, each selectively disclosable unless the type fixes
// it, secured as an SD-JWT whose header names the signing key as a DID
// URL. Salts come from rnd. The claims must match the type's schema.
func (is *Issuer) Issue(req Request, now time.Time, rnd io.Reader) (*Issued, error) {
	t := req.Type
	if req.Holder == nil {
		return nil, errors.New("a credential needs the holder's key (cnf) for key binding")
	}
	if err := ValidateClaims(t, req.Claims, true); err != nil {
		return nil, err
	}
	if err := CheckPastDates(t, req.Claims, now); err != nil {
		return nil, err
	}
	if err := CheckCodes(t, req.Claims); err != nil {
		return nil, err
	}
	from := req.ValidFrom
	if from.IsZero() {
		from = now
	}
	until := req.ValidUntil
	if until.IsZero() && t.ValidityDays > 0 {
		until = from.AddDate(0, 0, t.ValidityDays)
	}
	if !until.IsZero() && !until.After(from) {
		return nil, fmt.Errorf("validUntil %s is not after validFrom %s", until.UTC().Format(timeFormat), from.UTC().Format(timeFormat))
	}
	hj, err := json.Marshal(req.Holder.JWK())
	if err != nil {
		return nil, err
	}
	var cnf any
	if err := json.Unmarshal(hj, &cnf); err != nil {
		return nil, err
	}
	subject := map[string]any{}
	for k, v := range req.Claims {
		subject[k] = v
	}
	payload := map[string]any{
		"@context":          []any{ContextV2, ContextDengta},
		"type":              []any{"VerifiableCredential", t.ID},
		"issuer":            credential.DID(is.ChainID, is.Org),
		"name":              t.Name,
		"validFrom":         from.UTC().Format(timeFormat),
		"credentialSubject": subject,
		"credentialStatus":  StatusEntries(is.StatusBase, is.Org, req.List, req.Index),
		"credentialSchema":  map[string]any{"id": credential.SchemaURL(t.ID), "type": SchemaType},
		"iat":               now.Unix(),
		"cnf":               map[string]any{"jwk": cnf},
	}
	if !until.IsZero() {
		payload["validUntil"] = until.UTC().Format(timeFormat)
	}
	members := map[string]*sdjwt.Frame{}
	for _, c := range t.Claims {
		if _, ok := req.Claims[c.Name]; ok && !c.Fixed {
			members[c.Name] = &sdjwt.Frame{SD: true}
		}
	}
	frame := &sdjwt.Frame{Members: map[string]*sdjwt.Frame{"credentialSubject": {Members: members, Decoys: 2}}}
	kid := credential.KeyURL(is.ChainID, is.Org, is.Key.Thumbprint())
	out, err := sdjwt.Issue(is.Key, jws.Header{Typ: TypSDJWT, Cty: "vc", Kid: kid}, payload, frame, rnd)
	if err != nil {
		return nil, err
	}
	h := credential.Hash(out.SDJWT.JWT)
	return &Issued{
		Credential: out.SDJWT.String(),
		Hash:       h,
		Item:       credentialapi.AnchorItem{Hash: h, Type: t.ID, Kid: is.Key.Thumbprint(), List: req.List, Index: req.Index},
		Payload:    payload,
	}, nil
}

// ValidateClaims checks credentialSubject claims against a type's schema.
// With complete false (a presentation, which may leave claims
// undisclosed), the schema's top-level "required" is not enforced; every
// claim present must still match its property's schema.
func ValidateClaims(t *credentialapi.Type, claims map[string]any, complete bool) error {
	text := t.Schema
	if !complete {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(t.Schema), &doc); err != nil {
			return fmt.Errorf("the schema of %s: %v", t.ID, err)
		}
		delete(doc, "required")
		b, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		text = string(b)
	}
	sch, err := compiled(t.ID, text)
	if err != nil {
		return fmt.Errorf("the schema of %s: %v", t.ID, err)
	}
	// Validate what JSON makes of the claims (numbers as json.Number).
	b, err := json.Marshal(claims)
	if err != nil {
		return err
	}
	v, err := decodeNumbers(b)
	if err != nil {
		return err
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("the claims do not match the schema of %s: %v", t.ID, err)
	}
	return nil
}

// PastKeyword marks a claim's property in a type's schema as the date of
// something that has happened by the time a credential is issued (a
// founding, a birth, a degree conferred, a registration): with
// "notAfterIssuance": true, a date after the day of issue is refused. JSON
// Schema has no keyword for it; validators that do not know it ignore it.
const PastKeyword = "notAfterIssuance"

// latestZone is the zone whose calendar day is the latest on Earth: a date
// after its today is in the future wherever the issuer is.
var latestZone = time.FixedZone("UTC+14", 14*3600)

// CheckPastDates refuses claims whose property the type's schema marks with
// PastKeyword and whose date is after the day of issue now.
func CheckPastDates(t *credentialapi.Type, claims map[string]any, now time.Time) error {
	var doc struct {
		Properties map[string]map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal([]byte(t.Schema), &doc); err != nil {
		return fmt.Errorf("the schema of %s: %v", t.ID, err)
	}
	today := now.In(latestZone).Format(time.DateOnly)
	for _, c := range t.Claims { // in the type's order, for a stable message
		raw, ok := doc.Properties[c.Name][PastKeyword]
		if !ok || string(raw) != "true" {
			continue
		}
		s, ok := claims[c.Name].(string)
		if !ok {
			continue // absent: the schema's "required" decides
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return fmt.Errorf("claim %s (%s) is %q, not a date YYYY-MM-DD", c.Name, c.ZH, s)
		}
		if d.Format(time.DateOnly) > today {
			return fmt.Errorf("claim %s (%s) is %s, after the day of issue (%s): a date that has not come yet cannot be certified", c.Name, c.ZH, s, now.In(latestZone).Format(time.DateOnly))
		}
	}
	return nil
}

// schemas caches compiled schemas by type and text: compiling one (with
// the meta-schema's check) costs more than the rest of an issuance.
var schemas struct {
	sync.Mutex
	m map[[2]string]*jsonschema.Schema
}

// compiled is credential.CompileSchema, cached (at most 256 schemas; a
// compiled schema is immutable and safe to share).
func compiled(typ, text string) (*jsonschema.Schema, error) {
	k := [2]string{typ, text}
	schemas.Lock()
	sch := schemas.m[k]
	schemas.Unlock()
	if sch != nil {
		return sch, nil
	}
	sch, err := credential.CompileSchema(typ, text)
	if err != nil {
		return nil, err
	}
	schemas.Lock()
	defer schemas.Unlock()
	if schemas.m == nil || len(schemas.m) >= 256 {
		schemas.m = map[[2]string]*jsonschema.Schema{}
	}
	schemas.m[k] = sch
	return sch, nil
}

// CheckKeyword marks a claim's property in a type's schema as a national
// code whose last character is a check character, naming the standard:
// "GB 32100-2015" (unified social credit code) or "GB 11643-1999"
// (resident identity card number). JSON Schema's pattern cannot check it;
// validators that do not know the keyword ignore it.
const CheckKeyword = "checkCharacter"

// CheckCodes refuses claims whose property the type's schema marks with
// CheckKeyword and whose check character is wrong: a mistyped code.
func CheckCodes(t *credentialapi.Type, claims map[string]any) error {
	var doc struct {
		Properties map[string]map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal([]byte(t.Schema), &doc); err != nil {
		return fmt.Errorf("the schema of %s: %v", t.ID, err)
	}
	for _, c := range t.Claims { // in the type's order, for a stable message
		var std string
		if raw, ok := doc.Properties[c.Name][CheckKeyword]; !ok || json.Unmarshal(raw, &std) != nil {
			continue
		}
		s, ok := claims[c.Name].(string)
		if !ok {
			continue // absent: the schema's "required" decides
		}
		var err error
		switch std {
		case "GB 32100-2015":
			err = identity.ValidUSCC(s)
		case "GB 11643-1999":
			err = checkIDNumber(s)
		default:
			return fmt.Errorf("the schema of %s: claim %s names an unknown check standard %q", t.ID, c.Name, std)
		}
		if err != nil {
			return fmt.Errorf("claim %s (%s): %v: check the code as written on the document", c.Name, c.ZH, err)
		}
	}
	return nil
}

// checkIDNumber checks the last character of an 18-character resident
// identity card number (GB 11643-1999, ISO 7064 MOD 11-2).
func checkIDNumber(s string) error {
	if len(s) != 18 {
		return fmt.Errorf("identity card number %q has %d characters, want 18", s, len(s))
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("identity card number %q: character %d is not a digit", s, i+1)
		}
		sum += int(s[i]-'0') * w
	}
	if want := "10X98765432"[sum%11]; s[17] != want {
		return fmt.Errorf("identity card number %q: check character is '%c', want '%c'", s, s[17], want)
	}
	return nil
}
