package module

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/tx"
)

// strictBody has every shape checkKeys looks into: nested structs, slices
// and arrays of them, maps, pointers, an embedded struct, a type that
// decodes itself, an interface, and fields JSON ignores.
type strictBody struct {
	strictEmbedded
	A      int                    `json:"a"`
	Name   string                 `json:"name,omitempty"`
	List   []strictInner          `json:"list"`
	Arr    [2]strictInner         `json:"arr"`
	Ptr    *strictInner           `json:"ptr"`
	M      map[string]strictInner `json:"m"`
	Key    tx.PublicKey           `json:"key"`
	Raw    json.RawMessage        `json:"raw"`
	Any    any                    `json:"any"`
	NoTag  int
	Skip   int `json:"-"`
	hidden int
}

type strictEmbedded struct {
	Emb string `json:"emb"`
}

type strictInner struct {
	C     int            `json:"c"`
	Deep  []*strictInner `json:"deep"`
	Label string         `json:"label"`
}

// TestCheckKeysAsTokenWalk compares checkKeys with the json.Decoder.Token
// walk it replaced (tokenCheckKeys below) on handwritten and random
// bodies: the same verdict and the same message every time.
func TestCheckKeysAsTokenWalk(t *testing.T) {
	types := []reflect.Type{reflect.TypeFor[strictBody](), reflect.TypeFor[*strictBody](), reflect.TypeFor[map[string]any](), reflect.TypeFor[[]strictInner](), reflect.TypeFor[tx.PublicKey]()}
	inputs := []string{
		`{"a":1}`, ` {"a":1,"name":"x"} `, `{"A":1}`, `{"a":1,"a":2}`, `{"a":1,"Name":"y"}`,
		`{"list":[{"c":1},{"C":2}]}`, `{"list":[{"c":1,"c":1}]}`, `{"arr":[{},{"Label":"x"}]}`,
		`{"ptr":{"deep":[{"deep":[{"c":1,"c":2}]}]}}`, `{"m":{"K":{"c":1},"k":{"C":1}}}`,
		`{"key":{"algo":"ed25519","algo":"sm2"}}`, `{"key":{"Algo":"x"}}`, `{"raw":{"x":1,"X":2,"x":3}}`,
		`{"any":{"a":[{"b":1,"b":2}]}}`, `{"emb":"e","EMB":"f"}`, `{"NoTag":1,"notag":2}`, `{"skip":1,"Skip":2}`,
		`{"hidden":1}`, `{"\u0061":1,"a":2}`, `{"n\u00e4me":1}`, `{"na\u006De":"x","NAME":"y"}`, "{\"a\xff\":1,\"a\xfe\":2}",
		`{"a\"b":1,"a\"b":2}`, `{"a\\":1,"a\\":2}`, `{"x":"}]\"{[","x":1}`, `[{"c":1},{"C":2}]`, `[]`, `{}`, `"x"`, `12`, `null`,
		`{"a":-1.5e+3,"list":[true,false,null,"s",{"c":0}]}`, "{\n\t\"a\" :\r 1 , \"A\" : 2 }",
	}
	// Objects with more keys than the scanner keeps in its short list:
	// a key repeated from the list, from the map beyond it, and none.
	var wide []string
	for i := range 20 {
		wide = append(wide, fmt.Sprintf(`"k%d":%d`, i, i))
	}
	for _, extra := range []string{`,"k3":1`, `,"k18":1`, `,"k19":{"c":1,"c":2}`, ""} {
		inputs = append(inputs, "{"+strings.Join(wide, ",")+extra+"}")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		inputs = append(inputs, randomJSON(rng, 4))
	}
	var differ, refused int
	for _, in := range inputs {
		for _, typ := range types {
			got, want := checkKeys([]byte(in), typ), tokenCheckKeys([]byte(in), typ)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				differ++
				if differ < 10 {
					t.Errorf("checkKeys(%s, %s) = %v; the token walk says %v", in, typ, got, want)
				}
			}
			if want != nil {
				refused++
			}
		}
	}
	if refused < 1000 {
		t.Errorf("only %d of %d walks refused something: the random bodies are too tame", refused, len(inputs)*len(types))
	}
}

// FuzzCheckKeys compares checkKeys with the token walk on any valid JSON.
func FuzzCheckKeys(f *testing.F) {
	for _, s := range []string{`{"a":1,"list":[{"c":1}],"m":{"k":{}}}`, `{"A":1}`, `{"a":1,"a":1}`, `{"\u0041":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var first json.RawMessage
		if json.NewDecoder(bytes.NewReader(data)).Decode(&first) != nil {
			return // DecodeBody never gets this far with invalid JSON
		}
		typ := reflect.TypeFor[strictBody]()
		got, want := checkKeys(data, typ), tokenCheckKeys(data, typ)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("checkKeys(%q) = %v; the token walk says %v", data, got, want)
		}
	})
}

// randomJSON returns a random JSON value whose keys are mostly the field
// names of strictBody and strictInner, in various cases, sometimes
// repeated or escaped.
func randomJSON(rng *rand.Rand, depth int) string {
	keys := []string{"a", "A", "name", "Name", "list", "arr", "ptr", "m", "key", "algo", "raw", "any", "emb", "Emb", "NoTag", "notag", "c", "C", "deep", "label", "LABEL", "x", `\u0061`, `n\u0061me`, "é", `a\"`}
	var b strings.Builder
	var gen func(d int)
	gen = func(d int) {
		switch k := rng.IntN(10); {
		case d > 0 && k < 4:
			b.WriteString("{")
			n := rng.IntN(4)
			var used []string
			for i := range n {
				if i > 0 {
					b.WriteString(",")
				}
				key := keys[rng.IntN(len(keys))]
				if len(used) > 0 && rng.IntN(8) == 0 {
					key = used[rng.IntN(len(used))] // a duplicate
				}
				used = append(used, key)
				b.WriteString(`"` + key + `"` + strings.Repeat(" ", rng.IntN(2)) + ":")
				gen(d - 1)
			}
			b.WriteString("}")
		case d > 0 && k < 6:
			b.WriteString("[")
			for i := range rng.IntN(4) {
				if i > 0 {
					b.WriteString(", ")
				}
				gen(d - 1)
			}
			b.WriteString("]")
		case k < 7:
			b.WriteString(`"s\"}]"`)
		case k < 8:
			b.WriteString("-12.5e3")
		default:
			b.WriteString([]string{"true", "false", "null"}[rng.IntN(3)])
		}
	}
	gen(depth)
	return b.String()
}

// tokenCheckKeys is checkKeys as it was first written, over
// json.Decoder.Token: the reference the faster walk must agree with.
func tokenCheckKeys(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return tokenWalk(dec, t, "body")
}

func tokenWalk(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && decodesItself(t) {
		t = nil
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := tokenWalk(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case '{':
		fields := map[string]reflect.Type{}
		isStruct := t != nil && t.Kind() == reflect.Struct
		if isStruct {
			collectFields(t, fields)
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key := kt.(string)
			if seen[key] {
				return fmt.Errorf("%s: key %q appears twice", path, key)
			}
			seen[key] = true
			var ft reflect.Type
			if isStruct {
				var ok bool
				if ft, ok = fields[key]; !ok {
					for name := range fields {
						if strings.EqualFold(name, key) {
							return fmt.Errorf("%s: key %q must be written %q", path, key, name)
						}
					}
				}
			} else if t != nil && t.Kind() == reflect.Map {
				ft = t.Elem()
			}
			if err := tokenWalk(dec, ft, path+"."+key); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	return nil
}

func BenchmarkDecodeBody(b *testing.B) {
	type body struct {
		PublicKey tx.PublicKey `json:"public_key"`
		Admin     bool         `json:"admin"`
		Name      string       `json:"name"`
	}
	in := []byte(`{"public_key":{"algo":"ed25519","key":"` + strings.Repeat("ab", 32) + `"},"admin":false,"name":"clerk"}`)
	b.ReportAllocs()
	for b.Loop() {
		var v body
		if err := DecodeBody(in, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckKeys walks a body of about 1 KB with nested lists and a
// map, as large action bodies (an EPCIS event, a credit) are.
func BenchmarkCheckKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"a":1,"name":"a clerk's note","list":[`)
	for i := range 20 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"c":%d,"label":"line %d"}`, i, i)
	}
	sb.WriteString(`],"m":{"first":{"c":1},"second":{"c":2}},"key":{"algo":"ed25519","key":"` + strings.Repeat("ab", 32) + `"},"any":{"x":[1,2,3],"y":"z"}}`)
	in := []byte(sb.String())
	typ := reflect.TypeFor[strictBody]()
	if err := checkKeys(in, typ); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := checkKeys(in, typ); err != nil {
			b.Fatal(err)
		}
	}
}
