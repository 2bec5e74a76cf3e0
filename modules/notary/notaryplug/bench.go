package notaryplug

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/notary"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// newDepositBody is a notary/deposit body with the fields a scanned
// document has: two 32-byte digests (64 hex digits each) and about 150
// bytes of metadata.
func newDepositBody(j int, rng *rand.Rand) []byte {
	var d [32]byte
	size := 184320 + int64(j%100000)
	b, _ := json.Marshal(notaryapi.DepositBody{
		SHA256: workload.RandHex(rng, d[:]), SM3: workload.RandHex(rng, d[:]),
		FileName: fmt.Sprintf("scan-%08d.pdf", j), Size: &size,
		MediaType: "application/pdf", EvidenceType: "invoice", Description: "增值税专用发票扫描件，供应链金融贸易背景材料",
	})
	return b
}

// deposits is w1: single notary deposits, one record per transaction.
type deposits struct {
	p   workload.Params
	s   *workload.Signers
	txs []workload.Tx
	seq int
}

func newDeposits(p workload.Params) *deposits { return &deposits{p: p} }

func (w *deposits) Name() string { return "w1" }
func (w *deposits) Describe() string {
	return "notary/deposit: SHA-256 + SM3 digests and ~150 B of metadata, " + w.p.SignedBy()
}
func (w *deposits) Lanes() int { return len(w.s.Keys) }

func (w *deposits) Setup(ctx context.Context, net *workload.Network) error {
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), notaryapi.Name, notaryapi.Deposit.Name)
	w.s = s
	return err
}

func (w *deposits) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	base := w.seq
	txs, err := w.s.SignAll(ctx, n, notaryapi.Name, notaryapi.Deposit.Name, 1, func(j int, rng *rand.Rand) []byte { return newDepositBody(base+j, rng) })
	w.txs, w.seq = txs, w.seq+n
	return err
}

func (w *deposits) Next(i int) workload.Tx                                 { return w.txs[i] }
func (w *deposits) Check(ctx context.Context, net *workload.Network) error { return nil }

// batches is w1b: batch_deposit of RFC 6962 trees of BatchSize items each,
// built (and their items made up) before the window; a transaction commits
// BatchSize records.
type batches struct {
	p   workload.Params
	s   *workload.Signers
	txs []workload.Tx
	seq int
}

func newBatches(p workload.Params) *batches { return &batches{p: p} }

func (w *batches) Name() string { return "w1b" }
func (w *batches) Describe() string {
	return fmt.Sprintf("notary/batch_deposit of an RFC 6962 tree of %d items, %s", w.p.BatchSize, w.p.SignedBy())
}
func (w *batches) Lanes() int { return len(w.s.Keys) }

func (w *batches) Setup(ctx context.Context, net *workload.Network) error {
	if w.p.BatchSize < 1 || w.p.BatchSize > batch.MaxItems {
		return fmt.Errorf("batch size %d: choose 1 to %d", w.p.BatchSize, batch.MaxItems)
	}
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), notaryapi.Name, notaryapi.BatchDeposit.Name)
	w.s = s
	return err
}

func (w *batches) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	roots := make([]string, n)
	items := make([]batch.Item, w.p.BatchSize)
	rng := rand.New(rand.NewChaCha8(workload.Seed()))
	var d [32]byte
	for t := range n {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for k := range items {
			items[k] = batch.Item{SHA256: workload.RandHex(rng, d[:]), SM3: workload.RandHex(rng, d[:]), Name: fmt.Sprintf("photo-%08d.jpg", k), Size: 100000 + int64(k), MediaType: "image/jpeg"}
		}
		tree, err := batch.Build(items)
		if err != nil {
			return err
		}
		roots[t] = hex.EncodeToString(tree.Root())
	}
	base := w.seq
	txs, err := w.s.SignAll(ctx, n, notaryapi.Name, notaryapi.BatchDeposit.Name, w.p.BatchSize, func(j int, _ *rand.Rand) []byte {
		b, _ := json.Marshal(notaryapi.BatchBody{MerkleRoot: roots[j], Size: int64(w.p.BatchSize), Label: fmt.Sprintf("bench batch %d", base+j), ItemFormat: batch.ItemFormat})
		return b
	})
	w.txs, w.seq = txs, w.seq+n
	return err
}

func (w *batches) Next(i int) workload.Tx                                 { return w.txs[i] }
func (w *batches) Check(ctx context.Context, net *workload.Network) error { return nil }

// reads is w4: w1 deposits in the background while readers fetch the proof
// bundle and the record of random earlier deposits from random nodes.
type reads struct {
	*deposits
	mu  sync.RWMutex
	ids []seenID
}

type seenID struct {
	id   string
	seen time.Time
}

func newReads(p workload.Params) *reads { return &reads{deposits: newDeposits(p)} }

func (w *reads) Name() string { return "w4" }
func (w *reads) Describe() string {
	return "GET /v1/proof?key=notary/ev/<id> and GET /v1/notary/evidence/<id> of random earlier deposits, under w1 writes"
}

// Observe collects the ids of committed deposits.
func (w *reads) Observe(b *workload.Block) {
	var fresh []seenID
	for _, r := range b.Results {
		for _, e := range r.Events {
			if e.Type == "notary.evidence_deposited" {
				if id := e.Attr("evidence_id"); id != "" {
					fresh = append(fresh, seenID{id, b.Seen})
				}
			}
		}
	}
	if len(fresh) > 0 {
		w.mu.Lock()
		w.ids = append(w.ids, fresh...)
		w.mu.Unlock()
	}
}

func (w *reads) count() int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return len(w.ids)
}

// Setup registers the signers and deposits the seed records.
func (w *reads) Setup(ctx context.Context, net *workload.Network) error {
	if err := w.deposits.Setup(ctx, net); err != nil {
		return err
	}
	if w.p.Seed <= 0 {
		return nil
	}
	if err := w.deposits.Prepare(ctx, net, w.p.Seed); err != nil {
		return err
	}
	if err := workload.SendAll(ctx, net, w.txs); err != nil {
		return fmt.Errorf("seed deposits: %w", err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for w.count() < w.p.Seed {
		if time.Now().After(deadline) {
			return fmt.Errorf("seed deposits: %d of %d committed after 90s", w.count(), w.p.Seed)
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := net.AwaitHeights(ctx, 60*time.Second); err != nil {
		return err
	}
	// Let the seed become readable before the first window.
	select {
	case <-time.After(readable):
	case <-ctx.Done():
	}
	return ctx.Err()
}

// readable is how long after its commit on the polled node a record is
// read, so that every node has it.
const readable = time.Second

// Read fetches a proof bundle or an evidence record.
func (w *reads) Read(ctx context.Context, net *workload.Network, node int, rng *rand.Rand) (string, error) {
	w.mu.RLock()
	cut := time.Now().Add(-readable)
	n := sort.Search(len(w.ids), func(i int) bool { return w.ids[i].seen.After(cut) })
	var id string
	if n > 0 {
		id = w.ids[rng.IntN(n)].id
	}
	w.mu.RUnlock()
	if id == "" {
		return "", workload.ErrNothingToRead
	}
	gw := net.Nodes[node].Client()
	if rng.IntN(2) == 0 {
		_, err := gw.Proof(ctx, string(notary.EvidenceKey(id)), 0)
		return "proof", err
	}
	var raw []byte
	return "evidence", gw.Get(ctx, "/v1/notary/evidence/"+url.PathEscape(id), &raw)
}

// workloads are the notary module's benchmark workloads.
func workloads() []workload.Def {
	return []workload.Def{
		{Name: "w1", Doc: "notary deposits (two 32-byte digests and ~150 B of metadata)", Rates: []float64{1000, 2000, 4000, 8000},
			New: func(p workload.Params) workload.Workload { return newDeposits(p) },
			Mix: &workload.MixPart{Label: "w1", Share: 0.4, New: func(p workload.Params) workload.Workload { return newReads(p) }}},
		{Name: "w1b", Doc: "batched deposits (batch_deposit of an RFC 6962 tree of --batch-size items)", Rates: []float64{2, 5, 10, 20},
			New: func(p workload.Params) workload.Workload { return newBatches(p) }, Batch: true},
		{Name: "w4", Doc: "public reads with proofs (proof + evidence of random earlier deposits) under a background w1 write load", Rates: []float64{250, 500, 1000, 2000},
			New: func(p workload.Params) workload.Workload { return newReads(p) }, Readers: 16, Seed: 2000},
	}
}
