package node

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
)

func testBundle(t testing.TB) *JoinBundle {
	t.Helper()
	doc := testGenesis("dengta-join-test")
	if err := doc.ValidateAndComplete(); err != nil {
		t.Fatal(err)
	}
	g, err := cmtjson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &JoinBundle{Format: BundleFormat, ChainID: "dengta-join-test", Genesis: g, TrustHeight: 42,
		TrustHash:  strings.Repeat("AB", 32),
		Peers:      []string{strings.Repeat("a", 40) + "@127.0.0.2:26656", strings.Repeat("b", 40) + "@127.0.0.3:26656"},
		RPCServers: []string{"http://127.0.0.2:26657", "http://127.0.0.3:26657"}}
}

// TestJoinHome writes a home from a bundle: the genesis, the peers and
// state sync from the trusted block; bundles missing what the light
// client needs are refused and write nothing.
func TestJoinHome(t *testing.T) {
	b := testBundle(t)
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseBundle(data)
	if err != nil {
		t.Fatalf("ParseBundle: %v", err)
	}
	p := freePorts(t, 3)
	home := t.TempDir() + "/new"
	if _, err := JoinHome(home, parsed, InitOptions{Moniker: "newcomer", Ports: Ports{P2P: p[0], RPC: p[1], Gateway: p[2]}, Protection: testProt}, false); err != nil {
		t.Fatalf("JoinHome: %v", err)
	}
	c, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if !c.StateSync.Enable || c.StateSync.TrustHeight != 42 || c.StateSync.TrustHash != b.TrustHash ||
		strings.Join(c.StateSync.RPCServers, ",") != strings.Join(b.RPCServers, ",") || c.P2P.PersistentPeers != strings.Join(b.Peers, ",") {
		t.Fatalf("config: statesync %+v, peers %q", c.StateSync, c.P2P.PersistentPeers)
	}
	if _, err := JoinHome(home, parsed, InitOptions{Moniker: "again", Ports: Ports{P2P: p[0], RPC: p[1], Gateway: p[2]}, Protection: testProt}, false); err == nil {
		t.Fatal("JoinHome wrote over an initialised home")
	}

	for name, edit := range map[string]func(*JoinBundle){
		"format":     func(b *JoinBundle) { b.Format = "dengta-join/0" },
		"chain":      func(b *JoinBundle) { b.ChainID = "other" },
		"height":     func(b *JoinBundle) { b.TrustHeight = 0 },
		"hash":       func(b *JoinBundle) { b.TrustHash = "AB" },
		"no peers":   func(b *JoinBundle) { b.Peers = nil },
		"bad peer":   func(b *JoinBundle) { b.Peers = []string{"127.0.0.2:26656"} },
		"one rpc":    func(b *JoinBundle) { b.RPCServers = b.RPCServers[:1] },
		"rpc scheme": func(b *JoinBundle) { b.RPCServers[1] = "tcp://127.0.0.3:26657" },
		"rpc twice":  func(b *JoinBundle) { b.RPCServers[1] = "http://127.0.0.2:26657/" },
		"rpc case": func(b *JoinBundle) {
			b.RPCServers = []string{"http://node.example:26657", "https://NODE.example:26657"}
		},
		"genesis": func(b *JoinBundle) { b.Genesis = json.RawMessage(`{}`) },
	} {
		bad := testBundle(t)
		edit(bad)
		data, err := json.Marshal(bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseBundle(data); err == nil {
			t.Errorf("%s: bundle accepted", name)
		}
		if _, err := JoinHome(t.TempDir()+"/x", bad, InitOptions{Moniker: "x", Ports: Ports{P2P: p[0], RPC: p[1], Gateway: p[2]}, Protection: testProt}, false); err == nil {
			t.Errorf("%s: home written", name)
		}
	}
}

func FuzzParseBundle(f *testing.F) {
	good, err := json.Marshal(testBundle(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"dengta-join/1","chain_id":"x","genesis":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBundle(data)
		if err != nil {
			return
		}
		// What parses passes its own checks, and survives a round trip.
		again, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseBundle(again); err != nil {
			t.Fatalf("re-encoded bundle refused: %v", err)
		}
	})
}

// TestBundleAddresses: loopback addresses are told apart (a bundle leaves
// a home's out when the member names others), and a named RPC server
// that does not answer is an error when the bundle is written.
func TestBundleAddresses(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:26657": true, "127.0.0.9:26656": true, "localhost:1": true, "[::1]:26657": true,
		"10.0.0.2:26657": false, "rpc.member.example.cn:443": false, "bad": false} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v", addr, got)
		}
	}
	if err := checkRPCServer(context.Background(), "http://127.0.0.1:1", "dengta-test"); err == nil || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("an RPC server that does not answer: %v", err)
	}
}
