package datashareplug

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/blob"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/auditlog"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// node is the module's state in one running node: the member keys it
// holds (its operator key, the keys of the organisations it hosts), its
// blob store, the audit journal and its batcher, the patients' custody
// and the devices' models. The endpoints and pages of the node share it
// with the services.
type node struct {
	mu      sync.Mutex
	env     *plug.Node
	journal *auditlog.Journal
	batcher *auditlog.Batcher
	custody *custody
	models  *models
	held    []*tx.PrivateKey
	signing map[tx.KeyID]*sync.Mutex
	log     *slog.Logger
}

// errNotRunning answers what needs the node's services when they do not
// run (a test gateway, a node without a data directory).
var errNotRunning = errcode.New(errcode.Unavailable, "this node does not run the data-sharing services")

// services opens the journal, the custody and the models under the
// node's data directory and starts the audit batcher.
func (n *node) services(nd *plug.Node) ([]plug.Service, error) {
	if nd.DataDir == "" || nd.View == nil || nd.Submit == nil {
		return nil, nil
	}
	dir := filepath.Join(nd.DataDir, datashareapi.Name)
	j, err := auditlog.Open(filepath.Join(dir, "audit"), nd.Now)
	if err != nil {
		return nil, err
	}
	c, err := openCustody(filepath.Join(dir, "patients"))
	if err != nil {
		j.Close()
		return nil, err
	}
	n.mu.Lock()
	n.env, n.journal, n.custody, n.models = nd, j, c, &models{dir: filepath.Join(dir, "models")}
	n.log = nd.Logger.With("module", datashareapi.Name)
	if nd.OperatorKey != nil {
		n.held = append(n.held, nd.OperatorKey)
	}
	n.held = append(n.held, nd.HostedKeys...)
	n.signing = map[tx.KeyID]*sync.Mutex{}
	for _, k := range n.held {
		n.signing[k.ID()] = &sync.Mutex{}
	}
	n.batcher = auditlog.NewBatcher(j, n.submitAudit, 0, time.Second, n.log)
	n.mu.Unlock()
	return []plug.Service{plug.ServiceFunc(func(ctx context.Context) {
		n.batcher.Run(ctx)
		j.Close()
	})}, nil
}

func (n *node) running() (*plug.Node, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.env == nil {
		return nil, errNotRunning
	}
	return n.env, nil
}

func (n *node) blobs() (*blob.Store, error) {
	env, err := n.running()
	if err != nil {
		return nil, err
	}
	if env.Blobs == nil {
		return nil, errcode.New(errcode.Unavailable, "this node keeps no files")
	}
	return env.Blobs, nil
}

func (n *node) view() (*state.View, error) {
	env, err := n.running()
	if err != nil {
		return nil, err
	}
	return env.View(0)
}

// keysOf returns the keys the node holds of organisation org, active on
// chain, its operator key first.
func (n *node) keysOf(org string) ([]*tx.PrivateKey, error) {
	v, err := n.view()
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	held := n.held
	n.mu.Unlock()
	var out []*tx.PrivateKey
	for _, k := range held {
		if rec, err := identity.GetKey(v, k.ID()); err == nil && rec.Active && rec.Org == org {
			out = append(out, k)
		}
	}
	return out, nil
}

// hosts reports whether the node holds a key of org, with which it signs
// for it: its own organisation, or one it hosts.
func (n *node) hosts(org string) bool {
	ks, err := n.keysOf(org)
	return err == nil && len(ks) > 0
}

// errNotHosted is the answer for an organisation whose keys the node
// does not hold.
func errNotHosted(org string) error {
	return errcode.New(errcode.Unavailable, "this node holds no key of %s: ask %s's own node (its exchange endpoint)", org, org)
}

// send signs action with a key the node holds of org, submits it and
// waits for its commit. Transactions of one key are signed one at a time,
// so that their nonces follow each other.
func (n *node) send(ctx context.Context, org, action string, body any) (*plug.Outcome, error) {
	ks, err := n.keysOf(org)
	if err != nil {
		return nil, err
	}
	if len(ks) == 0 {
		return nil, errNotHosted(org)
	}
	env, _ := n.running()
	k := ks[0]
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	mu := n.signing[k.ID()]
	mu.Lock()
	defer mu.Unlock()
	nonce, err := env.NextNonce(k.ID())
	if err != nil {
		return nil, err
	}
	t := &tx.Tx{ChainID: env.ChainID, Nonce: nonce, Module: datashareapi.Name, Action: action, Body: raw}
	if err := t.Sign(k); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return env.Submit(ctx, t.Encode())
}

// sendOK is send, with a refusal as an error carrying its code.
func (n *node) sendOK(ctx context.Context, org, action string, body any) (*plug.Outcome, error) {
	out, err := n.send(ctx, org, action, body)
	if err != nil {
		return nil, err
	}
	if out.Code != 0 {
		return out, errcode.New(errcode.Code(out.Code), "%s", out.Log)
	}
	return out, nil
}

// submitAudit records one owner's access events on chain.
func (n *node) submitAudit(ctx context.Context, owner string, events []datashareapi.AuditEvent) (uint32, string, error) {
	out, err := n.send(ctx, owner, datashareapi.Audit.Name, datashareapi.AuditBody{Events: events})
	if err != nil {
		return 0, "", err
	}
	if out.Code == uint32(errcode.MempoolFull) || out.Code == uint32(errcode.NonceGap) || out.Code == uint32(errcode.NonceReplayed) {
		return 0, "", fmt.Errorf("%s: %s", errcode.Code(out.Code), out.Log)
	}
	return out.Code, out.Log, nil
}

// opener returns a held key of org among ex's exchange keys, which opens
// the data keys wrapped for org; nil when the node holds none.
func (n *node) opener(org string, ex *datashareapi.Exchange) *tx.PrivateKey {
	ks, err := n.keysOf(org)
	if err != nil {
		return nil
	}
	for _, k := range ks {
		for _, e := range ex.Keys {
			if e.ID == k.ID() {
				return k
			}
		}
	}
	return nil
}

// exchangeOf reads an organisation's exchange settings.
func exchangeOf(v *state.View, org string) (*datashareapi.Exchange, error) {
	ex, err := datashare.GetExchange(v, org)
	if err != nil {
		var ce *errcode.Error
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("exchange of %s: %w", org, err)
	}
	return ex, nil
}
