package daemon

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestTuneGC runs TuneGC in child processes (it changes process-wide
// settings): the node's defaults apply unless GOGC or GOMEMLIMIT is set,
// and then the operator's value wins.
func TestTuneGC(t *testing.T) {
	if os.Getenv("DENGTA_TUNE_GC_CHILD") == "1" {
		p, l := TuneGC()
		fmt.Printf("gc=%d limit=%d\n", p, l)
		return
	}
	cases := []struct {
		env  []string
		want string
	}{
		{nil, fmt.Sprintf("gc=%d limit=%d", GCPercent, MemoryLimit)},
		{[]string{"GOGC=50"}, fmt.Sprintf("gc=50 limit=%d", MemoryLimit)},
		{[]string{"GOMEMLIMIT=512MiB"}, fmt.Sprintf("gc=%d limit=%d", GCPercent, 512<<20)},
		{[]string{"GOGC=off", "GOMEMLIMIT=2GiB"}, fmt.Sprintf("gc=-1 limit=%d", 2<<30)},
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestTuneGC$")
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(append(env, "DENGTA_TUNE_GC_CHILD=1"), c.env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", c.env, err, out)
		}
		if !strings.Contains(string(out), c.want+"\n") {
			t.Errorf("%v: got %q, want %q", c.env, out, c.want)
		}
	}
}
