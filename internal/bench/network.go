package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/workload"
)

// Systems under test.
const (
	SystemDengta  = "dengta"
	SystemKVStore = "kvstore"
)

// network is a benchmark network as the harness runs it: the network the
// workloads see, and the processes the harness started for its nodes.
type network struct {
	*workload.Network
	// procs are the nodes' processes (by node), nil for those the harness
	// did not start (an attached network's).
	procs []*proc
	// attempts is how many address blocks were tried before every node
	// could bind its addresses.
	attempts int
}

func newNetwork(n *workload.Network) *network {
	return &network{Network: n, procs: make([]*proc, len(n.Nodes))}
}

// proc is a node process the harness started.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// running reports whether a process we started is still running.
func (p *proc) running() bool {
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// started reports whether the harness started any of the nodes.
func (n *network) started() bool {
	return n != nil && slices.ContainsFunc(n.procs, func(p *proc) bool { return p != nil })
}

// stop stops the processes the harness started: SIGTERM to each, then
// SIGKILL to those still running after timeout. An attached network is
// left alone.
func (n *network) stop(timeout time.Duration) error {
	if !n.started() {
		return nil
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for i, nd := range n.Nodes {
		p := n.procs[i]
		if !p.running() {
			continue
		}
		wg.Go(func() {
			if err := stopProcess(p.cmd, p.done, timeout); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s (pid %d): %w", nd.Name, nd.PID, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// stopProcess sends SIGTERM, waits up to timeout, then sends SIGKILL.
func stopProcess(cmd *exec.Cmd, done <-chan struct{}, timeout time.Duration) error {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill: %w", err)
	}
	select {
	case <-done:
		return fmt.Errorf("did not stop within %s of SIGTERM; killed", timeout)
	case <-time.After(30 * time.Second):
		return errors.New("did not exit after SIGKILL")
	}
}

// start starts the process of node i with its output appended to the
// node's log. The process gets its own process group (a Ctrl-C at the
// terminal reaches the harness, which stops the nodes in order) and
// SIGTERM if the harness dies first.
func (n *network) start(i int, bin string, args []string) error {
	nd := n.Nodes[i]
	f, err := os.OpenFile(nd.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close() // the child has its own descriptor
	fmt.Fprintf(f, "=== bench: %s %s at %s ===\n", bin, strings.Join(args, " "), time.Now().Format(time.DateTime))
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", nd.Name, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	n.procs[i], nd.PID = p, cmd.Process.Pid
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return nil
}

// errAddressClash means a node could not bind an address another process
// took after the harness chose it.
var errAddressClash = errors.New("address already in use")

// waitUp waits until every node answers on its RPC (and gateway) at height
// 1 or more and has left block sync.
func (n *network) waitUp(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		up := 0
		for i, nd := range n.Nodes {
			if p := n.procs[i]; p != nil && !p.running() {
				if data, _ := os.ReadFile(nd.Log); strings.Contains(string(data), "address already in use") {
					return errAddressClash
				}
				return fmt.Errorf("the node %s exited at start-up (%v); last lines of %s:\n%s", nd.Name, p.cmd.ProcessState, nd.Log, nettest.Tail(nd.Log, 20))
			}
			if nodeUp(ctx, nd) {
				up++
			}
		}
		if up == len(n.Nodes) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %d nodes to commit a block and leave block sync (%d did)", timeout, len(n.Nodes), up)
		}
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func nodeUp(ctx context.Context, nd *workload.Node) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	s, err := nd.RPCClient().Status(ctx)
	if err != nil || s.Height < 1 || s.CatchingUp {
		return false
	}
	if gw := nd.Client(); gw != nil {
		if _, err := gw.Status(ctx); err != nil {
			return false
		}
	}
	return true
}

// benchOrgs are the organisations of a Dengta benchmark network: the
// first `validators` of the demo consortium (and numbered members past
// it) run a validator each; the rest of the demo consortium joins without
// a validator, so that 1 and 4 validators have the same depositing
// organisations (coop, logistics, market, foodgroup, bank, court, notary).
func benchOrgs(validators int) []devnet.Org {
	if validators >= len(devnet.Demo) {
		return nil
	}
	return devnet.Demo[validators:]
}

// startDengta writes a network of validators with devnet.Testnet into dir
// and starts one `dengta start --home` process per validator (bin is the
// dengta binary).
func startDengta(ctx context.Context, dir, bin string, validators int, logLevel string, upTimeout time.Duration, conns int, pprof bool, hs homeSettings, c devnet.Consortium) (*network, error) {
	for attempt := 1; ; attempt++ {
		net, err := tryStartDengta(ctx, dir, bin, validators, logLevel, upTimeout, conns, attempt, pprof, hs, c)
		if err == nil {
			return net, nil
		}
		if net != nil {
			_ = net.stop(15 * time.Second)
		}
		if !errors.Is(err, errAddressClash) || attempt == 3 {
			return nil, err
		}
	}
}

func tryStartDengta(ctx context.Context, dir, bin string, validators int, logLevel string, upTimeout time.Duration, conns, attempt int, pprof bool, hs homeSettings, c devnet.Consortium) (*network, error) {
	base, ports, err := nettest.FreeAddresses(validators)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, fmt.Sprintf("dengta-%d", attempt))
	members, err := devnet.Testnet(out, devnet.TestnetOptions{
		ChainID: "dengta-bench", Consortium: c, Validators: validators, IPBase: base, Ports: ports, NonValidators: benchOrgs(validators),
		Protection: keyfile.DevProtection(), // a throw-away local network: its files say so
	})
	if err != nil {
		return nil, err
	}
	loaded, err := loadDengta(out)
	if err != nil {
		return nil, err
	}
	net := newNetwork(loaded)
	net.attempts = attempt
	net.Connect(conns)
	for i, m := range members {
		nd := net.Nodes[i]
		if nd.Name != m.Org.ID {
			return nil, fmt.Errorf("network: node %d is %s, want %s", i, nd.Name, m.Org.ID)
		}
		nd.Log = filepath.Join(dir, fmt.Sprintf("dengta-%d-%s.log", attempt, nd.Name))
		if err := hs.apply(nd.Home); err != nil {
			return net, err
		}
		if err := hs.applyDengta(nd.Home); err != nil {
			return net, err
		}
		if pprof {
			if err := enablePprof(nd, m.IP); err != nil {
				return net, err
			}
		}
		if err := net.start(i, bin, []string{"start", "--home", nd.Home, "--log-level", logLevel}); err != nil {
			return net, err
		}
	}
	return net, net.waitUp(ctx, upTimeout)
}

// attachDengta attaches to a running network whose homes and keys are in
// dir (written by `dengta testnet` or kept by `dengta bench --keep`).
func attachDengta(ctx context.Context, dir string, conns int) (*network, error) {
	loaded, err := loadDengta(dir)
	if err != nil {
		return nil, err
	}
	net := newNetwork(loaded)
	net.Connect(conns)
	for _, nd := range net.Nodes {
		nd.PID = findNodePID(nd.Home)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, nd := range net.Nodes {
		if !nodeUp(ctx, nd) {
			return nil, fmt.Errorf("attach: the node of %s (RPC %s, gateway %s) is not up, or still in block sync", nd.Name, nd.RPC, nd.Gateway)
		}
	}
	return net, nil
}

// loadDengta reads the validator homes under dir (each sub-directory with
// a genesis and Dengta settings), ordered as the genesis lists the
// validators, and the organisations from the genesis.
func loadDengta(dir string) (*workload.Network, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	net := &workload.Network{KeysDir: filepath.Join(dir, "keys")}
	var doc *types.GenesisDoc
	byName := map[string]*workload.Node{}
	for _, e := range entries {
		home := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(node.SettingsFile(home)); err != nil {
			continue
		}
		settings, err := node.LoadSettings(home)
		if err != nil {
			return nil, err
		}
		cfg, err := node.LoadConfig(home)
		if err != nil {
			return nil, err
		}
		g, err := types.GenesisDocFromFile(node.GenesisFile(home))
		if err != nil {
			return nil, fmt.Errorf("network: %w", err)
		}
		if doc == nil {
			doc = g
		} else if g.ChainID != doc.ChainID {
			return nil, fmt.Errorf("network: %s is on chain %s, %s on %s", home, g.ChainID, net.Nodes[0].Home, doc.ChainID)
		}
		byName[settings.Org] = &workload.Node{Name: settings.Org, Home: home, RPC: httpURL(cfg.RPC.ListenAddress), Gateway: "http://" + settings.GatewayAddr}
	}
	if doc == nil {
		return nil, fmt.Errorf("network: no node homes under %s", dir)
	}
	for _, v := range doc.Validators {
		nd, ok := byName[v.Name]
		if !ok {
			return nil, fmt.Errorf("network: validator %s of the genesis has no home under %s", v.Name, dir)
		}
		net.Nodes = append(net.Nodes, nd)
	}
	if len(net.Nodes) != len(byName) {
		return nil, fmt.Errorf("network: %d homes under %s but %d validators in the genesis", len(byName), dir, len(net.Nodes))
	}
	var app struct {
		Identity identity.Genesis `json:"identity"`
	}
	if err := json.Unmarshal(doc.AppState, &app); err != nil {
		return nil, fmt.Errorf("network: genesis app state: %w", err)
	}
	for _, o := range app.Identity.Orgs {
		net.Orgs = append(net.Orgs, workload.Org{ID: o.ID, Roles: o.Roles})
	}
	net.ChainID = doc.ChainID
	return net, nil
}

// httpURL turns "tcp://ip:port" into "http://ip:port".
func httpURL(laddr string) string {
	_, hp, ok := strings.Cut(laddr, "://")
	if !ok {
		hp = laddr
	}
	return "http://" + hp
}

// kvstoreChainID is the baseline network's chain id.
const kvstoreChainID = "kvstore-bench"

// startKVStore writes homes for validators CometBFT kvstore nodes with
// the very config.toml a Dengta node gets (node.InitHome: TunedConfig plus
// the listen addresses), the same consensus parameters and validator
// power, and full-mesh persistent peers; the only change is proxy_app. It
// uses the addresses base/ports if they are free, else other ones.
func startKVStore(ctx context.Context, dir, bin, app string, validators, base int, ports node.Ports, upTimeout time.Duration, conns int, pprof bool, hs homeSettings) (*network, error) {
	for attempt := 1; ; attempt++ {
		if attempt > 1 || base == 0 {
			var err error
			if base, ports, err = nettest.FreeAddresses(validators); err != nil {
				return nil, err
			}
		}
		net, err := tryStartKVStore(ctx, dir, bin, app, validators, base, ports, upTimeout, conns, attempt, pprof, hs)
		if err == nil {
			return net, nil
		}
		if net != nil {
			_ = net.stop(15 * time.Second)
		}
		if !errors.Is(err, errAddressClash) || attempt == 3 {
			return nil, err
		}
	}
}

func tryStartKVStore(ctx context.Context, dir, bin, app string, validators, base int, ports node.Ports, upTimeout time.Duration, conns, attempt int, pprof bool, hs homeSettings) (*network, error) {
	out := filepath.Join(dir, fmt.Sprintf("kvstore-%d", attempt))
	kv := &workload.Network{ChainID: kvstoreChainID}
	doc := &types.GenesisDoc{
		GenesisTime:     time.Now().UTC().Truncate(time.Millisecond),
		ChainID:         kvstoreChainID,
		InitialHeight:   1,
		ConsensusParams: node.DefaultConsensusParams(),
	}
	var peers []string
	for i := range validators {
		name := fmt.Sprintf("kvstore%d", i)
		ip := fmt.Sprintf("127.0.0.%d", base+i)
		home := filepath.Join(out, name)
		keys, err := initKVStoreHome(home, node.InitOptions{Moniker: name, IP: ip, Ports: ports, Org: name})
		if err != nil {
			return nil, fmt.Errorf("kvstore home: %w", err)
		}
		if err := node.UpdateConfig(home, func(c *cmtcfg.Config) { c.ProxyApp = app }); err != nil {
			return nil, fmt.Errorf("kvstore home: %w", err)
		}
		doc.Validators = append(doc.Validators, types.GenesisValidator{
			Address: keys.ValidatorAddress, PubKey: keys.ValidatorPubKey, Power: identity.DefaultValidatorPower, Name: name,
		})
		peers = append(peers, node.PeerAddress(keys.NodeID, ip, ports.P2P))
		kv.Nodes = append(kv.Nodes, &workload.Node{Name: name, Home: home, RPC: "http://" + hostPort(ip, ports.RPC),
			Log: filepath.Join(dir, fmt.Sprintf("kvstore-%d-%s.log", attempt, name))})
	}
	net := newNetwork(kv)
	net.attempts = attempt
	for i, nd := range net.Nodes {
		if err := node.WriteGenesis(nd.Home, doc); err != nil {
			return nil, err
		}
		if err := node.SetPeers(nd.Home, peers); err != nil {
			return nil, err
		}
		if err := hs.apply(nd.Home); err != nil {
			return nil, err
		}
		if pprof {
			if err := enablePprof(nd, fmt.Sprintf("127.0.0.%d", base+i)); err != nil {
				return nil, err
			}
		}
	}
	net.Connect(conns)
	for i, nd := range net.Nodes {
		if err := net.start(i, bin, []string{"node", "--home", nd.Home, "--proxy_app=" + app}); err != nil {
			return net, err
		}
	}
	return net, net.waitUp(ctx, upTimeout)
}

func hostPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }

// addresses returns the first loopback octet and the ports a Dengta
// network listens on (for the baseline to reuse), or 0.
func (n *network) addresses() (int, node.Ports) {
	if len(n.Nodes) == 0 {
		return 0, node.Ports{}
	}
	cfg, err := node.LoadConfig(n.Nodes[0].Home)
	if err != nil {
		return 0, node.Ports{}
	}
	settings, err := node.LoadSettings(n.Nodes[0].Home)
	if err != nil {
		return 0, node.Ports{}
	}
	port := func(addr string) (string, int) {
		_, hp, _ := strings.Cut(addr, "://")
		if hp == "" {
			hp = addr
		}
		h, p, _ := net.SplitHostPort(hp)
		n, _ := strconv.Atoi(p)
		return h, n
	}
	ip, p2p := port(cfg.P2P.ListenAddress)
	_, rpcPort := port(cfg.RPC.ListenAddress)
	_, gw := port(settings.GatewayAddr)
	last := ip[strings.LastIndexByte(ip, '.')+1:]
	base, err := strconv.Atoi(last)
	if err != nil || !strings.HasPrefix(ip, "127.") {
		return 0, node.Ports{}
	}
	return base, node.Ports{P2P: p2p, RPC: rpcPort, Gateway: gw}
}

// settle waits until every node's mempool is empty, up to timeout, so that
// the next step starts clean and the nonces the nodes report are exact. It
// returns the largest mempool left when it gave up (0 when settled).
func (n *network) settle(ctx context.Context, timeout time.Duration) int64 {
	deadline := time.Now().Add(timeout)
	for {
		var left int64
		for _, nd := range n.Nodes {
			size, err := nd.RPCClient().MempoolSize(ctx)
			if err != nil {
				size = -1
			}
			if size != 0 {
				left = max(left, size, 1)
			}
		}
		if left == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// enablePprof points the home's rpc.pprof_laddr (CometBFT's pprof server,
// which Dengta nodes run too) at a free port of ip.
func enablePprof(nd *workload.Node, ip string) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	if err := node.UpdateConfig(nd.Home, func(c *cmtcfg.Config) { c.RPC.PprofListenAddress = addr }); err != nil {
		return err
	}
	nd.Pprof = "http://" + addr
	return nil
}

// homeSettings are the changes to the node defaults a run asks for, the
// same on both systems: config.toml keys and the block size; and the
// Dengta nodes' state checkpoint interval.
type homeSettings struct {
	Config          map[string]string // "section.key" -> value (node.SetConfigValues)
	BlockMaxBytes   int64             // consensus block.max_bytes; 0 keeps the default
	StateCheckpoint int64             // Dengta's state_checkpoint_interval; 0 keeps the default
}

// applyDengta writes the Dengta-only settings into a home's dengta.json.
func (hs homeSettings) applyDengta(home string) error {
	if hs.StateCheckpoint == 0 {
		return nil
	}
	s, err := node.LoadSettings(home)
	if err != nil {
		return fmt.Errorf("home settings: %w", err)
	}
	s.StateCheckpointInterval = hs.StateCheckpoint
	if err := node.SaveSettings(home, s); err != nil {
		return fmt.Errorf("home settings: %w", err)
	}
	return nil
}

// apply writes the settings into a home's config.toml and genesis.
func (hs homeSettings) apply(home string) error {
	if len(hs.Config) > 0 {
		if err := node.SetConfigValues(home, hs.Config); err != nil {
			return fmt.Errorf("home settings: %w", err)
		}
	}
	if hs.BlockMaxBytes > 0 {
		doc, err := types.GenesisDocFromFile(node.GenesisFile(home))
		if err != nil {
			return fmt.Errorf("home settings: %w", err)
		}
		doc.ConsensusParams.Block.MaxBytes = hs.BlockMaxBytes
		if err := node.WriteGenesis(home, doc); err != nil {
			return fmt.Errorf("home settings: %w", err)
		}
	}
	return nil
}

// initKVStoreHome writes a home with node.InitHome, for its config.toml,
// then replaces the node and validator keys, which Dengta keeps encrypted
// (ADR 0008), with CometBFT's own plain key files, the only ones the
// cometbft binary reads.
func initKVStoreHome(home string, opts node.InitOptions) (*node.HomeKeys, error) {
	opts.Protection = keyfile.DevProtection()
	if _, err := node.InitHome(home, opts); err != nil {
		return nil, err
	}
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(home)
	for _, f := range []string{cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile(), cfg.NodeKeyFile()} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("plain keys: %w", err)
		}
	}
	pv, err := privval.GenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile(), nil)
	if err != nil {
		return nil, fmt.Errorf("plain keys: %w", err)
	}
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("plain keys: %w", err)
	}
	pub, err := pv.GetPubKey()
	if err != nil {
		return nil, fmt.Errorf("plain keys: %w", err)
	}
	return &node.HomeKeys{NodeID: string(nk.ID()), ValidatorPubKey: pub, ValidatorAddress: pub.Address()}, nil
}
