package gateway

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/internal/api"
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
func assembleOpenAPI(core []byte, mods []*httpapi.Module, actions []app.ActionSpec) ([]byte, error) {
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
			"module": a.Module, "action": a.Action, "roles": roles, "admin_only": a.AdminOnly,
			"body": map[string]any{"$ref": "#/components/schemas/" + name},
		})
	}
	doc["x-dengta-actions"] = list
	return json.MarshalIndent(doc, "", "  ")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
