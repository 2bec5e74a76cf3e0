package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

var (
	typeIDPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{2,47}$`)
	claimPattern  = regexp.MustCompile(`^[a-zA-Z][A-Za-z0-9_]{0,39}$`)
)

// reservedTypes are VC 2.0 and status list type names a credential type
// may not take.
var reservedTypes = []string{"VerifiableCredential", "VerifiablePresentation", "EnvelopedVerifiableCredential",
	"EnvelopedVerifiablePresentation", "BitstringStatusListCredential", "BitstringStatusList", "BitstringStatusListEntry",
	"JsonSchema", "JsonSchemaCredential", "DataIntegrityProof"}

// reservedClaims are claim names a type may not define: the VC's own
// properties inside credentialSubject and SD-JWT's.
var reservedClaims = []string{"id", "type", "_sd", "_sd_alg"}

// IsTypeID reports whether s has the form of a credential type id.
func IsTypeID(s string) bool {
	return typeIDPattern.MatchString(s) && !slices.Contains(reservedTypes, s)
}

// TypeHash is the hex SHA-256 of a type definition's JSON as this module
// encodes it: what a governance decision registering it names.
func TypeHash(d *credentialapi.TypeDef) string {
	b, err := json.Marshal(d)
	if err != nil {
		panic("credential: encode type: " + err.Error()) // strings, ints and slices of them
	}
	return hexDigest(b)
}

// TypeSubject is the authorize_action subject that registers a definition.
func TypeSubject(id, hash string) string { return id + ":" + hash }

// IssuerSubject is the authorize_action subject of an issuer decision.
func IssuerSubject(typ, org string) string { return typ + ":" + org }

// noLoader refuses every external schema: a type's schema is
// self-contained, and no node reads files or the network for it.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schemas may not refer to %s: a credential type's schema is self-contained", url)
}

// SchemaURL is the base URI of a type's schema.
func SchemaURL(typ string) string { return "urn:dengta:credential-type:" + typ }

// CompileSchema compiles a type's JSON Schema (draft 2020-12 unless the
// schema says otherwise), asserting formats, with no external references.
func CompileSchema(typ, text string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(SchemaURL(typ), doc); err != nil {
		return nil, err
	}
	return c.Compile(SchemaURL(typ))
}

// CheckTypeDef checks a type definition on its own: its names, its claims
// and a schema of credentialSubject that compiles, describes an object,
// and whose properties are exactly the claims.
func CheckTypeDef(d *credentialapi.TypeDef) error {
	if !typeIDPattern.MatchString(d.ID) {
		return malformed("type.id %q must be 3 to 48 letters and digits starting with a capital, e.g. RealEstateCertificateCredential", d.ID)
	}
	if slices.Contains(reservedTypes, d.ID) {
		return malformed("type.id %q is a W3C type name; choose a name of your own", d.ID)
	}
	if err := field.Text("type.name", d.Name, 1, 40); err != nil {
		return err
	}
	if err := field.Text("type.name_en", d.NameEN, 1, 80); err != nil {
		return err
	}
	if err := field.Text("type.description", d.Description, 0, 400, field.Multiline); err != nil {
		return err
	}
	if d.ValidityDays < 0 || d.ValidityDays > 36500 {
		return malformed("type.validity_days must be 0 (no expiry) to 36500, got %d", d.ValidityDays)
	}
	if len(d.Claims) == 0 || len(d.Claims) > credentialapi.MaxClaims {
		return malformed("type.claims: 1 to %d claims, got %d", credentialapi.MaxClaims, len(d.Claims))
	}
	names := map[string]bool{}
	for i, c := range d.Claims {
		at := fmt.Sprintf("type.claims[%d]", i)
		if !claimPattern.MatchString(c.Name) {
			return malformed("%s.name %q must be a letter then up to 39 letters, digits or '_'", at, c.Name)
		}
		if slices.Contains(reservedClaims, c.Name) {
			return malformed("%s.name %q is reserved", at, c.Name)
		}
		if names[c.Name] {
			return malformed("%s.name %q is given twice", at, c.Name)
		}
		names[c.Name] = true
		if err := field.Text(at+".zh", c.ZH, 1, 20); err != nil {
			return err
		}
		if err := field.Text(at+".en", c.EN, 1, 40); err != nil {
			return err
		}
	}
	if len(d.Schema) == 0 || len(d.Schema) > credentialapi.MaxSchema {
		return malformed("type.schema: a JSON Schema of 1 to %d bytes, got %d", credentialapi.MaxSchema, len(d.Schema))
	}
	if err := field.Plain("type.schema", d.Schema, field.Multiline); err != nil {
		return err
	}
	var shape struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(d.Schema)))
	if err := dec.Decode(&shape); err != nil {
		return malformed("type.schema is not a JSON object: %v", err)
	}
	if shape.Type != "object" {
		return malformed(`type.schema must describe the credentialSubject object ("type": "object")`)
	}
	var props []string
	for p := range shape.Properties {
		props = append(props, p)
	}
	slices.Sort(props)
	for _, p := range props {
		if !names[p] && p != "id" {
			return malformed("type.schema describes property %q, which is not among type.claims", p)
		}
	}
	for _, c := range d.Claims {
		if _, ok := shape.Properties[c.Name]; !ok {
			return malformed("type.claims names %q, which type.schema does not describe", c.Name)
		}
	}
	if _, err := CompileSchema(d.ID, d.Schema); err != nil {
		return malformed("type.schema does not compile: %v", err)
	}
	return nil
}

func (Module) submitType(ctx *module.Context, b *credentialapi.SubmitTypeBody) error {
	if err := CheckTypeDef(&b.Type); err != nil {
		return err
	}
	hash := TypeHash(&b.Type)
	if err := absent(ctx.Store, typeKey(b.Type.ID), "credential type "+b.Type.ID); err != nil {
		return conflict("credential type %s is registered; a new schema is a new type (choose another id)", b.Type.ID)
	}
	if err := absent(ctx.Store, draftKey(b.Type.ID, hash), "this definition of "+b.Type.ID); err != nil {
		return err
	}
	d := credentialapi.Draft{Type: b.Type, Hash: hash, Subject: TypeSubject(b.Type.ID, hash), By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, draftKey(b.Type.ID, hash), &d); err != nil {
		return err
	}
	ctx.Emit("credential.type_submitted", "type", b.Type.ID, "hash", hash, "by", ctx.Signer.Org)
	return ctx.SetResult(credentialapi.TypeResult{ID: b.Type.ID, Hash: hash, Subject: d.Subject})
}

func (Module) registerType(ctx *module.Context, b *credentialapi.RegisterTypeBody) error {
	if !typeIDPattern.MatchString(b.ID) {
		return malformed("id %q is not a credential type id", b.ID)
	}
	if err := field.Hex64("hash", b.Hash); err != nil {
		return err
	}
	var d credentialapi.Draft
	if err := module.GetRecord(ctx.Store, draftKey(b.ID, b.Hash), &d, "no submitted definition of %s with hash %s; submit it with credential/submit_type first", b.ID, b.Hash); err != nil {
		return err
	}
	if err := absent(ctx.Store, typeKey(b.ID), "credential type "+b.ID); err != nil {
		return err
	}
	if _, err := decision(ctx, b.ProposalID, credentialapi.RegisterType.Name, TypeSubject(b.ID, b.Hash)); err != nil {
		return err
	}
	t := credentialapi.Type{TypeDef: d.Type, Hash: b.Hash, ProposalID: b.ProposalID, Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, typeKey(b.ID), &t); err != nil {
		return err
	}
	ctx.Emit("credential.type_registered", "type", b.ID, "hash", b.Hash, "proposal_id", fmt.Sprint(b.ProposalID))
	return ctx.SetResult(credentialapi.TypeResult{ID: b.ID, Hash: b.Hash, Subject: TypeSubject(b.ID, b.Hash)})
}

// GetType returns a registered type, or a not_found error.
func GetType(r module.Getter, id string) (*credentialapi.Type, error) {
	var t credentialapi.Type
	if err := module.GetRecord(r, typeKey(id), &t, "no credential type %q is registered", id); err != nil {
		return nil, err
	}
	return &t, nil
}

// GetIssuer returns an organisation's authorisation for a type; ok is
// false when it was never authorised.
func GetIssuer(r module.Getter, typ, org string) (a *credentialapi.IssuerAuth, ok bool, err error) {
	a = &credentialapi.IssuerAuth{}
	ok, err = module.GetJSON(r, issuerKey(typ, org), a)
	if err != nil || !ok {
		return nil, ok, err
	}
	return a, true, nil
}

func (m Module) issuerBody(ctx *module.Context, b *credentialapi.IssuerBody) error {
	if !typeIDPattern.MatchString(b.Type) {
		return malformed("type %q is not a credential type id", b.Type)
	}
	if err := field.OrgID("issuer", b.Issuer); err != nil {
		return err
	}
	if b.ProposalID == 0 {
		return malformed("proposal_id is required: the passed authorize_action proposal naming %s", IssuerSubject(b.Type, b.Issuer))
	}
	_, err := GetType(ctx.Store, b.Type)
	return err
}

func (m Module) authorizeIssuer(ctx *module.Context, b *credentialapi.IssuerBody) error {
	if err := m.issuerBody(ctx, b); err != nil {
		return err
	}
	if _, err := module.ActiveOrg(ctx.Store, "issuer", b.Issuer); err != nil {
		return err
	}
	a, ok, err := GetIssuer(ctx.Store, b.Type, b.Issuer)
	if err != nil {
		return err
	}
	if ok && a.Active {
		return conflict("%s is already authorised to issue %s (since height %d)", b.Issuer, b.Type, a.Periods[len(a.Periods)-1].From)
	}
	if _, err := decision(ctx, b.ProposalID, credentialapi.AuthorizeIssuer.Name, IssuerSubject(b.Type, b.Issuer)); err != nil {
		return err
	}
	if !ok {
		a = &credentialapi.IssuerAuth{Type: b.Type, Issuer: b.Issuer}
	}
	a.Active = true
	a.Periods = append(a.Periods, credentialapi.AuthPeriod{From: ctx.Height, FromTime: field.BlockTime(ctx.Time), Proposal: b.ProposalID})
	if err := module.PutJSON(ctx.Store, issuerKey(b.Type, b.Issuer), a); err != nil {
		return err
	}
	if err := ctx.Store.Set(issuerOfKey(b.Issuer, b.Type), present); err != nil {
		return err
	}
	ctx.Emit("credential.issuer_authorized", "type", b.Type, "issuer", b.Issuer, "proposal_id", fmt.Sprint(b.ProposalID))
	return ctx.SetResult(credentialapi.IssuerResult{Type: b.Type, Issuer: b.Issuer, Active: true})
}

func (m Module) withdrawIssuer(ctx *module.Context, b *credentialapi.IssuerBody) error {
	if err := m.issuerBody(ctx, b); err != nil {
		return err
	}
	a, ok, err := GetIssuer(ctx.Store, b.Type, b.Issuer)
	if err != nil {
		return err
	}
	if !ok || !a.Active {
		return conflict("%s is not authorised to issue %s; there is nothing to withdraw", b.Issuer, b.Type)
	}
	if _, err := decision(ctx, b.ProposalID, credentialapi.WithdrawIssuer.Name, IssuerSubject(b.Type, b.Issuer)); err != nil {
		return err
	}
	p := &a.Periods[len(a.Periods)-1]
	p.To, p.ToTime, p.WithdrawProposal = ctx.Height, field.BlockTime(ctx.Time), b.ProposalID
	a.Active = false
	if err := module.PutJSON(ctx.Store, issuerKey(b.Type, b.Issuer), a); err != nil {
		return err
	}
	ctx.Emit("credential.issuer_withdrawn", "type", b.Type, "issuer", b.Issuer, "proposal_id", fmt.Sprint(b.ProposalID))
	return ctx.SetResult(credentialapi.IssuerResult{Type: b.Type, Issuer: b.Issuer})
}
