package role

import (
	"slices"
	"testing"
)

var testSet = MustSet(Spec{"court", "法院", "Court"})

func TestNormalize(t *testing.T) {
	got, err := testSet.Normalize([]Role{Bank, Producer, Bank, "court"})
	if err != nil || !slices.Equal(got, []Role{Bank, "court", Producer}) {
		t.Errorf("Normalize = %v, %v", got, err)
	}
	if _, err := testSet.Normalize([]Role{"king"}); err == nil {
		t.Error("Normalize accepted an unknown role")
	}
	if got, err := testSet.Normalize(nil); err != nil || len(got) != 0 {
		t.Errorf("Normalize(nil) = %v, %v", got, err)
	}
}

func TestRolesAreLabelledAndParse(t *testing.T) {
	for _, r := range testSet.All() {
		if p, err := testSet.Parse(string(r)); err != nil || p != r {
			t.Errorf("Parse(%q) = %q, %v", r, p, err)
		}
		if testSet.Label(r, "zh-CN") == string(r) || testSet.Label(r, "en") == string(r) {
			t.Errorf("role %q lacks a label", r)
		}
	}
	if !Any([]Role{Bank, "court"}, []Role{Regulator, "court"}) || Any([]Role{Bank}, []Role{"court"}) || Any(nil, []Role{Bank}) {
		t.Error("Any is wrong")
	}
}

func TestNewSetRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
	}{
		{"a common role again", Spec{Bank, "银行", "Bank"}},
		{"no labels", Spec{"clerk", "", ""}},
		{"no English label", Spec{"clerk", "职员", ""}},
		{"upper case", Spec{"Clerk", "职员", "Clerk"}},
		{"a slash", Spec{"a/b", "甲", "A"}},
	} {
		if _, err := NewSet(tc.spec); err == nil {
			t.Errorf("NewSet accepted %s: %+v", tc.name, tc.spec)
		}
	}
	if _, err := NewSet(Spec{"clerk", "职员", "Clerk"}, Spec{"clerk", "职员", "Clerk"}); err == nil {
		t.Error("NewSet accepted a role declared twice")
	}
}
