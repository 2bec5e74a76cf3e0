package workload

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/tx"
)

// Signers is the workload's signer keys: fresh member keys (Ed25519, or
// SM2 with --key-algo sm2) of
// the organisations allowed to take the workload's action, registered
// during setup, each pinned to one node (spread round-robin) and with its
// own nonce sequence, so that signers are independent lanes.
type Signers struct {
	chainID string
	Keys    []*tx.PrivateKey
	Orgs    []string // each key's organisation
	Nodes   []int    // each key's node
	next    []uint64 // next nonce
}

// RegisterSigners registers count new member keys for the organisations
// that may take module/action (round-robin), through identity/register_key
// signed by each organisation's admin key, and waits until every node has
// the block that registered them.
func RegisterSigners(ctx context.Context, net *Network, count int, algo tx.Algo, module, action string) (*Signers, error) {
	orgs, err := net.Allowed(ctx, module, action)
	if err != nil {
		return nil, err
	}
	return RegisterKeys(ctx, net, count, algo, orgs)
}

// RegisterKeys registers count new member keys spread round-robin over
// orgs, as RegisterSigners does.
func RegisterKeys(ctx context.Context, net *Network, count int, algo tx.Algo, orgs []string) (*Signers, error) {
	if count < 1 {
		return nil, errors.New("signers: need at least one")
	}
	if len(orgs) == 0 {
		return nil, errors.New("signers: no organisation to register them for")
	}
	s := &Signers{chainID: net.ChainID}
	byOrg := map[string][]int{}
	for i := range count {
		k, err := tx.GenerateKey(algo, crand.Reader)
		if err != nil {
			return nil, err
		}
		org := orgs[i%len(orgs)]
		s.Keys = append(s.Keys, k)
		s.Orgs = append(s.Orgs, org)
		s.Nodes = append(s.Nodes, i%len(net.Nodes))
		s.next = append(s.next, 1)
		byOrg[org] = append(byOrg[org], i)
	}
	gw := net.Nodes[0].Client()
	var hashes []string
	for _, org := range orgs {
		admin, _, err := tx.OpenKeyFile(net.AdminKeyFile(org), &keyfile.Sources{}) // dev keys, or $DENGTA_PASSPHRASE(_FILE)
		if err != nil {
			return nil, fmt.Errorf("signers: admin key of %s: %w", org, err)
		}
		nonce, err := gw.NextNonce(ctx, admin.ID().String())
		if err != nil {
			return nil, fmt.Errorf("signers: nonce of %s's admin: %w", org, err)
		}
		for _, i := range byOrg[org] {
			body, _ := json.Marshal(map[string]any{"public_key": s.Keys[i].Public(), "admin": false, "name": fmt.Sprintf("bench signer %d", i)})
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
	if err := AwaitCommitted(ctx, gw, hashes, 90*time.Second); err != nil {
		return nil, fmt.Errorf("signers: %w", err)
	}
	return s, net.AwaitHeights(ctx, 60*time.Second)
}

// AwaitCommitted waits until the gateway knows every transaction as
// committed with code 0.
func AwaitCommitted(ctx context.Context, gw *client.Client, hashes []string, timeout time.Duration) error {
	_, err := AwaitRecords(ctx, gw, hashes, timeout)
	return err
}

// AwaitRecords is AwaitCommitted returning the transactions' records, in
// the order of hashes.
func AwaitRecords(ctx context.Context, gw *client.Client, hashes []string, timeout time.Duration) ([]*client.TxRecord, error) {
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

// Resync asks each signer's node for its next nonce (pending transactions
// included), so that a step starts right after whatever the last one got
// into the chain, whatever was dropped.
func (s *Signers) Resync(ctx context.Context, net *Network) error {
	var wg sync.WaitGroup
	errs := make([]error, len(s.Keys))
	sem := make(chan struct{}, 16)
	for i := range s.Keys {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			next, err := net.Nodes[s.Nodes[i]].Client().NextNonce(ctx, s.Keys[i].ID().String())
			s.next[i], errs[i] = next, err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Sign signs a transaction of signer i with its next nonce.
func (s *Signers) Sign(i int, module, action string, body []byte) ([]byte, error) {
	t := &tx.Tx{ChainID: s.chainID, Nonce: s.next[i], Module: module, Action: action, Body: body}
	if err := t.Sign(s.Keys[i]); err != nil {
		return nil, err
	}
	s.next[i]++
	return t.Encode(), nil
}

// SignAll builds n transactions, transaction j by signer j mod signers
// (signers in parallel, each in nonce order): body(j, rng) is the j-th
// body.
func (s *Signers) SignAll(ctx context.Context, n int, module, action string, records int, body func(j int, rng *rand.Rand) []byte) ([]Tx, error) {
	return s.SignEach(ctx, n, module, records, func(j int, rng *rand.Rand) (string, []byte) { return action, body(j, rng) })
}

// SignEach is SignAll for transactions whose action varies: tx(j, rng)
// returns the j-th action and body.
func (s *Signers) SignEach(ctx context.Context, n int, module string, records int, tx func(j int, rng *rand.Rand) (string, []byte)) ([]Tx, error) {
	txs := make([]Tx, n)
	signers := len(s.Keys)
	work := make(chan int, signers)
	errs := make([]error, signers)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), signers) {
		wg.Go(func() {
			for i := range work {
				rng := rand.New(rand.NewChaCha8(Seed()))
				for j := i; j < n; j += signers {
					if ctx.Err() != nil {
						errs[i] = ctx.Err()
						break
					}
					action, body := tx(j, rng)
					raw, err := s.Sign(i, module, action, body)
					if err != nil {
						errs[i] = err
						break
					}
					txs[j] = Tx{Node: s.Nodes[i], Lane: i, Raw: raw, Records: records}
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

// Seed returns a fresh random seed for a workload's random source.
func Seed() [32]byte {
	var b [32]byte
	_, _ = crand.Read(b[:])
	return b
}

// RandHex fills buf from rng and returns it in hex.
func RandHex(rng *rand.Rand, buf []byte) string {
	for i := 0; i < len(buf); i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8 && i+k < len(buf); k++ {
			buf[i+k] = byte(v >> (8 * k))
		}
	}
	return hex.EncodeToString(buf)
}

// PlanSigners is a signer set of the given organisations for planning
// only: no keys, one lane each on node 0 (tests sign with the
// organisations' admin keys).
func PlanSigners(orgs ...string) *Signers {
	return &Signers{Orgs: orgs, Keys: make([]*tx.PrivateKey, len(orgs)), Nodes: make([]int, len(orgs)), next: make([]uint64, len(orgs))}
}
