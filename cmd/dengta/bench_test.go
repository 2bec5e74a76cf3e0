package main

import (
	"strings"
	"testing"
)

// TestBenchFlags checks the bench command's refusals; the harness itself is
// tested in internal/bench (TestBenchSmoke runs a node).
func TestBenchFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"bench", "--workload", "w9"}, `unknown workload "w9"`},
		{[]string{"bench", "--rates", "1000,lots"}, `--rates: "lots" is not a number`},
		{[]string{"bench", "--rates", "1000,-5"}, "rates must be positive"},
		{[]string{"bench", "--validators", "0"}, "choose 1 to 64"},
		{[]string{"bench", "--broadcast", "commit"}, "sync, async or batch"},
		{[]string{"bench", "--step", "100ms"}, "at least 1s"},
		{[]string{"bench", "extra"}, `unexpected argument "extra"`},
		// Valid flags: the test binary refuses to start itself as nodes.
		{[]string{"bench", "--rates", "10", "--step", "1s"}, "this is a test binary"},
	} {
		_, errOut, code := run(t, c.args...)
		if code != 1 || !strings.Contains(errOut, c.err) || !strings.Contains(errOut, "Try:") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q with a hint", c.args, code, errOut, c.err)
		}
	}
	out, _, code := run(t, "help")
	if code != 0 || !strings.Contains(out, "bench") {
		t.Errorf("help does not list bench:\n%s", out)
	}
}
