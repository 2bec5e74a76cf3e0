package api

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
)

type idParams struct {
	ID     string `path:"id"`
	Height int64  `query:"height"`
	Prove  bool   `query:"prove"`
}

type nested struct {
	Inner
	Hash string `query:"hash"`
}

type Inner struct {
	N uint64 `query:"n"`
}

func TestEncodeParams(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		p       any
		want    string
	}{
		{"/v1/x/{id}", idParams{ID: "EV-1"}, "/v1/x/EV-1"},
		{"/v1/x/{id}", idParams{ID: "a/b c", Height: 7, Prove: true}, "/v1/x/a%2Fb%20c?height=7&prove=true"},
		{"/v1/x/{id}", &idParams{ID: "z"}, "/v1/x/z"},
	} {
		got, err := EncodeParams(tc.pattern, tc.p)
		if err != nil || got != tc.want {
			t.Errorf("EncodeParams(%q, %+v) = %q, %v, want %q", tc.pattern, tc.p, got, err, tc.want)
		}
	}
	if _, err := EncodeParams("/v1/x/{id}", idParams{}); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("empty path value: %v", err)
	}
	if _, err := EncodeParams("/v1/x/{key}", idParams{ID: "a"}); err == nil {
		t.Error("a path without the field's segment was accepted")
	}
	if _, err := EncodeParams("/v1/x", struct{ A string }{"x"}); err == nil {
		t.Error("an untagged field was accepted")
	}
}

func TestDecodeParams(t *testing.T) {
	var p idParams
	path := func(n string) string { return map[string]string{"id": "EV-1"}[n] }
	if err := DecodeParams(&p, path, url.Values{"height": {"12"}, "prove": {"true"}}); err != nil || p != (idParams{"EV-1", 12, true}) {
		t.Fatalf("DecodeParams = %+v, %v", p, err)
	}
	for _, q := range []url.Values{{"height": {"x"}}, {"height": {"1.5"}}, {"prove": {"yes"}}} {
		var p idParams
		err := DecodeParams(&p, path, q)
		if errcode.Of(err) != errcode.BadRequest || !strings.Contains(errcode.Message(err), "query parameter") {
			t.Errorf("DecodeParams(%v) = %v, want a bad_request naming the parameter", q, err)
		}
	}
	// A page size of 0 is refused; absent leaves the default.
	type pageParams struct {
		Limit int `query:"limit"`
	}
	var pp pageParams
	if err := DecodeParams(&pp, path, url.Values{"limit": {"0"}}); errcode.Of(err) != errcode.BadRequest || !strings.Contains(errcode.Message(err), "limit must be 1 or more") {
		t.Errorf("limit=0: %v", err)
	}
	if err := DecodeParams(&pp, path, url.Values{}); err != nil || pp.Limit != 0 {
		t.Errorf("no limit: %+v, %v", pp, err)
	}
	var n struct {
		nested
	}
	if err := DecodeParams(&n, path, url.Values{"n": {"5"}}); err != nil || n.N != 5 {
		t.Errorf("embedded params: %+v %v", n, err)
	}
	if names, q, err := ParamNames(reflect.TypeFor[idParams]()); err != nil || len(names) != 1 || len(q) != 2 {
		t.Errorf("ParamNames = %v %v %v", names, q, err)
	}
}

type body struct {
	SHA256  string            `json:"sha256" doc:"the file's SHA-256"`
	Size    int64             `json:"size"`
	Limit   *int64            `json:"limit"`
	Note    string            `json:"note,omitempty"`
	Tags    []string          `json:"tags"`
	Opt     []string          `json:"opt,omitempty"`
	Extra   map[string]string `json:"extra,omitempty"`
	Count   uint32            `json:"count"`
	Raw     json.RawMessage   `json:"raw,omitempty"`
	Skipped string            `json:"-"`
	hidden  string
	Inner2
}

type Inner2 struct {
	Flag bool `json:"flag"`
}

func TestSchema(t *testing.T) {
	s, err := Schema(reflect.TypeFor[body]())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(s)
	want := `{"additionalProperties":false,"properties":{"count":{"minimum":0,"type":"integer"},"extra":{"additionalProperties":{"type":"string"},"type":"object"},"flag":{"type":"boolean"},"limit":{"type":["integer","null"]},"note":{"type":"string"},"opt":{"items":{"type":"string"},"type":"array"},"raw":{},"sha256":{"description":"the file's SHA-256","type":"string"},"size":{"type":"integer"},"tags":{"items":{"type":"string"},"type":["array","null"]}},"required":["sha256","size","limit","tags","count","flag"],"type":"object"}`
	if string(got) != want {
		t.Errorf("Schema =\n%s\nwant\n%s", got, want)
	}
	type self struct{ Next *self }
	if _, err := Schema(reflect.TypeFor[self]()); err == nil {
		t.Error("a recursive type was accepted")
	}
	type marshals struct{ T json.Number }
	if _, err := Schema(reflect.TypeFor[struct{ M chan int }]()); err == nil {
		t.Error("a channel was accepted")
	}
	_ = marshals{}
}
