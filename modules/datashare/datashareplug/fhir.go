package datashareplug

import (
	"encoding/hex"
	"strings"

	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// FHIR code systems the export names.
const (
	fhirLOINC        = "http://loinc.org"
	fhirActReason    = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	fhirConfidential = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
	fhirActCode      = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	fhirParticipant  = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	fhirConsentAct   = "http://terminology.hl7.org/CodeSystem/consentaction"
	fhirConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
)

// loincOf maps the medical record types to LOINC document codes.
var loincOf = map[string][2]string{
	datashareapi.TypeOutpatient: {"34108-1", "Outpatient Note"},
	datashareapi.TypeLab:        {"11502-2", "Laboratory report"},
	datashareapi.TypeImaging:    {"18748-4", "Diagnostic imaging study"},
	datashareapi.TypeDischarge:  {"18842-5", "Discharge summary"},
}

// consentStatus maps a grant's state to FHIR R5 Consent.status.
func consentStatus(state string) string {
	switch state {
	case datashareapi.GrantProposed:
		return "draft"
	case datashareapi.GrantActive, datashareapi.GrantPending:
		return "active"
	case datashareapi.GrantRefused:
		return "not-done"
	}
	return "inactive" // revoked, expired
}

func ident(system, value string) map[string]any {
	return map[string]any{"identifier": map[string]any{"system": system, "value": value}}
}

func coding(system, code, display string) map[string]any {
	c := map[string]any{"system": system, "code": code}
	if display != "" {
		c["display"] = display
	}
	return c
}

// ConsentResource renders a grant as a FHIR R5 Consent: the owner as
// grantor and controller, the grantee as the information recipient of
// a permit provision with its purpose, period, highest confidentiality,
// document types or records, and a nested (inverted) provision for the
// denied sensitivity tags; the patient's signed acts as verifications.
// base is the node's public URL, whose organisations and records the
// identifiers name.
func ConsentResource(g *datashareapi.GrantView, base string) map[string]any {
	base = strings.TrimRight(base, "/")
	org := func(id string) map[string]any { return ident(base+"/orgs", id) }
	prov := map[string]any{
		"period": map[string]any{"start": g.Start, "end": g.End},
		"actor": []any{map[string]any{
			"role":      map[string]any{"coding": []any{coding(fhirParticipant, "IRCP", "information recipient")}},
			"reference": org(g.Grantee),
		}},
		"action":        []any{map[string]any{"coding": []any{coding(fhirConsentAct, "access", "Access")}}},
		"purpose":       []any{coding(fhirActReason, g.Purpose, "")},
		"securityLabel": []any{coding(fhirConfidential, g.MaxClass, "")},
	}
	var docTypes []any
	for _, t := range g.Types {
		if l, ok := loincOf[t]; ok {
			docTypes = append(docTypes, coding(fhirLOINC, l[0], l[1]))
		}
	}
	if len(docTypes) > 0 {
		prov["documentType"] = docTypes
	}
	var data []any
	for _, r := range g.Records {
		data = append(data, map[string]any{"meaning": "instance", "reference": ident(base+"/datashare/records", r)})
	}
	if len(data) > 0 {
		prov["data"] = data
	}
	if len(g.DenyTags) > 0 {
		var labels []any
		for _, t := range g.DenyTags {
			labels = append(labels, coding(fhirActCode, t, ""))
		}
		prov["provision"] = []any{map[string]any{"securityLabel": labels}}
	}
	c := map[string]any{
		"resourceType": "Consent",
		"id":           strings.ToLower(g.ID),
		"identifier":   []any{map[string]any{"system": base + "/datashare/grants", "value": g.ID}},
		"status":       consentStatus(g.State),
		"category":     []any{map[string]any{"coding": []any{coding(fhirLOINC, "59284-0", "Consent Document"), coding(fhirConsentScope, "patient-privacy", "Privacy Consent")}}},
		"date":         g.Time[:10],
		"period":       map[string]any{"start": g.Start, "end": g.End},
		"grantor":      []any{org(g.Owner)},
		"grantee":      []any{org(g.Grantee)},
		"controller":   []any{org(g.Owner)},
		"decision":     "permit",
		"provision":    []any{prov},
	}
	if g.Subject != "" {
		c["subject"] = ident(base+"/datashare/patients/"+g.Owner, g.Subject)
	}
	var ver []any
	for _, a := range g.Consents {
		ver = append(ver, map[string]any{
			"verified":         a.Act == datashareapi.ActApprove,
			"verificationType": map[string]any{"text": "patient's " + a.Act + ", signed by key " + a.KeyID.String()},
			"verifiedWith":     ident(base+"/datashare/patients/"+g.Owner, g.Subject),
			"verificationDate": []any{a.Time},
		})
	}
	if len(ver) > 0 {
		c["verification"] = ver
	}
	return c
}

func hexBytes(s string) ([]byte, error) { return hex.DecodeString(s) }
