package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// sysconf(_SC_CLK_TCK)): 100 on every Linux platform Go supports.
const clockTicks = 100

// procCPU reads the CPU time (user + system) a process has used so far.
func procCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStat(data)
}

// parseStat extracts utime + stime from the contents of /proc/<pid>/stat.
// The command name (field 2) is in parentheses and may itself contain
// spaces and parentheses, so fields are counted from the last ')'.
func parseStat(data []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("proc stat: no command name")
	}
	// After ") ": field 3 (state) is the first; utime and stime are fields
	// 14 and 15.
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("proc stat: %d fields after the command name, want at least 13", len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("proc stat: %w", err)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// memory is a process's resident set: now and its peak (high-water mark).
type memory struct {
	RSS, HWM int64 // bytes
}

// procMemory reads VmRSS and VmHWM from /proc/<pid>/status.
func procMemory(pid int) (memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	return parseStatus(data)
}

// parseStatus extracts VmRSS and VmHWM (given in kB) from the contents of
// /proc/<pid>/status.
func parseStatus(data []byte) (memory, error) {
	var m memory
	found := 0
	for line := range strings.SplitSeq(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return memory{}, fmt.Errorf("proc status: bad %s line %q", name, line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("proc status: %s: %w", name, err)
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
		found++
	}
	if found != 2 {
		return memory{}, errors.New("proc status: no VmRSS and VmHWM (a kernel thread or a zombie?)")
	}
	return m, nil
}

// diskUsage returns what `du -s` reports for dir, in bytes (the blocks
// allocated to every file under it, preallocated space included), and
// what `du -s --apparent-size` reports (the files' lengths). Files that
// disappear during the walk (compactions) are skipped.
func diskUsage(dir string) (allocated, apparent int64, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		apparent += info.Size()
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			allocated += st.Blocks * 512
		} else {
			allocated += info.Size()
		}
		return nil
	})
	return allocated, apparent, err
}

// loadAverage returns the 1-minute load average from /proc/loadavg, or -1.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	return parseLoadAvg(data)
}

func parseLoadAvg(data []byte) float64 {
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// findNodePID looks for a running `dengta start --home HOME` process (an
// attached network's node) and returns its pid, or 0. It only reads /proc.
func findNodePID(home string) int {
	want, err := filepath.Abs(home)
	if err != nil {
		return 0
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		cwd, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		if cmdlineHome(strings.Split(strings.TrimRight(string(data), "\x00"), "\x00"), cwd) == want {
			return pid
		}
	}
	return 0
}

// cmdlineHome returns the absolute --home of a `... start --home H`
// command line (relative to the process's working directory cwd), or "".
func cmdlineHome(args []string, cwd string) string {
	start := false
	for i, a := range args {
		if i == 0 {
			continue
		}
		switch {
		case a == "start":
			start = true
		case start && (a == "--home" || a == "-home") && i+1 < len(args):
			return absFrom(cwd, args[i+1])
		case start && (strings.HasPrefix(a, "--home=") || strings.HasPrefix(a, "-home=")):
			_, v, _ := strings.Cut(a, "=")
			return absFrom(cwd, v)
		}
	}
	return ""
}

func absFrom(cwd, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return filepath.Clean(p)
}
