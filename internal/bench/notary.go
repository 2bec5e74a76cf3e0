package bench

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/batch"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/tx"
)

// signerSet is the workload's signer keys: fresh member keys (Ed25519, or
// SM2 with --key-algo sm2) of
// the organisations allowed to take the workload's action, registered
// during setup, each pinned to one node (spread round-robin) and with its
// own nonce sequence, so that signers are independent lanes.
type signerSet struct {
	chainID string
	keys    []*tx.PrivateKey
	orgs    []string
	node    []int
	next    []uint64 // next nonce
}

// registerSigners registers count new member keys for the organisations
// that may take module/action (round-robin), through identity/register_key
// signed by each organisation's admin key, and waits until every node has
// the block that registered them.
func registerSigners(ctx context.Context, net *Network, count int, algo tx.Algo, module, action string) (*signerSet, error) {
	orgs, err := net.depositors(ctx, module, action)
	if err != nil {
		return nil, err
	}
	return registerKeys(ctx, net, count, algo, orgs)
}

// registerKeys registers count new member keys spread round-robin over
// orgs, as registerSigners does.
func registerKeys(ctx context.Context, net *Network, count int, algo tx.Algo, orgs []string) (*signerSet, error) {
	if count < 1 {
		return nil, errors.New("signers: need at least one")
	}
	if len(orgs) == 0 {
		return nil, errors.New("signers: no organisation to register them for")
	}
	s := &signerSet{chainID: net.ChainID}
	byOrg := map[string][]int{}
	for i := range count {
		k, err := tx.GenerateKey(algo, crand.Reader)
		if err != nil {
			return nil, err
		}
		org := orgs[i%len(orgs)]
		s.keys = append(s.keys, k)
		s.orgs = append(s.orgs, org)
		s.node = append(s.node, i%len(net.Nodes))
		s.next = append(s.next, 1)
		byOrg[org] = append(byOrg[org], i)
	}
	gw := net.Nodes[0].gw
	var hashes []string
	for _, org := range orgs {
		admin, _, err := tx.ReadKeyFile(devnet.KeyFile(net.KeysDir, org))
		if err != nil {
			return nil, fmt.Errorf("signers: admin key of %s: %w", org, err)
		}
		nonce, err := gw.NextNonce(ctx, admin.ID().String())
		if err != nil {
			return nil, fmt.Errorf("signers: nonce of %s's admin: %w", org, err)
		}
		for _, i := range byOrg[org] {
			body, _ := json.Marshal(map[string]any{"public_key": s.keys[i].Public(), "admin": false, "name": fmt.Sprintf("bench signer %d", i)})
			t := &tx.Tx{ChainID: net.ChainID, Nonce: nonce, Module: "identity", Action: "register_key", Body: body}
			nonce++
			if err := t.Sign(admin); err != nil {
				return nil, err
			}
			h, err := gw.SubmitAsync(ctx, t.Encode())
			if err != nil {
				return nil, fmt.Errorf("signers: register a key of %s: %w", org, err)
			}
			hashes = append(hashes, h)
		}
	}
	if err := awaitCommitted(ctx, gw, hashes, 90*time.Second); err != nil {
		return nil, fmt.Errorf("signers: %w", err)
	}
	return s, net.awaitHeights(ctx, 60*time.Second)
}

// awaitCommitted waits until the gateway knows every transaction as
// committed with code 0.
func awaitCommitted(ctx context.Context, gw *client.Client, hashes []string, timeout time.Duration) error {
	_, err := awaitRecords(ctx, gw, hashes, timeout)
	return err
}

// awaitRecords is awaitCommitted returning the transactions' records, in
// the order of hashes.
func awaitRecords(ctx context.Context, gw *client.Client, hashes []string, timeout time.Duration) ([]*client.TxRecord, error) {
	deadline := time.Now().Add(timeout)
	recs := make([]*client.TxRecord, len(hashes))
	for i, h := range hashes {
		for {
			rec, err := gw.Tx(ctx, h)
			if err == nil {
				if rec.Code != 0 {
					return nil, fmt.Errorf("tx %s (%s/%s) failed: %s (%s)", h, rec.Module, rec.Action, rec.Log, rec.CodeName)
				}
				recs[i] = rec
				break
			}
			if !client.IsCode(err, "not_found") {
				return nil, err
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("tx %s not committed after %s", h, timeout)
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	return recs, nil
}

// awaitHeights waits until every node has reached the height node 0 has
// now.
func (n *Network) awaitHeights(ctx context.Context, timeout time.Duration) error {
	s, err := n.Nodes[0].rpc.status(ctx)
	if err != nil {
		return err
	}
	want := s.SyncInfo.LatestBlockHeight
	deadline := time.Now().Add(timeout)
	for _, nd := range n.Nodes[1:] {
		for {
			s, err := nd.rpc.status(ctx)
			if err == nil && s.SyncInfo.LatestBlockHeight >= want {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not reach height %d within %s", nd.Name, want, timeout)
			}
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// resync asks each signer's node for its next nonce (pending transactions
// included), so that a step starts right after whatever the last one got
// into the chain, whatever was dropped.
func (s *signerSet) resync(ctx context.Context, net *Network) error {
	var wg sync.WaitGroup
	errs := make([]error, len(s.keys))
	sem := make(chan struct{}, 16)
	for i := range s.keys {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			next, err := net.Nodes[s.node[i]].gw.NextNonce(ctx, s.keys[i].ID().String())
			s.next[i], errs[i] = next, err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sign signs a transaction of signer i with its next nonce.
func (s *signerSet) sign(i int, module, action string, body []byte) ([]byte, error) {
	t := &tx.Tx{ChainID: s.chainID, Nonce: s.next[i], Module: module, Action: action, Body: body}
	if err := t.Sign(s.keys[i]); err != nil {
		return nil, err
	}
	s.next[i]++
	return t.Encode(), nil
}

// signAll builds n transactions, transaction j by signer j mod signers
// (signers in parallel, each in nonce order): body(j, rng) is the j-th
// body.
func (s *signerSet) signAll(ctx context.Context, n int, module, action string, records int, body func(j int, rng *rand.Rand) []byte) ([]Tx, error) {
	return s.signEach(ctx, n, module, records, func(j int, rng *rand.Rand) (string, []byte) { return action, body(j, rng) })
}

// signEach is signAll for transactions whose action varies: tx(j, rng)
// returns the j-th action and body.
func (s *signerSet) signEach(ctx context.Context, n int, module string, records int, tx func(j int, rng *rand.Rand) (string, []byte)) ([]Tx, error) {
	txs := make([]Tx, n)
	signers := len(s.keys)
	work := make(chan int, signers)
	errs := make([]error, signers)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), signers) {
		wg.Go(func() {
			for i := range work {
				rng := rand.New(rand.NewChaCha8(seed()))
				for j := i; j < n; j += signers {
					if ctx.Err() != nil {
						errs[i] = ctx.Err()
						break
					}
					action, body := tx(j, rng)
					raw, err := s.sign(i, module, action, body)
					if err != nil {
						errs[i] = err
						break
					}
					txs[j] = Tx{Node: s.node[i], Lane: i, Raw: raw, Records: records}
				}
			}
		})
	}
	for i := range signers {
		work <- i
	}
	close(work)
	wg.Wait()
	return txs, errors.Join(errs...)
}

func seed() [32]byte {
	var b [32]byte
	_, _ = crand.Read(b[:])
	return b
}

func randHex(rng *rand.Rand, buf []byte) string {
	for i := 0; i < len(buf); i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8 && i+k < len(buf); k++ {
			buf[i+k] = byte(v >> (8 * k))
		}
	}
	return hex.EncodeToString(buf)
}

// depositBody is notary/deposit's body with the fields a scanned document
// has: two 32-byte digests (64 hex digits each) and about 150 bytes of
// metadata.
type depositBody struct {
	SHA256       string `json:"sha256"`
	SM3          string `json:"sm3"`
	FileName     string `json:"file_name"`
	Size         int64  `json:"size"`
	MediaType    string `json:"media_type"`
	EvidenceType string `json:"evidence_type"`
	Description  string `json:"description"`
}

func newDepositBody(j int, rng *rand.Rand) []byte {
	var d [32]byte
	b, _ := json.Marshal(depositBody{
		SHA256: randHex(rng, d[:]), SM3: randHex(rng, d[:]),
		FileName: fmt.Sprintf("scan-%08d.pdf", j), Size: 184320 + int64(j%100000),
		MediaType: "application/pdf", EvidenceType: "invoice", Description: "增值税专用发票扫描件，供应链金融贸易背景材料",
	})
	return b
}

// deposits is w1: single notary deposits, one record per transaction.
type deposits struct {
	p   Params
	s   *signerSet
	txs []Tx
	seq int
}

func newDeposits(p Params) *deposits { return &deposits{p: p} }

func (w *deposits) Name() string { return "w1" }
func (w *deposits) Describe() string {
	return "notary/deposit: SHA-256 + SM3 digests and ~150 B of metadata, " + w.p.signedBy()
}
func (w *deposits) Lanes() int { return len(w.s.keys) }

func (w *deposits) Setup(ctx context.Context, net *Network) error {
	s, err := registerSigners(ctx, net, w.p.Signers, w.p.algo(), "notary", "deposit")
	w.s = s
	return err
}

func (w *deposits) Prepare(ctx context.Context, net *Network, n int) error {
	if err := w.s.resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	base := w.seq
	txs, err := w.s.signAll(ctx, n, "notary", "deposit", 1, func(j int, rng *rand.Rand) []byte { return newDepositBody(base+j, rng) })
	w.txs, w.seq = txs, w.seq+n
	return err
}

func (w *deposits) Next(i int) Tx                                 { return w.txs[i] }
func (w *deposits) Check(ctx context.Context, net *Network) error { return nil }

// batches is w1b: batch_deposit of RFC 6962 trees of BatchSize items each,
// built (and their items made up) before the window; a transaction commits
// BatchSize records.
type batches struct {
	p   Params
	s   *signerSet
	txs []Tx
	seq int
}

func newBatches(p Params) *batches { return &batches{p: p} }

func (w *batches) Name() string { return "w1b" }
func (w *batches) Describe() string {
	return fmt.Sprintf("notary/batch_deposit of an RFC 6962 tree of %d items, %s", w.p.BatchSize, w.p.signedBy())
}
func (w *batches) Lanes() int { return len(w.s.keys) }

func (w *batches) Setup(ctx context.Context, net *Network) error {
	if w.p.BatchSize < 1 || w.p.BatchSize > batch.MaxItems {
		return fmt.Errorf("batch size %d: choose 1 to %d", w.p.BatchSize, batch.MaxItems)
	}
	s, err := registerSigners(ctx, net, w.p.Signers, w.p.algo(), "notary", "batch_deposit")
	w.s = s
	return err
}

func (w *batches) Prepare(ctx context.Context, net *Network, n int) error {
	if err := w.s.resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	roots := make([]string, n)
	items := make([]batch.Item, w.p.BatchSize)
	rng := rand.New(rand.NewChaCha8(seed()))
	var d [32]byte
	for t := range n {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for k := range items {
			items[k] = batch.Item{SHA256: randHex(rng, d[:]), SM3: randHex(rng, d[:]), Name: fmt.Sprintf("photo-%08d.jpg", k), Size: 100000 + int64(k), MediaType: "image/jpeg"}
		}
		tree, err := batch.Build(items)
		if err != nil {
			return err
		}
		roots[t] = hex.EncodeToString(tree.Root())
	}
	base := w.seq
	txs, err := w.s.signAll(ctx, n, "notary", "batch_deposit", w.p.BatchSize, func(j int, _ *rand.Rand) []byte {
		b, _ := json.Marshal(map[string]any{"merkle_root": roots[j], "size": w.p.BatchSize, "label": fmt.Sprintf("bench batch %d", base+j), "item_format": batch.ItemFormat})
		return b
	})
	w.txs, w.seq = txs, w.seq+n
	return err
}

func (w *batches) Next(i int) Tx                                 { return w.txs[i] }
func (w *batches) Check(ctx context.Context, net *Network) error { return nil }

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

func newReads(p Params) *reads { return &reads{deposits: newDeposits(p)} }

func (w *reads) Name() string { return "w4" }
func (w *reads) Describe() string {
	return "GET /v1/proof?key=notary/ev/<id> and GET /v1/notary/evidence/<id> of random earlier deposits, under w1 writes"
}

// Observe collects the ids of committed deposits.
func (w *reads) Observe(b *Block) {
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
func (w *reads) Setup(ctx context.Context, net *Network) error {
	if err := w.deposits.Setup(ctx, net); err != nil {
		return err
	}
	if w.p.Seed <= 0 {
		return nil
	}
	if err := w.deposits.Prepare(ctx, net, w.p.Seed); err != nil {
		return err
	}
	if err := sendAll(ctx, net, w.txs); err != nil {
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
	if err := net.awaitHeights(ctx, 60*time.Second); err != nil {
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
func (w *reads) Read(ctx context.Context, net *Network, node int, rng *rand.Rand) (string, error) {
	w.mu.RLock()
	cut := time.Now().Add(-readable)
	n := sort.Search(len(w.ids), func(i int) bool { return w.ids[i].seen.After(cut) })
	var id string
	if n > 0 {
		id = w.ids[rng.IntN(n)].id
	}
	w.mu.RUnlock()
	if id == "" {
		return "", ErrNothingToRead
	}
	gw := net.Nodes[node].gw
	if rng.IntN(2) == 0 {
		_, err := gw.Proof(ctx, "notary/ev/"+id, 0)
		return "proof", err
	}
	var raw []byte
	return "evidence", gw.Get(ctx, "/v1/notary/evidence/"+url.PathEscape(id), &raw)
}
