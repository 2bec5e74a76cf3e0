package gateway

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/httpapi"
)

// ActionSchemaName is the component schema of an action's body in the
// OpenAPI document: "action.<module>.<action>".
func ActionSchemaName(module, action string) string { return "action." + module + "." + action }

// assembleOpenAPI builds the served document: the core's, each module's
// fragment merged in (a path or component schema defined twice is an
// error), and for every action a component schema of its body, listed in
// the document's x-dengta-actions with who may take it.
//
// A typed query (httpapi.Query) whose operation no fragment documents gets
// one written from its parameters and answer type.
func assembleOpenAPI(core []byte, mods []*httpapi.Module, actions []app.ActionSpec, described map[string]httpapi.Description, routes map[string]httpapi.Route) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(core, &doc); err != nil {
		return nil, fmt.Errorf("core openapi.json: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	comps, _ := doc["components"].(map[string]any)
	if comps == nil {
		comps = map[string]any{}
		doc["components"] = comps
	}
	schemas, _ := comps["schemas"].(map[string]any)
	if schemas == nil {
		schemas = map[string]any{}
		comps["schemas"] = schemas
	}
	for i, m := range mods {
		if len(m.OpenAPI) == 0 {
			continue
		}
		var frag struct {
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		dec := json.NewDecoder(strings.NewReader(string(m.OpenAPI)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&frag); err != nil {
			return nil, fmt.Errorf("openapi fragment of module %d: %w", i, err)
		}
		for _, p := range sortedKeys(frag.Paths) {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: path %s is defined twice", p)
			}
			paths[p] = frag.Paths[p]
		}
		for _, n := range sortedKeys(frag.Components.Schemas) {
			if _, dup := schemas[n]; dup {
				return nil, fmt.Errorf("openapi: schema %s is defined twice", n)
			}
			schemas[n] = frag.Components.Schemas[n]
		}
	}
	for _, pattern := range sortedKeys(anyMap(described)) {
		method, path, _ := strings.Cut(pattern, " ")
		method = strings.ToLower(method)
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		if _, ok := item[method]; ok {
			continue
		}
		op, err := describedOperation(method, path, described[pattern])
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", pattern, err)
		}
		item[method] = op
	}
	var list []any
	for _, a := range actions {
		if a.Body == nil {
			return nil, fmt.Errorf("openapi: action %s/%s has no body type (declare it with module.Handle)", a.Module, a.Action)
		}
		body, err := api.Schema(a.Body)
		if err != nil {
			return nil, fmt.Errorf("openapi: action %s/%s: %w", a.Module, a.Action, err)
		}
		body["title"] = a.Module + "/" + a.Action
		body["description"] = a.Doc
		name := ActionSchemaName(a.Module, a.Action)
		if _, dup := schemas[name]; dup {
			return nil, fmt.Errorf("openapi: schema %s is defined twice", name)
		}
		schemas[name] = body
		roles := make([]any, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = string(r)
		}
		list = append(list, map[string]any{
			"module": a.Module, "action": a.Action, "roles": roles, "admin_only": a.AdminOnly, "operator_only": a.OperatorOnly,
			"body": map[string]any{"$ref": "#/components/schemas/" + name},
		})
	}
	doc["x-dengta-actions"] = list
	documentAccess(doc, paths, comps, routes)
	return json.MarshalIndent(doc, "", "  ")
}

// documentAccess writes who may call each operation (ADR 0007): the
// security schemes, an empty requirement for public operations, either
// scheme for the others, with their 401 answer and the 403 of a member
// that is not a party to what it asks for.
func documentAccess(doc, paths, comps map[string]any, routes map[string]httpapi.Route) {
	comps["securitySchemes"] = map[string]any{
		"memberSignature": map[string]any{
			"type": "apiKey", "in": "header", "name": "Dengta-Signature",
			"description": "A request signed with a member key of the calling organisation. Send Dengta-Key (the key id), Dengta-Time (unix seconds, within 300 s of the node's clock), Dengta-Content-SHA256 (lowercase hex SHA-256 of the body; UNSIGNED-PAYLOAD only for POST /v1/blobs) and Dengta-Signature: the key's signature (Ed25519, or SM2 with the default user id, DER) in standard base64 of \"dengta/request/v1\\x00\" followed by the chain id, the method, the path with its query, the time and the content hash, each ending in a newline. A signed write other than an upload or a check is taken once: the same signed request again answers 401 (sign each request anew). The Go SDK's Client.As does this.",
		},
		"apiToken": map[string]any{
			"type": "http", "scheme": "bearer",
			"description": "An API token of a hall user, made on the hall's account page; it acts for the user's organisation until revoked.",
		},
	}
	unauth := map[string]any{"description": "Members only: sign the request or send an API token", "content": map[string]any{
		"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	notParty := map[string]any{"description": "unauthorized: the caller's organisation may not read this (not a party to the record); the message says who may", "content": map[string]any{
		"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	for pattern, route := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		item, _ := paths[path].(map[string]any)
		op, _ := item[strings.ToLower(method)].(map[string]any)
		if op == nil {
			continue // an undocumented route: TestOpenAPIRoutes says so
		}
		if route.Public {
			op["security"] = []any{}
			continue
		}
		op["security"] = []any{map[string]any{"memberSignature": []any{}}, map[string]any{"apiToken": []any{}}}
		if resp, ok := op["responses"].(map[string]any); ok {
			resp["401"] = unauth
			if _, ok := resp["403"]; !ok {
				resp["403"] = notParty
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func anyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// describedOperation writes the operation of a typed query: its
// parameters, its answer's schema, and the API's error answers.
func describedOperation(method, path string, d httpapi.Description) (map[string]any, error) {
	params, err := api.Params(d.Params)
	if err != nil {
		return nil, err
	}
	var ps []any
	for _, p := range params {
		in := "query"
		if p.Path {
			in = "path"
		}
		q := map[string]any{"name": p.Name, "in": in, "required": p.Path, "schema": map[string]any{"type": p.Type}}
		if p.Doc != "" {
			q["description"] = p.Doc
		}
		ps = append(ps, q)
	}
	result, err := api.Schema(d.Result)
	if err != nil {
		return nil, err
	}
	errRef := map[string]any{"description": "Error; see the code and name", "content": map[string]any{
		"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	id := method + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_").Replace(path)
	summary := d.Doc
	if summary == "" {
		summary = strings.ToUpper(method) + " " + path
	}
	op := map[string]any{
		"summary": summary, "operationId": id,
		"responses": map[string]any{
			"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": result}}},
			"400": errRef, "404": errRef, "503": errRef,
		},
	}
	if len(ps) > 0 {
		op["parameters"] = ps
	}
	return op, nil
}
