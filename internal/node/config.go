package node

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/types"
	"github.com/mitchellh/mapstructure"
)

// TunedConfig returns CometBFT's default configuration with Dengta's tuning
// applied. It has no home, moniker or listen addresses yet; InitHome fills
// those in. Every deviation from CometBFT v1.0.1's defaults is here, so the
// benchmarks can revisit them in one place.
func TunedConfig() *cmtcfg.Config {
	c := cmtcfg.DefaultConfig()

	// Pebble for CometBFT's block, state and evidence stores (already the
	// v1.0.1 default; pinned so a CometBFT upgrade cannot change it under us).
	// The app's state is pebble too, so one storage engine to operate.
	c.DBBackend = "pebbledb"

	// Consensus. A consortium chain has few, well-connected validators, so
	// blocks can follow each other quickly: wait 250ms (default 1s) after a
	// commit for straggling precommits before starting the next height.
	// Chosen by measurement against 100ms, 500ms and 1s (ADR 0004).
	// Propose/prevote/precommit timeouts stay at the defaults (3s/1s/1s);
	// they only matter when a validator is slow or down.
	c.Consensus.TimeoutCommit = 250 * time.Millisecond
	// Empty blocks: keep creating them (create_empty_blocks = true), but when
	// the mempool is empty wait up to 10s for a transaction instead of
	// spinning out two empty blocks a second (~170k a day of pure overhead).
	// A transaction arriving starts a block at once, so latency under load
	// is unaffected; the 10s heartbeat keeps header time fresh and shows
	// liveness on an idle chain. CometBFT still makes the block right after
	// one that changed the app hash immediately ("proof block"), so the
	// header committing a new app hash - needed for proofs - never waits.
	c.Consensus.CreateEmptyBlocks = true
	c.Consensus.CreateEmptyBlocksInterval = 10 * time.Second

	// Mempool (ADR 0004): 5000 txs, CometBFT's own default. A larger
	// mempool (20000 was tried) admits more than the chain can commit, and
	// on a loaded machine the checks of that backlog take the CPU the
	// blocks need: measured, 4 validators committed 35-45% fewer
	// transactions under overload with 20000. A full mempool answers
	// "mempool is full" (code mempool_full), which tells clients to back
	// off. Its bytes are bounded at 256 MiB (default 64 MiB), room for
	// 5000 transactions averaging 50 KiB (batch deposits run up to the
	// 64 KiB limit); the dedup cache of recent tx hashes grows to 100000
	// (default 10000). Recheck must stay on: the
	// mempool's view of nonces is rebuilt from it after every block, and
	// without it every key's next transaction after a block is refused as
	// a nonce gap (measured: 17-69 tx/s committed). Flood gossip is right
	// for a handful of fully connected validators.
	c.Mempool.Type = cmtcfg.MempoolTypeFlood
	c.Mempool.Size = 5000
	c.Mempool.MaxTxsBytes = 256 << 20
	c.Mempool.CacheSize = 100000
	c.Mempool.Recheck = true

	// The app keeps its own tx index in its state; CometBFT's kv indexer
	// would duplicate every tx and event in another database (measured:
	// 27% more disk per transaction and, on one validator, 18% fewer
	// transactions at 2000 tx/s offered; ADR 0004).
	c.TxIndex.Indexer = "null"

	// P2P: the consortium's validators are fixed persistent peers
	// (SetPeers), so peer exchange is off. Testnets put every validator on
	// loopback addresses, hence no strict routable-address check and
	// several peers allowed per IP.
	c.P2P.PexReactor = false
	c.P2P.AddrBookStrict = false
	c.P2P.AllowDuplicateIP = true
	// Left at the defaults: send_rate/recv_rate 5 MB/s per peer, which
	// bounds the propagation of 8 MiB blocks (benchmarks to revisit).

	// Metrics go to the node's own registry (Node.Registry), served by the
	// gateway at /metrics; CometBFT's own Prometheus server stays off.
	c.Instrumentation.Prometheus = false

	return c
}

// FastConsensus shortens consensus timeouts and makes blocks back to back
// (no waiting for transactions). For tests and local demos only: on a real
// network the short timeouts cause needless extra rounds.
func FastConsensus(c *cmtcfg.Config) {
	c.Consensus.TimeoutPropose = 1 * time.Second
	c.Consensus.TimeoutProposeDelta = 200 * time.Millisecond
	c.Consensus.TimeoutPrevote = 200 * time.Millisecond
	c.Consensus.TimeoutPrevoteDelta = 100 * time.Millisecond
	c.Consensus.TimeoutPrecommit = 200 * time.Millisecond
	c.Consensus.TimeoutPrecommitDelta = 100 * time.Millisecond
	c.Consensus.TimeoutCommit = 100 * time.Millisecond
	c.Consensus.CreateEmptyBlocksInterval = 0
	c.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
	c.Consensus.PeerQueryMaj23SleepDuration = 250 * time.Millisecond
}

// LoadConfig reads <home>/config/config.toml on top of CometBFT's defaults
// (keys missing from the file keep their default, as with CometBFT's own
// loader), roots it at the absolute path of home and validates it. Unknown
// keys are an error.
func LoadConfig(home string) (*cmtcfg.Config, error) {
	c, err := readConfigFile(ConfigFile(home))
	if err != nil {
		return nil, err
	}
	// CometBFT resolves its relative paths against the root; make it
	// absolute so a later change of working directory cannot move them.
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("resolve home: %w", err)
	}
	c.SetRoot(abs)
	if err := c.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("validate config %s: %w", ConfigFile(home), err)
	}
	return c, nil
}

func readConfigFile(path string) (*cmtcfg.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		return nil, fmt.Errorf("parse config %s: %w", path, err)
	}
	c := cmtcfg.DefaultConfig()
	var md mapstructure.Metadata
	// The same decoding viper does for CometBFT's CLI: durations and
	// comma-separated lists from strings, weak typing for numbers written as
	// strings (e.g. statesync.chunk_fetchers).
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		),
		WeaklyTypedInput: true,
		Metadata:         &md,
		Result:           c,
	})
	if err != nil {
		return nil, fmt.Errorf("config decoder: %w", err)
	}
	if err := dec.Decode(tree); err != nil {
		return nil, fmt.Errorf("decode config %s: %w", path, err)
	}
	if len(md.Unused) > 0 {
		slices.Sort(md.Unused)
		return nil, fmt.Errorf("decode config %s: unknown keys %s", path, strings.Join(md.Unused, ", "))
	}
	return c, nil
}

// UpdateConfig loads config.toml, applies fn, validates the result and
// writes it back atomically.
func UpdateConfig(home string, fn func(*cmtcfg.Config)) error {
	c, err := LoadConfig(home)
	if err != nil {
		return err
	}
	fn(c)
	return writeConfig(home, c)
}

// writeConfig validates c and writes it to <home>/config/config.toml with
// CometBFT's template (cfg.WriteConfigFile). WriteConfigFile exits the
// process if it cannot write, so it writes to a temporary file that we have
// just created in the same directory (no permission surprises), which is
// then read back - the template does not escape strings, so a stray quote
// would otherwise produce a file CometBFT cannot load - and renamed into
// place.
func writeConfig(home string, c *cmtcfg.Config) error {
	if err := c.ValidateBasic(); err != nil {
		return fmt.Errorf("validate config: %w", err)
	}
	path := ConfigFile(home)
	f, err := os.CreateTemp(filepath.Dir(path), ".config.toml.*")
	if err != nil {
		return fmt.Errorf("create temp config: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Close(); err != nil {
		return fmt.Errorf("close temp config: %w", err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil { // CreateTemp makes it 0600
		return fmt.Errorf("chmod temp config: %w", err)
	}
	cmtcfg.WriteConfigFile(tmp, c)
	if _, err := readConfigFile(tmp); err != nil {
		return fmt.Errorf("check written config: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename config: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

// SetPeers writes persistent_peers ("id@host:port,...") into config.toml.
// Each entry is checked for shape (40 hex digit node id, host, port); an
// entry naming this node itself is dropped, so callers may pass the same
// full list to every home. An empty list clears the peers.
func SetPeers(home string, peers []string) error {
	self, err := NodeID(home)
	if err != nil {
		return fmt.Errorf("load node key: %w", err)
	}
	var keep []string
	for _, peer := range peers {
		id, err := checkPeer(peer)
		if err != nil {
			return err
		}
		if id == self {
			continue
		}
		keep = append(keep, peer)
	}
	return UpdateConfig(home, func(c *cmtcfg.Config) {
		c.P2P.PersistentPeers = strings.Join(keep, ",")
	})
}

var peerIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// checkPeer checks the shape of "id@host:port" without resolving the host
// (peers may name hosts that do not resolve yet) and returns the id.
func checkPeer(peer string) (string, error) {
	id, hostPort, ok := strings.Cut(peer, "@")
	if !ok {
		return "", fmt.Errorf("peer %q: want id@host:port", peer)
	}
	if !peerIDPattern.MatchString(id) {
		return "", fmt.Errorf("peer %q: node id must be %d hex digits", peer, 2*p2p.IDByteLength)
	}
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		return "", fmt.Errorf("peer %q: %w", peer, err)
	}
	if host == "" || strings.ContainsAny(host, ", \t\"") {
		return "", fmt.Errorf("peer %q: bad host", peer)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("peer %q: bad port", peer)
	}
	return strings.ToLower(id), nil
}

// PeerAddress returns "id@ip:port" for a node id and its P2P listen address,
// the form SetPeers takes.
func PeerAddress(nodeID, ip string, p2pPort int) string {
	return nodeID + "@" + net.JoinHostPort(ip, strconv.Itoa(p2pPort))
}

// DefaultConsensusParams returns the consensus parameters for a Dengta
// genesis: CometBFT's defaults with 8 MiB blocks (default 4 MiB).
func DefaultConsensusParams() *types.ConsensusParams {
	p := types.DefaultConsensusParams()
	p.Block.MaxBytes = 8 << 20
	return p
}

// WriteGenesis validates doc (completing it as CometBFT does: validator
// addresses, and the genesis time if zero) and writes it atomically to
// <home>/config/genesis.json. A nil doc.ConsensusParams is replaced by
// DefaultConsensusParams. doc is modified in place.
func WriteGenesis(home string, doc *types.GenesisDoc) error {
	if doc == nil {
		return errors.New("write genesis: nil doc")
	}
	if doc.ConsensusParams == nil {
		doc.ConsensusParams = DefaultConsensusParams()
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return fmt.Errorf("validate genesis: %w", err)
	}
	data, err := cmtjson.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode genesis: %w", err)
	}
	if err := os.MkdirAll(configDir(home), 0o700); err != nil {
		return fmt.Errorf("create config dir: %w", err)
	}
	return writeFileAtomic(GenesisFile(home), data, 0o644)
}

// SetConfigValues sets keys of config.toml given as "section.key" (or
// "key" for the top level, e.g. "proxy_app") to values written as on the
// command line. Each key must already be in the file; the value is read as
// the type of the value it replaces (integer, boolean or string, so
// durations are strings like "500ms"). The result is validated like any
// config before it is written; on any error the file is unchanged.
func SetConfigValues(home string, values map[string]string) error {
	path := ConfigFile(home)
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		return fmt.Errorf("parse config %s: %w", path, err)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		table, name := tree, k
		if section, key, ok := strings.Cut(k, "."); ok {
			t, isTable := tree[section].(map[string]any)
			if !isTable {
				return fmt.Errorf("config key %q: no section [%s]", k, section)
			}
			table, name = t, key
		}
		old, ok := table[name]
		if !ok {
			return fmt.Errorf("config key %q: no such key", k)
		}
		v := values[k]
		switch old.(type) {
		case int64:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("config key %q: %q is not an integer", k, v)
			}
			table[name] = n
		case bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("config key %q: %q is not true or false", k, v)
			}
			table[name] = b
		case string:
			table[name] = v
		default:
			return fmt.Errorf("config key %q: cannot set a value of type %T", k, old)
		}
	}
	out, err := toml.Marshal(tree)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".config.toml.*")
	if err != nil {
		return fmt.Errorf("create temp config: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(out); err != nil {
		f.Close()
		return fmt.Errorf("write temp config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write temp config: %w", err)
	}
	c, err := readConfigFile(tmp)
	if err != nil {
		return err
	}
	c.SetRoot(home)
	return writeConfig(home, c)
}
