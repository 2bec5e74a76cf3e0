package node

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// testLogger logs to stderr at the level named by DENGTA_TEST_LOG
// (debug, info, warn, error); by default nothing is logged, since nodes
// shutting down log peer disconnects as errors.
func testLogger() *slog.Logger {
	var level slog.Level
	switch strings.ToLower(os.Getenv("DENGTA_TEST_LOG")) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// freePorts returns n distinct free TCP ports on 127.0.0.1. The listeners
// are held until all ports are chosen so that none repeats.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	var ls []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

type testHome struct {
	dir   string
	keys  *HomeKeys
	ports Ports
}

func initTestHome(t *testing.T, moniker string, fast bool) testHome {
	t.Helper()
	p := freePorts(t, 3)
	dir := filepath.Join(t.TempDir(), moniker)
	ports := Ports{P2P: p[0], RPC: p[1], Gateway: p[2]}
	keys, err := InitHome(dir, InitOptions{
		Moniker:       moniker,
		IP:            "127.0.0.1",
		Ports:         ports,
		Org:           "org-" + moniker,
		FastConsensus: fast,
		Protection:    testProt,
	})
	if err != nil {
		t.Fatalf("InitHome: %v", err)
	}
	return testHome{dir: dir, keys: keys, ports: ports}
}

func testGenesis(chainID string, homes ...testHome) *types.GenesisDoc {
	doc := &types.GenesisDoc{
		ChainID:         chainID,
		GenesisTime:     time.Now().Add(-time.Second).UTC(),
		InitialHeight:   1,
		ConsensusParams: DefaultConsensusParams(),
		AppState:        []byte(`{}`),
	}
	for _, h := range homes {
		doc.Validators = append(doc.Validators, types.GenesisValidator{
			PubKey: h.keys.ValidatorPubKey,
			Power:  10,
			Name:   filepath.Base(h.dir),
		})
	}
	return doc
}

// testProt encrypts test homes' keys: a real passphrase (not the dev
// one), with the cheap dev KDF cost so that tests run fast.
var testProt = keyfile.Protection{Passphrase: []byte("lighthouse keeper"), Cost: keyfile.DevCost}

// withTestKeys loads a test home's keys with testProt's passphrase.
func withTestKeys(t testing.TB, home string) StartOption {
	t.Helper()
	k, err := LoadKeys(home, keyfile.Fixed(testProt.Passphrase))
	if err != nil {
		t.Fatal(err)
	}
	return WithKeys(k)
}

// startNode starts a node and stops it (then closes the app, if it has a
// Close method) in t.Cleanup.
func startNode(t *testing.T, home string, app abcitypes.Application) *Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := Start(ctx, home, app, testLogger(), withTestKeys(t, home))
	if err != nil {
		t.Fatalf("Start %s: %v", home, err)
	}
	t.Cleanup(func() {
		if err := n.Stop(); err != nil {
			t.Errorf("Stop %s: %v", home, err)
		}
		if c, ok := app.(interface{ Close() error }); ok {
			c.Close()
		}
	})
	return n
}

// waitFor polls cond every 50ms until it returns true or the deadline
// passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for {
		ok, err := cond()
		if ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s (last error: %v)", timeout, what, lastErr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func height(t *testing.T, n *Node) int64 {
	t.Helper()
	st, err := n.Client().Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	return st.SyncInfo.LatestBlockHeight
}

func waitHeight(t *testing.T, n *Node, h int64, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, "height "+strconv.FormatInt(h, 10), func() (bool, error) {
		st, err := n.Client().Status(context.Background())
		if err != nil {
			return false, err
		}
		return st.SyncInfo.LatestBlockHeight >= h, nil
	})
}

// queryKV returns the kvstore value of key as seen by node n.
func queryKV(n *Node, key string) (string, error) {
	res, err := n.Client().ABCIQuery(context.Background(), "", []byte(key))
	if err != nil {
		return "", err
	}
	return string(res.Response.Value), nil
}

// listenOn occupies 127.0.0.1:port.
func listenOn(t *testing.T, port int) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
