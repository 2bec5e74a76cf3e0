package module

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// checkKeys walks the first JSON value in data alongside the Go type t and
// refuses object keys that encoding/json would accept loosely: a key that
// matches a field only when case is ignored, and a key given twice. A
// signed body must mean exactly what it says, to people reading it as to
// the chain.
//
// DecodeBody calls it once data's first value has decoded, so that value
// is valid JSON. The walk scans the bytes itself rather than through
// json.Decoder.Token, which costs an allocation or more per token and made
// this check cost more than the decoding: every transaction's body is
// decoded twice, in CheckTx and in its block.
func checkKeys(data []byte, t reflect.Type) error {
	s := keyScanner{b: data}
	return s.value(t)
}

// StrictKeys is checkKeys for other strict decoders (API request bodies):
// data's first value has already decoded into v.
func StrictKeys(data []byte, v any) error { return checkKeys(data, reflect.TypeOf(v)) }

// keyScanner walks one JSON value. path is where it is, for messages.
type keyScanner struct {
	b    []byte
	i    int
	path []pathStep
}

// pathStep is an object key, or an array index when index >= 0. The key
// is its decoded bytes, usually a view into the body.
type pathStep struct {
	key   []byte
	index int
}

// where spells the current path: body.list[2].name.
func (s *keyScanner) where() string {
	var b strings.Builder
	b.WriteString("body")
	for _, p := range s.path {
		if p.index >= 0 {
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
		} else {
			b.WriteString(".")
			b.Write(p.key)
		}
	}
	return b.String()
}

// malformed is for input that is not valid JSON, which DecodeBody never
// passes.
func (s *keyScanner) malformed() error {
	return fmt.Errorf("%s: malformed JSON at byte %d", s.where(), s.i)
}

func (s *keyScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte, 0 at the end.
func (s *keyScanner) next() byte {
	s.skipSpace()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// value walks the value at the scanner's position; t is the Go type it
// decodes into, or nil when unknown (only duplicate keys are checked).
func (s *keyScanner) value(t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var info *typeInfo
	if t != nil {
		if info = infoOf(t); info.decodesItself {
			// The type reads its own JSON; only duplicate keys are checked.
			t, info = nil, nil
		}
	}
	switch s.next() {
	case '[':
		s.i++
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; ; i++ {
			c := s.next()
			if c == ']' {
				s.i++
				return nil
			}
			if i > 0 {
				if c != ',' {
					return s.malformed()
				}
				s.i++
			}
			s.path = append(s.path, pathStep{index: i})
			err := s.value(elem)
			s.path = s.path[:len(s.path)-1]
			if err != nil {
				return err
			}
		}
	case '{':
		s.i++
		// The keys seen so far: a few in a list on the stack, more in a
		// map.
		var few [16][]byte
		seen := few[:0]
		var many map[string]struct{}
		for n := 0; ; n++ {
			c := s.next()
			if c == '}' {
				s.i++
				return nil
			}
			if n > 0 {
				if c != ',' {
					return s.malformed()
				}
				s.i++
				c = s.next()
			}
			if c != '"' {
				return s.malformed()
			}
			key, err := s.str()
			if err != nil {
				return err
			}
			if s.next() != ':' {
				return s.malformed()
			}
			s.i++
			if dup := slices.ContainsFunc(seen, func(k []byte) bool { return bytes.Equal(k, key) }); dup || many != nil {
				if _, ok := many[string(key)]; dup || ok {
					return fmt.Errorf("%s: key %q appears twice", s.where(), key)
				}
			}
			if many == nil && len(seen) < len(few) {
				seen = append(seen, key)
			} else {
				if many == nil {
					many = make(map[string]struct{}, 2*len(few))
				}
				many[string(key)] = struct{}{}
			}
			var ft reflect.Type
			if t != nil && t.Kind() == reflect.Struct {
				var ok bool
				if ft, ok = info.fields[string(key)]; !ok {
					for _, name := range info.names {
						if bytes.EqualFold([]byte(name), key) {
							return fmt.Errorf("%s: key %q must be written %q", s.where(), key, name)
						}
					}
				}
			} else if t != nil && t.Kind() == reflect.Map {
				ft = t.Elem()
			}
			s.path = append(s.path, pathStep{key: key, index: -1})
			err = s.value(ft)
			s.path = s.path[:len(s.path)-1]
			if err != nil {
				return err
			}
		}
	case '"':
		_, err := s.str()
		return err
	case 0:
		return s.malformed()
	default: // number, true, false, null
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', ']', '}', ' ', '\t', '\n', '\r':
				return nil
			}
			s.i++
		}
		return nil
	}
}

// str reads the string at the scanner's position and returns its value:
// a view into the body when it has no escapes and is valid UTF-8.
func (s *keyScanner) str() ([]byte, error) {
	start := s.i
	plain := true // no escapes: the value is the bytes between the quotes
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '\\':
			plain = false
			s.i++
		case c == '"':
			s.i++
			raw := s.b[start:s.i]
			if v := raw[1 : len(raw)-1]; plain && utf8.Valid(v) {
				return v, nil
			}
			// Escapes or invalid UTF-8: decode exactly as encoding/json
			// does (Token decodes a key the same way).
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, s.malformed()
			}
			return []byte(v), nil
		case c < 0x20:
			plain = false
		}
	}
	return nil, s.malformed()
}

// typeInfo is what the walk needs of a Go type, computed once per type.
type typeInfo struct {
	decodesItself bool
	fields        map[string]reflect.Type // struct: JSON name -> field type
	names         []string                // the names, sorted, for the case-insensitive search
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo)
	}
	info := &typeInfo{decodesItself: decodesItself(t)}
	if t.Kind() == reflect.Struct {
		info.fields = map[string]reflect.Type{}
		collectFields(t, info.fields)
		for name := range info.fields {
			info.names = append(info.names, name)
		}
		slices.Sort(info.names)
	}
	v, _ := typeInfos.LoadOrStore(t, info)
	return v.(*typeInfo)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether t (or *t) has its own JSON or text
// decoding, whose keys are its business.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) || p.Implements(textUnmarshaler)
}

// collectFields maps the JSON names of t's fields (embedded structs
// included) to their types.
func collectFields(t reflect.Type, out map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
}
