package notary_test

import (
	"cmp"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/notary/notaryapi"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/notary"
)

// The model-based test drives random deposits, batches, registrations,
// transfers, licences, court judgments and settlements of disputes by
// random organisations (with and without the roles) through real blocks.
// A model predicts every transaction's code and answer; after every block
// the whole notary state is checked against the module's invariants and
// against what was seen before.

type mEntry struct {
	transfer  bool
	dispute   bool   // a settlement proposed or a dispute resolved
	from, to  string // transfer
	lFrom     string // licence dates
	lUntil    string
	exclusive bool
}

type mWork struct {
	id, sha, registrant, owner, status, conflictsWith string
	log                                               []mEntry
	openDisputes                                      int
	lostTo                                            string
}

// mDispute is the dispute a disputed registration opened.
type mDispute struct {
	work, first string
	open        bool
	// The standing proposal: the prevailing work, its proposer, its seq
	// in the disputed work's log.
	propPrevailing, propBy string
	propSeq                int
}

type mBatch struct {
	id   string
	size int64
}

type model struct {
	roles      map[string][]role.Role
	orgs       []string
	evByDep    map[string]string // org|sha|sm3 -> id
	evIDs      []string
	batches    map[string]mBatch // org|root -> batch
	works      map[string]*mWork
	workIDs    []string
	first      map[string]string    // sha -> first work id
	reg        map[string]string    // org|sha -> work id
	disputes   map[string]*mDispute // by disputed work id
	disputeIDs []string             // in the order opened
}

// op is one generated transaction with its predicted outcome.
type op struct {
	org, action string
	body        any
	want        errcode.Code
	roleRefused bool           // refused by the app before the nonce
	result      map[string]any // expected answer fields when OK
}

var actionRoles = map[string][]role.Role{
	"deposit":            {notaryapi.Depositor, notaryapi.Notary, notaryapi.Court},
	"batch_deposit":      {notaryapi.Depositor, notaryapi.Notary, notaryapi.Court},
	"register_work":      {notaryapi.Depositor, notaryapi.Notary},
	"transfer_work":      {notaryapi.Depositor, notaryapi.Notary},
	"license_work":       {notaryapi.Depositor, notaryapi.Notary},
	"resolve_dispute":    {notaryapi.Court},
	"propose_settlement": {notaryapi.Depositor, notaryapi.Notary},
	"accept_settlement":  {notaryapi.Depositor, notaryapi.Notary},
}

const bogusEV, bogusWK = "EV20250101-00000000000000000000", "WK20250101-00000000000000000000"

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func (m *model) gen(r *rand.Rand, now time.Time) *op {
	o := &op{}
	switch x := r.IntN(100); {
	case x < 22:
		o.action = "deposit"
	case x < 30:
		o.action = "batch_deposit"
	case x < 50:
		o.action = "register_work"
	case x < 63:
		o.action = "transfer_work"
	case x < 83:
		o.action = "license_work"
	case x < 88:
		o.action = "resolve_dispute"
	case x < 94:
		o.action = "propose_settlement"
	default:
		o.action = "accept_settlement"
	}
	// Mostly an organisation that holds a role for the action.
	o.org = pick(r, m.orgs)
	if r.IntN(100) < 85 {
		var able []string
		for _, org := range m.orgs {
			if role.Any(m.roles[org], actionRoles[o.action]) {
				able = append(able, org)
			}
		}
		o.org = pick(r, able)
	}
	switch o.action {
	case "deposit":
		m.genDeposit(r, now, o)
	case "batch_deposit":
		m.genBatch(r, now, o)
	case "register_work":
		m.genRegister(r, now, o)
	case "transfer_work":
		m.genTransfer(r, o)
	case "license_work":
		m.genLicense(r, o)
	default:
		m.genDispute(r, o)
	}
	return o
}

// allowed applies the role check, which the app makes first.
func (m *model) allowed(o *op) bool {
	if !role.Any(m.roles[o.org], actionRoles[o.action]) {
		o.want, o.roleRefused = errcode.Unauthorized, true
		return false
	}
	return true
}

func (m *model) genDeposit(r *rand.Rand, now time.Time, o *op) {
	i := r.IntN(20)
	body := depositOf(i)
	sha, sm := file(i)
	if r.IntN(10) == 0 {
		_, sm = file(r.IntN(20))
		body["sm3"] = sm
	}
	supp := ""
	switch x := r.IntN(100); {
	case x < 25 && len(m.evIDs) > 0:
		supp = pick(r, m.evIDs)
	case x < 30:
		supp = bogusEV
	}
	if supp != "" {
		body["supplements"] = supp
	}
	invalid := r.IntN(12) == 0
	if invalid {
		switch r.IntN(3) {
		case 0:
			body["sha256"] = strings.ToUpper(sha)
		case 1:
			body["evidence_type"] = "rumour"
		default:
			body["size"] = -1
		}
	}
	o.body = body
	switch {
	case !m.allowed(o):
	case invalid:
		o.want = errcode.MalformedBody
	case supp == bogusEV:
		o.want = errcode.NotFound
	default:
		k := o.org + "|" + sha + "|" + sm
		if id, ok := m.evByDep[k]; ok {
			o.result = map[string]any{"evidence_id": id, "existing": true}
			return
		}
		id := notary.EvidenceID(now, o.org, sha, sm)
		m.evByDep[k] = id
		m.evIDs = append(m.evIDs, id)
		o.result = map[string]any{"evidence_id": id, "existing": false}
	}
}

func (m *model) genBatch(r *rand.Rand, now time.Time, o *op) {
	i := r.IntN(6)
	body := batchOf(i)
	size := int64(i + 1)
	if r.IntN(7) == 0 {
		size++
	}
	body["size"] = size
	o.body = body
	if !m.allowed(o) {
		return
	}
	root := body["merkle_root"].(string)
	k := o.org + "|" + root
	if b, ok := m.batches[k]; ok {
		if b.size != size {
			o.want = errcode.Conflict
			return
		}
		o.result = map[string]any{"batch_id": b.id, "existing": true}
		return
	}
	id := notary.BatchID(now, o.org, root)
	m.batches[k] = mBatch{id: id, size: size}
	o.result = map[string]any{"batch_id": id, "existing": false}
}

func (m *model) genRegister(r *rand.Rand, now time.Time, o *op) {
	i := r.IntN(40)
	body := workOf(i)
	sha, _ := file(i)
	today := now.In(time.FixedZone("CST", 8*3600))
	future := false
	switch x := r.IntN(100); {
	case x < 10:
		body["created_on"] = today.Format(time.DateOnly)
	case x < 15:
		body["created_on"] = today.AddDate(0, 0, 1).Format(time.DateOnly)
		future = true
	}
	ev := ""
	switch x := r.IntN(100); {
	case x < 20 && len(m.evIDs) > 0:
		ev = pick(r, m.evIDs)
	case x < 25:
		ev = bogusEV
	}
	if ev != "" {
		body["evidence_id"] = ev
	}
	o.body = body
	switch {
	case !m.allowed(o):
	case future:
		o.want = errcode.RuleViolation
	case ev == bogusEV:
		o.want = errcode.NotFound
	case m.reg[o.org+"|"+sha] != "":
		o.want = errcode.Conflict
	case m.first[sha] != "" && m.works[m.first[sha]].owner == o.org:
		o.want = errcode.Conflict
	default:
		id := notary.WorkID(now, o.org, sha)
		w := &mWork{id: id, sha: sha, registrant: o.org, owner: o.org, status: notary.StatusRegistered}
		if f := m.first[sha]; f != "" {
			w.status, w.conflictsWith, w.openDisputes = notary.StatusDisputed, f, 1
			m.works[f].openDisputes++
			m.disputes[id] = &mDispute{work: id, first: f, open: true}
			m.disputeIDs = append(m.disputeIDs, id)
		} else {
			m.first[sha] = id
		}
		m.works[id] = w
		m.workIDs = append(m.workIDs, id)
		m.reg[o.org+"|"+sha] = id
		o.result = map[string]any{"work_id": id, "status": w.status}
		if w.conflictsWith != "" {
			o.result["conflicts_with"] = w.conflictsWith
		}
	}
}

// target picks a work (sometimes an unknown one) and, mostly, its owner as
// the signer.
func (m *model) target(r *rand.Rand, o *op) *mWork {
	if len(m.workIDs) == 0 || r.IntN(10) == 0 {
		return nil
	}
	w := m.works[pick(r, m.workIDs)]
	if r.IntN(100) < 75 {
		o.org = w.owner
	}
	return w
}

func (m *model) counterparty(r *rand.Rand) string {
	if r.IntN(12) == 0 {
		return "nobody"
	}
	return pick(r, m.orgs)
}

func (m *model) genTransfer(r *rand.Rand, o *op) {
	w := m.target(r, o)
	to := m.counterparty(r)
	id := bogusWK
	if w != nil {
		id = w.id
	}
	o.body = map[string]any{"work_id": id, "to": to, "note": "random transfer"}
	switch {
	case !m.allowed(o):
	case w == nil:
		o.want = errcode.NotFound
	case w.owner != o.org:
		o.want = errcode.Unauthorized
	case w.lostTo != "" || w.openDisputes > 0:
		o.want = errcode.Conflict
	case to == w.owner:
		o.want = errcode.RuleViolation
	case to == "nobody":
		o.want = errcode.NotFound
	default:
		w.log = append(w.log, mEntry{transfer: true, from: w.owner, to: to})
		w.owner = to
		o.result = map[string]any{"work_id": w.id, "seq": float64(len(w.log))}
	}
}

func (m *model) genLicense(r *rand.Rand, o *op) {
	w := m.target(r, o)
	licensee := m.counterparty(r)
	id := bogusWK
	if w != nil {
		id = w.id
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(60))
	from, until := start.Format(time.DateOnly), ""
	if r.IntN(4) != 0 {
		until = start.AddDate(0, 0, r.IntN(20)).Format(time.DateOnly)
	}
	exclusive := r.IntN(2) == 0
	body := map[string]any{"work_id": id, "licensee": licensee, "terms": "随机许可", "from": from, "exclusive": exclusive}
	if until != "" {
		body["until"] = until
	}
	o.body = body
	switch {
	case !m.allowed(o):
	case w == nil:
		o.want = errcode.NotFound
	case w.owner != o.org:
		o.want = errcode.Unauthorized
	case w.lostTo != "" || exclusive && w.openDisputes > 0:
		o.want = errcode.Conflict
	case licensee == w.owner:
		o.want = errcode.RuleViolation
	case licensee == "nobody":
		o.want = errcode.NotFound
	case exclusive && slices.ContainsFunc(w.log, func(e mEntry) bool {
		return !e.transfer && !e.dispute && e.exclusive && (e.lUntil == "" || from <= e.lUntil) && (until == "" || e.lFrom <= until)
	}):
		o.want = errcode.RuleViolation
	default:
		w.log = append(w.log, mEntry{lFrom: from, lUntil: until, exclusive: exclusive})
		o.result = map[string]any{"work_id": w.id, "seq": float64(len(w.log))}
	}
}

// genDispute makes court judgments, settlement proposals and acceptances:
// mostly of an open dispute by the right party, sometimes of a resolved
// one, of a first registration, of an unknown work, by a third party.
func (m *model) genDispute(r *rand.Rand, o *op) {
	var d *mDispute
	id := bogusWK
	var open []string
	for _, x := range m.disputeIDs {
		if d := m.disputes[x]; d.open && (o.action != "accept_settlement" || d.propSeq > 0 || r.IntN(5) == 0) {
			open = append(open, x)
		}
	}
	switch x := r.IntN(100); {
	case x < 75 && len(open) > 0:
		d = m.disputes[pick(r, open)]
	case x < 88 && len(m.disputeIDs) > 0:
		d = m.disputes[pick(r, m.disputeIDs)]
	case x < 94 && len(m.workIDs) > 0:
		id = pick(r, m.workIDs) // perhaps a first registration
	}
	if d != nil {
		id = d.work
	}
	w := m.works[id]
	var dw, fw *mWork
	if d != nil {
		dw, fw = m.works[d.work], m.works[d.first]
	}
	prevailing := id
	if d != nil && r.IntN(2) == 0 {
		prevailing = d.first
	}
	if r.IntN(15) == 0 && len(m.workIDs) > 0 {
		prevailing = pick(r, m.workIDs)
	}
	if d != nil && o.action != "resolve_dispute" && r.IntN(100) < 85 {
		o.org = pick(r, []string{dw.owner, fw.owner})
		if o.action == "accept_settlement" && d.propBy != "" && r.IntN(100) < 85 {
			o.org = map[bool]string{true: fw.owner, false: dw.owner}[d.propBy == dw.owner]
		}
	}
	body := map[string]any{"work_id": id}
	seq := 1
	switch o.action {
	case "resolve_dispute":
		body["prevailing"], body["reference"] = prevailing, "(2026)京0491民初88号"
	case "propose_settlement":
		body["prevailing"], body["terms"] = prevailing, "和解"
	default:
		if d != nil && d.propSeq > 0 {
			seq = d.propSeq
			if r.IntN(10) == 0 {
				seq++ // a stale or unknown proposal
			}
		}
		body["proposal_seq"] = seq
	}
	o.body = body
	if !m.allowed(o) {
		return
	}
	party := d != nil && (o.org == dw.owner || o.org == fw.owner)
	switch {
	case w == nil:
		o.want = errcode.NotFound
		return
	case d == nil:
		if m.disputes[id] == nil {
			o.want = errcode.RuleViolation // a first registration, not a disputed one
			return
		}
		d = m.disputes[id]
		dw, fw = m.works[d.work], m.works[d.first]
		party = o.org == dw.owner || o.org == fw.owner
	}
	if !d.open {
		o.want = errcode.Conflict
		return
	}
	switch o.action {
	case "resolve_dispute":
		if prevailing != d.work && prevailing != d.first {
			o.want = errcode.RuleViolation
			return
		}
		m.resolve(o, d, prevailing)
	case "propose_settlement":
		switch {
		case !party:
			o.want = errcode.Unauthorized
		case prevailing != d.work && prevailing != d.first:
			o.want = errcode.RuleViolation
		default:
			dw.log = append(dw.log, mEntry{dispute: true})
			d.propPrevailing, d.propBy, d.propSeq = prevailing, o.org, len(dw.log)
			o.result = map[string]any{"work_id": d.work, "status": notary.DisputeOpen, "prevailing": prevailing, "seq": float64(d.propSeq)}
		}
	default:
		switch {
		case !party:
			o.want = errcode.Unauthorized
		case d.propSeq == 0, d.propSeq != seq:
			o.want = errcode.Conflict
		case d.propBy == o.org:
			o.want = errcode.Unauthorized
		default:
			m.resolve(o, d, d.propPrevailing)
		}
	}
}

func (m *model) resolve(o *op, d *mDispute, prevailing string) {
	dw, fw := m.works[d.work], m.works[d.first]
	dw.log = append(dw.log, mEntry{dispute: true})
	fw.log = append(fw.log, mEntry{dispute: true})
	d.open, d.propPrevailing, d.propBy, d.propSeq = false, "", "", 0
	dw.openDisputes--
	fw.openDisputes--
	loser, winner := dw, fw
	if prevailing == dw.id {
		loser, winner = fw, dw
	}
	if loser.lostTo == "" {
		loser.lostTo = winner.id
	}
	o.result = map[string]any{"work_id": d.work, "status": notary.DisputeResolved, "prevailing": prevailing, "seq": float64(len(dw.log))}
}

func TestModel(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, layout := range []int{3, 2, 1} {
		for _, seed := range seeds {
			t.Run(fmt.Sprint("layout ", layout, " seed ", seed), func(t *testing.T) { runModel(t, layout, seed, 40, 30) })
		}
	}
}

// runModel runs the model on a chain of the given key layout (ADR 0024):
// the answers and the invariants are the same in all three.
func runModel(t *testing.T, layout int, seed uint64, blocks, perBlock int) {
	orgs := consortium()
	// Start 20 seconds before midnight in China Standard Time, so that the
	// run crosses a date and ids change their day half way.
	c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: orgs, Time: time.Date(2026, 1, 1, 15, 59, 40, 0, time.UTC),
		Genesis: map[string]any{"notary": notary.Genesis{KeyLayout: layout}}})
	m := &model{roles: map[string][]role.Role{}, evByDep: map[string]string{}, batches: map[string]mBatch{},
		works: map[string]*mWork{}, first: map[string]string{}, reg: map[string]string{}, disputes: map[string]*mDispute{}}
	for _, o := range orgs {
		m.roles[o.ID] = o.Roles
		m.orgs = append(m.orgs, o.ID)
	}
	r := rand.New(rand.NewPCG(seed, seed*7919))
	seen := map[string]string{}
	counts := testchain.Tally{}
	var existing, disputed, overlaps, locked int

	for range blocks {
		now := c.Time.Add(time.Second) // the next block's time
		var ops []*op
		var txs [][]byte
		for range perBlock {
			o := m.gen(r, now)
			sign := c.Sign
			if o.roleRefused {
				sign = c.SignUnconsumed
			}
			ops = append(ops, o)
			txs = append(txs, sign(admin(c, o.org), "notary", o.action, o.body))
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			if got != o.want {
				t.Fatalf("height %d tx %d: %s by %s %s: code %s (%s), model says %s", c.Height, i, o.action, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
			counts.Add(o.action, got)
			if got != errcode.OK {
				continue
			}
			ans := testchain.Result(t, res[i])
			for k, v := range o.result {
				if ans[k] != v {
					t.Fatalf("height %d tx %d: %s answered %v, model says %v", c.Height, i, o.action, ans, o.result)
				}
			}
			if len(ans) != len(o.result) {
				t.Fatalf("height %d tx %d: %s answered %v, model says %v", c.Height, i, o.action, ans, o.result)
			}
			if ans["existing"] == true {
				existing++
			}
			if ans["status"] == notary.StatusDisputed {
				disputed++
			}
		}
		for i, o := range ops {
			if o.action == "license_work" && errcode.Code(res[i].Code) == errcode.RuleViolation && strings.Contains(res[i].Log, "exclusive") {
				overlaps++
			}
			if errcode.Code(res[i].Code) == errcode.Conflict && strings.Contains(res[i].Log, "dispute") {
				locked++
			}
		}
		checkInvariants(t, c, m, seen, layout)
	}

	total, ok, report := counts.Check(t, 10, 45)
	t.Logf("%d txs, %d ok (%d%%), %d existing, %d disputed, %d exclusive overlaps, %d refused for a dispute\n%s", total, ok, 100*ok/total, existing, disputed, overlaps, locked, report)
	if existing == 0 || disputed == 0 || overlaps == 0 || locked == 0 {
		t.Errorf("the workload never hit an existing deposit (%d), a dispute (%d), an exclusive overlap (%d) or a work locked by a dispute (%d)", existing, disputed, overlaps, locked)
	}
}

// checkInvariants reads the whole notary state and checks it.
func checkInvariants(t *testing.T, c *testchain.Chain, m *model, seen map[string]string, layout int) {
	t.Helper()
	st := testchain.Snapshot(t, c, "notary/")
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("height %d: "+format, append([]any{c.Height}, args...)...)
	}

	// Nothing written is ever deleted or changed, except a work's owner
	// and dispute standing (a loss, once recorded, stays), its log length
	// (which only grows), and an open dispute (a resolved one stays).
	for k, old := range seen {
		cur, ok := st[k]
		switch {
		case !ok:
			fail("key %s was deleted", k)
		case strings.HasPrefix(k, "notary/work/"):
			var a, b notary.Work
			json.Unmarshal([]byte(old), &a)
			json.Unmarshal([]byte(cur), &b)
			if a.LostTo != "" && b.LostTo != a.LostTo {
				fail("work %s lost to %s, now to %s", k, a.LostTo, b.LostTo)
			}
			a.Owner, b.Owner, a.OpenDisputes, b.OpenDisputes, a.LostTo, b.LostTo = "", "", 0, 0, "", ""
			if testchain.Encode(a) != testchain.Encode(b) {
				fail("work %s changed beyond its owner and dispute standing:\n%s\n%s", k, old, cur)
			}
		case strings.HasPrefix(k, "notary/dispute/"):
			var a, b notary.Dispute
			json.Unmarshal([]byte(old), &a)
			json.Unmarshal([]byte(cur), &b)
			if a.Status == notary.DisputeResolved && cur != old {
				fail("resolved dispute %s changed:\n%s\n%s", k, old, cur)
			}
			a.Status, b.Status, a.Proposal, b.Proposal, a.Resolution, b.Resolution = "", "", nil, nil, nil, nil
			if testchain.Encode(a) != testchain.Encode(b) {
				fail("dispute %s changed beyond its status, proposal and resolution:\n%s\n%s", k, old, cur)
			}
		case strings.HasPrefix(k, "notary/worklen/"):
			x, _ := strconv.ParseUint(old, 10, 64)
			y, _ := strconv.ParseUint(cur, 10, 64)
			if y < x {
				fail("log length %s went from %d to %d", k, x, y)
			}
		case cur != old:
			fail("key %s changed from %s to %s", k, old, cur)
		}
	}
	for k, v := range st {
		seen[k] = v
	}

	ev := map[string]notary.Evidence{}
	batches := map[string]notary.Batch{}
	works := map[string]notary.Work{}
	disputes := map[string]notary.Dispute{}
	logs := map[string][]notary.LogEntry{}
	idx := map[string][]string{} // kind -> keys, for the index checks below
	// Layout 2's file keys hold raw digests: read them by position.
	byFile := map[string]string{} // "<prefix>/<first hex>/<second hex>/<org>" -> id
	// Layout 3's local index: its entries by SM3 join byFile, its
	// organisation lists join the state's keys.
	local := map[string]string{}
	if err := c.Store.IterateLocalRange([]byte("notary/"), nil, func(k, v []byte) bool {
		local[string(k)] = string(v)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if layout != 3 && len(local) > 0 {
		fail("layout %d has %d local index entries", layout, len(local))
	}
	checkReindex(t, c, local)
	for _, k := range slices.Sorted(maps.Keys(local)) {
		switch {
		case strings.HasPrefix(k, "notary/s/"):
		case strings.HasPrefix(k, "notary/orgev/"):
			st[k] = local[k]
			delete(local, k)
		default:
			fail("local index entry %q", k)
		}
	}
	for _, src := range []struct {
		kv      map[string]string
		inState bool
	}{{st, true}, {local, false}} {
		for _, k := range slices.Sorted(maps.Keys(src.kv)) {
			for _, p := range []string{"notary/h/", "notary/s/"} {
				if rest, ok := strings.CutPrefix(k, p); ok {
					wantState := p == "notary/h/" || layout == 2
					if layout == 1 || len(rest) <= 64 || src.inState != wantState {
						fail("file key %q in layout %d (in state %v)", k, layout, src.inState)
					}
					byFile[p+hex.EncodeToString([]byte(rest[:32]))+"/"+hex.EncodeToString([]byte(rest[32:64]))+"/"+rest[64:]] = src.kv[k]
					delete(src.kv, k)
				}
			}
		}
	}
	if v, ok := st["notary/layout"]; ok != (layout != 1) || ok && v != fmt.Sprint(layout) {
		fail("notary/layout = %q (present %v) in layout %d", v, ok, layout)
	}
	delete(st, "notary/layout")
	for _, k := range slices.Sorted(maps.Keys(st)) {
		v := []byte(st[k])
		parts := strings.Split(strings.TrimPrefix(k, "notary/"), "/")
		switch parts[0] {
		case "ev":
			var e notary.Evidence
			if err := json.Unmarshal(v, &e); err != nil || e.ID != parts[1] {
				fail("evidence %s = %s (%v)", k, v, err)
			}
			ev[e.ID] = e
		case "batch":
			var b notary.Batch
			if err := json.Unmarshal(v, &b); err != nil || b.ID != parts[1] {
				fail("batch %s = %s (%v)", k, v, err)
			}
			batches[b.ID] = b
		case "work":
			var w notary.Work
			if err := json.Unmarshal(v, &w); err != nil || w.ID != parts[1] {
				fail("work %s = %s (%v)", k, v, err)
			}
			works[w.ID] = w
		case "dispute":
			var d notary.Dispute
			if err := json.Unmarshal(v, &d); err != nil || d.WorkID != parts[1] {
				fail("dispute %s = %s (%v)", k, v, err)
			}
			disputes[d.WorkID] = d
		case "worklog":
			var e notary.LogEntry
			if err := json.Unmarshal(v, &e); err != nil || e.WorkID != parts[1] || fmt.Sprintf("%016x", e.Seq) != parts[2] {
				fail("log entry %s = %s (%v)", k, v, err)
			}
			logs[e.WorkID] = append(logs[e.WorkID], e) // key order is seq order
		case "dep", "sha256", "sm3", "supp", "orgev", "batchdep", "workhash", "workreg", "conflict", "worklen":
			idx[parts[0]] = append(idx[parts[0]], k)
		default:
			fail("unknown key %s", k)
		}
	}
	part := func(k string, i int) string { return strings.Split(k, "/")[i] }

	// Every indexed id resolves to a record that matches the index.
	for _, k := range idx["orgev"] {
		e, ok := ev[part(k, 4)]
		if !ok || e.Depositor.Org != part(k, 2) || part(k, 3) != fmt.Sprintf("%016x", ^uint64(e.Height)) {
			fail("%s does not resolve to a matching record", k)
		}
	}
	for _, k := range idx["dep"] {
		e, ok := ev[st[k]]
		if !ok || e.Depositor.Org != part(k, 2) || e.SHA256 != part(k, 3) || e.SM3 != part(k, 4) {
			fail("%s -> %s does not resolve to a matching record", k, st[k])
		}
	}
	for _, k := range idx["sha256"] {
		if e, ok := ev[part(k, 3)]; !ok || e.SHA256 != part(k, 2) {
			fail("%s does not resolve", k)
		}
	}
	for _, k := range idx["sm3"] {
		if e, ok := ev[part(k, 3)]; !ok || e.SM3 != part(k, 2) {
			fail("%s does not resolve", k)
		}
	}
	for _, k := range idx["supp"] {
		_, parent := ev[part(k, 2)]
		if child, ok := ev[part(k, 3)]; !ok || !parent || child.Supplements != part(k, 2) {
			fail("%s does not resolve", k)
		}
	}
	for _, k := range idx["batchdep"] {
		if b, ok := batches[st[k]]; !ok || b.Depositor.Org != part(k, 2) || b.MerkleRoot != part(k, 3) {
			fail("%s -> %s does not resolve", k, st[k])
		}
	}
	for _, k := range idx["workhash"] {
		if w, ok := works[st[k]]; !ok || w.SHA256 != part(k, 2) || w.Status != notary.StatusRegistered {
			fail("%s -> %s does not resolve to a registered work", k, st[k])
		}
	}
	for _, k := range idx["workreg"] {
		if w, ok := works[st[k]]; !ok || w.Registrant.Org != part(k, 2) || w.SHA256 != part(k, 3) {
			fail("%s -> %s does not resolve", k, st[k])
		}
	}
	for _, k := range idx["conflict"] {
		f, okf := works[part(k, 2)]
		w, ok := works[part(k, 3)]
		if !ok || !okf || w.ConflictsWith != f.ID || w.Status != notary.StatusDisputed || w.SHA256 != f.SHA256 {
			fail("%s does not resolve", k)
		}
	}
	for _, k := range idx["worklen"] {
		if n, _ := strconv.Atoi(st[k]); n != len(logs[part(k, 2)]) {
			fail("%s = %s, the log has %d entries", k, st[k], len(logs[part(k, 2)]))
		}
	}
	for id := range logs {
		if _, ok := works[id]; !ok {
			fail("log of unknown work %s", id)
		}
	}

	if layout != 1 && len(byFile) != 2*len(ev) {
		fail("%d file keys for %d evidence records", len(byFile), len(ev))
	}
	checkListings(t, c, ev)

	// Every record is indexed.
	for id, e := range ev {
		switch layout {
		case 1:
			if st["notary/dep/"+e.Depositor.Org+"/"+e.SHA256+"/"+e.SM3] != id || st["notary/sha256/"+e.SHA256+"/"+id] != "1" || st["notary/sm3/"+e.SM3+"/"+id] != "1" {
				fail("evidence %s is not fully indexed", id)
			}
		case 2, 3:
			if byFile["notary/h/"+e.SHA256+"/"+e.SM3+"/"+e.Depositor.Org] != id || byFile["notary/s/"+e.SM3+"/"+e.SHA256+"/"+e.Depositor.Org] != id {
				fail("evidence %s is not fully indexed", id)
			}
		}
		if st[fmt.Sprintf("notary/orgev/%s/%016x/%s", e.Depositor.Org, ^uint64(e.Height), id)] != "1" {
			fail("evidence %s is not in its organisation's list", id)
		}
		for _, h := range []string{e.SHA256, e.SM3} {
			found, err := notary.FindEvidence(c.View(), h)
			if err != nil || !slices.ContainsFunc(found, func(f notary.Evidence) bool { return f.ID == id }) {
				fail("evidence %s is not found by its digest %s (%v)", id, h, err)
			}
			for _, f := range found {
				if f.SHA256 != h && f.SM3 != h {
					fail("digest %s found evidence %s of %s / %s", h, f.ID, f.SHA256, f.SM3)
				}
			}
		}
		if e.Supplements != "" && st["notary/supp/"+e.Supplements+"/"+id] != "1" {
			fail("supplement %s is not indexed under %s", id, e.Supplements)
		}
		if !isID(id, "EV") || !isHex(e.SHA256) || !isHex(e.SM3) || e.TxHash == "" || e.Height < 1 {
			fail("evidence %+v", e)
		}
	}
	for id, b := range batches {
		if st["notary/batchdep/"+b.Depositor.Org+"/"+b.MerkleRoot] != id || b.Size < 1 || !isHex(b.MerkleRoot) {
			fail("batch %s is not indexed", id)
		}
	}
	registered := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(works)) {
		w := works[id]
		if st["notary/workreg/"+w.Registrant.Org+"/"+w.SHA256] != id {
			fail("work %s is not indexed by registrant", id)
		}
		switch w.Status {
		case notary.StatusRegistered:
			if prev := registered[w.SHA256]; prev != "" {
				fail("works %s and %s of the same file are both registered", prev, id)
			}
			registered[w.SHA256] = id
			if st["notary/workhash/"+w.SHA256] != id || w.ConflictsWith != "" {
				fail("registered work %s is not the file's first", id)
			}
		case notary.StatusDisputed:
			if st["notary/conflict/"+w.ConflictsWith+"/"+id] != "1" || works[w.ConflictsWith].Status != notary.StatusRegistered {
				fail("disputed work %s is not listed under %s", id, w.ConflictsWith)
			}
			if d, ok := disputes[id]; !ok || d.FirstWork != w.ConflictsWith || d.SHA256 != w.SHA256 || d.Height != w.Height {
				fail("disputed work %s has no matching dispute: %+v", id, d)
			}
		default:
			fail("work %s has status %q", id, w.Status)
		}
		// Sequence numbers 1..n; the owner is the last transfer's recipient.
		owner := w.Registrant.Org
		for i, e := range logs[id] {
			if e.Seq != uint64(i+1) {
				fail("work %s log entry %d has seq %d", id, i+1, e.Seq)
			}
			if e.Dispute != nil {
				d, ok := disputes[e.Dispute.DisputedWork]
				switch {
				case !ok || e.Transfer != nil || e.License != nil || (id != d.WorkID && id != d.FirstWork) || e.Dispute.FirstWork != d.FirstWork:
					fail("work %s log entry %d: a dispute step of no dispute of the work: %+v", id, e.Seq, e)
				case e.Kind == notary.KindSettlementProposed && id != d.WorkID:
					fail("work %s log entry %d: a settlement proposed in the first registration's log", id, e.Seq)
				case e.Kind != notary.KindSettlementProposed && e.Kind != notary.KindDisputeResolved:
					fail("work %s log entry %d: kind %s with a dispute step", id, e.Seq, e.Kind)
				case e.Dispute.Prevailing != d.WorkID && e.Dispute.Prevailing != d.FirstWork:
					fail("work %s log entry %d: %s prevails, not a party", id, e.Seq, e.Dispute.Prevailing)
				}
				continue
			}
			if e.By.Org != owner {
				fail("work %s log entry %d signed by %s, owner was %s", id, e.Seq, e.By.Org, owner)
			}
			switch {
			case e.Kind == notary.KindTransfer && e.Transfer != nil && e.License == nil:
				if e.Transfer.From != owner {
					fail("work %s transfer %d from %s, owner was %s", id, e.Seq, e.Transfer.From, owner)
				}
				owner = e.Transfer.To
			case e.Kind == notary.KindLicense && e.License != nil && e.Transfer == nil:
				if e.License.Licensor != owner {
					fail("work %s licence %d by %s, owner was %s", id, e.Seq, e.License.Licensor, owner)
				}
			default:
				fail("work %s log entry %d is malformed: %+v", id, e.Seq, e)
			}
		}
		if w.Owner != owner {
			fail("work %s owner %s, the log says %s", id, w.Owner, owner)
		}
		// Exclusive licences never overlap.
		for i, a := range logs[id] {
			for _, b := range logs[id][:i] {
				if a.License != nil && b.License != nil && a.License.Exclusive && b.License.Exclusive &&
					(a.License.Until == "" || b.License.From <= a.License.Until) && (b.License.Until == "" || a.License.From <= b.License.Until) {
					fail("work %s: exclusive licences %d and %d overlap", id, b.Seq, a.Seq)
				}
			}
		}
		// Its open disputes are counted; no transfer or exclusive licence
		// happened while a dispute of the work stood (opened in an earlier
		// block, not yet resolved in its log), nor any after it lost.
		open := 0
		lostAt, lostTo := uint64(0), ""
		for _, d := range disputes {
			if d.WorkID != id && d.FirstWork != id {
				continue
			}
			if d.Status == notary.DisputeOpen {
				open++
			}
			resolvedAt := uint64(len(logs[id]) + 1)
			for _, e := range logs[id] {
				if e.Kind == notary.KindDisputeResolved && e.Dispute.DisputedWork == d.WorkID {
					resolvedAt = e.Seq
					if e.Dispute.Prevailing != id && (lostAt == 0 || e.Seq < lostAt) {
						lostAt, lostTo = e.Seq, e.Dispute.Prevailing
					}
				}
			}
			for _, e := range logs[id] {
				moved := e.Transfer != nil || e.License != nil && e.License.Exclusive
				if moved && e.Height > d.Height && e.Seq < resolvedAt {
					fail("work %s: %s (entry %d) while the dispute of %s stood", id, e.Kind, e.Seq, d.WorkID)
				}
			}
		}
		if w.OpenDisputes != open || w.LostTo != lostTo {
			fail("work %s: open_disputes %d (disputes say %d), lost_to %q (lost at entry %d)", id, w.OpenDisputes, open, w.LostTo, lostAt)
		}
		for _, e := range logs[id] {
			if lostAt != 0 && e.Seq > lostAt && (e.Transfer != nil || e.License != nil) {
				fail("work %s: %s (entry %d) after it lost its dispute (entry %d)", id, e.Kind, e.Seq, lostAt)
			}
		}
		// And the model agrees.
		mw := m.works[id]
		if mw == nil || mw.owner != w.Owner || mw.status != w.Status || mw.conflictsWith != w.ConflictsWith || len(mw.log) != len(logs[id]) ||
			mw.openDisputes != w.OpenDisputes || mw.lostTo != w.LostTo {
			fail("work %s = %+v, model %+v", id, w, mw)
		}
	}
	// Disputes: open ones may carry a proposal standing in the disputed
	// registration's log; resolved ones carry their resolution.
	for id, d := range disputes {
		md := m.disputes[id]
		if md == nil || md.open != (d.Status == notary.DisputeOpen) || md.first != d.FirstWork {
			fail("dispute %s = %+v, model %+v", id, d, md)
		}
		switch d.Status {
		case notary.DisputeOpen:
			if d.Resolution != nil {
				fail("open dispute %s has a resolution", id)
			}
			if p := d.Proposal; p != nil {
				e := logs[id][p.Seq-1]
				if e.Kind != notary.KindSettlementProposed || e.Dispute.Prevailing != p.Prevailing || e.Dispute.Terms != p.Terms || e.By != p.ProposedBy ||
					md.propSeq != int(p.Seq) || md.propBy != p.ProposedBy.Org {
					fail("dispute %s: proposal %+v, log entry %+v, model %+v", id, p, e, md)
				}
			} else if md.propSeq != 0 {
				fail("dispute %s has no proposal, the model has %+v", id, md)
			}
		case notary.DisputeResolved:
			r := d.Resolution
			if r == nil || d.Proposal != nil || logs[id][r.Seq-1].Kind != notary.KindDisputeResolved || r.DisputedWork != id {
				fail("resolved dispute %s: %+v", id, d)
			}
		default:
			fail("dispute %s has status %q", id, d.Status)
		}
	}
	if len(disputes) != len(m.disputes) {
		fail("%d disputes, model %d", len(disputes), len(m.disputes))
	}
	if len(ev) != len(m.evIDs) || len(batches) != len(m.batches) || len(works) != len(m.works) {
		fail("%d evidence, %d batches, %d works; model %d, %d, %d", len(ev), len(batches), len(works), len(m.evIDs), len(m.batches), len(m.works))
	}

	// The query functions see the same.
	v := c.View()
	for _, id := range slices.Sorted(maps.Keys(works)) {
		w := works[id]
		if w.Status == notary.StatusRegistered {
			list, err := notary.WorksByHash(v, w.SHA256)
			if err != nil || len(list) == 0 || list[0].ID != id {
				fail("WorksByHash(%s) = %v, %v", w.SHA256, list, err)
			}
			d, _ := notary.Disputes(v, id)
			if len(list) != len(d)+1 {
				fail("WorksByHash has %d works, Disputes %d", len(list), len(d))
			}
		}
		l, err := notary.WorkLog(v, id)
		if err != nil || len(l) != len(logs[id]) {
			fail("WorkLog(%s) = %d entries, %v", id, len(l), err)
		}
	}
}

func isHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

func isID(s, kind string) bool {
	return len(s) == 31 && strings.HasPrefix(s, kind) && s[10] == '-' && strings.ToUpper(s) == s
}

// checkReindex holds what Reindex rebuilds from the latest state to the
// local index entries the handlers wrote (local): the same, entry for
// entry, so a node restored from a snapshot lists what the others list.
func checkReindex(t *testing.T, c *testchain.Chain, local map[string]string) {
	t.Helper()
	got := map[string]string{}
	if err := (notary.Module{}).Reindex(c.View(), func(k, v []byte) error {
		if _, dup := got[string(k)]; dup {
			t.Fatalf("height %d: Reindex put %q twice", c.Height, k)
		}
		got[string(k)] = string(v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, local) {
		t.Fatalf("height %d: Reindex rebuilt %d entries, the handlers wrote %d; they differ", c.Height, len(got), len(local))
	}
}

// checkListings holds every organisation's list (ByDepositor), at the
// latest version and at the one half way, to its evidence records of
// those versions, newest first; a layout-3 list reads the node's index,
// which also holds the later versions' entries.
func checkListings(t *testing.T, c *testchain.Chain, ev map[string]notary.Evidence) {
	t.Helper()
	for _, version := range []int64{c.Height, c.Height / 2} {
		if version < 1 {
			continue
		}
		v, err := c.Store.At(version)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ev {
			h := e.SM3
			var want []string
			for _, f := range ev {
				if (f.SM3 == h || f.SHA256 == h) && f.Height <= version {
					want = append(want, f.ID)
				}
			}
			slices.Sort(want)
			found, err := notary.FindEvidence(v, h)
			if err != nil {
				t.Fatalf("height %d: FindEvidence(%s) at %d: %v", c.Height, h, version, err)
			}
			var got []string
			for _, f := range found {
				got = append(got, f.ID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("height %d: FindEvidence(%s) at version %d = %v, want %v", c.Height, h, version, got, want)
			}
		}
		for _, org := range []string{"dep-a", "dep-b", "notary", "nobody"} {
			var want []notary.Evidence
			for _, e := range ev {
				if e.Depositor.Org == org && e.Height <= version {
					want = append(want, e)
				}
			}
			slices.SortFunc(want, func(a, b notary.Evidence) int {
				return cmp.Or(cmp.Compare(b.Height, a.Height), strings.Compare(a.ID, b.ID))
			})
			var got []notary.Evidence
			after := ""
			for {
				page, next, err := notary.ByDepositor(v, org, after, 7)
				if err != nil {
					t.Fatalf("height %d: ByDepositor(%s) at %d: %v", c.Height, org, version, err)
				}
				got = append(got, page...)
				if next == "" {
					break
				}
				after = next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("height %d: %s's list at version %d has %d records, want %d:\n%v\n%v", c.Height, org, version, len(got), len(want), got, want)
			}
		}
	}
}
