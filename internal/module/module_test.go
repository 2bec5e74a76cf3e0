package module

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/tx"
)

func TestDecodeBody(t *testing.T) {
	type inner struct {
		C int `json:"c"`
	}
	type body struct {
		A    int            `json:"a"`
		B    string         `json:"b,omitempty"`
		List []inner        `json:"list,omitempty"`
		M    map[string]int `json:"m,omitempty"`
		Key  *tx.PublicKey  `json:"key,omitempty"`
	}
	tests := []struct {
		in string
		ok bool
	}{
		{`{"a":1}`, true},
		{` {"a":1,"b":"x"} ` + "\n", true},
		{``, false},
		{`{"a":1}}`, false},
		{`{"a":1}]`, false},
		{`{"a":1} {"a":2}`, false},
		{`{"a":1,"c":2}`, false},
		{`{"a":"1"}`, false},
		{`[1]`, false},
		{`{"a":1`, false},
		{`{"A":1}`, false},
		{`{"a":1,"a":2}`, false},
		{`{"a":1,"b":"x","B":"y"}`, false},
		{`{"a":1,"n":{"x":1}}`, false},
		{`{"a":1,"list":[{"c":1},{"C":2}]}`, false},
		{`{"a":1,"list":[{"c":1},{"c":2}]}`, true},
		{`{"a":1,"list":[{"c":1,"c":1}]}`, false},
		{`{"a":1,"m":{"K":1,"k":2}}`, true},
		{`{"a":1,"key":{"algo":"ed25519","key":"` + strings.Repeat("ab", 32) + `"}}`, true},
		{`{"a":1,"key":{"algo":"ed25519","algo":"sm2","key":"` + strings.Repeat("ab", 32) + `"}}`, false},
	}
	for _, tt := range tests {
		var b body
		err := DecodeBody([]byte(tt.in), &b)
		if (err == nil) != tt.ok {
			t.Errorf("DecodeBody(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
		if err != nil && errcode.Of(err) != errcode.MalformedBody {
			t.Errorf("DecodeBody(%q) code = %s, want malformed_body", tt.in, errcode.Of(err))
		}
	}
}

// TestDecodeBodyRefusesReplacedText: encoding/json turns bytes that are
// not UTF-8, and escaped lone surrogates, into U+FFFD without a word; a
// body is what was signed, so such a body is refused instead.
func TestDecodeBodyRefusesReplacedText(t *testing.T) {
	type body struct {
		Name string `json:"name"`
	}
	for _, tt := range []struct {
		raw string
		ok  bool
	}{
		{`{"name":"砀山酥梨"}`, true},
		{`{"name":"\ud83c\udf50 pear"}`, true}, // a surrogate pair: 🍐
		{`{"name":"a\\ud800"}`, true},          // an escaped backslash, then plain text
		{`{"name":"tab\t \"quoted\" \\ back"}`, true},
		{"{\"name\":\"\xff\xfe\"}", false}, // not UTF-8
		{"{\"name\":\"\xe5\x8d\"}", false}, // a truncated character
		{`{"name":"\ud800"}`, false},       // lone high surrogate
		{`{"name":"\udc00x"}`, false},      // lone low surrogate
		{`{"name":"\ud800\u0041"}`, false}, // high surrogate, then not a low one
	} {
		var b body
		err := DecodeBody([]byte(tt.raw), &b)
		if (err == nil) != tt.ok {
			t.Errorf("DecodeBody(%q) = %v, want ok=%v", tt.raw, err, tt.ok)
		}
		if err == nil && strings.ContainsRune(b.Name, utf8.RuneError) {
			t.Errorf("DecodeBody(%q) decoded a replacement character: %q", tt.raw, b.Name)
		}
	}
}

func TestStatelessChecksBodyType(t *testing.T) {
	type body struct {
		N int `json:"n"`
	}
	a := Action{Name: "act", Body: reflect.TypeFor[body]()}
	a = Stateless(a, func(b *body) error {
		if b.N < 1 {
			return errcode.New(errcode.MalformedBody, "n must be positive")
		}
		return nil
	})
	decoded, err := a.Precheck([]byte(`{"n":7}`))
	if err != nil {
		t.Fatalf("valid body: %v", err)
	}
	if b, ok := decoded.(*body); !ok || b.N != 7 {
		t.Fatalf("valid body decoded as %#v, want &body{N: 7}", decoded)
	}
	for _, raw := range []string{`{"n":0}`, `{"n":1,"x":2}`, `[]`} {
		if d, err := a.Precheck([]byte(raw)); errcode.Of(err) != errcode.MalformedBody || d != nil {
			t.Errorf("%s: %v, %#v; want malformed_body and no body", raw, err, d)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a check of another type than the body was accepted")
		}
	}()
	Stateless(a, func(*string) error { return nil })
}

// TestHandleTakesTheDecodedBody: a handler gets the body its Precheck
// decoded when the context carries one of the body's type, and decodes
// the bytes otherwise.
func TestHandleTakesTheDecodedBody(t *testing.T) {
	type body struct {
		N int `json:"n"`
	}
	var got *body
	a := Handle(api.Action[body, struct{}]{Module: "m", Name: "act"}, func(_ *Context, b *body) error {
		got = b
		return nil
	})
	a = Stateless(a, func(*body) error { return nil })
	raw := []byte(`{"n":3}`)
	decoded, err := a.Precheck(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Handle(&Context{Decoded: decoded}, raw); err != nil {
		t.Fatal(err)
	}
	if got != decoded {
		t.Fatalf("the handler got %p, not the decoded body %p", got, decoded)
	}
	for _, d := range []any{nil, (*body)(nil), &struct{ N int }{5}} {
		if err := a.Handle(&Context{Decoded: d}, raw); err != nil {
			t.Fatal(err)
		}
		if got == decoded || got.N != 3 {
			t.Fatalf("with %#v in the context the handler got %#v, want the bytes decoded afresh", d, got)
		}
	}
	if err := a.Handle(&Context{}, []byte(`{"n":"x"}`)); errcode.Of(err) != errcode.MalformedBody {
		t.Fatalf("a bad body without a decoded one: %v, want malformed_body", err)
	}
}

func TestDecodeGenesis(t *testing.T) {
	type section struct {
		N int `json:"n"`
	}
	for _, tt := range []struct {
		raw         string
		present, ok bool
		n           int
	}{
		{"", false, true, 7},
		{"null", false, true, 7},
		{`{"n":3}`, true, true, 3},
		{`{}`, true, true, 7},
		{`{"n":3,"m":1}`, true, false, 0},
		{`{"n":"3"}`, true, false, 0},
		{`[]`, true, false, 0},
		{`{"n":3} {}`, true, false, 0},
	} {
		v := section{N: 7}
		present, err := DecodeGenesis(json.RawMessage(tt.raw), &v)
		if present != tt.present || (err == nil) != tt.ok || tt.ok && v.N != tt.n {
			t.Errorf("DecodeGenesis(%q) = %v, %v (n %d); want %v, ok=%v, n %d", tt.raw, present, err, v.N, tt.present, tt.ok, tt.n)
		}
	}
}
