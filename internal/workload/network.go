package workload

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Node is one validator of a benchmark network, as workloads see it (and
// as the report lists it).
type Node struct {
	Name    string `json:"name"` // organisation id, or kvstoreN
	Home    string `json:"home"`
	RPC     string `json:"rpc"`               // CometBFT RPC, http://ip:port
	Gateway string `json:"gateway,omitempty"` // Dengta gateway, http://ip:port ("" on kvstore)
	PID     int    `json:"pid"`               // 0 when unknown (attached to a node we cannot find)
	Log     string `json:"log,omitempty"`
	Pprof   string `json:"pprof,omitempty"` // CometBFT's pprof server, http://ip:port (with profiling)

	rpc *RPC
	gw  *client.Client
}

// Client returns the SDK client of the node's gateway (Dengta only; nil
// before Network.Connect).
func (n *Node) Client() *client.Client { return n.gw }

// RPCClient returns the client of the node's CometBFT RPC (nil before
// Network.Connect).
func (n *Node) RPCClient() *RPC { return n.rpc }

// Org is an organisation of the network's genesis.
type Org struct {
	ID    string
	Roles []role.Role
}

// Network is a running local network of 1 to N validators, as workloads
// see it: Dengta nodes or CometBFT kvstore nodes, which the harness
// started or attached to.
type Network struct {
	ChainID string
	KeysDir string // admin keys of the organisations (Dengta)
	Orgs    []Org  // the genesis organisations (Dengta)
	Nodes   []*Node
}

// AdminKeyFile is the path of org's admin key file in KeysDir, as the
// dev networks write it (devnet.KeyFile).
func (n *Network) AdminKeyFile(org string) string {
	return filepath.Join(n.KeysDir, org+"-admin.json")
}

// Overseer returns the admin key of the first genesis organisation that
// oversees (a regulator or an auditor): checks after a run read every
// module's records as it (ADR 0007).
func (n *Network) Overseer() (*client.Key, error) {
	for _, o := range n.Orgs {
		if slices.Contains(o.Roles, role.Regulator) || slices.Contains(o.Roles, role.Auditor) {
			k, _, err := tx.ReadKeyFile(n.AdminKeyFile(o.ID))
			if err != nil {
				return nil, fmt.Errorf("admin key of %s: %w", o.ID, err)
			}
			return client.KeyFrom(k), nil
		}
	}
	return nil, fmt.Errorf("the network has no regulator or auditor to read its records as")
}

// httpClient is a pooled HTTP client for many concurrent requests.
func httpClient(conns int) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: 2 * conns,
		IdleConnTimeout:     90 * time.Second,
	}}
}

// Connect makes each node's clients, of its CometBFT RPC and (with a
// Gateway) of its gateway, pooled for conns concurrent requests.
func (n *Network) Connect(conns int) {
	gw := httpClient(conns)
	for _, nd := range n.Nodes {
		nd.rpc = NewRPC(nd.RPC, conns)
		if nd.Gateway != "" {
			nd.gw = client.New(nd.Gateway).WithHTTPClient(gw)
		}
	}
}

// Allowed returns the organisations whose roles allow the action
// module/action (asked of the node's gateway) and whose admin key file
// exists.
func (n *Network) Allowed(ctx context.Context, module, action string) ([]string, error) {
	var acts []struct {
		Module string      `json:"module"`
		Action string      `json:"action"`
		Roles  []role.Role `json:"roles"`
	}
	if err := n.Nodes[0].gw.Get(ctx, "/v1/actions", &acts); err != nil {
		return nil, fmt.Errorf("list actions: %w", err)
	}
	var allowed []role.Role
	found := false
	for _, a := range acts {
		if a.Module == module && a.Action == action {
			allowed, found = a.Roles, true
		}
	}
	if !found {
		return nil, fmt.Errorf("the node has no action %s/%s", module, action)
	}
	var orgs []string
	for _, o := range n.Orgs {
		ok := len(allowed) == 0
		for _, r := range o.Roles {
			ok = ok || slices.Contains(allowed, r)
		}
		if _, err := os.Stat(n.AdminKeyFile(o.ID)); ok && err == nil {
			orgs = append(orgs, o.ID)
		}
	}
	if len(orgs) == 0 {
		return nil, fmt.Errorf("no organisation of the network may take %s/%s (or none has its admin key in %s); bench networks include the whole demo consortium", module, action, n.KeysDir)
	}
	return orgs, nil
}

// OrgsWith returns, in genesis order, the organisations of the network
// that hold one of roles and may take module/action.
func (n *Network) OrgsWith(ctx context.Context, module, action string, roles ...role.Role) ([]string, error) {
	allowed, err := n.Allowed(ctx, module, action)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range n.Orgs {
		if slices.Contains(allowed, o.ID) && role.Any(o.Roles, roles) {
			out = append(out, o.ID)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no organisation of the network holds %v and may take %s/%s", roles, module, action)
	}
	return out, nil
}

// AwaitHeights waits until every node's application has committed the
// height node 0's block store has now, so that a query at that height
// answers on every node, node 0 included. CometBFT stores a block before
// the application commits it, so the block store's height (RPC /status)
// can be one ahead of the state; the application's is /abci_info's.
func (n *Network) AwaitHeights(ctx context.Context, timeout time.Duration) error {
	s, err := n.Nodes[0].rpc.Status(ctx)
	if err != nil {
		return err
	}
	want := s.Height
	deadline := time.Now().Add(timeout)
	for _, nd := range n.Nodes {
		for {
			h, err := nd.rpc.AppHeight(ctx)
			if err == nil && h >= want {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not commit height %d within %s", nd.Name, want, timeout)
			}
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}
