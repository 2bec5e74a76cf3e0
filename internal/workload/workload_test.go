package workload

import (
	"slices"
	"strings"
	"testing"
)

// TestWorkloads: the mix is added when a module offers a part, the
// workloads are sorted by name, and Lookup names the choices.
func TestWorkloads(t *testing.T) {
	part := func(Params) Workload { return &mix{} }
	defs := []Def{
		{Name: "w2", Doc: "two", Mix: &MixPart{Label: "w2", Share: 0.25, New: part}},
		{Name: "w1", Doc: "one", Mix: &MixPart{Label: "w1", Share: 0.75, New: part}},
		{Name: "w9", Doc: "nine"},
	}
	var names []string
	for _, d := range Workloads(defs) {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"mix", "w1", "w2", "w9"}) {
		t.Fatalf("workloads %v", names)
	}
	mix, err := Lookup(defs, "mix")
	if err != nil || mix.Doc != "all at once: 25% w2, 75% w1 (of the transactions), with the parts' reads" || mix.Readers != 4 {
		t.Fatalf("mix %+v, %v", mix, err)
	}
	if m := mix.New(Params{Signers: 8}); m.Name() != "mix" {
		t.Fatalf("the mix is named %q", m.Name())
	}
	if _, err := Lookup(defs, "w5"); err == nil || !strings.Contains(err.Error(), `unknown workload "w5"; choose one of mix, w1, w2, w9`) {
		t.Fatalf("lookup of w5: %v", err)
	}
	if n := Names(defs[2:]); !slices.Equal(n, []string{"w9: nine"}) {
		t.Fatalf("names %v", n)
	}
}

func TestParams(t *testing.T) {
	var p Params
	if p.Algo().String() != "ed25519" || p.SignedBy() != "Ed25519-signed" {
		t.Fatalf("default algo %s, %q", p.Algo(), p.SignedBy())
	}
}
