// Package api describes the node's API once, for the server, the SDK, the
// CLI and the documentation alike: Action names a signed action with the Go
// types of its JSON body and result, and Query names a read endpoint with
// the types of its parameters and answer. Each module declares its own in
// its wire package (modules/<name>/<name>api); the gateway serves
// them, the client calls them (client.Send, client.Read) and the OpenAPI
// document takes their JSON schemas from the same types.
//
// The package imports no HTTP code, so that a module's state machine can
// share its wire types without pulling in a server.
package api

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
)

// Action is a signed action: module and action name, and the types of its
// JSON body B and of the result R the committed transaction answers.
type Action[B, R any] struct {
	Module string
	Name   string
	// Doc is one line for the API reference and the CLI.
	Doc string
}

// Route returns "module/action".
func (a Action[B, R]) Route() string { return a.Module + "/" + a.Name }

// BodyType returns the reflect type of the action's body.
func (a Action[B, R]) BodyType() reflect.Type { return reflect.TypeFor[B]() }

// ResultType returns the reflect type of the action's result.
func (a Action[B, R]) ResultType() reflect.Type { return reflect.TypeFor[R]() }

// Query is a read endpoint: an HTTP method and path pattern in net/http
// ServeMux syntax ("/v1/notary/evidence/{id}"), the parameters P (a struct
// whose fields are tagged path:"name" or query:"name") and the JSON answer
// R.
type Query[P, R any] struct {
	Method string // GET when empty
	Path   string
	Doc    string
	// Public marks a read anyone may call (a scan page's data, an
	// evidence check). Others answer only callers authenticated as a
	// member organisation (ADR 0007), and the handler may narrow that to
	// the parties of a record.
	Public bool
}

// Pattern returns the ServeMux pattern, "GET /v1/...".
func (q Query[P, R]) Pattern() string {
	m := q.Method
	if m == "" {
		m = "GET"
	}
	return m + " " + q.Path
}

// URL returns the path and query string of a request for params p.
func (q Query[P, R]) URL(p P) (string, error) { return EncodeParams(q.Path, p) }

// None is the result of an action that answers nothing.
type None struct{}

// Page is a page of a list.
type Page[T any] struct {
	Height int64 `json:"height"`
	Items  []T   `json:"items"`
	// Next, when set, is the ?after= value that fetches the next page.
	Next string `json:"next,omitempty"`
}

// paramField is one tagged field of a params struct.
type paramField struct {
	index []int
	name  string
	path  bool // a path value rather than a query parameter
	doc   string
	kind  reflect.Kind
}

func paramFields(t reflect.Type) ([]paramField, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("params type %s is not a struct", t)
	}
	var out []paramField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			inner, err := paramFields(f.Type)
			if err != nil {
				return nil, err
			}
			for _, pf := range inner {
				pf.index = append([]int{i}, pf.index...)
				out = append(out, pf)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		pf := paramField{index: []int{i}, doc: f.Tag.Get("doc"), kind: f.Type.Kind()}
		if n, ok := f.Tag.Lookup("path"); ok {
			pf.name, pf.path = n, true
		} else if n, ok := f.Tag.Lookup("query"); ok {
			pf.name = n
		} else {
			return nil, fmt.Errorf("params field %s.%s has neither a path nor a query tag", t, f.Name)
		}
		switch f.Type.Kind() {
		case reflect.String, reflect.Int, reflect.Int64, reflect.Uint64, reflect.Bool:
		default:
			return nil, fmt.Errorf("params field %s.%s is a %s; use a string, integer or bool", t, f.Name, f.Type)
		}
		out = append(out, pf)
	}
	return out, nil
}

// EncodeParams fills the {name} segments of pattern from p's path fields
// and appends its non-zero query fields as a query string.
func EncodeParams(pattern string, p any) (string, error) {
	v := reflect.ValueOf(p)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	fields, err := paramFields(v.Type())
	if err != nil {
		return "", err
	}
	q := url.Values{}
	path := pattern
	for _, f := range fields {
		fv := v.FieldByIndex(f.index)
		s := formatParam(fv)
		if f.path {
			seg := "{" + f.name + "}"
			if !strings.Contains(path, seg) {
				return "", fmt.Errorf("path %s has no segment %s", pattern, seg)
			}
			if s == "" {
				return "", errcode.New(errcode.BadRequest, "%s is required", f.name)
			}
			path = strings.Replace(path, seg, url.PathEscape(s), 1)
			continue
		}
		if !fv.IsZero() {
			q.Set(f.name, s)
		}
	}
	if strings.Contains(path, "{") {
		return "", fmt.Errorf("path %s: a segment has no params field", pattern)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path, nil
}

func formatParam(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return ""
}

// DecodeParams fills the struct p points to from a request's path values
// and query. A value that does not parse is a bad_request error naming
// the parameter; absent parameters leave their fields zero. A page size
// (the query parameter limit) given as 0 is refused: absent means the
// endpoint's default, and every list documents 1 to its maximum.
func DecodeParams(p any, path func(name string) string, query url.Values) error {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("decode params: %T is not a pointer to a struct", p)
	}
	v = v.Elem()
	fields, err := paramFields(v.Type())
	if err != nil {
		return err
	}
	for _, f := range fields {
		var s string
		where := "query parameter"
		if f.path {
			s, where = path(f.name), "path segment"
		} else {
			s = query.Get(f.name)
		}
		if s == "" {
			continue
		}
		fv := v.FieldByIndex(f.index)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(s)
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return errcode.New(errcode.BadRequest, "%s %s must be a whole number, got %q", where, f.name, s)
			}
			if n == 0 && !f.path && f.name == "limit" {
				return errcode.New(errcode.BadRequest, "query parameter limit must be 1 or more; leave it out for the default page")
			}
			fv.SetInt(n)
		case reflect.Uint64:
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return errcode.New(errcode.BadRequest, "%s %s must be a whole number, got %q", where, f.name, s)
			}
			fv.SetUint(n)
		case reflect.Bool:
			b, err := strconv.ParseBool(s)
			if err != nil {
				return errcode.New(errcode.BadRequest, "%s %s must be true or false, got %q", where, f.name, s)
			}
			fv.SetBool(b)
		}
	}
	return nil
}

// Param describes one parameter of a params type, for the API's
// documentation.
type Param struct {
	Name string
	Path bool // a path segment; else a query parameter
	Doc  string
	// Type is the JSON Schema type of the value: string, integer or
	// boolean.
	Type string
}

// Params describes the parameters of a params type, in field order.
func Params(t reflect.Type) ([]Param, error) {
	fields, err := paramFields(t)
	if err != nil {
		return nil, err
	}
	out := make([]Param, len(fields))
	for i, f := range fields {
		typ := "string"
		switch f.kind {
		case reflect.Int, reflect.Int64, reflect.Uint64:
			typ = "integer"
		case reflect.Bool:
			typ = "boolean"
		}
		out[i] = Param{Name: f.name, Path: f.path, Doc: f.doc, Type: typ}
	}
	return out, nil
}

// ParamNames lists the path and query parameters of a params type, for the
// documentation tests.
func ParamNames(t reflect.Type) (path, query []string, err error) {
	fields, err := paramFields(t)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range fields {
		if f.path {
			path = append(path, f.name)
		} else {
			query = append(query, f.name)
		}
	}
	return path, query, nil
}
