package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/dengta-chain/dengta/internal/tx"
)

// Workload is what the harness offers a network. A workload is a type
// implementing it (and optionally Reader and Observer), registered in
// workloads.
//
// The harness calls Setup once, then for each rate of the sweep Prepare
// (untimed: sign everything the step will send) and Next for each of the
// n transactions before the window opens; then Check after the last step.
type Workload interface {
	// Name is the workload's name on the command line (w1, w2, w3...).
	Name() string
	// Describe says in a few words what one transaction does.
	Describe() string
	// Lanes is the number of independent ordered streams of transactions
	// (for Dengta: signer keys, whose nonces must arrive in order). The
	// harness runs one sender per lane. Valid after Setup.
	Lanes() int
	// Setup prepares the network before the first step: keys, seed data.
	Setup(ctx context.Context, net *Network) error
	// Prepare builds and signs the n transactions of the next step.
	Prepare(ctx context.Context, net *Network, n int) error
	// Next returns the i-th prepared transaction, 0 <= i < n.
	Next(i int) Tx
	// Check runs after the last step: an invariant over the final state
	// (for example conservation of value), or nil.
	Check(ctx context.Context, net *Network) error
}

// Tx is one transaction of a step.
type Tx struct {
	Node int    // index of the node to submit it through
	Lane int    // transactions of a lane are sent in order, one at a time
	Raw  []byte // the transaction bytes
	// Records is how many records it commits (1, or a batch's items).
	Records int
	// Kind names what it does when a workload offers several kinds of
	// transaction (for example "split_transfer" and "accept"); the report
	// breaks each step down by kind when there is more than one.
	Kind string
}

// Reader is a workload that also reads while its writes run (w4). The
// harness calls Read back to back from Options.Readers goroutines during
// each window and times each call.
type Reader interface {
	// Read does one read through node and names its kind (for example
	// "proof" or "evidence").
	Read(ctx context.Context, net *Network, node int, rng *rand.Rand) (kind string, err error)
}

// ErrNothingToRead is what Read answers when there is no record to read
// yet; the harness neither counts nor times such a call.
var ErrNothingToRead = errors.New("nothing to read yet")

// Observer is a workload that wants every committed block with its
// results (for example to learn the ids its writes were given).
type Observer interface {
	Observe(b *Block)
}

// Params are the workload knobs of Options.
type Params struct {
	Signers   int // signer keys (lanes)
	BatchSize int // items per batch (w1b)
	Seed      int // deposits made before the first step, to read (w4, mix)
	// KeyAlgo is the signer keys' algorithm: tx.AlgoEd25519 (the zero
	// value means it) or tx.AlgoSM2.
	KeyAlgo tx.Algo
}

// algo is the signer keys' algorithm, Ed25519 unless set.
func (p Params) algo() tx.Algo {
	if p.KeyAlgo == 0 {
		return tx.AlgoEd25519
	}
	return p.KeyAlgo
}

// signedBy names the signer keys' algorithm for Describe.
func (p Params) signedBy() string {
	if p.algo() == tx.AlgoSM2 {
		return "SM2-signed (SM3, GB/T 32918)"
	}
	return "Ed25519-signed"
}

// workloads are the Dengta workloads by name.
var workloads = map[string]struct {
	doc string
	new func(Params) Workload
	// rates is the default sweep, in transactions per second.
	rates []float64
}{
	"w1":    {"notary deposits (two 32-byte digests and ~150 B of metadata)", func(p Params) Workload { return newDeposits(p) }, []float64{1000, 2000, 4000, 8000}},
	"w1b":   {"batched deposits (batch_deposit of an RFC 6962 tree of --batch-size items)", func(p Params) Workload { return newBatches(p) }, []float64{2, 5, 10, 20}},
	"w4":    {"public reads with proofs (proof + evidence of random earlier deposits) under a background w1 write load", func(p Params) Workload { return newReads(p) }, []float64{250, 500, 1000, 2000}},
	"w2":    {"traceability event appends (trace/capture of an EPCIS ObjectEvent OBSERVE of one item, Zipf-distributed over 1,000,000 serial numbers)", func(p Params) Workload { return newTraceEvents(p) }, []float64{250, 500, 1000, 2000}},
	"w3":    {"receivable transfers, uniform (split_transfer of a part to another supplier, and accept of parts sent earlier; value conservation checked after the run)", func(p Params) Workload { return newTransfers(p, false) }, []float64{250, 500, 1000, 2000}},
	"w3hot": {"receivable transfers, hot spot (as w3, with 9 in 10 splits in one receivable tree per supplier)", func(p Params) Workload { return newTransfers(p, true) }, []float64{250, 500, 1000, 2000}},
	"mix":   {"all at once: 40% w1 deposits, 30% w2 trace events, 30% w3 transfers (of the transactions), with w4 reads", func(p Params) Workload { return newMix(p) }, []float64{250, 500, 1000, 2000}},
}

// Workloads lists the workload names with a description, sorted.
func Workloads() []string {
	var out []string
	for name, w := range workloads {
		out = append(out, fmt.Sprintf("%s: %s", name, w.doc))
	}
	sort.Strings(out)
	return out
}

// DefaultRates returns a workload's default sweep, or nil if the workload
// is unknown.
func DefaultRates(workload string) []float64 {
	return slices.Clone(workloads[workload].rates)
}

func newWorkload(name string, p Params) (Workload, error) {
	w, ok := workloads[name]
	if !ok {
		var names []string
		for n := range workloads {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("unknown workload %q; choose one of %s", name, strings.Join(names, ", "))
	}
	return w.new(p), nil
}
