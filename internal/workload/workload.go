package workload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/dengta-chain/dengta/tx"
)

// Workload is what the harness offers a network. A workload is a type
// implementing it (and optionally Reader and Observer), which a module
// offers through a Def (plug.Module.Workloads).
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
// harness calls Read back to back from bench.Options.Readers goroutines
// during each window and times each call.
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

// Params are the workload knobs of a run (bench.Options embeds them).
type Params struct {
	Signers   int // signer keys (lanes)
	BatchSize int // items per batch (w1b)
	Seed      int // deposits made before the first step, to read (w4, mix)
	// KeyAlgo is the signer keys' algorithm: tx.AlgoEd25519 (the zero
	// value means it) or tx.AlgoSM2.
	KeyAlgo tx.Algo
}

// Algo is the signer keys' algorithm, Ed25519 unless set.
func (p Params) Algo() tx.Algo {
	if p.KeyAlgo == 0 {
		return tx.AlgoEd25519
	}
	return p.KeyAlgo
}

// SignedBy names the signer keys' algorithm for Describe.
func (p Params) SignedBy() string {
	if p.Algo() == tx.AlgoSM2 {
		return "SM2-signed (SM3, GB/T 32918)"
	}
	return "Ed25519-signed"
}

// Def is a workload a module offers: its name on the command line, what it
// does, its default sweep and how to make it.
type Def struct {
	Name string
	Doc  string
	// Rates is the default sweep, in transactions per second.
	Rates []float64
	New   func(Params) Workload
	// Readers is the default number of reading goroutines (for workloads
	// that read); Seed the default Params.Seed.
	Readers, Seed int
	// Batch says the workload uses Params.BatchSize (the report shows it).
	Batch bool
	// Mix, when set, is the module's part of the mix workload.
	Mix *MixPart
}

// MixPart is a module's part of the mix workload.
type MixPart struct {
	// Label names the part in the report's breakdown ("w1").
	Label string
	// Share is the part's share of the offered transactions.
	Share float64
	// MinSigners is the fewest signer keys the part can run with.
	MinSigners int
	New        func(Params) Workload
}

// Workloads returns the workloads of defs and the mix of their mix parts,
// sorted by name.
func Workloads(defs []Def) []Def {
	out := slices.Clone(defs)
	var parts []MixPart
	var names []string
	for _, d := range defs {
		if d.Mix != nil {
			parts = append(parts, *d.Mix)
			names = append(names, fmt.Sprintf("%.0f%% %s", 100*d.Mix.Share, d.Mix.Label))
		}
	}
	if len(parts) > 0 {
		out = append(out, Def{
			Name:    "mix",
			Doc:     "all at once: " + strings.Join(names, ", ") + " (of the transactions), with the parts' reads",
			Rates:   []float64{250, 500, 1000, 2000},
			New:     func(p Params) Workload { return newMix(p, parts) },
			Readers: 4,
		})
	}
	slices.SortFunc(out, func(a, b Def) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Names lists the workloads with a description, for help texts.
func Names(defs []Def) []string {
	var out []string
	for _, d := range Workloads(defs) {
		out = append(out, fmt.Sprintf("%s: %s", d.Name, d.Doc))
	}
	return out
}

// Lookup returns the workload named name.
func Lookup(defs []Def, name string) (Def, error) {
	all := Workloads(defs)
	for _, d := range all {
		if d.Name == name {
			return d, nil
		}
	}
	var names []string
	for _, d := range all {
		names = append(names, d.Name)
	}
	return Def{}, fmt.Errorf("unknown workload %q; choose one of %s", name, strings.Join(names, ", "))
}
