package credentialplug

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/tx"
)

// node is the module's state in one running node: the secret its issuer
// keys derive from, the credentials waiting for their holders, and the
// verifiers' open requests. Nothing of it is on chain or on disk.
type node struct {
	mu       sync.Mutex
	operator *tx.PrivateKey
	now      func() time.Time
	pickups  map[string]*pickup
	requests map[string]*request
}

func newNode() *node {
	return &node{now: time.Now, pickups: map[string]*pickup{}, requests: map[string]*request{}}
}

// services keeps the node's operator key, from which the node derives the
// credential signing keys of the organisations whose staff issue through
// its hall. It runs nothing.
func (n *node) services(nd *plug.Node) ([]plug.Service, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.operator = nd.OperatorKey
	if nd.Now != nil {
		n.now = nd.Now
	}
	return nil, nil
}

// Issuer keys derive from the node's operator key with HKDF-SHA-256: one
// key per chain, organisation and algorithm, the same after a restart and
// never stored. The node is their custodian as it is of its hall users'
// transaction keys; the organisation publishes the public key in its DID
// document (add_key) before the node signs with it.
const issuerKeyInfo = "dengta/credential/issuer-key/v1"

// issuerKey derives the node's signing key of org for alg.
func (n *node) issuerKey(chainID, org, alg string) (*jws.PrivateKey, error) {
	n.mu.Lock()
	op := n.operator
	n.mu.Unlock()
	if op == nil {
		return nil, errcode.New(errcode.Unavailable, "this node has no operator key, so it keeps no credential signing keys; issue with your own key (dengta credential issue --issuer-key FILE)")
	}
	seed, err := hkdf.Key(sha256.New, op.Bytes(), []byte(issuerKeyInfo), chainID+"\x00"+org+"\x00"+alg, 48)
	if err != nil {
		return nil, err
	}
	return jws.DeriveKey(alg, seed)
}

// token is 24 random bytes in hex.
func token() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("credential: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// A pickup holds an issued credential for its holder to collect once,
// from a link or QR code, within pickupTTL: the issuer's hall shows it
// and forgets it.
type pickup struct {
	credential string
	expires    time.Time
}

const (
	pickupTTL  = 15 * time.Minute
	maxPending = 2000 // pickups or requests held at once
)

// addPickup keeps a credential for pickup and returns its token.
func (n *node) addPickup(credential string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expire()
	if len(n.pickups) >= maxPending {
		return ""
	}
	t := token()
	n.pickups[t] = &pickup{credential: credential, expires: n.now().Add(pickupTTL)}
	return t
}

// takePickup returns a credential held for pickup and forgets it.
func (n *node) takePickup(t string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expire()
	p, ok := n.pickups[t]
	if !ok {
		return "", false
	}
	delete(n.pickups, t)
	return p.credential, true
}

// A request is a verifier's request for a presentation: a nonce for the
// holder to bind to, and what the holder sent.
type request struct {
	ID       string
	Org      string // the relying organisation
	OrgName  string
	Audience string
	Nonce    string
	Purpose  string
	Type     string // the credential type asked for, or empty
	Expires  time.Time
	// Presentation is what the holder sent; Report and Recorded are set
	// once the relying organisation checked it.
	Presentation string
	Report       *credentialapi.Report
	Recorded     bool
	RecordError  string
	// RecordedRef and RecordedOK, RecordedFailed are the reference and
	// outcome of the use recorded for the request: checking it again with
	// the same outcome records nothing more.
	RecordedRef    string
	RecordedOK     bool
	RecordedFailed string
	// checking is set while a check of the request runs: a second press
	// of the button meanwhile is refused.
	checking bool
}

const requestTTL = 30 * time.Minute

// addRequest opens a request and returns it.
func (n *node) addRequest(r *request) (*request, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expire()
	if len(n.requests) >= maxPending {
		return nil, false
	}
	r.ID, r.Nonce, r.Expires = token()[:32], token(), n.now().Add(requestTTL)
	n.requests[r.ID] = r
	cp := *r
	return &cp, true
}

// getRequest returns a copy of a request.
func (n *node) getRequest(id string) (*request, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expire()
	r, ok := n.requests[id]
	if !ok {
		return nil, false
	}
	cp := *r
	return &cp, true
}

// updateRequest changes a request with f, if it is still open.
func (n *node) updateRequest(id string, f func(r *request) error) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.requests[id]
	if !ok || n.now().After(r.Expires) {
		return errcode.New(errcode.NotFound, "no open presentation request %s (requests last %s)", id, requestTTL)
	}
	return f(r)
}

// expire forgets what has expired; the caller holds mu.
func (n *node) expire() {
	now := n.now()
	for t, p := range n.pickups {
		if now.After(p.expires) {
			delete(n.pickups, t)
		}
	}
	for id, r := range n.requests {
		if now.After(r.Expires) {
			delete(n.requests, id)
		}
	}
}
