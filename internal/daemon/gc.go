package daemon

import (
	"os"
	"runtime/debug"
)

// The garbage collector settings of a node process (ADR 0026).
const (
	// GCPercent lets the heap grow to three times what is live before a
	// collection, against Go's default of twice: a node allocates for
	// every transaction it checks and executes, and collecting half as
	// often took 5-10 % off the application's CPU per deposit, measured
	// side by side (docs/benchmarks.md).
	GCPercent = 200
	// MemoryLimit is the soft limit on the memory Go manages: near it the
	// collector runs as often as it must, whatever GCPercent allows, so
	// the larger growth factor never takes a node far beyond what the
	// default would have used.
	MemoryLimit = 1 << 30
)

// TuneGC applies GCPercent and MemoryLimit to this process unless the
// operator chose otherwise with the GOGC or GOMEMLIMIT environment
// variables, which the Go runtime has already applied; it reports what is
// in force. Only the commands that run a node call it: processes that run
// many things at once (tests) keep Go's defaults.
func TuneGC() (percent int, limit int64) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(MemoryLimit)
	}
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}
