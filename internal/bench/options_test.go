package bench

import (
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/workload"
)

// TestRepeatOption: repeating needs the baseline and networks the harness
// starts, and a count from 1 to 20.
func TestRepeatOption(t *testing.T) {
	defs := []workload.Def{{Name: "w1", Doc: "test", Rates: []float64{800}, New: func(workload.Params) workload.Workload { return nil }}}
	for _, tc := range []struct {
		name string
		o    Options
		want string // "" for accepted
	}{
		{"once, no baseline", Options{Repeat: 1}, ""},
		{"default", Options{}, ""},
		{"pairs with the baseline", Options{Repeat: 5, Baseline: true}, ""},
		{"pairs without the baseline", Options{Repeat: 3}, "needs the baseline"},
		{"pairs attached", Options{Repeat: 3, Baseline: true, Attach: "/tmp/x"}, "cannot attach"},
		{"negative", Options{Repeat: -1, Baseline: true}, "1 to 20"},
		{"too many", Options{Repeat: 21, Baseline: true}, "1 to 20"},
	} {
		o := tc.o
		o.Workloads, o.Binary, o.Validators = defs, "/bin/true", 1
		err := o.Check()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one that says %q", tc.name, err, tc.want)
		}
	}
}
