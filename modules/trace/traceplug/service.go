package traceplug

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/modules/trace/scanbatch"
	"github.com/dengta-chain/dengta/tx"
)

// The public scan page is the one write anyone can make: it counts a scan.
// These limits keep one client address from making many (one address may
// be a whole mobile network behind carrier NAT, so they are generous);
// the keys are client addresses (IPv6 by /64), at most
// ratelimit.DefaultMaxKeys of them remembered per limiter.
var (
	// pageViews: scan pages an address may open.
	pageViews = ratelimit.Limit{Burst: 60, Every: 500 * time.Millisecond}
	// newDevices: device cookies an address may be given.
	newDevices = ratelimit.Limit{Burst: 10, Every: 3 * time.Minute}
	// countedScans: scans from an address that count.
	countedScans = ratelimit.Limit{Burst: 30, Every: time.Second}
)

// node is the module's state in one running node: the scan batcher its
// scan page hands public scans to, the secret its device cookies and
// network tags are keyed with, and the per-address limits.
type node struct {
	mu     sync.Mutex
	b      *scanbatch.Batcher
	secret []byte // from the operator key; nil without one (no scans are counted)

	now     func() time.Time
	views   *ratelimit.Limiter
	devices *ratelimit.Limiter
	counted *ratelimit.Limiter
}

func newNode() *node {
	n := &node{now: time.Now}
	clock := func() time.Time { return n.now() }
	n.views = ratelimit.New(pageViews, ratelimit.Options{Now: clock})
	n.devices = ratelimit.New(newDevices, ratelimit.Options{Now: clock})
	n.counted = ratelimit.New(countedScans, ratelimit.Options{Now: clock})
	return n
}

func (n *node) batcher() *scanbatch.Batcher {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b
}

func (n *node) key() []byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.secret
}

// scanSecret derives the node's secret for device cookies and network
// tags from its operator key: stable across restarts (a phone keeps its
// device), unknown outside the node.
func scanSecret(k *tx.PrivateKey) []byte {
	m := hmac.New(sha256.New, k.Bytes())
	m.Write([]byte("dengta/trace/scan-secret/v1"))
	return m.Sum(nil)
}

func mac(secret []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// newDeviceCookie returns a fresh device cookie: 16 random bytes and their
// MAC, so that a client cannot make up devices without asking the node.
func newDeviceCookie(secret []byte, random []byte) string {
	r := hex.EncodeToString(random)
	return r + "." + hex.EncodeToString(mac(secret, "device", r)[:16])
}

// checkWindow is how long a device check's redirect is its own: a check
// URL older than this (a link copied from the address bar and shared)
// is a new device's first visit, not a browser that refused the cookie.
const checkWindow = 30 * time.Second

// checkToken is the value of a device check's redirect at now: its time,
// signed by the node.
func checkToken(secret []byte, now time.Time) string {
	t := strconv.FormatInt(now.Unix(), 10)
	return t + "." + hex.EncodeToString(mac(secret, "device-check", t)[:8])
}

// freshCheck reports whether tok is a check token the node gave within
// checkWindow of now.
func freshCheck(secret []byte, tok string, now time.Time) bool {
	t, m, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	unix, err := strconv.ParseInt(t, 10, 64)
	if err != nil || !hmac.Equal([]byte(m), []byte(hex.EncodeToString(mac(secret, "device-check", t)[:8]))) {
		return false
	}
	age := now.Sub(time.Unix(unix, 0))
	return age >= -checkWindow && age <= checkWindow
}

// deviceOf checks a device cookie and returns its random part ("" when it
// is not one the node gave).
func deviceOf(secret []byte, cookie string) string {
	r, m, ok := strings.Cut(cookie, ".")
	if !ok || len(r) != 32 || len(m) != 32 {
		return ""
	}
	want := hex.EncodeToString(mac(secret, "device", r)[:16])
	if !hmac.Equal([]byte(m), []byte(want)) {
		return ""
	}
	return r
}

// netTag is a client network's keyed hash: phones behind one home router
// share it; nobody without the node's secret can tell the network from it.
func netTag(secret []byte, a netip.Addr) string {
	p := ratelimit.Network(a)
	return hex.EncodeToString(mac(secret, "net", p.String())[:8])
}

// services starts the scan batcher, which signs the public scans with the
// node operator's key; a node without one records no scans.
func (n *node) services(nd *plug.Node) ([]plug.Service, error) {
	if nd.OperatorKey == nil {
		return nil, nil
	}
	b, err := scanbatch.New(scanbatch.Options{
		ChainID:   nd.ChainID,
		Key:       nd.OperatorKey,
		NextNonce: nd.NextNonce,
		Submit:    nd.Broadcast,
		Wait:      func(ctx context.Context, raw []byte) { nd.WaitTx(ctx, tx.Hash(raw)) },
		Now:       nd.Now,
		Logger:    nd.Logger.With("module", "scans"),
	})
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.b = b
	n.secret = scanSecret(nd.OperatorKey)
	n.mu.Unlock()
	return []plug.Service{plug.ServiceFunc(b.Run)}, nil
}
