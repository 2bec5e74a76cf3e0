package chaos

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// Report is what a chaos run found. A run passes when it has no
// divergence, no lost committed transaction, no node that crashed on its
// own and no fault the network did not recover from.
type Report struct {
	Command    string    `json:"command"`
	Seed       uint64    `json:"seed"`
	Validators int       `json:"validators"`
	Started    time.Time `json:"started"`
	Seconds    float64   `json:"seconds"`
	Host       Host      `json:"host"`

	Faults int                    `json:"faults"`
	ByKind map[string]*KindReport `json:"by_kind"`
	// Recovery times in seconds, over every fault: from the end of the
	// fault (restart, SIGCONT, heal) until every node is past the highest
	// height any node had then, out of block sync.
	RecoveryMedian float64 `json:"recovery_median_s"`
	RecoveryP90    float64 `json:"recovery_p90_s"`
	RecoveryMax    float64 `json:"recovery_max_s"`

	Committed int `json:"committed_txs"` // transactions clients were told were committed
	// Heights is the highest height compared on every node; Blocks the
	// block records (hash and app hash) compared with the first node's.
	Heights     int64          `json:"heights"`
	Blocks      int64          `json:"blocks_compared"`
	TxLookups   int64          `json:"tx_lookups"`  // committed transactions looked up by hash on a node
	TxSkipped   int64          `json:"tx_skipped"`  // on a state-synced node, below its snapshot
	Pending     int            `json:"pending_txs"` // submits whose outcome the SDK could not resolve
	LoadErrors  map[string]int `json:"load_errors"`
	TornRepairs int            `json:"wal_repairs"`         // "consensus WAL repaired" lines in the nodes' logs
	Corrupted   int            `json:"wal_corrupted_lines"` // CometBFT's "Corrupted entry" lines (a torn tail not repaired)

	Divergences  []string `json:"divergences"`
	Lost         []string `json:"lost_txs"`
	Crashes      []string `json:"crashes"`
	NotRecovered []string `json:"not_recovered"`
	Errors       []string `json:"errors"`

	Log []FaultRecord `json:"faults_log"`
}

// KindReport sums up the faults of one kind.
type KindReport struct {
	Count          int     `json:"count"`
	RecoveryMedian float64 `json:"recovery_median_s"`
	RecoveryMax    float64 `json:"recovery_max_s"`
	recoveries     []float64
}

// FaultRecord is one injected fault.
type FaultRecord struct {
	N        int       `json:"n"`
	Kind     string    `json:"kind"`
	Nodes    []string  `json:"nodes"`
	At       time.Time `json:"at"`
	Detail   string    `json:"detail,omitempty"`
	Recovery float64   `json:"recovery_s"`
	Height   int64     `json:"height"` // the common height after recovery
	LoadAvg  string    `json:"loadavg"`
}

// Host is the machine the run was on.
type Host struct {
	CPUs      int    `json:"cpus"`
	LoadStart string `json:"loadavg_start"`
	LoadEnd   string `json:"loadavg_end"`
}

// OK reports whether the run passed.
func (r *Report) OK() bool {
	return len(r.Divergences) == 0 && len(r.Lost) == 0 && len(r.Crashes) == 0 && len(r.NotRecovered) == 0 && len(r.Errors) == 0
}

func (r *Report) add(f FaultRecord) {
	r.Log = append(r.Log, f)
	r.Faults++
	k := r.ByKind[f.Kind]
	if k == nil {
		k = &KindReport{}
		r.ByKind[f.Kind] = k
	}
	k.Count++
	k.recoveries = append(k.recoveries, f.Recovery)
	k.RecoveryMedian, k.RecoveryMax = quantile(k.recoveries, 0.5), quantile(k.recoveries, 1)
	var all []float64
	for _, x := range r.Log {
		all = append(all, x.Recovery)
	}
	r.RecoveryMedian, r.RecoveryP90, r.RecoveryMax = quantile(all, 0.5), quantile(all, 0.9), quantile(all, 1)
}

// quantile is the q-quantile of xs (nearest rank), rounded to
// milliseconds; 0 for none.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return math.Round(s[i]*1000) / 1000
}

// WriteJSON writes the report to path (through a temporary file, so a
// reader never sees half of it).
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WriteText writes the summary for people.
func (r *Report) WriteText(w io.Writer) {
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "chaos run %s: %d faults in %s, %d validators, seed %d\n", verdict, r.Faults, (time.Duration(r.Seconds) * time.Second).String(), r.Validators, r.Seed)
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int { return cmp.Compare(kindOrder(a), kindOrder(b)) })
	fmt.Fprintf(w, "  %-14s %6s %12s %12s\n", "fault", "count", "recovery p50", "recovery max")
	for _, k := range kinds {
		s := r.ByKind[k]
		fmt.Fprintf(w, "  %-14s %6d %11.2fs %11.2fs\n", k, s.Count, s.RecoveryMedian, s.RecoveryMax)
	}
	fmt.Fprintf(w, "  %-14s %6d %11.2fs %11.2fs (p90 %.2fs)\n", "all", r.Faults, r.RecoveryMedian, r.RecoveryMax, r.RecoveryP90)
	fmt.Fprintf(w, "committed transactions: %d (looked up by hash %d times on the nodes; %d below a state-synced node's snapshot skipped)\n", r.Committed, r.TxLookups, r.TxSkipped)
	fmt.Fprintf(w, "blocks compared: %d records, heights 1-%d\n", r.Blocks, r.Heights)
	fmt.Fprintf(w, "divergences: %d\nlost committed transactions: %d\nnode crashes: %d\nfaults not recovered from: %d\n", len(r.Divergences), len(r.Lost), len(r.Crashes), len(r.NotRecovered))
	fmt.Fprintf(w, "consensus WAL: %d torn tails repaired at start, %d corrupted-entry lines\n", r.TornRepairs, r.Corrupted)
	if r.Pending > 0 || len(r.LoadErrors) > 0 {
		var es []string
		for k, n := range r.LoadErrors {
			es = append(es, fmt.Sprintf("%s %d", k, n))
		}
		slices.Sort(es)
		fmt.Fprintf(w, "load: %d submits unresolved at their deadline; errors: %s\n", r.Pending, strings.Join(es, ", "))
	}
	fmt.Fprintf(w, "host: %d CPUs, load average %s at the start, %s at the end\n", r.Host.CPUs, r.Host.LoadStart, r.Host.LoadEnd)
	for _, l := range [][]string{r.Divergences, r.Lost, r.Crashes, r.NotRecovered, r.Errors} {
		for i, s := range l {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more\n", len(l)-20)
				break
			}
			fmt.Fprintf(w, "  ! %s\n", s)
		}
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
