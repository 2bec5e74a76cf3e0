package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dengta-chain/dengta/internal/workload"
)

// CometBFTVersion is the CometBFT release Dengta embeds and the baseline
// runs.
const CometBFTVersion = "v1.0.1"

// cometBFTBinary returns the path of a cometbft binary of CometBFTVersion:
// path if given, else one cached under the user's cache directory,
// installed there with `go install` the first time.
func cometBFTBinary(ctx context.Context, path string, log io.Writer) (string, error) {
	if path != "" {
		return path, checkCometBFT(ctx, path)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cometbft: no cache directory (%v); pass --cometbft PATH", err)
	}
	dir := filepath.Join(cache, "dengta", "bench", "cometbft-"+CometBFTVersion)
	bin := filepath.Join(dir, "cometbft")
	if _, err := os.Stat(bin); err == nil {
		return bin, checkCometBFT(ctx, bin)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("cometbft: no cometbft binary and no go command to install one; pass --cometbft PATH")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cometbft: %w", err)
	}
	fmt.Fprintf(log, "installing cometbft %s into %s (once; this takes a minute or two)\n", CometBFTVersion, dir)
	cmd := exec.CommandContext(ctx, goBin, "install", "github.com/cometbft/cometbft/cmd/cometbft@"+CometBFTVersion)
	cmd.Dir = os.TempDir() // outside any module
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("cometbft: go install github.com/cometbft/cometbft/cmd/cometbft@%s: %v\n%s", CometBFTVersion, err, out.String())
	}
	return bin, checkCometBFT(ctx, bin)
}

func checkCometBFT(ctx context.Context, bin string) error {
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	if err != nil {
		return fmt.Errorf("cometbft: %s version: %w", bin, err)
	}
	if v := strings.TrimSpace(string(out)); "v"+v != CometBFTVersion {
		return fmt.Errorf("cometbft: %s is version %s; the baseline needs %s", bin, v, CometBFTVersion)
	}
	return nil
}

// kvWorkload drives CometBFT's kvstore with "key=value" transactions of
// the same size as the Dengta workload's, over as many lanes, spread over
// the nodes in the same way, with reads (abci_query, no proof) when the
// Dengta workload reads.
type kvWorkload struct {
	name    string
	size    int // bytes per transaction
	lanes   int
	records int // records per transaction, as the Dengta workload's
	seed    int // keys written before the first step, when reading
	reads   bool

	prefix string
	seq    int
	txs    []workload.Tx
	mu     sync.RWMutex
	keys   [][]byte // written by earlier steps (and the seed), to read
	step   [][]byte // written by the current step
	nodes  int
}

func (w *kvWorkload) Name() string { return w.name }
func (w *kvWorkload) Describe() string {
	return fmt.Sprintf("kvstore key=value transactions of %d bytes", w.size)
}
func (w *kvWorkload) Lanes() int { return w.lanes }

func (w *kvWorkload) Setup(ctx context.Context, net *workload.Network) error {
	w.nodes = len(net.Nodes)
	w.prefix = fmt.Sprintf("bench%06x-", rand.IntN(1<<24))
	if !w.reads || w.seed <= 0 {
		return nil
	}
	if err := w.Prepare(ctx, net, w.seed); err != nil {
		return err
	}
	if err := workload.SendAll(ctx, net, w.txs); err != nil {
		return fmt.Errorf("seed keys: %w", err)
	}
	return nil
}

func (w *kvWorkload) Prepare(ctx context.Context, net *workload.Network, n int) error {
	w.mu.Lock()
	w.keys = append(w.keys, w.step...)
	w.step = nil
	w.mu.Unlock()
	rng := rand.New(rand.NewChaCha8(workload.Seed()))
	w.txs = make([]workload.Tx, n)
	step := make([][]byte, n)
	for i := range n {
		key := fmt.Appendf(nil, "%s%09d", w.prefix, w.seq+i)
		raw := make([]byte, 0, max(w.size, len(key)+2))
		raw = append(append(raw, key...), '=')
		const digits = "0123456789abcdef"
		for len(raw) < cap(raw) {
			raw = append(raw, digits[rng.IntN(16)])
		}
		lane := i % w.lanes
		w.txs[i] = workload.Tx{Node: lane % w.nodes, Lane: lane, Raw: raw, Records: w.records}
		step[i] = key
	}
	w.seq += n
	w.mu.Lock()
	w.step = step
	w.mu.Unlock()
	return nil
}

func (w *kvWorkload) Next(i int) workload.Tx                                 { return w.txs[i] }
func (w *kvWorkload) Check(ctx context.Context, net *workload.Network) error { return nil }

// kvReader is a kvWorkload that reads.
type kvReader struct{ *kvWorkload }

// Read queries a random key written before the current step.
func (w kvReader) Read(ctx context.Context, net *workload.Network, node int, rng *rand.Rand) (string, error) {
	w.mu.RLock()
	var key []byte
	if len(w.keys) > 0 {
		key = w.keys[rng.IntN(len(w.keys))]
	}
	w.mu.RUnlock()
	if key == nil {
		return "", workload.ErrNothingToRead
	}
	return "abci_query", net.Nodes[node].RPCClient().ABCIQuery(ctx, key)
}
