package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A command name with spaces and parentheses; utime 250 and stime 50
	// ticks are fields 14 and 15.
	stat := "4242 (dengta (bench) x) S 1 4242 4242 0 -1 4194560 12345 0 3 0 250 50 0 0 20 0 17 0 123456 1234567890 30000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
	got, err := parseStat([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 * time.Second; got != want {
		t.Fatalf("cpu = %s, want %s", got, want)
	}
	for _, bad := range []string{"", "4242 no parens S 1", "4242 (x) S 1 2 3", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 u s"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	status := "Name:\tdengta\nState:\tS (sleeping)\nVmPeak:\t 2000000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t12\n"
	m, err := parseStatus([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 100<<20 || m.HWM != 200<<20 {
		t.Fatalf("memory = %+v, want RSS 100 MiB, HWM 200 MiB", m)
	}
	if _, err := parseStatus([]byte("Name:\tkthreadd\nState:\tS\n")); err == nil {
		t.Error("a status without VmRSS parsed")
	}
	if _, err := parseStatus([]byte("VmRSS:\t12 MB\nVmHWM:\t1 kB\n")); err == nil {
		t.Error("a VmRSS in MB parsed")
	}
}

func TestOwnProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	if _, err := procCPU(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	m, err := procMemory(os.Getpid())
	if err != nil || m.RSS <= 0 || m.HWM < m.RSS {
		t.Fatalf("own memory %+v, %v", m, err)
	}
}

func TestParseLoadAvg(t *testing.T) {
	if got := parseLoadAvg([]byte("2.53 1.20 0.90 3/812 12345\n")); got != 2.53 {
		t.Fatalf("load = %v", got)
	}
	if got := parseLoadAvg(nil); got != -1 {
		t.Fatalf("empty load = %v", got)
	}
}

func TestDiskUsage(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "one"), make([]byte, 10000), 0o644)
	os.WriteFile(filepath.Join(dir, "a", "b", "two"), []byte(strings.Repeat("x", 5000)), 0o644)
	alloc, apparent, err := diskUsage(dir)
	if err != nil {
		t.Fatal(err)
	}
	if apparent < 15000 || alloc <= 0 {
		t.Fatalf("allocated %d, apparent %d; want apparent >= 15000 (files plus directories)", alloc, apparent)
	}
	if _, _, err := diskUsage(filepath.Join(dir, "missing")); err != nil {
		t.Fatalf("a missing directory: %v", err)
	}
}

func TestCmdlineHome(t *testing.T) {
	for _, c := range []struct {
		args []string
		cwd  string
		want string
	}{
		{[]string{"/usr/bin/dengta", "start", "--home", "/tmp/net/coop", "--log-level", "info"}, "/", "/tmp/net/coop"},
		{[]string{"dengta", "start", "--home=net/coop"}, "/work", "/work/net/coop"},
		{[]string{"dengta", "start", "-home", "./coop/"}, "/srv", "/srv/coop"},
		{[]string{"dengta", "dev", "--home", "/tmp/dev"}, "/", ""},
		{[]string{"dengta", "--home", "/tmp/x", "start"}, "/", ""},
		{[]string{"dengta", "start"}, "/", ""},
	} {
		if got := cmdlineHome(c.args, c.cwd); got != c.want {
			t.Errorf("cmdlineHome(%q, %q) = %q, want %q", c.args, c.cwd, got, c.want)
		}
	}
}
