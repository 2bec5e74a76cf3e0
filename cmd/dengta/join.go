package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// runBundle writes a join bundle from member homes (ADR 0017).
func runBundle(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("bundle", "--home DIR [--home DIR...] [--peer ID@HOST:PORT...] [--rpc http://HOST:PORT...] [--out FILE]", errOut)
	var homes, peers, rpcs listFlag
	fs.Var(&homes, "home", "home of a member node (repeatable); the first one's node must be running")
	fs.Var(&peers, "peer", "a member node's P2P address id@host:port the newcomer can reach (repeatable); with --peer, a home's loopback address is left out")
	fs.Var(&rpcs, "rpc", "a member node's CometBFT RPC address http://host:port the newcomer can reach (repeatable; each must answer now); with --rpc, a home's loopback address is left out")
	outFile := fs.String("out", "", "file to write the bundle to (default: standard output)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if len(homes) == 0 {
		return userError("--home is required", "dengta bundle --home ./net/regulator --home ./net/bank --out join.json")
	}
	b, err := node.MakeBundle(ctx, node.BundleOptions{Homes: homes, Peers: peers, RPCServers: rpcs})
	if err != nil {
		return userError(err.Error(), "start the first member's node, and name at least two RPC servers (two --home, or --rpc)")
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *outFile == "" {
		_, err = out.Write(data)
		return err
	}
	if err := os.WriteFile(*outFile, data, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	fmt.Fprintf(errOut, "wrote the join bundle of chain %q (trusted height %d, %d peers, %d RPC servers) to %s\n",
		b.ChainID, b.TrustHeight, len(b.Peers), len(b.RPCServers), *outFile)
	return nil
}

// runJoin writes a new node's home from a join bundle.
func runJoin(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("join", "--bundle FILE --home DIR --moniker NAME [--org ORG] [--ip IP] [ports] [--passphrase-file FILE | --dev-passphrase]", errOut)
	bundle := fs.String("bundle", "", "join bundle written by a member with 'dengta bundle'")
	home := fs.String("home", "", "new home directory of this node")
	moniker := fs.String("moniker", "", "node name (printable ASCII)")
	org := fs.String("org", "", "organisation id of this node's operator (empty for an observer node)")
	ip := fs.String("ip", "127.0.0.1", "listen IP")
	p2p := fs.Int("p2p-port", 26656, "CometBFT peer-to-peer port")
	rpc := fs.Int("rpc-port", 26657, "CometBFT RPC port")
	gw := fs.Int("gateway-port", 8480, "gateway port")
	archive := fs.Bool("from-genesis", false, "replay every block from genesis instead of restoring a snapshot (an archive node: the whole transaction index and every block)")
	passFile := cli.PassphraseFlag(fs)
	dev := fs.Bool("dev-passphrase", false, "encrypt the keys with the published dev passphrase "+keyfile.DevPassphrase+" and a cheap KDF (local tests only)")
	prot := protectionFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *bundle == "" || *home == "" || *moniker == "" {
		return userError("--bundle, --home and --moniker are required", "dengta join --bundle join.json --home ./mynode --moniker mynode")
	}
	data, err := os.ReadFile(*bundle)
	if err != nil {
		return userError(fmt.Sprintf("read the bundle: %v", err), "a member writes it with 'dengta bundle'")
	}
	b, err := node.ParseBundle(data)
	if err != nil {
		return userError(err.Error(), "ask the member for a new bundle ('dengta bundle')")
	}
	if *org != "" {
		// The operator's organisation must be a member: the node's hall
		// and its reads act for it.
		if err := node.CheckOrg(context.Background(), b, *org); errors.Is(err, node.ErrNotMember) {
			return userError(err.Error(), "give the id the members admitted (GET /v1/orgs on a member's node lists them), wait for the admission vote to commit, or leave --org out for an observer node")
		} else if err != nil {
			fmt.Fprintf(errOut, "warning: could not check that %q is a member: %v\n", *org, err)
		}
	}
	p, err := prot()
	if err != nil {
		return err
	}
	if *dev {
		p = keyfile.DevProtection()
	} else {
		src := cli.Passphrase(*passFile)
		src.Confirm = true
		if p.Passphrase, err = src.Passphrase("the new home"); err != nil {
			return cli.KeyError(err, keyfile.Hint)
		}
	}
	keys, err := node.JoinHome(*home, b, node.InitOptions{Moniker: *moniker, IP: *ip, Org: *org,
		Ports: node.Ports{P2P: *p2p, RPC: *rpc, Gateway: *gw}, Protection: p}, *archive)
	if err != nil {
		return userError(err.Error(), "use a new --home directory and free ports")
	}
	from := fmt.Sprintf("snapshots of %d peers, light client trusting height %d", len(b.Peers), b.TrustHeight)
	if *archive {
		from = fmt.Sprintf("every block from genesis, from %d peers", len(b.Peers))
	}
	fmt.Fprintf(out, `wrote the home of a node joining chain %q under %s
  node id           %s
  validator key     %X (not a validator: the consortium votes one in, 'dengta gov')
  catches up from   %s
  start:            dengta start --home %s
`, b.ChainID, *home, keys.NodeID, keys.ValidatorPubKey.Bytes(), from, *home)
	if !*archive && b.TrustHeight < node.DefaultSnapshotInterval {
		fmt.Fprintf(out, "note: the chain was at height %d; members take their first snapshot at height %d by default (snapshot_interval),\n"+
			"  and the node waits for one before it restores anything. On a chain this young, join with --from-genesis instead.\n",
			b.TrustHeight, node.DefaultSnapshotInterval)
	}
	return nil
}
