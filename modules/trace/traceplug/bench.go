package traceplug

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/trace"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// w2's item population and its skew: the item of each event is drawn
// from a Zipf distribution (rand.NewZipf: P(k) ∝ (v+k)^-s) over
// traceItems serial numbers, so that a few items take a large share of
// the events, as popular products do in a traceability system.
const (
	traceItems = 1_000_000
	zipfS      = 1.1
	zipfV      = 1
	// commissionBatch is how many items one commissioning event creates
	// (trace.MaxEPCsPerEvent at most).
	commissionBatch = 500
	// checkedItems is how many items Check compares with the chain: the
	// most observed ones and as many others.
	checkedItems = 10
)

// newItemDraw returns the Zipf draw of item numbers in [0, traceItems).
func newItemDraw(seed [32]byte) *rand.Zipf {
	return rand.NewZipf(rand.New(rand.NewChaCha8(seed)), zipfS, zipfV, traceItems-1)
}

// traceProduct is a producer's product and lot whose items w2 observes.
type traceProduct struct {
	org, gtin, lot, loc string
}

// epc is the SGTIN of serial number n of the product.
func (p traceProduct) epc(n int) string { return fmt.Sprintf("/01/%s/21/S%07d", p.gtin, n) }

// benchPrefix is the GS1 company prefix of organisation k in run tag (9
// digits: prefixes of one run are never prefixes of each other, nor of
// another run's); benchGLN and benchGTIN are the location and the product
// w2 registers under it.
func benchPrefix(tag, k int) string  { return fmt.Sprintf("69%05d%02d", tag, k) }
func benchGLN(prefix string) string  { return "/414/" + gs1(prefix+"100") }
func benchGTIN(prefix string) string { return gs1("0" + prefix + "200") }

// gs1 returns body followed by its GS1 check digit.
func gs1(body string) string { return body + string(trace.GS1CheckDigit(body)) }

// traceEvents is w2: each transaction is one trace/capture of an EPCIS
// ObjectEvent OBSERVE (storing at a warehouse, or inspecting) of one
// serialised item, the item drawn by Zipf over a million serial numbers
// of the producers' registered lots. The products, lots and locations are
// registered in Setup; items are commissioned before the window that first
// draws them (untimed, 500 per commissioning event), since an item must
// exist before an event may name it, so that every timed transaction
// appends to an existing item's history.
type traceEvents struct {
	p   workload.Params
	s   *workload.Signers
	adm *workload.Admins
	// tag makes this run's identifiers (GTINs, GLNs) new, also on an
	// attached network that ran w2 before.
	tag      int
	products []traceProduct
	loc      map[string]string // organisation -> its registered location
	laneStep []string          // each lane's business step, by its organisation's roles
	draw     *rand.Zipf
	made     []bool // commissioned items
	items    []int  // the prepared step's items
	txs      []workload.Tx

	mu       sync.Mutex
	byHash   map[[32]byte]int32 // the prepared step's transactions -> item
	observed map[int32]int64    // committed observations by item
	seen     atomic.Int64       // height of the last block observed
}

func newTraceEvents(p workload.Params) *traceEvents {
	return &traceEvents{p: p, draw: newItemDraw(workload.Seed()), made: make([]bool, traceItems), observed: map[int32]int64{}}
}

func (w *traceEvents) Name() string { return "w2" }
func (w *traceEvents) Describe() string {
	return fmt.Sprintf("trace/capture of one EPCIS ObjectEvent OBSERVE (storing or inspecting, at a registered location) of one SGTIN item drawn by Zipf (s=%g) over %d serial numbers; items commissioned before the window that first draws them", zipfS, traceItems)
}
func (w *traceEvents) Lanes() int { return len(w.s.Keys) }

// Setup registers the signers (members of the organisations that capture
// events), has the regulator assign a GS1 prefix to each of their
// organisations and each producer, registers a location under each, and
// each producer's product and lot.
func (w *traceEvents) Setup(ctx context.Context, net *workload.Network) error {
	s, err := workload.RegisterSigners(ctx, net, w.p.Signers, w.p.Algo(), traceapi.Name, traceapi.Capture.Name)
	if err != nil {
		return err
	}
	w.s, w.adm, w.tag = s, workload.NewAdmins(net), rand.IntN(100_000)
	roles := map[string][]role.Role{}
	for _, o := range net.Orgs {
		roles[o.ID] = o.Roles
	}
	for _, org := range s.Orgs {
		step, err := observeStep(roles[org])
		if err != nil {
			return fmt.Errorf("%s: %w", org, err)
		}
		w.laneStep = append(w.laneStep, step)
	}
	producers, err := net.OrgsWith(ctx, traceapi.Name, traceapi.RegisterProduct.Name, role.Producer)
	if err != nil {
		return err
	}
	places := slices.Clone(producers)
	for _, org := range s.Orgs {
		if !slices.Contains(places, org) {
			places = append(places, org)
		}
	}
	// The regulator assigns each organisation a GS1 company prefix of
	// this run; locations and products are registered under them, and
	// the lots name a producer's location as their origin, which must be
	// on chain when they are checked.
	regulators, err := net.OrgsWith(ctx, traceapi.Name, traceapi.AssignPrefix.Name, role.Regulator)
	if err != nil {
		return err
	}
	if len(regulators) == 0 {
		return errors.New("w2: no regulator assigns GS1 prefixes on this network")
	}
	prefix := map[string]string{}
	var hashes []string
	for k, org := range places {
		prefix[org] = benchPrefix(w.tag, k)
		h, err := w.adm.Submit(ctx, regulators[0], traceapi.Name, traceapi.AssignPrefix.Name, traceapi.PrefixBody{Prefix: prefix[org], Org: org, Note: "w2"})
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := w.adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("trace prefixes: %w", err)
	}
	hashes = hashes[:0]
	w.loc = map[string]string{}
	for _, org := range places {
		w.loc[org] = benchGLN(prefix[org])
		typ := "warehouse"
		if slices.Contains(producers, org) {
			typ = "factory"
		}
		h, err := w.adm.Submit(ctx, org, traceapi.Name, traceapi.RegisterLocation.Name, traceapi.LocationBody{GLN: w.loc[org], Name: "基准测试 " + org + " " + typ, Type: typ})
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	for _, org := range producers {
		p := traceProduct{org: org, gtin: benchGTIN(prefix[org]), loc: w.loc[org]}
		p.lot = fmt.Sprintf("/01/%s/10/W2-%05d", p.gtin, w.tag)
		w.products = append(w.products, p)
		h, err := w.adm.Submit(ctx, org, traceapi.Name, traceapi.RegisterProduct.Name, productBody(p))
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := w.adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("trace master data: %w", err)
	}
	hashes = hashes[:0]
	for _, p := range w.products {
		h, err := w.adm.Submit(ctx, p.org, traceapi.Name, traceapi.RegisterLot.Name, lotBody(p, time.Now()))
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := w.adm.Commit(ctx, hashes); err != nil {
		return fmt.Errorf("trace lots: %w", err)
	}
	return nil
}

// observeStep is the business step an organisation observes items with:
// storing (producers, carriers, retailers, suppliers) or inspecting
// (inspectors, regulators, alliances). Both leave the item's state as it
// was, so that events on one item from independent lanes commute; a
// shipping must precede its receiving, which lanes could not guarantee.
func observeStep(roles []role.Role) (string, error) {
	for _, step := range []string{trace.StepStoring, trace.StepInspecting} {
		if role.Any(roles, trace.StepRoles(step)) {
			return step, nil
		}
	}
	return "", fmt.Errorf("roles %v take neither %s nor %s events", roles, trace.StepStoring, trace.StepInspecting)
}

func productBody(p traceProduct) traceapi.ProductBody {
	return traceapi.ProductBody{GTIN: p.gtin, Name: "砀山酥梨 5kg 礼盒", NameEN: "Dangshan pears, 5 kg gift box", Category: "水果", Spec: "5kg"}
}

// lotBody registers the product's lot, produced the day before now (in
// China Standard Time, as the rule compares dates).
func lotBody(p traceProduct, now time.Time) traceapi.LotBody {
	q := int64(traceItems)
	return traceapi.LotBody{
		LotID: p.lot, Origin: &traceapi.OriginBody{Region: "安徽省宿州市砀山县", Location: p.loc, Farm: "良梨镇果园"},
		ProducedOn: now.Add(-24 * time.Hour).In(workload.CST).Format(time.DateOnly), Quantity: &q, Unit: "箱",
	}
}

// eventTime formats t as the module's clients do: RFC 3339 in China
// Standard Time.
func eventTime(t time.Time) string { return t.In(workload.CST).Format(time.RFC3339) }

// commissionBody creates items of p's lot. The event time is ten minutes
// before now, so that it precedes every observation of the items.
func commissionBody(p traceProduct, serials []int, now time.Time) trace.EventInput {
	epcs := make([]string, len(serials))
	for i, n := range serials {
		epcs[i] = p.epc(n)
	}
	return trace.EventInput{Type: trace.ObjectEvent, Action: trace.ActionAdd, EPCList: epcs, BizStep: trace.StepCommissioning,
		Disposition: "active", Lot: p.lot, ReadPoint: p.loc, BizLocation: p.loc, EventTime: eventTime(now.Add(-10 * time.Minute))}
}

// observeBody is the timed event: one item observed at loc a second
// before now (the module refuses event times more than trace.ClockSkew
// after the block time), with a client event id and the digest of the
// sensor log that goes with it.
func observeBody(epc, step, loc string, now time.Time, rng *rand.Rand) []byte {
	var d [32]byte
	var u [16]byte
	workload.RandHex(rng, u[:])
	u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80 // a version 4 UUID
	b, _ := json.Marshal(trace.EventInput{Type: trace.ObjectEvent, Action: trace.ActionObserve, EPCList: []string{epc}, BizStep: step,
		ReadPoint: loc, BizLocation: loc, EventTime: eventTime(now.Add(-time.Second)), SensorHashes: []string{workload.RandHex(rng, d[:])},
		EventID: fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])})
	return b
}

// item returns the product and serial of item number n.
func (w *traceEvents) item(n int) (traceProduct, int) {
	return w.products[n%len(w.products)], n / len(w.products)
}

func (w *traceEvents) epc(n int) string {
	p, serial := w.item(n)
	return p.epc(serial)
}

// Prepare draws the step's items, commissions those never drawn before,
// and signs one observation of each.
func (w *traceEvents) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.s.Resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	w.items = make([]int, n)
	fresh := map[int][]int{} // product index -> serials to commission
	for j := range w.items {
		it := int(w.draw.Uint64())
		w.items[j] = it
		if !w.made[it] {
			w.made[it] = true
			fresh[it%len(w.products)] = append(fresh[it%len(w.products)], it/len(w.products))
		}
	}
	if err := w.commission(ctx, fresh); err != nil {
		return fmt.Errorf("commission items: %w", err)
	}
	txs, err := w.s.SignAll(ctx, n, traceapi.Name, traceapi.Capture.Name, 1, func(j int, rng *rand.Rand) []byte {
		lane := j % len(w.s.Keys)
		return observeBody(w.epc(w.items[j]), w.laneStep[lane], w.loc[w.s.Orgs[lane]], time.Now(), rng)
	})
	byHash := make(map[[32]byte]int32, len(txs))
	for j, t := range txs {
		byHash[sha256.Sum256(t.Raw)] = int32(w.items[j])
	}
	w.mu.Lock()
	w.byHash = byHash
	w.mu.Unlock()
	w.txs = txs
	return err
}

// commission creates the items, in events of up to commissionBatch items
// by each product's producer, and waits until every node has them: an
// observation of an item its node does not know yet would be refused.
func (w *traceEvents) commission(ctx context.Context, fresh map[int][]int) error {
	var hashes []string
	now := time.Now()
	for k, serials := range fresh {
		slices.Sort(serials)
		p := w.products[k]
		for c := range slices.Chunk(serials, commissionBatch) {
			h, err := w.adm.Submit(ctx, p.org, traceapi.Name, traceapi.Capture.Name, commissionBody(p, c, now))
			if err != nil {
				return err
			}
			hashes = append(hashes, h)
		}
	}
	_, err := w.adm.Commit(ctx, hashes)
	return err
}

func (w *traceEvents) Next(i int) workload.Tx { return w.txs[i] }

// Observe counts the committed observations of each item.
func (w *traceEvents) Observe(b *workload.Block) {
	w.mu.Lock()
	for i, raw := range b.Txs {
		if i >= len(b.Results) || b.Results[i].Code != 0 {
			continue
		}
		h := sha256.Sum256(raw)
		if it, ok := w.byHash[h]; ok {
			w.observed[it]++
			delete(w.byHash, h)
		}
	}
	w.mu.Unlock()
	w.seen.Store(b.Height)
}

// Check compares the chain's event count of the most observed items and
// of as many others with the observations the harness saw committed (one
// commissioning plus each committed observation), on every node at one
// height.
func (w *traceEvents) Check(ctx context.Context, net *workload.Network) error {
	h, err := workload.SettledHeight(ctx, net, &w.seen)
	if err != nil {
		return err
	}
	w.mu.Lock()
	items := make([]int32, 0, len(w.observed))
	for it := range w.observed {
		items = append(items, it)
	}
	counts := maps.Clone(w.observed)
	w.mu.Unlock()
	if len(items) == 0 {
		return errors.New("w2: no observation was committed")
	}
	sort.Slice(items, func(a, b int) bool {
		return counts[items[a]] > counts[items[b]] || counts[items[a]] == counts[items[b]] && items[a] < items[b]
	})
	pick := items[:min(checkedItems, len(items))]
	if rest := items[len(pick):]; len(rest) > 0 {
		rng := rand.New(rand.NewChaCha8(workload.Seed()))
		for _, k := range rng.Perm(len(rest))[:min(checkedItems, len(rest))] {
			pick = append(pick, rest[k])
		}
	}
	for _, it := range pick {
		epc := w.epc(int(it))
		for _, nd := range net.Nodes {
			var o trace.Object
			if err := nd.Client().Get(ctx, fmt.Sprintf("/v1/trace/item?epc=%s&height=%d", url.QueryEscape(epc), h), &o); err != nil {
				return fmt.Errorf("w2: item %s on %s: %w", epc, nd.Name, err)
			}
			if want := 1 + counts[it]; o.Events != want {
				return fmt.Errorf("w2: item %s on %s has %d events at height %d; the harness saw its commissioning and %d observations committed", epc, nd.Name, o.Events, h, counts[it])
			}
		}
	}
	return nil
}

// workloads are the traceability module's benchmark workloads.
func workloads() []workload.Def {
	return []workload.Def{{
		Name: "w2", Doc: "traceability event appends (trace/capture of an EPCIS ObjectEvent OBSERVE of one item, Zipf-distributed over 1,000,000 serial numbers)",
		Rates: []float64{250, 500, 1000, 2000}, New: func(p workload.Params) workload.Workload { return newTraceEvents(p) },
		Mix: &workload.MixPart{Label: "w2", Share: 0.3, New: func(p workload.Params) workload.Workload { return newTraceEvents(p) }},
	}}
}
