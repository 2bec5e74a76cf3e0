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

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trace"
)

// The model-based test drives random commissionings, packings,
// unpackings, shipments, receipts, voided shipments, sales, destructions,
// transformations, observations and scan batches by random organisations
// (with and without the roles, holding the goods or not) through real
// blocks. A model predicts every transaction's code, custody included;
// after every block the whole trace state is read back and checked against
// the module's invariants and the model.

type mObj struct {
	creator   string // the container's creator, the item's producer
	custodian string // top-level objects; "" while packed or once sold
	owner     string // likewise
	newOwner  string // the pending shipment's new owner
	container bool
	parent    string
	children  []string // sorted
	shipTo    string   // pending shipment's receiver, "" when none
	shipFrom  string
	sold      bool
	ended     bool
}

type model struct {
	roles map[string][]role.Role
	objs  map[string]*mObj // commissioned items and created containers
	scans map[string]int64 // recorded scans per item
	seq   int              // event ids and scan devices
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

var debugModel = false

const (
	poolItems      = 40 // pear(0..39) may be commissioned; pear(40..44) never are
	poolContainers = 10
)

var modelOrgs = []string{coop, juicer, logistics, market, wholesale, regulator, inspector, bank}

// containers are the containers the model packs into: the cooperative's
// and the carrier's.
func containers() []string {
	var out []string
	for i := 1; i <= poolContainers; i++ {
		out = append(out, sscc(i), ssccOf(logistics, i))
	}
	return out
}

// containerOwner is the organisation whose prefix a container is under.
func containerOwner(epc string) string {
	if strings.Contains(epc, prefixes[logistics]) {
		return logistics
	}
	return coop
}

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

// root is the outermost container an object is in.
func (m *model) root(epc string) *mObj {
	o := m.objs[epc]
	for o.parent != "" {
		o = m.objs[o.parent]
	}
	return o
}

// holder is who holds an object: its outermost container's custodian.
func (m *model) holder(epc string) string { return m.root(epc).custodian }

// owner is who owns an object: its outermost container's owner.
func (m *model) owner(epc string) string { return m.root(epc).owner }

// holder2 is holder for an object that may not exist.
func (m *model) holder2(epc string) string {
	if m.objs[epc] == nil {
		return ""
	}
	return m.holder(epc)
}

func (m *model) anyItem(r *rand.Rand) string { return pear(r.IntN(poolItems + 5)) }
func (m *model) anyObj(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return pick(r, containers())
	}
	return m.anyItem(r)
}

// some picks n distinct identifiers, mostly from good, else anything.
func (m *model) some(r *rand.Rand, good []string, n int, bad func() string) []string {
	var out []string
	for len(out) < n {
		var s string
		if len(good) > 0 && r.IntN(20) < 19 {
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

// holderOf picks an organisation holding some object that passes filter
// (mostly), else one of orgs.
func (m *model) holderOf(r *rand.Rand, orgs []string, filter func(string, *mObj) bool) string {
	held := m.live(func(k string, v *mObj) bool {
		h := m.holder(k)
		return h != "" && !v.sold && slices.Contains(orgs, h) && (filter == nil || filter(k, v))
	})
	if len(held) > 0 && r.IntN(10) < 8 {
		return m.holder(pick(r, held))
	}
	return pick(r, orgs)
}

// heldBy picks objects org holds (or anything, sometimes).
func (m *model) heldBy(r *rand.Rand, org string, n int, filter func(string, *mObj) bool) []string {
	good := m.live(func(k string, v *mObj) bool {
		return m.holder(k) == org && (filter == nil || filter(k, v))
	})
	return m.some(r, good, n, func() string { return m.anyObj(r) })
}

func (m *model) gen(r *rand.Rand, now time.Time) *mop {
	o := &mop{action: "capture"}
	m.seq++
	when := now.Add(-time.Second).Format(time.RFC3339)
	n := 1 + r.IntN(3)
	var step string
	var epcs []string
	body := map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "event_time": when, "event_id": fmt.Sprintf("urn:model:%d", m.seq)}
	movers := []string{coop, logistics, wholesale, market}
	switch x := r.IntN(100); {
	case x < 12 && (len(m.objs) < poolItems || r.IntN(4) == 0):
		o.kind, step, o.org = "commission", "commissioning", pick(r, []string{coop, coop, coop, juicer})
		var fresh []string
		for i := range poolItems {
			if m.objs[pear(i)] == nil {
				fresh = append(fresh, pear(i))
			}
		}
		epcs = m.some(r, fresh, n, func() string { return pear(r.IntN(poolItems)) })
		body["action"], body["lot"] = "ADD", pearLot
	case x < 24:
		o.kind, step = "pack", "packing"
		free := func(_ string, v *mObj) bool { return v.parent == "" && v.shipTo == "" }
		o.org = m.holderOf(r, []string{coop, logistics, market}, free)
		parent := pick(r, containers())
		if r.IntN(10) < 9 {
			usable := slices.DeleteFunc(containers(), func(c string) bool {
				v := m.objs[c]
				if v == nil {
					return containerOwner(c) != o.org
				}
				return v.ended || m.holder(c) != o.org || m.root(c).shipTo != ""
			})
			if len(usable) > 0 {
				parent = pick(r, usable)
			}
		}
		epcs = m.heldBy(r, o.org, n, func(k string, v *mObj) bool { return v.parent == "" && v.shipTo == "" && k != parent })
		if i := slices.Index(epcs, parent); i >= 0 {
			epcs = slices.Delete(epcs, i, i+1)
			if len(epcs) == 0 {
				epcs = []string{pear(0)}
			}
		}
		body = map[string]any{"type": "AggregationEvent", "action": "ADD", "parent_id": parent, "child_epcs": epcs, "event_time": when, "event_id": body["event_id"]}
	case x < 31:
		o.kind, step = "unpack", "unpacking"
		o.org = m.holderOf(r, movers, func(_ string, v *mObj) bool { return len(v.children) > 0 })
		full := m.live(func(k string, v *mObj) bool { return len(v.children) > 0 && m.holder(k) == o.org })
		parent := pick(r, containers())
		if len(full) > 0 && r.IntN(10) < 8 {
			parent = pick(r, full)
		}
		body = map[string]any{"type": "AggregationEvent", "action": "DELETE", "parent_id": parent, "event_time": when, "event_id": body["event_id"]}
		if p := m.objs[parent]; p != nil && len(p.children) > 0 && r.IntN(2) == 0 {
			epcs = m.some(r, p.children, min(n, len(p.children)), func() string { return m.anyItem(r) })
			body["child_epcs"] = epcs
		}
	case x < 45:
		o.kind, step = "ship", "shipping"
		free := func(_ string, v *mObj) bool { return v.parent == "" && v.shipTo == "" }
		o.org = m.holderOf(r, append(slices.Clone(movers), regulator, juicer), free)
		epcs = m.heldBy(r, o.org, n, free)
		to := pick(r, []string{logistics, market, market, wholesale, juicer, juicer, coop})
		// Ownership passes only from the owner; now and then a carrier
		// tries to pass it on (refused).
		typ := pick(r, []string{"owning_party", "possessing_party"})
		if len(epcs) > 0 && m.objs[epcs[0]] != nil && m.owner(epcs[0]) != o.org && r.IntN(6) > 0 {
			typ = "possessing_party"
		}
		body["destination_list"] = []map[string]any{{"type": typ, "destination": to}}
	case x < 56:
		o.kind, step = "receive", "receiving"
		pending := m.live(func(_ string, v *mObj) bool { return v.shipTo != "" })
		epcs = m.some(r, pending, 1+r.IntN(2), func() string { return m.anyObj(r) })
		o.org = pick(r, movers)
		if v := m.objs[epcs[0]]; v != nil && v.shipTo != "" && r.IntN(10) < 7 {
			o.org = v.shipTo
			if r.IntN(5) == 0 {
				o.org = v.shipFrom // takes it back
			}
		}
	case x < 60:
		o.kind, step = "void", "void_shipping"
		pending := m.live(func(_ string, v *mObj) bool { return v.shipTo != "" })
		epcs = m.some(r, pending, 1, func() string { return m.anyObj(r) })
		o.org = pick(r, movers)
		if v := m.objs[epcs[0]]; v != nil && v.shipFrom != "" && r.IntN(10) < 7 {
			o.org = v.shipFrom
		}
	case x < 66:
		o.kind, step = "sell", "retail_selling"
		sellable := func(_ string, v *mObj) bool { return !v.container && v.parent == "" && v.shipTo == "" }
		o.org = m.holderOf(r, []string{market, market, market, market, wholesale}, sellable)
		epcs = m.heldBy(r, o.org, 1, sellable)
	case x < 71:
		o.kind, step = "destroy", pick(r, []string{"destroying", "decommissioning"})
		o.org = m.holderOf(r, append(slices.Clone(movers), regulator, juicer), nil)
		epcs = m.heldBy(r, o.org, 1, nil)
		if r.IntN(2) == 0 {
			body["action"] = "DELETE"
		}
	case x < 81:
		o.action, o.kind = "record_scans", "scans"
		var ss []map[string]any
		for range 1 + r.IntN(5) {
			epc := m.anyItem(r)
			m.seq++
			ss = append(ss, map[string]any{"epc": epc, "time": when, "city": pick(r, []string{"", shanghai, suzhouJS}), "device": device(m.seq), "net": net(m.seq % 7)})
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
		o.org = m.holderOf(r, []string{juicer, juicer, juicer, juicer, juicer, market, coop}, func(_ string, v *mObj) bool { return !v.container && v.shipTo == "" })
		in := m.heldBy(r, o.org, 1+r.IntN(2), func(k string, v *mObj) bool { return !v.container && v.shipTo == "" && len(v.children) == 0 })
		var out []string
		if r.IntN(3) == 0 {
			out = []string{juiceLot}
		} else {
			out = m.some(r, nil, 1+r.IntN(2), func() string {
				for {
					if j := juice(r.IntN(40)); !slices.Contains(in, j) {
						return j
					}
				}
			})
		}
		body = map[string]any{"type": "TransformationEvent", "input_epc_list": in, "output_epc_list": out, "event_time": when, "event_id": body["event_id"]}
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
	case !role.Any(m.roles[o.org], trace.StepRoles("")):
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

// liveObj is the handler's load of an object an event names: a container
// that does not exist yet comes into being for its prefix's owner.
func (m *model) liveObj(epc, org string) (*mObj, errcode.Code) {
	v := m.objs[epc]
	if v == nil {
		if strings.HasPrefix(epc, "/00/") {
			if containerOwner(epc) != org {
				return nil, errcode.Unauthorized
			}
			v = &mObj{container: true, creator: org, custodian: org, owner: org}
			m.objs[epc] = v
			return v, errcode.OK
		}
		return nil, errcode.RuleViolation
	}
	if v.ended {
		return nil, errcode.RuleViolation
	}
	return v, errcode.OK
}

// custody is the handler's custodian check.
func (m *model) custody(epc, org string) errcode.Code {
	v, root := m.objs[epc], m.root(epc)
	switch {
	case v.sold || root.sold:
		return errcode.RuleViolation
	case root.custodian != org:
		return errcode.Unauthorized
	case root.shipTo != "":
		return errcode.RuleViolation
	}
	return errcode.OK
}

func (m *model) release(epc string) {
	v := m.objs[epc]
	if v.parent == "" {
		return
	}
	holder, owner := m.holder(epc), m.owner(epc)
	p := m.objs[v.parent]
	p.children = slices.DeleteFunc(p.children, func(s string) bool { return s == epc })
	v.parent, v.custodian, v.owner = "", holder, owner
}

func (m *model) end(epc, org string) errcode.Code {
	if code := m.custody(epc, org); code != errcode.OK {
		return code
	}
	v := m.objs[epc]
	if len(v.children) > 0 {
		return errcode.RuleViolation
	}
	m.release(epc)
	v.ended = true
	return errcode.OK
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
			if org != coop {
				return errcode.Unauthorized
			}
			m.objs[e] = &mObj{creator: coop, custodian: coop, owner: coop}
		}
		return errcode.OK
	case "transform":
		for _, e := range body["input_epc_list"].([]string) {
			if _, code := m.liveObj(e, org); code != errcode.OK {
				return code
			}
			if code := m.end(e, org); code != errcode.OK {
				return code
			}
		}
		for _, e := range body["output_epc_list"].([]string) {
			if e == juiceLot {
				if org != juicer {
					return errcode.Unauthorized
				}
				continue
			}
			if m.objs[e] != nil {
				return errcode.Conflict
			}
			if org != juicer {
				return errcode.Unauthorized
			}
			m.objs[e] = &mObj{creator: juicer, custodian: juicer, owner: juicer}
		}
		return errcode.OK
	case "pack":
		parent := body["parent_id"].(string)
		existed := m.objs[parent] != nil
		p, code := m.liveObj(parent, org)
		if code != errcode.OK {
			return code
		}
		if existed {
			if code := m.custody(parent, org); code != errcode.OK {
				return code
			}
		}
		for _, e := range epcs {
			c, code := m.liveObj(e, org)
			if code != errcode.OK {
				return code
			}
			if c.parent != "" {
				return errcode.Conflict
			}
			if code := m.custody(e, org); code != errcode.OK {
				return code
			}
			for a := parent; a != ""; a = m.objs[a].parent {
				if a == e {
					return errcode.RuleViolation
				}
			}
			c.parent, c.custodian, c.owner = parent, "", ""
			p.children = append(p.children, e)
			slices.Sort(p.children)
		}
		return errcode.OK
	case "unpack":
		parent := body["parent_id"].(string)
		p, code := m.liveObj(parent, org)
		if code != errcode.OK {
			return code
		}
		if code := m.custody(parent, org); code != errcode.OK {
			return code
		}
		if len(epcs) == 0 {
			if len(p.children) == 0 {
				return errcode.RuleViolation
			}
			epcs = slices.Clone(p.children)
		}
		for _, e := range epcs {
			c, code := m.liveObj(e, org)
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
	to, toType := "", ""
	if dl, ok := body["destination_list"].([]map[string]any); ok {
		to, toType = dl[0]["destination"].(string), dl[0]["type"].(string)
	}
	for _, e := range epcs {
		v, code := m.liveObj(e, org)
		if code != errcode.OK {
			return code
		}
		switch kind {
		case "ship":
			if code := m.custody(e, org); code != errcode.OK {
				return code
			}
			if v.parent != "" || to == org {
				return errcode.RuleViolation
			}
			newOwner := ""
			if toType == "owning_party" {
				newOwner = to
			}
			if newOwner != "" && newOwner != v.owner && v.owner != "" && v.owner != org {
				return errcode.Unauthorized // a carrier delivers; only the owner sells on
			}
			v.shipTo, v.shipFrom, v.newOwner = to, org, newOwner
		case "receive":
			switch {
			case v.shipTo == "":
				return errcode.RuleViolation
			case v.shipTo == org:
				v.custodian = org
				if v.newOwner != "" {
					v.owner = v.newOwner
				}
			case v.shipFrom == org:
			default:
				return errcode.RuleViolation
			}
			v.shipTo, v.shipFrom, v.newOwner = "", "", ""
		case "void":
			if v.shipTo == "" {
				return errcode.RuleViolation
			}
			if v.shipFrom != org {
				return errcode.Unauthorized
			}
			v.shipTo, v.shipFrom, v.newOwner = "", "", ""
		case "sell":
			if code := m.custody(e, org); code != errcode.OK {
				return code
			}
			if v.parent != "" {
				return errcode.RuleViolation
			}
			v.sold, v.custodian, v.owner = true, "", ""
		case "destroy":
			if code := m.end(e, org); code != errcode.OK {
				return code
			}
		}
	}
	return errcode.OK
}

func TestModel(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, rules := range []int{2, 1} {
		for _, seed := range seeds {
			t.Run(fmt.Sprint("rules ", rules, " seed ", seed), func(t *testing.T) { runModel(t, rules, seed, 40, 30) })
		}
	}
}

// runModel runs the model on a chain of the given rule set: the answers
// and the invariants are the same in both (rule set 2 keeps the event
// index in the node's local index, ADR 0028).
func runModel(t *testing.T, rules int, seed uint64, blocks, perBlock int) {
	c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium(), Time: genesis,
		Genesis: map[string]any{"trace": trace.Genesis{Rules: rules}}})
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
			if o.action == "record_scans" {
				o.org = coop
			}
			key := admin(c, o.org)
			if o.action == "record_scans" {
				key = operator(c)
			}
			sign := c.Sign
			if o.roleRefused {
				sign = c.SignUnconsumed
			}
			ops = append(ops, o)
			txs = append(txs, sign(key, "trace", o.action, o.body))
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			if got != o.want {
				t.Fatalf("height %d tx %d: %s by %s %s: code %s (%s), model says %s", c.Height, i, o.kind, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
			counts.Add(o.kind, got)
			if got != errcode.OK {
				if debugModel && (o.kind == "pack" || o.kind == "transform" || o.kind == "sell") {
					t.Logf("%s by %s: %s", o.kind, o.org, res[i].Log)
				}
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
		checkInvariants(t, c, m, totalScans, rules)
	}
	// Custody refuses much of what random organisations try: 35 % of
	// successes still drive every kind of action at least ten times.
	total, ok, report := counts.Check(t, 10, 35)
	t.Logf("%d txs, %d ok (%d%%), %d scans recorded\n%s", total, ok, 100*ok/total, totalScans, report)
}

// checkInvariants reads the whole trace state and checks it.
func checkInvariants(t *testing.T, c *testchain.Chain, m *model, totalScans int64, rules int) {
	t.Helper()
	st := testchain.Snapshot(t, c, "trace/")
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("height %d: "+format, append([]any{c.Height}, args...)...)
	}
	// Rule set 2: the event index is the node's; it joins the state's keys
	// here, so the checks below hold it to the same rules. Reindex
	// rebuilds it exactly, and every event record keeps the ids it is
	// indexed under.
	if v, ok := st["trace/rules"]; ok != (rules == 2) || ok && v != "2" {
		fail("trace/rules = %q (present %v) on a chain of rule set %d", v, ok, rules)
	}
	delete(st, "trace/rules")
	local := map[string]string{}
	if err := c.Store.IterateLocalRange([]byte("trace/"), nil, func(k, v []byte) bool {
		local[string(k)] = string(v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	rebuilt := map[string]string{}
	if err := (trace.Module{}).Reindex(c.View(), func(k, v []byte) error {
		rebuilt[string(k)] = string(v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(rebuilt, local) {
		fail("Reindex rebuilt %d entries, the handlers wrote %d; they differ", len(rebuilt), len(local))
	}
	touchedBy := map[string][]string{} // event position -> ids, from the index
	for k, v := range local {
		id, pos, ok := strings.Cut(strings.TrimPrefix(k, "trace/evidx"), "#")
		if rules != 2 || !strings.HasPrefix(k, "trace/evidx/") || !ok || v != "1" {
			fail("local index entry %s = %s on a chain of rule set %d", k, v, rules)
		}
		touchedBy[pos] = append(touchedBy[pos], id)
		if _, dup := st[k]; dup {
			fail("%s is both state and local index", k)
		}
		st[k] = v
	}
	for k, v := range st {
		if !strings.HasPrefix(k, "trace/event/") {
			continue
		}
		var e struct {
			ID      string   `json:"id"`
			Touched []string `json:"touched"`
		}
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			fail("event %s: %v", k, err)
		}
		if rules == 1 && e.Touched != nil {
			fail("event %s of rule set 1 records touched ids %v", k, e.Touched)
		}
		if got := slices.Sorted(slices.Values(touchedBy[e.ID])); rules == 2 && !slices.Equal(slices.Sorted(slices.Values(e.Touched)), got) {
			fail("event %s records touched %v, the index has %v", k, e.Touched, got)
		}
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
			id, pos, ok := strings.Cut(k[len("trace/evidx"):], "#")
			if !ok {
				fail("index key %s", k)
			}
			idx[id] = append(idx[id], pos)
		case strings.HasPrefix(k, "trace/lotitem/"), strings.HasPrefix(k, "trace/proditem/"):
			lotItems = append(lotItems, k)
		case strings.HasPrefix(k, "trace/clientid/"):
			clientIDs = append(clientIDs, k)
		case strings.HasPrefix(k, "trace/input/"), strings.HasPrefix(k, "trace/output/"):
			xputs = append(xputs, k)
		case k == "trace/seq", strings.HasPrefix(k, "trace/product/"), strings.HasPrefix(k, "trace/lot/"), strings.HasPrefix(k, "trace/loc/"),
			strings.HasPrefix(k, "trace/prefix/"), strings.HasPrefix(k, "trace/prefixpart/"), strings.HasPrefix(k, "trace/prodlot/"):
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
				fail("index %s#%s: no such event", id, pos)
			}
			names := slices.Concat([]string{e.ParentID}, e.EPCList, e.ChildEPCs, e.InputEPCList, e.OutputEPCList,
				qClasses(e.QuantityList), qClasses(e.ChildQuantityList), qClasses(e.InputQuantityList), qClasses(e.OutputQuantityList))
			if !slices.Contains(names, id) && !(e.Type == trace.AggregationEvent && len(e.ChildEPCs) == 0) {
				fail("index %s#%s: event %+v does not name it", id, pos, e)
			}
		}
	}
	for _, k := range lotItems {
		holder, epc, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(k, "trace/lotitem"), "trace/proditem"), "#")
		o, exists := objs[epc]
		if !exists || (o.Lot != holder && o.Product != holder) {
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
		id, pos, _ := strings.Cut("/"+rest, "#")
		e, ok := events[pos]
		list := slices.Concat(e.InputEPCList, qClasses(e.InputQuantityList))
		if kind == "output" {
			list = slices.Concat(e.OutputEPCList, qClasses(e.OutputQuantityList))
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
		if o.Destroyed && list[len(list)-1] != o.EndEvent {
			fail("%s ended in %s but has later events %v", epc, o.EndEvent, list)
		}
		if o.Destroyed && (o.Parent != "" || len(o.Children) != 0) {
			fail("ended %s still packed: %+v", epc, o)
		}
		// Custody: a top-level object in the supply chain has a custodian;
		// a packed one takes its container's; a sold one has none.
		switch {
		case o.Sold && (o.Custodian != "" || o.Owner != ""):
			fail("sold %s still held: %+v", epc, o)
		case o.Parent != "" && (o.Custodian != "" || o.Owner != "" || o.Shipment != nil):
			fail("packed %s has its own custody: %+v", epc, o)
		case o.Parent == "" && !o.Sold && o.Custodian == "":
			fail("%s has no custodian: %+v", epc, o)
		}
		if s := o.Shipment; s != nil && (s.From == "" || s.To == "") {
			fail("%s shipment %+v", epc, s)
		}
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
			(mo.shipTo != "") != (o.Shipment != nil) || mo.custodian != o.Custodian || mo.owner != o.Owner {
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
		got, err := trace.EventsOf(v, epc)
		if err != nil || !slices.Equal(got, idx[epc]) {
			fail("EventsOf(%s) = %v (%v), the index has %v", epc, got, err, idx[epc])
		}
	}
	// Half way back, an item's events are those of the index recorded by
	// then: on rule set 2 the node's index also holds the later ones,
	// which EventsOf must leave out.
	half, err := c.Store.At(c.Height / 2)
	if err != nil {
		t.Fatal(err)
	}
	cut := fmt.Sprintf("%016x", c.Height/2+1)
	for _, epc := range slices.Sorted(maps.Keys(objs)) {
		var want []string
		for _, pos := range idx[epc] {
			if pos < cut {
				want = append(want, pos)
			}
		}
		got, err := trace.EventsOf(half, epc)
		if err != nil || !slices.Equal(got, want) {
			fail("EventsOf(%s) at version %d = %v (%v), want %v", epc, c.Height/2, got, err, want)
		}
	}
}

func qClasses(qs []trace.QuantityElement) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.EPCClass)
	}
	return out
}
