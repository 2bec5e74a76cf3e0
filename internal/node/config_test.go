package node

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/secp256k1"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// TestConfigRoundTrip checks that every field CometBFT's template writes is
// read back unchanged, with non-default values in the awkward spots (lists,
// durations, numbers written as strings).
func TestConfigRoundTrip(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(configDir(home), 0o700); err != nil {
		t.Fatal(err)
	}
	c := TunedConfig()
	c.SetRoot(home)
	FastConsensus(c)
	c.Moniker = "round-trip node"
	c.P2P.PersistentPeers = "0123456789abcdef0123456789abcdef01234567@127.0.0.2:26656"
	c.RPC.CORSAllowedOrigins = []string{"https://a.example", "*"}
	c.StateSync.RPCServers = []string{"127.0.0.1:1", "127.0.0.1:2"}
	c.StateSync.ChunkFetchers = 7
	c.Mempool.KeepInvalidTxsInCache = true
	c.Storage.Pruning.DataCompanion.InitialBlockRetainHeight = 42
	c.GRPC.Privileged.PruningService.Enabled = true
	if err := writeConfig(home, c); err != nil {
		t.Fatal(err)
	}
	got, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		for _, pair := range [][2]any{
			{got.BaseConfig, c.BaseConfig}, {got.RPC, c.RPC}, {got.GRPC, c.GRPC}, {got.P2P, c.P2P},
			{got.Mempool, c.Mempool}, {got.StateSync, c.StateSync}, {got.BlockSync, c.BlockSync},
			{got.Consensus, c.Consensus}, {got.Storage, c.Storage}, {got.TxIndex, c.TxIndex},
			{got.Instrumentation, c.Instrumentation},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("round trip differs:\n got  %+v\n want %+v", pair[0], pair[1])
			}
		}
	}
}

func TestLoadConfigErrors(t *testing.T) {
	home := t.TempDir()
	if _, err := LoadConfig(home); err == nil {
		t.Fatal("LoadConfig of empty home: want error")
	}
	if err := os.MkdirAll(configDir(home), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(s string) {
		if err := os.WriteFile(ConfigFile(home), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("[consensus]\ntimeout_comit = \"1s\"\n")
	if _, err := LoadConfig(home); err == nil || !strings.Contains(err.Error(), "consensus.timeout_comit") {
		t.Errorf("unknown key: got %v", err)
	}
	write("[consensus]\ntimeout_commit = \"-1s\"\n")
	if _, err := LoadConfig(home); err == nil {
		t.Error("negative timeout: want validation error")
	}
	// Missing keys keep CometBFT's defaults, as with its own loader.
	write("[consensus]\ntimeout_commit = \"2s\"\n")
	c, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if c.Consensus.TimeoutCommit != 2*time.Second || c.Mempool.Size != cmtcfg.DefaultMempoolConfig().Size {
		t.Errorf("partial file: timeout_commit %v, mempool size %d", c.Consensus.TimeoutCommit, c.Mempool.Size)
	}
	if c.RootDir != home || c.P2P.RootDir != home {
		t.Errorf("root not set: %q", c.RootDir)
	}
}

func TestInitHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "n0")
	opts := InitOptions{Moniker: "n0", IP: "127.0.0.3", Ports: Ports{P2P: 26656, RPC: 26657, Gateway: 8480}, Org: "org1", Protection: testProt}
	keys, err := InitHome(home, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys.NodeID) != 40 || len(keys.ValidatorAddress) != 20 || keys.ValidatorPubKey == nil {
		t.Fatalf("keys: %+v", keys)
	}
	for _, f := range []struct {
		path string
		perm os.FileMode
	}{
		{ConfigFile(home), 0o644},
		{SettingsFile(home), 0o644},
		{nodeKeyFile(home), 0o600},
		{pvKeyFile(home), 0o600},
		{pvStateFile(home), 0o600},
		{HallMasterFile(home), 0o600},
	} {
		fi, err := os.Stat(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != f.perm {
			t.Errorf("%s: mode %v, want %v", f.path, fi.Mode().Perm(), f.perm)
		}
	}
	if fi, err := os.Stat(StateDir(home)); err != nil || !fi.IsDir() {
		t.Errorf("state dir: %v", err)
	}

	c, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"moniker", c.Moniker, "n0"},
		{"db_backend", c.DBBackend, "pebbledb"},
		{"p2p.laddr", c.P2P.ListenAddress, "tcp://127.0.0.3:26656"},
		{"rpc.laddr", c.RPC.ListenAddress, "tcp://127.0.0.3:26657"},
		{"timeout_commit", c.Consensus.TimeoutCommit, 250 * time.Millisecond},
		{"create_empty_blocks", c.Consensus.CreateEmptyBlocks, true},
		{"create_empty_blocks_interval", c.Consensus.CreateEmptyBlocksInterval, 10 * time.Second},
		{"mempool.type", c.Mempool.Type, "flood"},
		{"mempool.size", c.Mempool.Size, 5000},
		{"mempool.max_txs_bytes", c.Mempool.MaxTxsBytes, int64(256 << 20)},
		{"mempool.cache_size", c.Mempool.CacheSize, 100000},
		{"mempool.recheck", c.Mempool.Recheck, true},
		{"tx_index", c.TxIndex.Indexer, "null"},
		{"pex", c.P2P.PexReactor, false},
		{"addr_book_strict", c.P2P.AddrBookStrict, false},
		{"allow_duplicate_ip", c.P2P.AllowDuplicateIP, true},
		{"prometheus", c.Instrumentation.Prometheus, false},
		{"genesis path", c.GenesisFile(), GenesisFile(home)},
		{"db dir", c.DBDir(), dataDir(home)},
		{"pv state path", c.PrivValidatorStateFile(), pvStateFile(home)},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	s, err := LoadSettings(home)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, Settings{Moniker: "n0", GatewayAddr: "127.0.0.3:8480", Org: "org1"}) {
		t.Errorf("settings: %+v", s)
	}

	// Re-running before a genesis exists keeps the keys.
	opts.Ports.Gateway = 8481
	again, err := InitHome(home, opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.NodeID != keys.NodeID || !bytes.Equal(again.ValidatorPubKey.Bytes(), keys.ValidatorPubKey.Bytes()) {
		t.Error("re-init changed keys")
	}
	if s, _ := LoadSettings(home); s.GatewayAddr != "127.0.0.3:8481" {
		t.Errorf("re-init settings: %+v", s)
	}
	// ... but not with a different validator key.
	opts.ValidatorKey = ed25519.GenPrivKey()
	if _, err := InitHome(home, opts); err == nil {
		t.Error("re-init with a different validator key: want error")
	}
	opts.ValidatorKey = nil

	// Once a genesis exists, InitHome refuses.
	if err := WriteGenesis(home, testGenesis("init-test", testHome{dir: home, keys: keys})); err != nil {
		t.Fatal(err)
	}
	if _, err := InitHome(home, opts); err == nil || !strings.Contains(err.Error(), "genesis.json") {
		t.Errorf("InitHome on home with genesis: got %v", err)
	}
}

func TestInitHomeValidatorKey(t *testing.T) {
	k := ed25519.GenPrivKey()
	home := t.TempDir()
	keys, err := InitHome(home, InitOptions{Moniker: "v", Ports: Ports{P2P: 1, RPC: 2, Gateway: 3}, ValidatorKey: k, Protection: testProt})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(keys.ValidatorPubKey.Bytes(), k.PubKey().Bytes()) {
		t.Error("validator key not used")
	}
	ks, err := LoadKeys(home, keyfile.Fixed(testProt.Passphrase))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ks.Validator.Bytes(), k.Bytes()) {
		t.Error("priv_validator_key.json holds another key")
	}
	if s, _ := LoadSettings(home); s.GatewayAddr != "127.0.0.1:3" {
		t.Errorf("default IP: %+v", s)
	}
}

func TestInitHomeBadOptions(t *testing.T) {
	good := InitOptions{Moniker: "m", IP: "127.0.0.1", Ports: Ports{P2P: 1, RPC: 2, Gateway: 3}, Protection: testProt}
	for name, mod := range map[string]func(*InitOptions){
		"no moniker":     func(o *InitOptions) { o.Moniker = "" },
		"quote moniker":  func(o *InitOptions) { o.Moniker = `a"b` },
		"non-ascii":      func(o *InitOptions) { o.Moniker = "灯塔" },
		"bad ip":         func(o *InitOptions) { o.IP = "localhost" },
		"port 0":         func(o *InitOptions) { o.Ports.RPC = 0 },
		"duplicate port": func(o *InitOptions) { o.Ports.Gateway = 1 },
		"secp key":       func(o *InitOptions) { o.ValidatorKey = secpKey(t) },
		"no passphrase":  func(o *InitOptions) { o.Protection = keyfile.Protection{} },
		"dev passphrase": func(o *InitOptions) { o.Protection.Passphrase = []byte(keyfile.DevPassphrase) },
	} {
		o := good
		mod(&o)
		if _, err := InitHome(t.TempDir(), o); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}

func TestSetPeers(t *testing.T) {
	a := initTestHome(t, "a", false)
	b := initTestHome(t, "b", false)
	peers := []string{
		PeerAddress(a.keys.NodeID, "127.0.0.1", a.ports.P2P),
		PeerAddress(b.keys.NodeID, "127.0.0.1", b.ports.P2P),
		"0123456789abcdef0123456789abcdef01234567@node-c.example:26656",
	}
	if err := SetPeers(a.dir, peers); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(peers[1:], ","); c.P2P.PersistentPeers != want {
		t.Errorf("persistent_peers = %q, want %q (self dropped)", c.P2P.PersistentPeers, want)
	}
	for _, bad := range []string{
		"127.0.0.1:26656",
		"xyz@127.0.0.1:26656",
		"0123456789abcdef0123456789abcdef01234567@127.0.0.1",
		"0123456789abcdef0123456789abcdef01234567@127.0.0.1:0",
		"0123456789abcdef0123456789abcdef01234567@a,b:1",
	} {
		if err := SetPeers(a.dir, []string{bad}); err == nil {
			t.Errorf("SetPeers(%q): want error", bad)
		}
	}
	if err := SetPeers(a.dir, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := LoadConfig(a.dir); c.P2P.PersistentPeers != "" {
		t.Errorf("cleared peers: %q", c.P2P.PersistentPeers)
	}
}

func TestWriteGenesis(t *testing.T) {
	h := initTestHome(t, "g", false)
	doc := testGenesis("genesis-test", h)
	doc.ConsensusParams = nil
	if err := WriteGenesis(h.dir, doc); err != nil {
		t.Fatal(err)
	}
	got, err := types.GenesisDocFromFile(GenesisFile(h.dir))
	if err != nil {
		t.Fatal(err)
	}
	if got.ConsensusParams.Block.MaxBytes != 8<<20 {
		t.Errorf("block max bytes %d", got.ConsensusParams.Block.MaxBytes)
	}
	if string(got.AppState) != `{}` || got.ChainID != "genesis-test" || len(got.Validators) != 1 {
		t.Errorf("genesis: %+v", got)
	}
	bad := testGenesis("", h)
	if err := WriteGenesis(h.dir, bad); err == nil {
		t.Error("empty chain id: want error")
	}
}

func secpKey(t *testing.T) crypto.PrivKey {
	t.Helper()
	return secp256k1.GenPrivKey()
}

// TestSetConfigValues sets keys of each type, then checks that a bad key,
// section, value or an invalid result is refused and leaves the file as it
// was.
func TestSetConfigValues(t *testing.T) {
	h := initTestHome(t, "a", false)
	err := SetConfigValues(h.dir, map[string]string{
		"consensus.timeout_commit": "1s",
		"mempool.size":             "7000",
		"mempool.recheck":          "false",
		"tx_index.indexer":         "kv",
		"proxy_app":                "kvstore",
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Consensus.TimeoutCommit != time.Second || c.Mempool.Size != 7000 || c.Mempool.Recheck || c.TxIndex.Indexer != "kv" || c.ProxyApp != "kvstore" {
		t.Fatalf("values not set: timeout_commit %s, mempool.size %d, recheck %v, indexer %q, proxy_app %q",
			c.Consensus.TimeoutCommit, c.Mempool.Size, c.Mempool.Recheck, c.TxIndex.Indexer, c.ProxyApp)
	}
	before, err := os.ReadFile(ConfigFile(h.dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []map[string]string{
		{"mempool.sise": "1"},
		{"mempol.size": "1"},
		{"mempool.size": "many"},
		{"mempool.recheck": "sometimes"},
		{"mempool.size": "-5"},
		{"consensus.timeout_commit": "soon"},
		{"moniker.x": "y"},
	} {
		if err := SetConfigValues(h.dir, bad); err == nil {
			t.Errorf("SetConfigValues(%v) succeeded", bad)
		}
		after, err := os.ReadFile(ConfigFile(h.dir))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("SetConfigValues(%v) changed the file", bad)
		}
	}
}

// TestRPCOnLoopback: CometBFT's RPC, which serves every block and state
// value, listens on loopback whatever the node's own address.
func TestRPCOnLoopback(t *testing.T) {
	for ip, want := range map[string]string{"127.0.0.3": "127.0.0.3", "10.1.2.3": "127.0.0.1", "203.0.113.8": "127.0.0.1", "::1": "::1", "0.0.0.0": "127.0.0.1"} {
		if got := rpcIP(ip); got != want {
			t.Errorf("rpcIP(%s) = %s, want %s", ip, got, want)
		}
	}
}
