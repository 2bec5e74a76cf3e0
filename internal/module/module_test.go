package module

import (
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
)

func TestDecodeBody(t *testing.T) {
	type body struct {
		A int    `json:"a"`
		B string `json:"b,omitempty"`
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
