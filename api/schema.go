package api

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Schemer is implemented by types whose JSON encoding is their own (a
// MarshalJSON method): Schema asks them for their JSON Schema instead of
// reading their fields.
type Schemer interface {
	JSONSchema() map[string]any
}

var (
	schemerType = reflect.TypeFor[Schemer]()
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	marshalType = reflect.TypeFor[json.Marshaler]()
	textType    = reflect.TypeFor[encoding.TextMarshaler]()
)

// Schema returns the JSON Schema (draft 2020-12, the dialect of OpenAPI
// 3.1) of what encoding/json makes of a value of type t, which is what the
// SDK sends. Struct fields without omitempty are required, because the
// encoder always writes them; objects are closed (additionalProperties
// false), because the node decodes bodies strictly. A field's doc tag
// becomes its description.
func Schema(t reflect.Type) (map[string]any, error) {
	return schemaOf(t, nil)
}

func schemaOf(t reflect.Type, seen []reflect.Type) (map[string]any, error) {
	if t.Implements(schemerType) {
		return reflect.Zero(t).Interface().(Schemer).JSONSchema(), nil
	}
	if reflect.PointerTo(t).Implements(schemerType) {
		return reflect.New(t).Interface().(Schemer).JSONSchema(), nil
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case rawType:
		return map[string]any{}, nil
	}
	if t.Kind() != reflect.Pointer && (t.Implements(textType) || reflect.PointerTo(t).Implements(textType)) {
		return map[string]any{"type": "string"}, nil
	}
	if t.Kind() != reflect.Pointer && (t.Implements(marshalType) || reflect.PointerTo(t).Implements(marshalType)) {
		return nil, fmt.Errorf("type %s encodes itself (MarshalJSON): give it a JSONSchema method", t)
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.Pointer:
		s, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return nullable(s), nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}, nil
		}
		items, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		s := map[string]any{"type": "array", "items": items}
		if t.Kind() == reflect.Slice {
			return nullable(s), nil
		}
		s["minItems"], s["maxItems"] = t.Len(), t.Len()
		return s, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map type %s: only string keys are JSON objects", t)
		}
		v, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return nullable(map[string]any{"type": "object", "additionalProperties": v}), nil
	case reflect.Struct:
		if slices.Contains(seen, t) {
			return nil, fmt.Errorf("type %s refers to itself; give it a JSONSchema method", t)
		}
		return structSchema(t, append(seen, t))
	}
	return nil, fmt.Errorf("type %s has no JSON encoding", t)
}

// nullable widens a schema to also allow null: what encoding/json writes
// for a nil pointer, slice or map without omitempty.
func nullable(s map[string]any) map[string]any {
	typ, ok := s["type"].(string)
	if !ok {
		return s
	}
	out := make(map[string]any, len(s))
	for k, v := range s {
		out[k] = v
	}
	out["type"] = []any{typ, "null"}
	return out
}

// notNull narrows a nullable schema: an omitempty field is left out rather
// than written as null.
func notNull(s map[string]any) map[string]any {
	types, ok := s["type"].([]any)
	if !ok || len(types) != 2 || types[1] != "null" {
		return s
	}
	out := make(map[string]any, len(s))
	for k, v := range s {
		out[k] = v
	}
	out["type"] = types[0]
	return out
}

func structSchema(t reflect.Type, seen []reflect.Type) (map[string]any, error) {
	props := map[string]any{}
	var required []any
	var walk func(t reflect.Type) error
	walk = func(t reflect.Type) error {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if err := walk(ft); err != nil {
						return err
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s, err := schemaOf(f.Type, seen)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", t, f.Name, err)
			}
			omit := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
			if slices.Contains(strings.Split(opts, ","), "string") {
				s = map[string]any{"type": "string"}
			}
			if omit {
				s = notNull(s)
			} else {
				required = append(required, name)
			}
			if doc := f.Tag.Get("doc"); doc != "" {
				s = withDescription(s, doc)
			}
			props[name] = s
		}
		return nil
	}
	if err := walk(t); err != nil {
		return nil, err
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}

func withDescription(s map[string]any, doc string) map[string]any {
	out := make(map[string]any, len(s)+1)
	for k, v := range s {
		out[k] = v
	}
	out["description"] = doc
	return out
}
