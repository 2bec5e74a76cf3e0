package datashareplug

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

var update = flag.Bool("update", false, "rewrite openapi.json from the wire types")

// fragment builds the module's OpenAPI fragment for the endpoints that
// are not typed JSON queries, with their bodies' and answers' schemas
// taken from the wire types.
func fragment(t *testing.T) []byte {
	schema := func(v any) map[string]any {
		s, err := api.Schema(reflect.TypeOf(v))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	param := func(name, in, desc string, required bool) map[string]any {
		return map[string]any{"name": name, "in": in, "required": required, "description": desc, "schema": map[string]any{"type": "string"}}
	}
	jsonOK := func(desc string, v any) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": schema(v)}}}
	}
	body := func(v any) map[string]any {
		return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schema(v)}}}
	}
	id := param("id", "path", "the record's id", true)
	paths := map[string]any{
		datashareapi.Content.Path: map[string]any{"get": map[string]any{
			"summary": datashareapi.Content.Doc, "operationId": "datashareContent",
			"description": "Served by the node of the record's owner, to a request signed by a member key of the grantee (Dengta-Signature headers), while the owner's latest committed state shows a valid grant naming the caller's organisation (or an open emergency access it declared). Every answer, served or refused, is written to the owner's audit journal and synced to disk before it leaves, then recorded on chain in batches (datashare/audit). The answer is the sealed record (datakey: SM4-GCM), whose SHA-256 is the record's blob; the data key comes from the chain (GET /v1/datashare/records/{id}/keys?grant=) or, for an emergency, from emergency-keys.",
			"parameters":  []any{id, param("grant", "query", "the grant to fetch under", false), param("break_glass", "query", "the emergency access to fetch under", false)},
			"responses": map[string]any{
				"200": map[string]any{"description": "The sealed record; header Dengta-Audit-Event names the access's audit event", "content": map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}},
				"403": errResp("Refused (unauthorized): the message names the reason, recorded in the owner's audit trail"),
				"404": errResp("No such record"),
				"503": errResp("This node does not serve the record's owner, or cannot record the access now"),
			},
		}},
		datashareapi.GetEmergencyKeys.Path: map[string]any{"get": map[string]any{
			"summary": datashareapi.GetEmergencyKeys.Doc, "operationId": "datashareEmergencyKeys",
			"description": "Under an open emergency access (datashare/break_glass) declared by the caller's organisation, the owner's node opens the record's data key with an exchange key of the owner it holds and wraps it to the caller's exchange keys. Audited like a fetch.",
			"parameters":  []any{id, param("break_glass", "query", "the emergency access", true)},
			"responses": map[string]any{
				"200": jsonOK("The data key wrapped to each of the caller's exchange keys", datashareapi.EmergencyKeys{}),
				"400": errResp("No emergency access named"),
				"403": errResp("Refused, with the reason; recorded in the audit trail"),
				"404": errResp("No such record"),
				"503": errResp("This node cannot open the owner's key, or cannot record the access now"),
			},
		}},
		datashareapi.PostTelemetry.Path: map[string]any{"post": map[string]any{
			"summary": datashareapi.PostTelemetry.Doc, "operationId": "datashareTelemetry",
			"description": "Sent by a member of the device's owner to the owner's node. The node checks the device's signature over the window's digest (SM3 of the device's salt and the readings), seals the readings under a fresh data key into its blob store, registers the window (datashare/register_record, signed with a key of the owner the node holds) with its data key wrapped to the owner's exchange keys and to the grantees of standing grants on the device, scores it with the device's predictive-maintenance model and anchors any alert (datashare/raise_alert) with the digests it rests on.",
			"parameters":  []any{param("id", "path", "the device's id", true)},
			"requestBody": body(datashareapi.TelemetryUpload{}),
			"responses": map[string]any{
				"201": jsonOK("The window's record, digest, height and alerts", datashareapi.TelemetryResult{}),
				"400": errResp("Malformed window"),
				"403": errResp("Not the device's owner, or not the device's signature"),
				"404": errResp("No such device"),
				"409": errResp("The window's number is not above the device's last"),
				"503": errResp("This node does not hold a key of the device's owner"),
			},
		}},
		datashareapi.PostStatement.Path: map[string]any{"post": map[string]any{
			"summary": datashareapi.PostStatement.Doc, "operationId": "datashareStatement",
			"description": "What a patient's app sends: the patient's act on a grant (approve, refuse, revoke), signed with the patient's key over datashareapi.SubjectSignBytes. The node of the patient's hospital checks the signature and relays it (datashare/subject_act); the chain checks it again. No member credential is needed: the patient's signature is the authority.",
			"requestBody": body(datashareapi.SubjectActBody{}),
			"responses": map[string]any{
				"200": jsonOK("The grant's status after the act, and the height", datashareapi.StatementResult{}),
				"400": errResp("Malformed statement"),
				"403": errResp("Not the patient's signature"),
				"404": errResp("No such patient or grant"),
				"409": errResp("The grant's status does not allow the act"),
				"503": errResp("This node does not hold a key of the patient's hospital"),
			},
		}},
		datashareapi.RegisterPatient.Path: map[string]any{"post": map[string]any{
			"summary": datashareapi.RegisterPatient.Doc, "operationId": "datashareAdmitPatient",
			"description": "For a hospital's systems (its HIS): the caller's organisation is the hospital, whose key the node holds. The node derives the pseudonym from the ID number with the hospital's secret, makes the patient's key, keeps it encrypted under the access code (Argon2id, SM4-GCM) and registers the patient on chain (datashare/register_subject) with the public key only. The name and ID number stay in the node; the access code is answered once, for the patient's slip.",
			"requestBody": body(datashareapi.PatientBody{}),
			"responses": map[string]any{
				"201": jsonOK("The patient's pseudonym and access code", datashareapi.PatientResult{}),
				"400": errResp("Missing or malformed name, ID number or access code"),
				"409": errResp("The patient is already in custody"),
				"503": errResp("This node does not hold a key of the caller's hospital"),
			},
		}},
		datashareapi.GrantFHIR.Path: map[string]any{"get": map[string]any{
			"summary": datashareapi.GrantFHIR.Doc, "operationId": "datashareGrantFHIR",
			"description": "The grant as a FHIR R5 Consent: the owner as grantor and controller, the grantee as the information recipient (IRCP) of a permit provision with purpose (v3-ActReason), period, highest confidentiality (v3-Confidentiality), LOINC document types or the records, a nested provision excepting the denied sensitivity tags (v3-ActCode), and the patient's signed acts as verifications. For the grant's parties and overseers.",
			"parameters":  []any{param("id", "path", "the grant's id", true), map[string]any{"name": "height", "in": "query", "required": false, "description": "state version; latest when absent", "schema": map[string]any{"type": "integer"}}},
			"responses": map[string]any{
				"200": map[string]any{"description": "A FHIR R5 Consent resource", "content": map[string]any{"application/fhir+json": map[string]any{"schema": map[string]any{"type": "object"}}}},
				"400": errResp("Malformed height"),
				"403": errResp("Not a party to the grant"),
				"404": errResp("No such grant"),
			},
		}},
	}
	b, err := json.MarshalIndent(map[string]any{"paths": paths}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestOpenAPIFragment keeps openapi.json in step with the wire types
// (go test -run TestOpenAPIFragment -update rewrites it).
func TestOpenAPIFragment(t *testing.T) {
	want := fragment(t)
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(openAPI, want) && !*update {
		t.Fatal("openapi.json is not what the wire types make; run go test -run TestOpenAPIFragment -update")
	}
}
