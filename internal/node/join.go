package node

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/identity"
)

// Joining a running consortium (ADR 0017). A member writes a join bundle
// from its own node - the genesis, a height and block hash its node has
// committed, the consortium's peers and the CometBFT RPC addresses the
// new node's light client asks - and gives it to the new organisation,
// whose `dengta join` writes a home that catches up by state sync from
// the members' snapshots (then by block sync). The new node starts as a
// full node that votes on nothing; it becomes a validator only through
// governance (ADR 0006).

// BundleFormat names the format of a join bundle.
const BundleFormat = "dengta-join/1"

// JoinBundle is what a new node needs to join a running chain.
type JoinBundle struct {
	Format  string          `json:"format"`
	ChainID string          `json:"chain_id"`
	Genesis json.RawMessage `json:"genesis"`
	// TrustHeight and TrustHash are a block the issuing member's node
	// committed: the root of trust of the new node's light client, which
	// verifies every later header (and the snapshot's app hash) from it.
	TrustHeight int64  `json:"trust_height"`
	TrustHash   string `json:"trust_hash"`
	// Peers are the members' nodes ("id@host:port", P2P) and RPCServers
	// their CometBFT RPC addresses (at least two, for the light client's
	// primary and witness).
	Peers      []string `json:"peers"`
	RPCServers []string `json:"rpc_servers"`
	// Issued is when the bundle was written (informative).
	Issued time.Time `json:"issued"`
}

// BundleOptions add what a member's home cannot tell: addresses by which
// other organisations reach the consortium's nodes.
type BundleOptions struct {
	// Homes are member nodes' homes on this machine: their node ids and
	// listen addresses become peers and RPC servers. The first one's
	// running node gives the trusted height and hash.
	Homes []string
	// Peers and RPCServers are added as given ("id@host:port",
	// "http://host:port").
	Peers      []string
	RPCServers []string
}

// MakeBundle writes a join bundle from member homes; the first home's
// node must be running (its RPC answers the latest commit).
func MakeBundle(ctx context.Context, opts BundleOptions) (*JoinBundle, error) {
	if len(opts.Homes) == 0 {
		return nil, errors.New("join bundle: no member home")
	}
	genesis, err := os.ReadFile(GenesisFile(opts.Homes[0]))
	if err != nil {
		return nil, fmt.Errorf("join bundle: %w", err)
	}
	doc, err := types.GenesisDocFromJSON(genesis)
	if err != nil {
		return nil, fmt.Errorf("join bundle: genesis: %w", err)
	}
	b := &JoinBundle{Format: BundleFormat, ChainID: doc.ChainID, Genesis: json.RawMessage(genesis), Issued: time.Now().UTC().Truncate(time.Second)}
	var firstRPC string
	for i, home := range opts.Homes {
		if i > 0 {
			other, err := os.ReadFile(GenesisFile(home))
			if err != nil {
				return nil, fmt.Errorf("join bundle: %w", err)
			}
			if !bytes.Equal(other, genesis) {
				return nil, fmt.Errorf("join bundle: %s has another genesis than %s", home, opts.Homes[0])
			}
		}
		c, err := LoadConfig(home)
		if err != nil {
			return nil, fmt.Errorf("join bundle: %w", err)
		}
		id, err := NodeID(home)
		if err != nil {
			return nil, fmt.Errorf("join bundle: %w", err)
		}
		p2p, err := hostPort(c.P2P.ListenAddress)
		if err != nil {
			return nil, fmt.Errorf("join bundle: %s p2p address: %w", home, err)
		}
		rpc, err := hostPort(c.RPC.ListenAddress)
		if err != nil {
			return nil, fmt.Errorf("join bundle: %s rpc address: %w", home, err)
		}
		// A home's own addresses go in unless they are loopback ones and
		// the member names others (a newcomer on another machine cannot
		// reach 127.0.0.1; a local network's nodes can).
		if len(opts.Peers) == 0 || !isLoopback(p2p) {
			b.Peers = append(b.Peers, id+"@"+p2p)
		}
		if len(opts.RPCServers) == 0 || !isLoopback(rpc) {
			b.RPCServers = append(b.RPCServers, "http://"+rpc)
		}
		if i == 0 {
			firstRPC = "http://" + rpc
		}
	}
	for _, p := range opts.Peers {
		if !slices.Contains(b.Peers, p) {
			b.Peers = append(b.Peers, p)
		}
	}
	for _, r := range opts.RPCServers {
		if !slices.Contains(b.RPCServers, r) {
			b.RPCServers = append(b.RPCServers, r)
		}
	}
	rc, err := rpchttp.New(firstRPC)
	if err != nil {
		return nil, fmt.Errorf("join bundle: rpc %s: %w", firstRPC, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	commit, err := rc.Commit(cctx, nil)
	if err != nil {
		return nil, fmt.Errorf("join bundle: latest commit from the node of %s (is it running?): %w", opts.Homes[0], err)
	}
	if commit.Header.ChainID != doc.ChainID {
		return nil, fmt.Errorf("join bundle: the node at %s runs chain %q, the genesis says %q", firstRPC, commit.Header.ChainID, doc.ChainID)
	}
	b.TrustHeight = commit.Header.Height
	b.TrustHash = strings.ToUpper(hex.EncodeToString(commit.Header.Hash()))
	if err := b.Check(); err != nil {
		return nil, err
	}
	// The newcomer's light client asks these servers: each must answer,
	// for this chain, now rather than on the newcomer's side.
	for _, r := range b.RPCServers {
		if r == firstRPC {
			continue
		}
		if err := checkRPCServer(ctx, r, doc.ChainID); err != nil {
			return nil, fmt.Errorf("join bundle: RPC server %s: %w", r, err)
		}
	}
	return b, nil
}

// checkRPCServer asks a CometBFT RPC server for its status: it must answer
// within a few seconds, for chain chainID.
func checkRPCServer(ctx context.Context, addr, chainID string) error {
	rc, err := rpchttp.New(addr)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := rc.Status(cctx)
	if err != nil {
		return fmt.Errorf("no answer (%v): name a member node the newcomer can reach", err)
	}
	if st.NodeInfo.Network != chainID {
		return fmt.Errorf("it runs chain %q, not %q", st.NodeInfo.Network, chainID)
	}
	return nil
}

// ErrNotMember is CheckOrg's answer for an organisation the chain has not
// admitted, or has removed.
var ErrNotMember = errors.New("not a member")

// CheckOrg asks the bundle's RPC servers whether org is an active member of
// the chain: nil as soon as one says it is; ErrNotMember (wrapped) when
// every server that answered says it is not; another error when none
// answered. A server a block behind may not yet show an admission, so one
// yes is enough.
func CheckOrg(ctx context.Context, b *JoinBundle, org string) error {
	var answered, failed []string
	for _, r := range b.RPCServers {
		rc, err := rpchttp.New(r)
		if err != nil {
			failed = append(failed, r)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		res, err := rc.ABCIQuery(cctx, "/state", identity.OrgStateKey(org))
		cancel()
		if err != nil || res.Response.Code != 0 {
			failed = append(failed, r)
			continue
		}
		answered = append(answered, r)
		var o identity.Org
		if len(res.Response.Value) > 0 && json.Unmarshal(res.Response.Value, &o) == nil && o.Active {
			return nil
		}
	}
	if len(answered) == 0 {
		return fmt.Errorf("no RPC server of the bundle answered (%s)", strings.Join(failed, ", "))
	}
	return fmt.Errorf("organisation %q on %s: %w of chain %q", org, strings.Join(answered, ", "), ErrNotMember, b.ChainID)
}

// isLoopback reports whether host:port names a loopback address.
func isLoopback(hostPort string) bool {
	host, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostPort returns host:port of a "tcp://host:port" listen address.
func hostPort(laddr string) (string, error) {
	u, err := url.Parse(laddr)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bad listen address %q", laddr)
	}
	host, _, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return "", fmt.Errorf("listen address %q names no host: give the address others reach it by", laddr)
	}
	return u.Host, nil
}

// ParseBundle decodes and checks a join bundle.
func ParseBundle(data []byte) (*JoinBundle, error) {
	var b JoinBundle
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("join bundle: %w", err)
	}
	if err := b.Check(); err != nil {
		return nil, err
	}
	return &b, nil
}

// Check checks a bundle's fields.
func (b *JoinBundle) Check() error {
	if b.Format != BundleFormat {
		return fmt.Errorf("join bundle: format %q, want %q", b.Format, BundleFormat)
	}
	doc, err := types.GenesisDocFromJSON(b.Genesis)
	if err != nil {
		return fmt.Errorf("join bundle: genesis: %w", err)
	}
	if doc.ChainID != b.ChainID {
		return fmt.Errorf("join bundle: chain %q, the genesis says %q", b.ChainID, doc.ChainID)
	}
	if b.TrustHeight < 1 {
		return fmt.Errorf("join bundle: trusted height %d", b.TrustHeight)
	}
	if h, err := hex.DecodeString(b.TrustHash); err != nil || len(h) != 32 {
		return fmt.Errorf("join bundle: trusted hash %q: want 64 hex digits", b.TrustHash)
	}
	if len(b.Peers) == 0 {
		return errors.New("join bundle: no peers")
	}
	for _, p := range b.Peers {
		if _, err := checkPeer(p); err != nil {
			return fmt.Errorf("join bundle: %w", err)
		}
	}
	if err := CheckRPCServers(b.RPCServers); err != nil {
		return fmt.Errorf("join bundle: %w", err)
	}
	return nil
}

// CheckRPCServers checks the CometBFT RPC servers a light client verifies
// a new node's starting point against: each http(s)://host:port, and two
// or more different ones (a primary and a witness; one server named
// twice would be its own witness, and the cross-check would check
// nothing).
func CheckRPCServers(servers []string) error {
	seen := map[string]bool{}
	for _, s := range servers {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(s, ",") {
			return fmt.Errorf("RPC server %q: want http://host:port", s)
		}
		seen[strings.ToLower(u.Host)] = true
	}
	if len(seen) < 2 {
		return fmt.Errorf("%d different RPC servers (of %d named); the light client needs two or more members' nodes, a primary and a witness", len(seen), len(servers))
	}
	return nil
}

// JoinHome writes a new home from a join bundle: keys (InitHome), the
// chain's genesis, the members as persistent peers, and state sync from
// the bundle's trusted block, unless fromGenesis (an archive node, which
// replays every block by block sync). The node starts as a non-validator.
func JoinHome(home string, b *JoinBundle, opts InitOptions, fromGenesis bool) (*HomeKeys, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	doc, err := types.GenesisDocFromJSON(b.Genesis)
	if err != nil {
		return nil, fmt.Errorf("join: genesis: %w", err)
	}
	keys, err := InitHome(home, opts)
	if err != nil {
		return nil, err
	}
	if err := WriteGenesis(home, doc); err != nil {
		return nil, err
	}
	if err := SetPeers(home, b.Peers); err != nil {
		return nil, err
	}
	if fromGenesis {
		return keys, nil
	}
	if err := UpdateConfig(home, func(c *cmtcfg.Config) {
		c.StateSync.Enable = true
		c.StateSync.RPCServers = b.RPCServers
		c.StateSync.TrustHeight = b.TrustHeight
		c.StateSync.TrustHash = b.TrustHash
	}); err != nil {
		return nil, fmt.Errorf("join: state sync settings: %w", err)
	}
	return keys, nil
}

// BundleChain is what LocalBundle asks of the running node: its latest
// block and its peers.
type BundleChain interface {
	Block(ctx context.Context, height *int64) (*ctypes.ResultBlock, error)
	NetInfo(ctx context.Context) (*ctypes.ResultNetInfo, error)
}

// LocalBundle writes a join bundle from this running node alone, for the
// public hall's approved applicants (ADR 0020): its genesis, its latest
// block as the trusted one, and the node's own P2P and RPC addresses
// followed by the settings' join_peers and join_rpc_servers or, when the
// settings name none, the addresses its connected peers announce.
func LocalBundle(ctx context.Context, home string, chain BundleChain) (*JoinBundle, error) {
	genesis, err := os.ReadFile(GenesisFile(home))
	if err != nil {
		return nil, fmt.Errorf("join bundle: %w", err)
	}
	doc, err := types.GenesisDocFromJSON(genesis)
	if err != nil {
		return nil, fmt.Errorf("join bundle: genesis: %w", err)
	}
	settings, err := LoadSettings(home)
	if err != nil {
		return nil, fmt.Errorf("join bundle: %w", err)
	}
	c, err := LoadConfig(home)
	if err != nil {
		return nil, fmt.Errorf("join bundle: %w", err)
	}
	id, err := NodeID(home)
	if err != nil {
		return nil, fmt.Errorf("join bundle: %w", err)
	}
	b := &JoinBundle{Format: BundleFormat, ChainID: doc.ChainID, Genesis: json.RawMessage(genesis), Issued: time.Now().UTC().Truncate(time.Second)}
	add := func(list *[]string, v string) {
		for _, have := range *list {
			if have == v {
				return
			}
		}
		*list = append(*list, v)
	}
	if p2p, err := hostPort(c.P2P.ExternalAddress); err == nil {
		add(&b.Peers, id+"@"+p2p)
	} else if p2p, err := hostPort(c.P2P.ListenAddress); err == nil {
		add(&b.Peers, id+"@"+p2p)
	}
	if rpc, err := hostPort(c.RPC.ListenAddress); err == nil {
		add(&b.RPCServers, "http://"+rpc)
	}
	for _, p := range settings.JoinPeers {
		add(&b.Peers, p)
	}
	for _, r := range settings.JoinRPCServers {
		add(&b.RPCServers, r)
	}
	if len(settings.JoinPeers) == 0 && len(settings.JoinRPCServers) == 0 {
		info, err := chain.NetInfo(ctx)
		if err != nil {
			return nil, fmt.Errorf("join bundle: peers: %w", err)
		}
		for _, p := range info.Peers {
			if hp, err := hostPort(p.NodeInfo.ListenAddr); err == nil {
				add(&b.Peers, string(p.NodeInfo.DefaultNodeID)+"@"+hp)
			}
			if hp, err := hostPort(p.NodeInfo.Other.RPCAddress); err == nil {
				add(&b.RPCServers, "http://"+hp)
			}
		}
	}
	res, err := chain.Block(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("join bundle: latest block: %w", err)
	}
	if res.Block == nil {
		return nil, errors.New("join bundle: the chain has no block yet")
	}
	b.TrustHeight = res.Block.Height
	b.TrustHash = strings.ToUpper(hex.EncodeToString(res.BlockID.Hash))
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("%w (set join_peers and join_rpc_servers in %s)", err, SettingsFile(home))
	}
	return b, nil
}
