package role

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	got, err := Normalize([]Role{Bank, Producer, Bank, Court})
	if err != nil || !slices.Equal(got, []Role{Bank, Court, Producer}) {
		t.Errorf("Normalize = %v, %v", got, err)
	}
	if _, err := Normalize([]Role{"king"}); err == nil {
		t.Error("Normalize accepted an unknown role")
	}
	if got, err := Normalize(nil); err != nil || len(got) != 0 {
		t.Errorf("Normalize(nil) = %v, %v", got, err)
	}
}

func TestRolesAreLabelledAndParse(t *testing.T) {
	for _, r := range All() {
		if p, err := Parse(string(r)); err != nil || p != r {
			t.Errorf("Parse(%q) = %q, %v", r, p, err)
		}
		if r.Label("zh-CN") == string(r) || r.Label("en") == string(r) {
			t.Errorf("role %q lacks a label", r)
		}
	}
	if !Any([]Role{Bank, Court}, []Role{Regulator, Court}) || Any([]Role{Bank}, []Role{Court}) || Any(nil, []Role{Bank}) {
		t.Error("Any is wrong")
	}
}
