package trace_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
)

// The model-based test drives random commissionings, packings,
// unpackings, shipments, receipts, sales, destructions, inspections and
// scan batches by random organisations (with and without the roles)
// through real blocks. A model predicts every transaction's code; after
// every block the whole trace state is read back and checked against the
// module's invariants and the model.

type mObj struct {
	owner     string // the product's producer, or the container's creator
	container bool
	parent    string
	children  []string // sorted
	shipTo    string   // pending shipment's receiver, "" when none
	sold      bool
	ended     bool
}

type model struct {
	roles map[string][]role.Role
	objs  map[string]*mObj // commissioned items and created containers
	scans map[string]int64 // recorded scans per item
}

func (m *model) clone() map[string]*mObj {
	out := make(map[string]*mObj, len(m.objs))
	for k, v := range m.objs {
		c := *v
		c.children = slices.Clone(v.children)
		out[k] = &c
	}
	return out
}

type mop struct {
	org, action, kind string
	body              any
	want              errcode.Code
	roleRefused       bool     // refused by the app before the nonce
	recorded, skipped int      // record_scans
	scanned           []string // record_scans: the recorded scans' items
}

const (
	poolItems      = 40 // pear(0..39) may be commissioned; pear(40..44) never are
	poolContainers = 6
)

var modelOrgs = []string{coop, juicer, logistics, market, wholesale, regulator, inspector, bank}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// live lists the objects that exist and have not ended, in key order.
func (m *model) live(filter func(string, *mObj) bool) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m.objs)) {
		if o := m.objs[k]; !o.ended && (filter == nil || filter(k, o)) {
			out = append(out, k)
		}
	}
	return out
}

func (m *model) anyItem(r *rand.Rand) string { return pear(r.IntN(poolItems + 5)) }
func (m *model) anyObj(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return sscc(1 + r.IntN(poolContainers))
	}
	return m.anyItem(r)
}

// some picks n distinct identifiers, mostly from good, else anything.
func (m *model) some(r *rand.Rand, good []string, n int, bad func() string) []string {
	var out []string
	for len(out) < n {
		var s string
		if len(good) > 0 && r.IntN(10) < 8 {
			s = pick(r, good)
		} else {
			s = bad()
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (m *model) gen(r *rand.Rand, now time.Time) *mop {
	o := &mop{action: "capture"}
	when := now.Add(-time.Second).Format(time.RFC3339)
	n := 1 + r.IntN(3)
	var step string
	var epcs []string
	body := map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "event_time": when}
	switch x := r.IntN(100); {
	case x < 14 && (len(m.objs) < poolItems || r.IntN(4) == 0):
		o.kind, step, o.org = "commission", "commissioning", coop
		var fresh []string
		for i := range poolItems {
			if m.objs[pear(i)] == nil {
				fresh = append(fresh, pear(i))
			}
		}
		epcs = m.some(r, fresh, n, func() string { return pear(r.IntN(poolItems)) })
		body["action"], body["lot"] = "ADD", pearLot
	case x < 28:
		o.kind, step, o.org = "pack", "packing", coop
		parent := sscc(1 + r.IntN(poolContainers))
		free := m.live(func(k string, v *mObj) bool { return v.parent == "" && k != parent })
		epcs = m.some(r, free, n, func() string { return m.anyObj(r) })
		if slices.Contains(epcs, parent) {
			epcs = slices.DeleteFunc(epcs, func(s string) bool { return s == parent })
			if len(epcs) == 0 {
				epcs = []string{pear(0)}
			}
		}
		body = map[string]any{"type": "AggregationEvent", "action": "ADD", "parent_id": parent, "child_epcs": epcs, "event_time": when}
	case x < 36:
		o.kind, step, o.org = "unpack", "unpacking", coop
		full := m.live(func(_ string, v *mObj) bool { return len(v.children) > 0 })
		parent := sscc(1 + r.IntN(poolContainers))
		if len(full) > 0 && r.IntN(10) < 8 {
			parent = pick(r, full)
		}
		body = map[string]any{"type": "AggregationEvent", "action": "DELETE", "parent_id": parent, "event_time": when}
		if p := m.objs[parent]; p != nil && len(p.children) > 0 && r.IntN(2) == 0 {
			epcs = m.some(r, p.children, min(n, len(p.children)), func() string { return m.anyItem(r) })
			body["child_epcs"] = epcs
		}
	case x < 52:
		o.kind, step = "ship", "shipping"
		o.org = pick(r, []string{coop, logistics, wholesale, market, regulator})
		epcs = m.some(r, m.live(func(_ string, v *mObj) bool { return v.shipTo == "" }), n, func() string { return m.anyObj(r) })
		body["destination_list"] = []map[string]any{{"type": pick(r, []string{"owning_party", "possessing_party"}), "destination": pick(r, []string{logistics, market, wholesale})}}
	case x < 66:
		o.kind, step = "receive", "receiving"
		pending := m.live(func(_ string, v *mObj) bool { return v.shipTo != "" })
		epcs = m.some(r, pending, 1+r.IntN(2), func() string { return m.anyObj(r) })
		o.org = pick(r, []string{logistics, market, wholesale, coop})
		if v := m.objs[epcs[0]]; v != nil && v.shipTo != "" && r.IntN(10) < 7 {
			o.org = v.shipTo
		}
	case x < 72:
		o.kind, step = "sell", "retail_selling"
		o.org = pick(r, []string{market, market, market, wholesale})
		epcs = m.some(r, m.live(func(k string, v *mObj) bool { return !v.container && !v.sold }), 1, func() string { return m.anyItem(r) })
	case x < 77:
		o.kind, step = "destroy", pick(r, []string{"destroying", "decommissioning"})
		o.org = pick(r, []string{regulator, coop, logistics, juicer})
		epcs = m.some(r, m.live(nil), 1, func() string { return m.anyObj(r) })
		if r.IntN(2) == 0 {
			body["action"] = "DELETE"
		}
	case x < 90:
		o.action, o.kind, o.org = "record_scans", "scans", pick(r, modelOrgs)
		var ss []map[string]any
		for range 1 + r.IntN(5) {
			epc := m.anyItem(r)
			ss = append(ss, map[string]any{"epc": epc, "time": when, "location": pick(r, []string{"", "上海", "苏州"}), "device": device(r.IntN(4))})
			if m.objs[epc] != nil {
				o.recorded++
				o.scanned = append(o.scanned, epc)
			} else {
				o.skipped++
			}
		}
		o.body = scans(ss...)
		return o
	case x < 95:
		o.kind, step = "transform", "transforming"
		o.org = pick(r, []string{juicer, juicer, juicer, market})
		pears := m.live(func(k string, v *mObj) bool { return !v.container && v.owner == coop })
		in := m.some(r, pears, 1+r.IntN(2), func() string { return m.anyItem(r) })
		if r.IntN(3) == 0 {
			in = append(in, pearLot2)
		}
		var out []string
		if r.IntN(3) == 0 {
			out = []string{juiceLot}
		} else {
			out = m.some(r, nil, 1+r.IntN(2), func() string { return juice(r.IntN(40)) })
		}
		body = map[string]any{"type": "TransformationEvent", "input_epc_list": in, "output_epc_list": out, "event_time": when}
		if out[0] != juiceLot {
			body["lot"] = juiceLot
		}
	default:
		o.kind, step = "observe", pick(r, []string{"storing", "inspecting"})
		o.org = pick(r, modelOrgs)
		epcs = m.some(r, m.live(nil), 1, func() string { return m.anyObj(r) })
	}
	body["biz_step"] = step
	if body["type"] == "ObjectEvent" {
		body["epc_list"] = epcs
	}
	future := r.IntN(40) == 0
	if future {
		body["event_time"] = now.Add(time.Hour).Format(time.RFC3339)
	}
	o.body = body
	switch {
	case !role.Any(m.roles[o.org], []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector, traceapi.Alliance}):
		o.want, o.roleRefused = errcode.Unauthorized, true
	case future:
		o.want = errcode.RuleViolation
	case !role.Any(m.roles[o.org], trace.StepRoles(step)):
		o.want = errcode.Unauthorized
	default:
		saved := m.clone()
		o.want = m.apply(o.org, o.kind, body, epcs)
		if o.want != errcode.OK {
			m.objs = saved
		}
	}
	return o
}

// liveCode is the handler's check of an object an event names.
func (m *model) liveCode(epc string) (*mObj, errcode.Code) {
	v := m.objs[epc]
	if v == nil || v.ended {
		return nil, errcode.RuleViolation
	}
	return v, errcode.OK
}

func (m *model) release(epc string) {
	v := m.objs[epc]
	if v.parent == "" {
		return
	}
	p := m.objs[v.parent]
	p.children = slices.DeleteFunc(p.children, func(s string) bool { return s == epc })
	v.parent = ""
}

// apply predicts an event's code, changing the model as the chain would
// (the caller restores it when the event fails).
func (m *model) apply(org, kind string, body map[string]any, epcs []string) errcode.Code {
	switch kind {
	case "commission":
		for _, e := range epcs {
			if m.objs[e] != nil {
				return errcode.Conflict
			}
			m.objs[e] = &mObj{owner: coop}
		}
		return errcode.OK
	case "transform":
		for _, e := range body["input_epc_list"].([]string) {
			if e == pearLot2 {
				continue
			}
			v, code := m.liveCode(e)
			if code != errcode.OK {
				return code
			}
			if len(v.children) > 0 {
				return errcode.RuleViolation
			}
			m.release(e)
			v.ended = true
		}
		for _, e := range body["output_epc_list"].([]string) {
			if e == juiceLot {
				continue
			}
			if m.objs[e] != nil {
				return errcode.Conflict
			}
			m.objs[e] = &mObj{owner: juicer}
		}
		return errcode.OK
	case "pack":
		parent := body["parent_id"].(string)
		p := m.objs[parent]
		if p == nil {
			p = &mObj{container: true, owner: org}
			m.objs[parent] = p
		} else if p.ended {
			return errcode.RuleViolation
		}
		for _, e := range epcs {
			c, code := m.liveCode(e)
			if code != errcode.OK {
				return code
			}
			if c.parent != "" {
				return errcode.Conflict
			}
			for a := parent; a != ""; a = m.objs[a].parent {
				if a == e {
					return errcode.RuleViolation
				}
			}
			c.parent = parent
			p.children = append(p.children, e)
			slices.Sort(p.children)
		}
		return errcode.OK
	case "unpack":
		parent := body["parent_id"].(string)
		p, code := m.liveCode(parent)
		if code != errcode.OK {
			return code
		}
		if len(epcs) == 0 {
			if len(p.children) == 0 {
				return errcode.RuleViolation
			}
			epcs = slices.Clone(p.children)
		}
		for _, e := range epcs {
			c, code := m.liveCode(e)
			if code != errcode.OK {
				return code
			}
			if c.parent != parent {
				return errcode.RuleViolation
			}
			m.release(e)
		}
		return errcode.OK
	}
	to := ""
	if dl, ok := body["destination_list"].([]map[string]any); ok {
		to = dl[0]["destination"].(string)
	}
	for _, e := range epcs {
		v, code := m.liveCode(e)
		if code != errcode.OK {
			return code
		}
		switch kind {
		case "ship":
			if v.shipTo != "" {
				return errcode.RuleViolation
			}
			v.shipTo = to
		case "receive":
			if v.shipTo != org {
				return errcode.RuleViolation // nothing waiting, or waiting for another organisation
			}
			v.shipTo = ""
		case "sell":
			if v.sold {
				return errcode.RuleViolation
			}
			v.sold = true
		case "destroy":
			if org != regulator && v.owner != org {
				return errcode.Unauthorized
			}
			if len(v.children) > 0 {
				return errcode.RuleViolation
			}
			m.release(e)
			v.ended = true
		}
	}
	return errcode.OK
}

func TestModel(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { runModel(t, seed, 40, 30) })
	}
}

func runModel(t *testing.T, seed uint64, blocks, perBlock int) {
	c := newChain(t)
	setup(t, c)
	m := &model{roles: map[string][]role.Role{}, objs: map[string]*mObj{}, scans: map[string]int64{}}
	for _, o := range consortium() {
		m.roles[o.ID] = o.Roles
	}
	r := rand.New(rand.NewPCG(seed, seed*7919))
	counts := testchain.Tally{}
	totalScans := int64(0)
	for range blocks {
		now := c.Time.Add(time.Second) // the next block's time
		var ops []*mop
		var txs [][]byte
		for range perBlock {
			o := m.gen(r, now)
			sign := c.Sign
			if o.roleRefused {
				sign = c.SignUnconsumed
			}
			ops = append(ops, o)
			txs = append(txs, sign(admin(c, o.org), "trace", o.action, o.body))
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			if got != o.want {
				t.Fatalf("height %d tx %d: %s by %s %s: code %s (%s), model says %s", c.Height, i, o.kind, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
			counts.Add(o.kind, got)
			if got != errcode.OK {
				continue
			}
			ans := testchain.Result(t, res[i])
			if o.kind == "scans" {
				if ans["recorded"] != float64(o.recorded) || ans["skipped"] != float64(o.skipped) {
					t.Fatalf("height %d tx %d: scans answered %v, model says %d/%d", c.Height, i, ans, o.recorded, o.skipped)
				}
				for _, epc := range o.scanned {
					m.scans[epc]++
				}
				totalScans += int64(o.recorded)
			} else if id, _ := ans["event_id"].(string); len(id) != 24 {
				t.Fatalf("height %d tx %d: answer %v", c.Height, i, ans)
			}
		}
		checkInvariants(t, c, m, totalScans)
	}
	total, ok, report := counts.Check(t, 10, 45)
	t.Logf("%d txs, %d ok (%d%%), %d scans recorded\n%s", total, ok, 100*ok/total, totalScans, report)
}

// checkInvariants reads the whole trace state and checks it.
func checkInvariants(t *testing.T, c *testchain.Chain, m *model, totalScans int64) {
	t.Helper()
	st := testchain.Snapshot(t, c, "trace/")
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("height %d: "+format, append([]any{c.Height}, args...)...)
	}
	objs := map[string]trace.Object{}
	events := map[string]trace.Event{}
	sums := map[string]trace.ScanSummary{}
	idx := map[string][]string{} // id -> event positions, in key order
	var lotItems, clientIDs, xputs []string
	for _, k := range slices.Sorted(maps.Keys(st)) {
		v := []byte(st[k])
		switch {
		case strings.HasPrefix(k, "trace/obj/"):
			var o trace.Object
			if err := json.Unmarshal(v, &o); err != nil || "trace/obj"+o.EPC != k {
				fail("object %s = %s (%v)", k, v, err)
			}
			objs[o.EPC] = o
		case strings.HasPrefix(k, "trace/event/"):
			var e trace.Event
			if err := json.Unmarshal(v, &e); err != nil || "trace/event/"+e.ID != k {
				fail("event %s = %s (%v)", k, v, err)
			}
			events[e.ID] = e
		case strings.HasPrefix(k, "trace/scans/"):
			var s trace.ScanSummary
			if err := json.Unmarshal(v, &s); err != nil || "trace/scans"+s.EPC != k {
				fail("scans %s = %s (%v)", k, v, err)
			}
			sums[s.EPC] = s
		case strings.HasPrefix(k, "trace/evidx/"):
			i := strings.LastIndexByte(k, '/')
			id := k[len("trace/evidx"):i]
			idx[id] = append(idx[id], k[i+1:])
		case strings.HasPrefix(k, "trace/lotitem/"):
			lotItems = append(lotItems, k)
		case strings.HasPrefix(k, "trace/clientid/"):
			clientIDs = append(clientIDs, k)
		case strings.HasPrefix(k, "trace/input/"), strings.HasPrefix(k, "trace/output/"):
			xputs = append(xputs, k)
		case k == "trace/seq", strings.HasPrefix(k, "trace/product/"), strings.HasPrefix(k, "trace/lot/"), strings.HasPrefix(k, "trace/loc/"):
		default:
			fail("unexpected key %s", k)
		}
	}
	// Every indexed key resolves to an event that names the identifier
	// (or, for an unpacking of everything, its parent).
	for id, list := range idx {
		for _, pos := range list {
			e, ok := events[pos]
			if !ok {
				fail("index %s/%s: no such event", id, pos)
			}
			names := slices.Concat([]string{e.ParentID}, e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList)
			if !slices.Contains(names, id) && !(e.Type == trace.AggregationEvent && len(e.ChildEPCs) == 0) {
				fail("index %s/%s: event %+v does not name it", id, pos, e)
			}
		}
	}
	for _, k := range lotItems {
		ok := false
		for _, lot := range []string{pearLot, juiceLot} {
			if rest, found := strings.CutPrefix(k, "trace/lotitem"+lot+"/"); found {
				o, exists := objs["/"+rest]
				ok = exists && o.Lot == lot
			}
		}
		if !ok {
			fail("%s does not resolve", k)
		}
	}
	for _, k := range clientIDs {
		if _, ok := events[st[k]]; !ok {
			fail("%s -> %s does not resolve", k, st[k])
		}
	}
	for _, k := range xputs {
		kind, rest, _ := strings.Cut(strings.TrimPrefix(k, "trace/"), "/")
		i := strings.LastIndexByte(rest, '/')
		id, pos := "/"+rest[:i], rest[i+1:]
		e, ok := events[pos]
		list := e.InputEPCList
		if kind == "output" {
			list = e.OutputEPCList
		}
		if !ok || e.Type != trace.TransformationEvent || !slices.Contains(list, id) {
			fail("%s does not resolve", k)
		}
	}
	inParent := map[string]string{}
	for epc, o := range objs {
		list := idx[epc]
		// Commissioning is unique and first; nothing follows the end.
		if len(list) == 0 || list[0] != o.Commissioned || int64(len(list)) != o.Events {
			fail("%s: commissioned by %s, %d events counted, index %v", epc, o.Commissioned, o.Events, list)
		}
		for _, pos := range list[1:] {
			if e := events[pos]; e.BizStep == "commissioning" {
				fail("%s commissioned again in %s", epc, pos)
			}
		}
		if o.Destroyed && list[len(list)-1] != o.EndEvent {
			fail("%s ended in %s but has later events %v", epc, o.EndEvent, list)
		}
		if o.Destroyed && (o.Parent != "" || len(o.Children) != 0) {
			fail("ended %s still packed: %+v", epc, o)
		}
		// No item in two parents: the parent and child records agree.
		if !slices.IsSorted(o.Children) {
			fail("%s children not sorted", epc)
		}
		for _, ch := range o.Children {
			if prev, ok := inParent[ch]; ok {
				fail("%s is in %s and %s", ch, prev, epc)
			}
			inParent[ch] = epc
			if objs[ch].Parent != epc {
				fail("%s lists %s, whose parent is %q", epc, ch, objs[ch].Parent)
			}
		}
		if o.Parent != "" && !slices.Contains(objs[o.Parent].Children, epc) {
			fail("%s names parent %s, which does not list it", epc, o.Parent)
		}
		// The model agrees.
		mo := m.objs[epc]
		if mo == nil || mo.parent != o.Parent || !slices.Equal(mo.children, o.Children) || mo.ended != o.Destroyed || mo.sold != o.Sold ||
			(mo.shipTo != "") != (o.Shipment != nil) {
			fail("%s = %+v, model %+v", epc, o, mo)
		}
	}
	if len(objs) != len(m.objs) {
		fail("%d objects, model %d", len(objs), len(m.objs))
	}
	// Scan counts equal the recorded scans.
	var sum int64
	for epc, s := range sums {
		if _, ok := objs[epc]; !ok {
			fail("scans of unknown %s", epc)
		}
		if s.Count != m.scans[epc] || len(s.Last) > trace.LastScansKept || len(s.Devices) > trace.DistinctKept {
			fail("%s: %d scans, model %d", epc, s.Count, m.scans[epc])
		}
		sum += s.Count
	}
	if sum != totalScans {
		fail("%d scans in summaries, %d recorded", sum, totalScans)
	}
	// The queries read the same state (every few blocks: journeys are
	// the expensive part).
	if c.Height%5 != 0 {
		return
	}
	v := c.View()
	for _, epc := range slices.Sorted(maps.Keys(objs)) {
		if _, err := trace.Journey(v, epc); err != nil {
			fail("journey of %s: %v", epc, err)
		}
	}
}
