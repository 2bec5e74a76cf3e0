package daemon_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/daemon"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/modules"
)

// blockInfo is the part of GET /v1/blocks/{h} the tests compare.
type blockInfo struct {
	Height   int64    `json:"height"`
	Hash     string   `json:"hash"`
	AppHash  string   `json:"app_hash"`
	TxHashes []string `json:"tx_hashes"`
}

type inProcNode struct {
	member devnet.Member
	d      *daemon.Daemon
	c      *client.Client
	key    *client.Key
	log    string
}

// startInProcNetwork writes a four-validator network with fast consensus
// and starts its nodes in this process. A clash on an address (another
// process took a port between the check and the bind) is retried with new
// addresses.
func startInProcNetwork(t *testing.T, ctx context.Context, n int) []*inProcNode {
	t.Helper()
	for attempt := 1; ; attempt++ {
		nodes, err := tryStartInProcNetwork(t, ctx, n, attempt)
		if err == nil {
			return nodes
		}
		inUse := errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use")
		if !inUse || attempt == 3 {
			t.Fatalf("start network: %v", err)
		}
		t.Logf("attempt %d: %v; retrying with other addresses", attempt, err)
	}
}

// testPassphrase encrypts the network's keys (with the cheap test cost):
// every node decrypts its validator, node, operator and hall keys.
const testPassphrase = "in-process lighthouse"

func tryStartInProcNetwork(t *testing.T, ctx context.Context, n, attempt int) ([]*inProcNode, error) {
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("net%d", attempt))
	base, ports := nettest.PickAddresses(t, n)
	members, err := devnet.Testnet(dir, devnet.TestnetOptions{ChainID: "dengta-nettest", Consortium: modules.Registry(), Validators: n, IPBase: base, Ports: ports, Fast: true,
		Protection: keyfile.Protection{Passphrase: []byte(testPassphrase), Cost: keyfile.DevCost}})
	if err != nil {
		t.Fatalf("testnet: %v", err)
	}
	var nodes []*inProcNode
	for _, m := range members {
		logPath := filepath.Join(dir, m.Org.ID+".log")
		f, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		logger := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})).With("node", m.Org.ID)
		d, err := daemon.Start(ctx, m.Home, logger, daemon.WithPassphrase(keyfile.Fixed(testPassphrase)))
		if err != nil {
			for _, nd := range nodes {
				nd.d.Stop()
			}
			return nil, fmt.Errorf("node %s: %w", m.Org.ID, err)
		}
		key, err := client.OpenKey(m.KeyFile, []byte(testPassphrase))
		if err != nil {
			t.Fatal(err)
		}
		nd := &inProcNode{member: m, d: d, c: client.New(m.Gateway), key: key, log: logPath}
		nodes = append(nodes, nd)
		t.Cleanup(func() {
			if err := d.Stop(); err != nil {
				t.Errorf("stop %s: %v", m.Org.ID, err)
			}
		})
	}
	// Runs after the nodes have stopped (cleanups run last-in first-out).
	t.Cleanup(func() {
		if t.Failed() {
			for _, nd := range nodes {
				t.Logf("--- last lines of %s's log (%s):\n%s", nd.member.Org.ID, nd.log, nettest.Tail(nd.log, 40))
			}
		}
	})
	return nodes, nil
}

func height(ctx context.Context, c *client.Client) int64 {
	s, err := c.Status(ctx)
	if err != nil {
		return -1
	}
	return s.Height
}

// sameHeight waits until every node has reached the highest height any of
// them has now, and returns that height.
func sameHeight(t *testing.T, ctx context.Context, nodes []*inProcNode) int64 {
	t.Helper()
	var top int64
	for _, nd := range nodes {
		top = max(top, height(ctx, nd.c))
	}
	nettest.WaitFor(t, 20*time.Second, fmt.Sprintf("every node to reach height %d", top), func() bool {
		for _, nd := range nodes {
			if height(ctx, nd.c) < top {
				return false
			}
		}
		return true
	})
	return top
}

// sendWave has every organisation's admin register perNode new keys, all
// organisations at once, organisation i through the node route(i). Every
// transaction must commit with code 0.
func sendWave(t *testing.T, ctx context.Context, nodes []*inProcNode, perNode int, route func(i int) int) []*client.TxRecord {
	t.Helper()
	type result struct {
		org, via string
		rec      *client.TxRecord
		err      error
	}
	results := make(chan result, len(nodes)*perNode)
	var wg sync.WaitGroup
	for i, nd := range nodes {
		via := nodes[route(i)]
		wg.Go(func() {
			for j := range perNode {
				r := result{org: nd.member.Org.ID, via: via.member.Org.ID}
				k, err := client.GenerateKey([]string{"sm2", "ed25519"}[j%2])
				if err == nil {
					body := map[string]any{"public_key": k.PublicKey(), "admin": false, "name": fmt.Sprintf("%s-clerk-%d", nd.member.Org.ID, j)}
					r.rec, err = via.c.Do(ctx, nd.key, "identity", "register_key", body)
				}
				r.err = err
				results <- r
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	close(results)
	var committed []*client.TxRecord
	for r := range results {
		switch {
		case r.err != nil:
			t.Errorf("register_key by %s through %s's node: %v", r.org, r.via, r.err)
		case r.rec == nil || r.rec.Code != 0:
			t.Errorf("register_key by %s through %s's node: record %+v", r.org, r.via, r.rec)
		default:
			committed = append(committed, r.rec)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return committed
}

// TestNetworkInProcess runs a four-validator network in one process,
// sends transactions to different nodes at once, and checks that every
// node has the same chain - block hash and app hash at every height - and
// every committed transaction.
func TestNetworkInProcess(t *testing.T) {
	const validators, perNode = 4, 4
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	nodes := startInProcNetwork(t, ctx, validators)

	// Up: a block committed, and out of block sync (a node still
	// block-syncing refuses transactions).
	nettest.WaitFor(t, 30*time.Second, "every node to commit a block in consensus mode", func() bool {
		for _, nd := range nodes {
			s, err := nd.c.Status(ctx)
			if err != nil || s.Height < 1 || s.CatchingUp {
				return false
			}
		}
		return true
	})
	t.Logf("network up in %s", time.Since(start).Round(time.Millisecond))

	// Wave 1: each organisation's admin registers keys through its own
	// node, all organisations at once. Wave 2: through the next
	// organisation's node, so transactions also enter the network away from
	// their signer's home. Within a wave a key sends to one node only, so its
	// nonces come from one mempool; between the waves every node catches up
	// to the same height, so the nonces it reports are current.
	var committed []*client.TxRecord
	for wave := range 2 {
		recs := sendWave(t, ctx, nodes, perNode, func(i int) int { return (i + wave) % len(nodes) })
		committed = append(committed, recs...)
		t.Logf("wave %d: %d transactions committed at %s", wave+1, len(recs), time.Since(start).Round(time.Millisecond))
		sameHeight(t, ctx, nodes)
	}

	final := sameHeight(t, ctx, nodes)

	blocks := map[string]string{} // tx hash -> block hash of its height on node 0
	for h := int64(1); h <= final; h++ {
		var want blockInfo
		for i, nd := range nodes {
			var b blockInfo
			if err := nd.c.Get(ctx, fmt.Sprintf("/v1/blocks/%d", h), &b); err != nil {
				t.Fatalf("block %d on %s: %v", h, nd.member.Org.ID, err)
			}
			if b.Height != h || b.Hash == "" || b.AppHash == "" {
				t.Fatalf("block %d on %s: %+v", h, nd.member.Org.ID, b)
			}
			if i == 0 {
				want = b
				for _, th := range b.TxHashes {
					blocks[strings.ToUpper(th)] = b.Hash
				}
				continue
			}
			if b.AppHash != want.AppHash || b.Hash != want.Hash {
				t.Fatalf("height %d: %s has block %s app hash %s; %s has block %s app hash %s",
					h, nodes[0].member.Org.ID, want.Hash, want.AppHash, nd.member.Org.ID, b.Hash, b.AppHash)
			}
		}
	}

	for _, rec := range committed {
		if _, ok := blocks[strings.ToUpper(rec.Hash)]; !ok {
			t.Errorf("tx %s (height %d) is in no block up to %d", rec.Hash, rec.Height, final)
		}
		for _, nd := range nodes {
			got, err := nd.c.Tx(ctx, rec.Hash)
			if err != nil {
				t.Errorf("tx %s on %s: %v", rec.Hash, nd.member.Org.ID, err)
				continue
			}
			if got.Code != 0 || got.Height != rec.Height || got.Index != rec.Index {
				t.Errorf("tx %s on %s: code %d at %d/%d; committed with code %d at %d/%d",
					rec.Hash, nd.member.Org.ID, got.Code, got.Height, got.Index, rec.Code, rec.Height, rec.Index)
			}
		}
	}
	t.Logf("%d nodes agree on %d blocks and %d transactions; %s", validators, final, len(committed), time.Since(start).Round(time.Millisecond))
}
