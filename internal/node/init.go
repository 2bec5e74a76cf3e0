package node

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"

	"github.com/dengta-chain/dengta/internal/keyfile"
)

// Ports are the TCP ports of one node, all on InitOptions.IP.
type Ports struct {
	P2P     int // CometBFT peer-to-peer
	RPC     int // CometBFT RPC (unauthenticated: keep it on a private address)
	Gateway int // Dengta HTTP gateway
}

// InitOptions configure a new home.
type InitOptions struct {
	Moniker string // node name; printable ASCII without " or \ (CometBFT's rules, and config.toml is not escaped)
	IP      string // listen IP, e.g. "127.0.0.1" or "127.0.0.3"; "" means 127.0.0.1
	Ports   Ports
	Org     string // organisation id, stored in dengta.json, opaque here

	// ValidatorKey is the ed25519 key written to priv_validator_key.json;
	// generated if nil.
	ValidatorKey crypto.PrivKey

	// Protection encrypts the new node, validator and hall master keys
	// (ADR 0008). Required: keys are never written in the clear.
	Protection keyfile.Protection

	// FastConsensus writes short consensus timeouts and back-to-back blocks
	// (see FastConsensus). Test and local-demo knob; never for production.
	FastConsensus bool
}

// HomeKeys are the public identities of a home, what a testnet or genesis
// builder needs from it.
type HomeKeys struct {
	NodeID           string // p2p node id (hex address of the node key), as in "id@ip:port"
	ValidatorPubKey  crypto.PubKey
	ValidatorAddress []byte
}

// InitHome creates the directories, the node key, the validator key and
// its sign state, config.toml (TunedConfig plus the options) and
// dengta.json. It refuses a home that already has config/genesis.json.
//
// Before a genesis exists InitHome may be run again (to change ports or
// moniker): existing node and validator keys are kept, and a
// ValidatorKey that differs from the existing one is an error rather
// than a silent key replacement.
func InitHome(home string, opts InitOptions) (*HomeKeys, error) {
	if home == "" {
		return nil, errors.New("init home: empty path")
	}
	if err := checkInitOptions(&opts); err != nil {
		return nil, err
	}
	if err := opts.Protection.Validate(); err != nil {
		return nil, fmt.Errorf("init home: key protection: %w", err)
	}
	if opts.ValidatorKey != nil {
		if _, ok := opts.ValidatorKey.(ed25519.PrivKey); !ok {
			return nil, fmt.Errorf("validator key: want ed25519, got %s", opts.ValidatorKey.Type())
		}
	}
	exists, err := fileExists(GenesisFile(home))
	if err != nil {
		return nil, fmt.Errorf("check genesis: %w", err)
	}
	if exists {
		return nil, fmt.Errorf("home %s is already initialised: %s exists", home, GenesisFile(home))
	}
	for _, dir := range []string{home, configDir(home), dataDir(home), StateDir(home)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create directory: %w", err)
		}
	}

	nodeID, err := loadOrCreateNodeKey(home, opts.Protection)
	if err != nil {
		return nil, err
	}
	pvPub, err := loadOrCreateValidator(home, opts.ValidatorKey, opts.Protection)
	if err != nil {
		return nil, err
	}
	if err := createHallMaster(home, opts.Protection); err != nil {
		return nil, err
	}

	c := TunedConfig()
	c.SetRoot(home)
	c.Moniker = opts.Moniker
	c.P2P.ListenAddress = "tcp://" + net.JoinHostPort(opts.IP, strconv.Itoa(opts.Ports.P2P))
	c.RPC.ListenAddress = "tcp://" + net.JoinHostPort(rpcIP(opts.IP), strconv.Itoa(opts.Ports.RPC))
	if opts.FastConsensus {
		FastConsensus(c)
	}
	if err := writeConfig(home, c); err != nil {
		return nil, err
	}
	if err := writeSettings(home, Settings{
		Moniker:     opts.Moniker,
		GatewayAddr: net.JoinHostPort(opts.IP, strconv.Itoa(opts.Ports.Gateway)),
		Org:         opts.Org,
	}); err != nil {
		return nil, err
	}
	return &HomeKeys{
		NodeID:           nodeID,
		ValidatorPubKey:  pvPub,
		ValidatorAddress: pvPub.Address(),
	}, nil
}

func checkInitOptions(opts *InitOptions) error {
	if opts.Moniker == "" {
		return errors.New("init options: empty moniker")
	}
	// CometBFT requires printable ASCII (it checks NodeInfo at start), and
	// its config template does not escape strings.
	if strings.IndexFunc(opts.Moniker, func(r rune) bool {
		return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == '"' || r == '\\'
	}) >= 0 || strings.TrimSpace(opts.Moniker) != opts.Moniker {
		return fmt.Errorf("init options: moniker %q: printable ASCII without quotes, backslashes or outer spaces only", opts.Moniker)
	}
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	if net.ParseIP(opts.IP) == nil {
		return fmt.Errorf("init options: bad IP %q", opts.IP)
	}
	ports := map[int]string{}
	for _, p := range []struct {
		name string
		port int
	}{{"p2p", opts.Ports.P2P}, {"rpc", opts.Ports.RPC}, {"gateway", opts.Ports.Gateway}} {
		if p.port < 1 || p.port > 65535 {
			return fmt.Errorf("init options: %s port %d out of range", p.name, p.port)
		}
		if other, dup := ports[p.port]; dup {
			return fmt.Errorf("init options: %s and %s port are both %d", other, p.name, p.port)
		}
		ports[p.port] = p.name
	}
	return nil
}

// loadOrCreateNodeKey returns the node id of the home's node key,
// creating the key, encrypted under p, if there is none. An existing key
// is read without the passphrase (its public fields are in the clear).
func loadOrCreateNodeKey(home string, p keyfile.Protection) (string, error) {
	path := nodeKeyFile(home)
	exists, err := fileExists(path)
	if err != nil {
		return "", fmt.Errorf("check node key: %w", err)
	}
	if exists {
		return NodeID(home)
	}
	k := ed25519.GenPrivKey()
	f, err := encryptCometKey(keyfile.Node, k, p)
	if err != nil {
		return "", fmt.Errorf("encrypt node key: %w", err)
	}
	if err := keyfile.Create(path, f.Marshal()); err != nil {
		return "", fmt.Errorf("write node key: %w", err)
	}
	return string(p2p.PubKeyToID(k.PubKey())), nil
}

// loadOrCreateValidator writes priv_validator_key.json, encrypted under
// p, and a fresh priv_validator_state.json unless the key exists. The
// state file is written here rather than with privval's Save, which
// panics on I/O errors.
func loadOrCreateValidator(home string, want crypto.PrivKey, p keyfile.Protection) (crypto.PubKey, error) {
	keyPath, statePath := pvKeyFile(home), pvStateFile(home)
	exists, err := fileExists(keyPath)
	if err != nil {
		return nil, fmt.Errorf("check validator key: %w", err)
	}
	if exists {
		pub, err := readCometPublicKey(keyPath, keyfile.Validator)
		if err != nil {
			return nil, err
		}
		if want != nil && !bytes.Equal(want.PubKey().Bytes(), pub.Bytes()) {
			return nil, fmt.Errorf("validator key: %s already holds a different key", keyPath)
		}
		stateExists, err := fileExists(statePath)
		if err != nil {
			return nil, fmt.Errorf("check validator state: %w", err)
		}
		if !stateExists {
			if err := writePVState(statePath, privval.FilePVLastSignState{}); err != nil {
				return nil, err
			}
		}
		return pub, nil
	}
	if want == nil {
		want = ed25519.GenPrivKey()
	}
	f, err := encryptCometKey(keyfile.Validator, want.(ed25519.PrivKey), p)
	if err != nil {
		return nil, fmt.Errorf("encrypt validator key: %w", err)
	}
	if err := keyfile.Create(keyPath, f.Marshal()); err != nil {
		return nil, fmt.Errorf("write validator key: %w", err)
	}
	if err := writePVState(statePath, privval.FilePVLastSignState{}); err != nil {
		return nil, err
	}
	return want.PubKey(), nil
}

// createHallMaster writes a new hall master key, encrypted under p,
// unless the home has one (encrypted or legacy).
func createHallMaster(home string, p keyfile.Protection) error {
	for _, f := range []string{HallMasterFile(home), LegacyHallKeyFile(home)} {
		if ok, err := fileExists(f); err != nil || ok {
			return err
		}
	}
	_, err := newHallMaster(HallMasterFile(home), p)
	return err
}

func writePVState(path string, st privval.FilePVLastSignState) error {
	data, err := cmtjson.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode validator state: %w", err)
	}
	if err := writeFileAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("write validator state: %w", err)
	}
	return nil
}

// loadFilePV builds the validator from its key, decrypted in memory, and
// its sign state, like privval.LoadFilePV (which calls os.Exit on any
// error and reads the key from disk). The FilePV gets no key path: the
// key is never written back (privval's key Save panics without a path,
// and nothing in a running node calls it; signing saves only the state).
// A missing state file is an error (not a fresh state): it guards against
// double signing and must not be recreated behind the operator's back.
func loadFilePV(home string, key ed25519.PrivKey) (*privval.FilePV, error) {
	data, err := os.ReadFile(pvStateFile(home))
	if err != nil {
		return nil, fmt.Errorf("read validator state: %w", err)
	}
	var st privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("decode validator state %s: %w", pvStateFile(home), err)
	}
	pv := privval.NewFilePV(key, "", pvStateFile(home))
	pv.LastSignState.Height = st.Height
	pv.LastSignState.Round = st.Round
	pv.LastSignState.Step = st.Step
	pv.LastSignState.Signature = st.Signature
	pv.LastSignState.SignBytes = st.SignBytes
	return pv, nil
}

// rpcIP is where CometBFT's RPC listens: on the node's own address when
// that is a loopback one (local networks on 127.0.0.x), otherwise on
// 127.0.0.1. The RPC serves every block and state value to whoever asks
// (ADR 0007); an operator who wants it reachable sets [rpc] laddr in
// config.toml and puts access control in front.
func rpcIP(ip string) string {
	if a, err := netip.ParseAddr(ip); err == nil && a.IsLoopback() {
		return ip
	}
	return "127.0.0.1"
}

// RaiseSignState makes the validator's last-sign state at path say it
// signed every step of height h, unless it already says h or more, so the
// validator never signs at h or below: a validator restored from a backup
// (its state as of the backup) must not sign again at heights its old
// node signed after the backup, which a node that leaves block sync early
// would otherwise do. It reports whether it raised the state; a missing
// file is left missing (loadFilePV refuses to start without one).
func RaiseSignState(path string, h int64) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read validator state: %w", err)
	}
	var st privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(data, &st); err != nil {
		return false, fmt.Errorf("decode validator state %s: %w", path, err)
	}
	if st.Height >= h {
		return false, nil
	}
	// The highest round and the last step: every vote and proposal at h
	// is a regression for privval's check.
	return true, writePVState(path, privval.FilePVLastSignState{Height: h, Round: math.MaxInt32, Step: 3})
}
