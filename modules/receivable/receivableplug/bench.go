package receivableplug

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// w3's amounts, in fen, and shape.
const (
	// Each timed transfer sends 1 to 100 yuan.
	transferMin = 100
	transferMax = 10_000
	// stockMin is the smallest receivable a top-up carves: it bears a
	// hundred transfers before it is too small for one.
	stockMin = 100 * transferMax
	// rootFace is the face value of a lane's own roots (100 million yuan),
	// hotRootFace that of an organisation's hot root in w3hot.
	rootFace    = 10_000_000_000
	hotRootFace = 100_000_000_000
	// rootsPerLane is how many roots of its own each lane's transfers
	// rotate over in w3.
	rootsPerLane = 4
	// hotEvery: in w3hot all but one in hotEvery of a lane's transfers
	// fall in its organisation's hot tree.
	hotEvery = 10
	// maturityDays is the roots' term.
	maturityDays = 180
	// topUpRounds bounds the rounds of stock carving before a window.
	topUpRounds = 8
)

// leaf is a receivable a lane may split: committed, active, held by the
// tree's organisation, with a face value above transferMax.
type leaf struct {
	id   string
	face int64
}

// pool is the stock of one root's tree.
type pool struct {
	root, org string
	leaves    []leaf
}

// adminTx is a setup transaction of an organisation's admin key.
type adminTx struct {
	org, action string
	body        any
}

// transfers is w3 (uniform) and w3hot (hot spot): receivable transfers.
// Half of each lane's transactions are split_transfer of a receivable its
// organisation holds into a part of 1 to 100 yuan sent to the next holder
// organisation (pending its acceptance) and the remainder it keeps; the
// other half accept parts sent to the lane's organisation in earlier
// steps. Every timed transaction acts on a receivable committed before the
// window, and no two on the same one: a split consumes the receivable it
// splits (its remainder is a new receivable), and CheckTx runs a
// transaction against the committed state plus what it admitted since the
// last block, so a split of a remainder not yet committed could be
// refused. Lanes are therefore independent. The receivables split in a
// step come from the stock: the remainders of earlier steps, topped up
// before the window (untimed) by dividing large receivables into parts
// kept by their holder. Parts to accept are those of earlier steps,
// topped up likewise by sending parts before the window.
//
// In w3 each lane's splits rotate over rootsPerLane roots of its own; in
// w3hot all but one in hotEvery of them fall in one tree per holder
// organisation, shared by all its lanes (each split reads that root and
// writes under its index), the rest in a root of the lane's own.
type transfers struct {
	p   workload.Params
	hot bool
	s   *workload.Signers
	adm *workload.Admins
	tag int
	// recv is, for each lane organisation, the organisation its parts
	// go to; receives says whether some lane organisation sends parts to
	// it (so that its lanes have parts to accept).
	recv      map[string]string
	receives  map[string]bool
	obligor   string
	bank      string
	issued    map[string]int64 // root -> face value issued
	roots     []string         // in issue order
	lanePools [][]*pool        // each lane's own roots
	hotPool   map[string]*pool // w3hot: each organisation's hot tree
	orgPools  map[string][]*pool
	splits    []int // each lane's splits so far, for the rotation
	txs       []workload.Tx

	mu       sync.Mutex
	pools    map[string]*pool    // by root
	rootOf   map[string]string   // a leaf (or a split leaf) -> its root
	pending  map[string][]string // organisation -> parts waiting for its acceptance
	inflight map[string]leaf     // leaves split in the last step, until their split is seen
	accepts  map[string]string   // parts accepted in the last step -> organisation, until seen
	seen     atomic.Int64
}

func newTransfers(p workload.Params, hot bool) *transfers {
	return &transfers{p: p, hot: hot, recv: map[string]string{}, receives: map[string]bool{}, issued: map[string]int64{},
		hotPool: map[string]*pool{}, orgPools: map[string][]*pool{}, pools: map[string]*pool{}, rootOf: map[string]string{},
		pending: map[string][]string{}, inflight: map[string]leaf{}, accepts: map[string]string{}}
}

func (w *transfers) Name() string {
	if w.hot {
		return "w3hot"
	}
	return "w3"
}

func (w *transfers) Describe() string {
	where := fmt.Sprintf("each lane's splits rotate over %d roots of its own", rootsPerLane)
	if w.hot {
		where = fmt.Sprintf("%d in %d splits fall in one receivable tree per holder organisation, shared by its lanes", hotEvery-1, hotEvery)
	}
	return "half receivable/split_transfer (1-100 yuan to another supplier, remainder kept), half receivable/accept of parts sent in earlier steps, each on a receivable committed before the window (stock topped up untimed); " + where
}

func (w *transfers) Lanes() int { return len(w.s.Keys) }

// Setup registers the signers (members of the supplier organisations),
// has a bank set the core enterprise's credit line, and issues the roots,
// which the suppliers accept.
func (w *transfers) Setup(ctx context.Context, net *workload.Network) error {
	holders, err := net.OrgsWith(ctx, "receivable", "split_transfer", role.Supplier)
	if err != nil {
		return err
	}
	obligors, err := net.OrgsWith(ctx, "receivable", "issue", receivableapi.CoreEnterprise)
	if err != nil {
		return err
	}
	banks, err := net.OrgsWith(ctx, "receivable", "set_credit_line", role.Bank)
	if err != nil {
		return err
	}
	if len(holders) < 2 {
		return fmt.Errorf("w3 needs two supplier organisations to transfer between; the network has %v", holders)
	}
	s, err := workload.RegisterKeys(ctx, net, w.p.Signers, w.p.Algo(), holders)
	if err != nil {
		return err
	}
	w.s, w.adm, w.tag, w.obligor, w.bank = s, workload.NewAdmins(net), rand.IntN(100_000), obligors[0], banks[0]
	w.route(holders)

	h, err := w.adm.Submit(ctx, w.bank, "receivable", "set_credit_line", map[string]any{"obligor": w.obligor, "limit_fen": receivable.MaxFen})
	if err != nil {
		return err
	}
	if _, err := w.adm.Commit(ctx, []string{h}); err != nil {
		return fmt.Errorf("credit line: %w", err)
	}
	plan := w.rootPlan()
	var hashes []string
	now := time.Now()
	for k, r := range plan {
		h, err := w.adm.Submit(ctx, w.obligor, "receivable", "issue", issueBody(r.org, r.face, now, w.tag, k))
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	recs, err := w.adm.Commit(ctx, hashes)
	if err != nil {
		return fmt.Errorf("issue roots: %w", err)
	}
	txs := make([]adminTx, len(plan))
	for k, rec := range recs {
		var res struct{ ID string }
		if err := json.Unmarshal(rec.Result, &res); err != nil || res.ID == "" {
			return fmt.Errorf("issue roots: result %s: %v", rec.Result, err)
		}
		w.addRoot(res.ID, plan[k])
		txs[k] = adminTx{plan[k].org, "accept", map[string]string{"id": res.ID}}
	}
	if err := w.run(ctx, txs); err != nil {
		return fmt.Errorf("accept roots: %w", err)
	}
	return nil
}

// route sends each lane organisation's parts to the next one, in the
// order of holders (to another holder when the lanes have one
// organisation).
func (w *transfers) route(holders []string) {
	var laneOrgs []string
	for _, o := range w.s.Orgs {
		if !slices.Contains(laneOrgs, o) {
			laneOrgs = append(laneOrgs, o)
		}
	}
	for i, o := range laneOrgs {
		to := laneOrgs[(i+1)%len(laneOrgs)]
		if len(laneOrgs) == 1 {
			to = holders[(slices.Index(holders, o)+1)%len(holders)]
		}
		w.recv[o] = to
		w.receives[to] = w.receives[to] || slices.Contains(laneOrgs, to) && to != o
	}
}

// plannedRoot is a root to issue: to whom, for how much, and which lanes
// use it (hot: every lane of org).
type plannedRoot struct {
	org   string
	face  int64
	lanes []int
	hot   bool
}

func (w *transfers) rootPlan() []plannedRoot {
	var out []plannedRoot
	if w.hot {
		for _, o := range w.s.Orgs {
			if !slices.ContainsFunc(out, func(r plannedRoot) bool { return r.org == o }) {
				out = append(out, plannedRoot{org: o, face: hotRootFace, hot: true})
			}
		}
	}
	per := rootsPerLane
	if w.hot {
		per = 1
	}
	for l, o := range w.s.Orgs {
		for range per {
			out = append(out, plannedRoot{org: o, face: rootFace, lanes: []int{l}})
		}
	}
	return out
}

// addRoot records an issued root; it enters its pool once accepted.
func (w *transfers) addRoot(id string, r plannedRoot) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := &pool{root: id, org: r.org}
	w.issued[id], w.pools[id], w.rootOf[id] = r.face, p, id
	w.roots = append(w.roots, id)
	w.orgPools[r.org] = append(w.orgPools[r.org], p)
	if len(w.lanePools) < len(w.s.Keys) {
		w.lanePools = make([][]*pool, len(w.s.Keys))
		w.splits = make([]int, len(w.s.Keys))
	}
	if r.hot {
		w.hotPool[r.org] = p
	}
	for _, l := range r.lanes {
		w.lanePools[l] = append(w.lanePools[l], p)
	}
}

// issueBody issues face fen to org, maturing maturityDays after now's
// date, with a trade background of its own (contract, invoice for the
// same amount, a delivery note).
func issueBody(org string, face int64, now time.Time, tag, k int) map[string]any {
	digest := func(s string) string { d := sha256.Sum256([]byte(s)); return hex.EncodeToString(d[:]) }
	no := fmt.Sprintf("W3-%05d-%05d", tag, k)
	return map[string]any{
		"to": org, "face_fen": face, "maturity_date": now.In(workload.CST).AddDate(0, 0, maturityDays).Format(time.DateOnly),
		"trade": map[string]any{"contract_no": "HT-" + no, "invoice_no": no, "invoice_amount_fen": face,
			"invoice_sha256": digest("invoice " + no), "delivery_doc_hashes": []string{digest("delivery note " + no)}},
	}
}

type partBody struct {
	To        string `json:"to"`
	AmountFen int64  `json:"amount_fen"`
}

type splitBody struct {
	ID    string     `json:"id"`
	Parts []partBody `json:"parts"`
}

// carveBody divides l into k parts its holder org keeps.
func carveBody(l leaf, org string, k int) splitBody {
	b := splitBody{ID: l.id}
	each := l.face / int64(k)
	for i := range k {
		a := each
		if i == k-1 {
			a = l.face - each*int64(k-1)
		}
		b.Parts = append(b.Parts, partBody{To: org, AmountFen: a})
	}
	return b
}

// run submits setup transactions, waits for their commit and for the
// observer to have seen them.
func (w *transfers) run(ctx context.Context, txs []adminTx) error {
	var hashes []string
	for _, t := range txs {
		h, err := w.adm.Submit(ctx, t.org, "receivable", t.action, t.body)
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	recs, err := w.adm.Commit(ctx, hashes)
	if err != nil {
		return err
	}
	return workload.AwaitObserved(ctx, &w.seen, workload.MaxHeight(recs))
}

// Observe keeps the stock and the parts waiting for acceptance up to date
// from the committed blocks.
func (w *transfers) Observe(b *workload.Block) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range b.Results {
		if r.Code != 0 {
			continue
		}
		for _, e := range r.Events {
			switch e.Type {
			case "receivable.part_created":
				parent := e.Attr("parent")
				root, ok := w.rootOf[parent]
				if !ok {
					continue // not a tree of this run
				}
				delete(w.inflight, parent)
				id, to := e.Attr("id"), e.Attr("to")
				amount, _ := strconv.ParseInt(e.Attr("amount_fen"), 10, 64)
				switch e.Attr("status") {
				case receivable.StatusActive: // kept by the splitter
					if p := w.pools[root]; amount > transferMax && to == p.org {
						w.rootOf[id] = root
						p.leaves = append(p.leaves, leaf{id, amount})
					}
				case receivable.StatusPendingAcceptance:
					w.pending[to] = append(w.pending[to], id)
				}
			case "receivable.accepted":
				id := e.Attr("id")
				delete(w.accepts, id)
				if face, ok := w.issued[id]; ok {
					w.pools[id].leaves = append(w.pools[id].leaves, leaf{id, face})
				}
			}
		}
	}
	w.seen.Store(b.Height)
}

// stepPlan is what each transaction of a step does.
type stepPlan struct {
	pool       []*pool // the pool of a split; nil for an accept
	needSplit  map[*pool]int
	needAccept map[string]int
}

// plan decides each transaction's kind and, for a split, its pool.
// Transaction j is lane j mod lanes' (j div lanes)-th: even ones split,
// odd ones accept when the lane's organisation is sent parts.
func (w *transfers) plan(n int) *stepPlan {
	lanes := len(w.s.Keys)
	sp := &stepPlan{pool: make([]*pool, n), needSplit: map[*pool]int{}, needAccept: map[string]int{}}
	for j := range n {
		l := j % lanes
		org := w.s.Orgs[l]
		if (j/lanes)%2 == 1 && w.receives[org] {
			sp.needAccept[org]++
			continue
		}
		k := w.splits[l]
		w.splits[l]++
		p := w.lanePools[l][k%len(w.lanePools[l])]
		if w.hot && k%hotEvery != hotEvery-1 {
			p = w.hotPool[org]
		}
		sp.pool[j] = p
		sp.needSplit[p]++
	}
	return sp
}

// topUpRound plans one round of setup splits towards the step's needs:
// pools short of leaves divide their largest ones into kept parts of at
// least stockMin, and organisations short of parts to accept are sent
// parts by the organisations routed to them. It reports whether anything
// is short; the leaves it divides leave their pools (their parts come back
// through Observe).
func (w *transfers) topUpRound(sp *stepPlan, rng *rand.Rand) ([]adminTx, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var txs []adminTx
	short := false
	take := func(p *pool, i int) leaf {
		l := p.leaves[i]
		p.leaves = slices.Delete(p.leaves, i, i+1)
		return l
	}
	largest := func(p *pool) int {
		best := -1
		for i, l := range p.leaves {
			if best < 0 || l.face > p.leaves[best].face {
				best = i
			}
		}
		return best
	}
	for _, p := range w.sortedPools(sp.needSplit) {
		for d := sp.needSplit[p] - len(p.leaves); d > 0; {
			short = true
			i := largest(p)
			if i < 0 {
				break
			}
			k := int(min(int64(receivable.MaxParts), p.leaves[i].face/stockMin))
			if k < 2 {
				break
			}
			txs = append(txs, adminTx{p.org, "split_transfer", carveBody(take(p, i), p.org, k)})
			d -= k - 1
		}
	}
	for _, org := range sortedKeys(sp.needAccept) {
		d := sp.needAccept[org] - len(w.pending[org])
		if d <= 0 {
			continue
		}
		short = true
		for _, from := range sortedKeys(w.recv) {
			if w.recv[from] != org {
				continue
			}
			for _, p := range w.orgPools[from] {
				for d > 0 {
					i := largest(p)
					if i < 0 || p.leaves[i].face <= int64(receivable.MaxParts)*transferMax {
						break
					}
					l := take(p, i)
					b := splitBody{ID: l.id}
					for range min(receivable.MaxParts-1, d) {
						b.Parts = append(b.Parts, partBody{To: org, AmountFen: transferAmount(rng)})
					}
					d -= len(b.Parts)
					txs = append(txs, adminTx{from, "split_transfer", b})
				}
			}
		}
	}
	return txs, short
}

func transferAmount(rng *rand.Rand) int64 { return transferMin + rng.Int64N(transferMax-transferMin+1) }

func (w *transfers) sortedPools(m map[*pool]int) []*pool {
	out := make([]*pool, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *pool) int { return strings.Compare(a.root, b.root) })
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// assigned is a transaction's receivable: the leaf to split, or the part
// to accept.
type assigned struct {
	leaf leaf
	part string
	to   string // receiver of the split's part
}

// assign takes each split's leaf from its pool and each accept's part
// from its organisation's queue; they are in flight until Observe sees
// them used.
func (w *transfers) assign(sp *stepPlan) ([]assigned, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]assigned, len(sp.pool))
	lanes := len(w.s.Keys)
	for j, p := range sp.pool {
		org := w.s.Orgs[j%lanes]
		if p == nil {
			q := w.pending[org]
			if len(q) == 0 {
				return nil, fmt.Errorf("no part waiting for %s's acceptance", org)
			}
			out[j].part, w.pending[org] = q[0], q[1:]
			w.accepts[q[0]] = org
			continue
		}
		if len(p.leaves) == 0 {
			return nil, fmt.Errorf("no receivable left in the tree of %s", p.root)
		}
		l := p.leaves[len(p.leaves)-1]
		p.leaves = p.leaves[:len(p.leaves)-1]
		w.inflight[l.id] = l
		out[j] = assigned{leaf: l, to: w.recv[org]}
	}
	return out, nil
}

// reclaim returns to the stock the leaves and parts of the last step
// whose transaction was not committed: nothing else touches them.
func (w *transfers) reclaim() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, l := range w.inflight {
		if p := w.pools[w.rootOf[id]]; p != nil {
			p.leaves = append(p.leaves, l)
		}
	}
	for id, org := range w.accepts {
		w.pending[org] = append(w.pending[org], id)
	}
	clear(w.inflight)
	clear(w.accepts)
}

// Prepare plans the step, tops up the stock and the parts to accept
// (untimed), assigns them and signs.
func (w *transfers) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	if _, err := workload.SettledHeight(ctx, net, &w.seen); err != nil {
		return err
	}
	w.reclaim()
	sp := w.plan(n)
	rng := rand.New(rand.NewChaCha8(workload.Seed()))
	for round := 0; ; round++ {
		txs, short := w.topUpRound(sp, rng)
		if !short {
			break
		}
		if len(txs) == 0 || round == topUpRounds {
			return errors.New("receivable stock: cannot divide enough receivables for the step")
		}
		if err := w.run(ctx, txs); err != nil {
			return fmt.Errorf("receivable stock: %w", err)
		}
	}
	as, err := w.assign(sp)
	if err != nil {
		return err
	}
	txs, err := w.s.SignEach(ctx, n, "receivable", 1, func(j int, rng *rand.Rand) (string, []byte) { return as[j].action(), as[j].body(rng) })
	for j := range txs {
		txs[j].Kind = as[j].action()
	}
	w.txs = txs
	return err
}

func (a assigned) action() string {
	if a.part != "" {
		return "accept"
	}
	return "split_transfer"
}

// body is an accept of the part, or a split of the leaf sending 1 to 100
// yuan to the receiver and keeping the remainder.
func (a assigned) body(rng *rand.Rand) []byte {
	var b []byte
	if a.part != "" {
		b, _ = json.Marshal(map[string]string{"id": a.part})
	} else {
		b, _ = json.Marshal(splitBody{ID: a.leaf.id, Parts: []partBody{{To: a.to, AmountFen: transferAmount(rng)}}})
	}
	return b
}

func (w *transfers) Next(i int) workload.Tx { return w.txs[i] }

// lineage is the answer of GET /v1/receivables/{id}/lineage.
type lineage struct {
	Height int64                    `json:"height"`
	Nodes  []receivable.LineageNode `json:"nodes"`
}

// Check verifies, on the first node at one height, that every root's tree
// conserves value (see conserved), and that every other node answers the
// same tree at that height.
func (w *transfers) Check(ctx context.Context, net *workload.Network) error {
	h, err := workload.SettledHeight(ctx, net, &w.seen)
	if err != nil {
		return err
	}
	reader, err := net.Overseer()
	if err != nil {
		return err
	}
	for _, root := range w.roots {
		var first lineage
		for i, nd := range net.Nodes {
			var lv lineage
			if err := nd.Client().As(reader).Get(ctx, fmt.Sprintf("/v1/receivables/%s/lineage?height=%d", root, h), &lv); err != nil {
				return fmt.Errorf("lineage of receivable %s on %s: %w", root, nd.Name, err)
			}
			if i == 0 {
				if err := conserved(root, w.issued[root], lv.Nodes); err != nil {
					return fmt.Errorf("on %s at height %d: %w", nd.Name, h, err)
				}
				first = lv
			} else if !reflect.DeepEqual(first.Nodes, lv.Nodes) {
				return fmt.Errorf("receivable %s: %s and %s answer different trees at height %d", root, net.Nodes[0].Name, nd.Name, h)
			}
		}
	}
	return nil
}

// conserved checks a root's tree against the face value issued: the root
// has that face value, each receivable's parts add up exactly to its
// face value (so the leaves - the remainders and every part - add up to
// the issued value), no amount is zero or negative, nothing is settled
// beyond its face value, and every receivable of the tree is reached from
// the root exactly once.
func conserved(root string, issued int64, nodes []receivable.LineageNode) error {
	byID := make(map[string]*receivable.LineageNode, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		if byID[n.ID] != nil {
			return fmt.Errorf("receivable %s appears twice in the tree of %s", n.ID, root)
		}
		byID[n.ID] = n
		if n.FaceFen <= 0 {
			return fmt.Errorf("receivable %s (tree of %s) has face value %d fen", n.ID, root, n.FaceFen)
		}
		if n.SettledFen < 0 || n.SettledFen > n.FaceFen {
			return fmt.Errorf("receivable %s (tree of %s) has %d fen settled of a face value of %d", n.ID, root, n.SettledFen, n.FaceFen)
		}
	}
	r := byID[root]
	if r == nil || r.ParentID != "" {
		return fmt.Errorf("receivable %s is not the root of its tree", root)
	}
	if r.FaceFen != issued {
		return fmt.Errorf("root receivable %s has face value %d fen; %d were issued", root, r.FaceFen, issued)
	}
	reached := map[string]bool{root: true}
	var leaves int64
	for queue := []string{root}; len(queue) > 0; queue = queue[1:] {
		n := byID[queue[0]]
		if len(n.Children) == 0 {
			leaves += n.FaceFen
			continue
		}
		var sum int64
		for _, c := range n.Children {
			cn := byID[c]
			if cn == nil || cn.ParentID != n.ID {
				return fmt.Errorf("receivable %s names part %s, which is not its part in the tree of %s", n.ID, c, root)
			}
			if reached[c] {
				return fmt.Errorf("receivable %s is reached twice in the tree of %s", c, root)
			}
			reached[c] = true
			sum += cn.FaceFen
			queue = append(queue, c)
		}
		if sum != n.FaceFen {
			return fmt.Errorf("receivable %s (tree of %s) has face value %d fen, but its parts add up to %d", n.ID, root, n.FaceFen, sum)
		}
	}
	if len(reached) != len(nodes) {
		return fmt.Errorf("%d receivables of the tree of %s are not reached from it", len(nodes)-len(reached), root)
	}
	if leaves != issued {
		return fmt.Errorf("the remainders and parts of receivable %s add up to %d fen; %d were issued", root, leaves, issued)
	}
	return nil
}

// workloads are the supply-chain finance module's benchmark workloads.
func workloads() []workload.Def {
	return []workload.Def{
		{Name: "w3", Doc: "receivable transfers, uniform (split_transfer of a part to another supplier, and accept of parts sent earlier; value conservation checked after the run)",
			Rates: []float64{250, 500, 1000, 2000}, New: func(p workload.Params) workload.Workload { return newTransfers(p, false) },
			Mix: &workload.MixPart{Label: "w3", Share: 0.3, MinSigners: 2, New: func(p workload.Params) workload.Workload { return newTransfers(p, false) }}},
		{Name: "w3hot", Doc: "receivable transfers, hot spot (as w3, with 9 in 10 splits in one receivable tree per supplier)",
			Rates: []float64{250, 500, 1000, 2000}, New: func(p workload.Params) workload.Workload { return newTransfers(p, true) }},
	}
}
