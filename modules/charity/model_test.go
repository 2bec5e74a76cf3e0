package charity_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// The model-based test drives random sequences of donations (single and
// batched), grants, disbursements, refunds, closures, new projects and
// signatures through real blocks. The model follows every fen of every
// donation on its own: each queue is a list of fen in arrival order,
// spending takes the oldest free fen (the line's queue first), a refund
// marks a donation's last free fen, a transfer moves fen to the end of the
// receiving queue. It predicts each transaction's code, and after every
// block the test checks, against the chain:
//
//   - conservation to the fen: every project's balance equals its queues'
//     unspent money and the model's; donations = disbursements + refunds +
//     balances, over the whole chain; each transfer's ranges add up to its
//     amount and to its source in the receiver;
//   - the queues: cursor + holes <= total, sources tile [0, total), spends
//     and refunds account for everything below the cursor;
//   - budget lines never spend beyond their budget;
//   - every donation's trail adds up (charity.CheckTrail) and sends each
//     fen exactly where the model's own FIFO sent it: to a disbursement,
//     back to the donor, or unspent in a project.

type mFen struct {
	don   int32 // index in model.dons
	state byte  // fenFree, fenSpent, fenRefunded
}

const (
	fenFree byte = iota
	fenSpent
	fenRefunded
)

type mLine struct {
	code, category string
	budget, spent  int64
}

type mProject struct {
	id, owner                             string
	general                               bool
	status                                string // filed, open, closed
	lines                                 []mLine
	queues                                map[string][]mFen // by line ("" project-level)
	cursor                                map[string]int    // first index that may be free
	donated, refunded, in, out, disbursed int64
}

type mDon struct {
	receipt, project, line string
	start, amount          int   // in its queue
	dest                   []int // per fen: index in model.dests
	refunded               int
}

type model struct {
	projects map[string]*mProject
	order    []string // project ids, creation order (open and closed)
	filed    []string // filed, not approved
	dons     []*mDon
	dests    []string // "unspent:<project>", "disb:<id>", "refund"
	unspent  map[string]int
	pending  []string // disbursements waiting for the school
	grants   []string // transfers waiting for confirmation, with their receiver
	receiver map[string]string
}

func (m *model) dest(name string) int {
	if i, ok := m.unspent[name]; ok {
		return i
	}
	m.dests = append(m.dests, name)
	if len(name) > 8 && name[:8] == "unspent:" || name == "refund" {
		m.unspent[name] = len(m.dests) - 1
	}
	return len(m.dests) - 1
}

func (p *mProject) line(code string) *mLine {
	for i := range p.lines {
		if p.lines[i].code == code {
			return &p.lines[i]
		}
	}
	return nil
}

func (p *mProject) available(line string) int {
	n := 0
	for _, f := range p.queues[line] {
		if f.state == fenFree {
			n++
		}
	}
	return n
}

func (p *mProject) balance() int64 { return p.donated - p.refunded + p.in - p.out - p.disbursed }

// take marks the n oldest free fen of a queue spent and returns their
// positions.
func (p *mProject) take(line string, n int) []mFen {
	var out []mFen
	q := p.queues[line]
	for i := p.cursor[line]; i < len(q) && len(out) < n; i++ {
		if q[i].state == fenFree {
			q[i].state = fenSpent
			out = append(out, q[i])
		}
	}
	for p.cursor[line] < len(q) && q[p.cursor[line]].state != fenFree {
		p.cursor[line]++
	}
	return out
}

// spend takes n fen by the allocation rule: the line's queue, then the
// project-level one.
func (p *mProject) spend(line string, n int) []mFen {
	var out []mFen
	for _, l := range []string{line, ""} {
		if len(out) == n {
			break
		}
		out = append(out, p.take(l, min(n-len(out), p.available(l)))...)
		if line == "" {
			break
		}
	}
	return out
}

// holes counts the refunded runs of a queue ahead of its first free fen.
func (p *mProject) holes(line string) int {
	q := p.queues[line]
	i := 0
	for i < len(q) && q[i].state != fenFree {
		i++
	}
	n := 0
	for ; i < len(q); i++ {
		if q[i].state == fenRefunded && (i == 0 || q[i-1].state != fenRefunded) {
			n++
		}
	}
	return n
}

// op is one generated transaction and what the model expects of it.
type op struct {
	org, action string
	body        any
	want        errcode.Code
	// apply changes the model after the block, given the result.
	apply func(res map[string]any)
}

type modelRun struct {
	t     *testing.T
	c     *testchain.Chain
	r     *rand.Rand
	m     *model
	tally testchain.Tally
	seq   int
}

func TestModel(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed, 120) })
	}
}

func runModel(t *testing.T, seed uint64, blocks int) {
	c := newChain(t)
	register(t, c, "fdn", 1, true)
	register(t, c, "cty", 2, false)
	m := &model{projects: map[string]*mProject{}, unspent: map[string]int{}, receiver: map[string]string{}}
	for _, org := range []string{"fdn", "cty"} {
		gf := charityapi.GeneralFund(org)
		m.projects[gf] = &mProject{id: gf, owner: org, general: true, status: charityapi.StatusOpen, queues: map[string][]mFen{}, cursor: map[string]int{}}
		m.order = append(m.order, gf)
	}
	run := &modelRun{t: t, c: c, r: rand.New(rand.NewPCG(seed, 77)), m: m, tally: testchain.Tally{}}
	for _, org := range []string{"fdn", "fdn", "cty", "cty"} {
		id := project(t, c, org, fmt.Sprintf("M-%d-%s-%d", seed, org, len(m.order)))
		run.addProject(id, org, charityapi.StatusOpen)
	}
	for h := 0; h < blocks; h++ {
		n := 1 + run.r.IntN(8)
		ops := make([]op, 0, n)
		var txs [][]byte
		for range n {
			o := run.next()
			ops = append(ops, o)
			txs = append(txs, run.sign(o))
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			run.tally.Add(o.action, got)
			if got != o.want {
				t.Fatalf("block %d tx %d: %s by %s %s: code %s (%s), the model expects %s", h, i, o.action, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
			if o.apply != nil {
				var out map[string]any
				if got == errcode.OK {
					if err := json.Unmarshal(res[i].Data, &out); err != nil {
						t.Fatal(err)
					}
				}
				o.apply(out)
			}
		}
		run.check(h)
	}
	total, ok, report := run.tally.Check(t, 3, 55)
	t.Logf("%d transactions, %d committed:\n%s", total, ok, report)
}

// sign signs an op with its organisation's admin key. Every op's signer
// holds the action's role, so even the module's refusals use the nonce.
func (run *modelRun) sign(o op) []byte {
	return run.c.Sign(run.c.Members[o.org].Admin, charity.Name, o.action, o.body)
}

func (run *modelRun) addProject(id, owner, status string) {
	p := &mProject{id: id, owner: owner, status: status, queues: map[string][]mFen{}, cursor: map[string]int{}}
	for _, l := range lines() {
		p.lines = append(p.lines, mLine{code: l.Code, category: l.Category, budget: l.BudgetFen})
	}
	run.m.projects[id] = p
	run.m.order = append(run.m.order, id)
}

// pick returns a random project matching ok, nil when none does; a
// closed one only now and then.
func (run *modelRun) pick(ok func(p *mProject) bool) *mProject {
	var ps []*mProject
	closed := run.r.IntN(8) == 0
	for _, id := range run.m.order {
		if p := run.m.projects[id]; ok(p) && (closed || p.status != charityapi.StatusClosed) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return ps[run.r.IntN(len(ps))]
}

func open(p *mProject) bool { return p.status == charityapi.StatusOpen }

func (run *modelRun) next() op {
	r := run.r
	for {
		var o *op
		switch n := r.IntN(100); {
		case n < 24:
			o = run.donate()
		case n < 29:
			o = run.batch()
		case n < 42:
			o = run.grant()
		case n < 62:
			o = run.disburse()
		case n < 72:
			o = run.refund()
		case n < 74:
			o = run.close()
		case n < 79:
			o = run.file()
		case n < 84:
			o = run.approve()
		default:
			o = run.sign2()
		}
		if o != nil {
			return *o
		}
	}
}

// receive appends a donation's fen to a project's queue.
func (run *modelRun) receive(p *mProject, line string, amount int) *mDon {
	m := run.m
	d := &mDon{project: p.id, line: line, start: len(p.queues[line]), amount: amount}
	di := int32(len(m.dons))
	m.dons = append(m.dons, d)
	u := m.dest("unspent:" + p.id)
	for range amount {
		p.queues[line] = append(p.queues[line], mFen{don: di})
		d.dest = append(d.dest, u)
	}
	p.donated += int64(amount)
	return d
}

func (run *modelRun) donationBody(p *mProject, line string, amount int) charityapi.DonateBody {
	run.seq++
	b := charityapi.DonateBody{Project: p.id, Line: line, AmountFen: int64(amount), Channel: "unionpay",
		DonorHash: sha(fmt.Sprint("donor", run.seq)), ChannelRef: fmt.Sprint("ref-", run.seq)}
	if p.general {
		b.Project, b.Org = "", p.owner
	}
	return b
}

func (run *modelRun) donate() *op {
	r := run.r
	p := run.pick(func(p *mProject) bool { return p.status != charityapi.StatusFiled })
	line := ""
	if !p.general && r.IntN(2) == 0 {
		line = p.lines[r.IntN(len(p.lines))].code
	}
	amount := 1 + r.IntN(400)
	by := "bank"
	if r.IntN(3) == 0 || p.owner == "cty" && r.IntN(6) != 0 {
		by = p.owner
	}
	b := run.donationBody(p, line, amount)
	want := errcode.OK
	switch {
	case p.status == charityapi.StatusClosed:
		want = errcode.Conflict
	case by == "bank" && p.owner == "cty":
		want = errcode.RuleViolation // no public fundraising qualification
	}
	o := &op{org: by, action: "donate", body: b, want: want}
	if want == errcode.OK {
		d := run.receive(p, line, amount)
		o.apply = func(res map[string]any) { d.receipt = res["receipt"].(string) }
	}
	return o
}

func (run *modelRun) batch() *op {
	var bodies []charityapi.DonateBody
	var dons []*mDon
	for range 1 + run.r.IntN(5) {
		p := run.pick(func(p *mProject) bool { return open(p) && p.owner == "fdn" })
		line := ""
		if !p.general && run.r.IntN(2) == 0 {
			line = p.lines[run.r.IntN(len(p.lines))].code
		}
		amount := 1 + run.r.IntN(300)
		bodies = append(bodies, run.donationBody(p, line, amount))
		dons = append(dons, run.receive(p, line, amount))
	}
	return &op{org: "bank", action: "donate_batch", body: charityapi.DonateBatchBody{Donations: bodies}, want: errcode.OK,
		apply: func(res map[string]any) {
			for i, x := range res["receipts"].([]any) {
				dons[i].receipt = x.(string)
			}
		}}
}

func (run *modelRun) grant() *op {
	r, m := run.r, run.m
	from := run.pick(func(p *mProject) bool { return p.status != charityapi.StatusFiled })
	to := run.pick(func(p *mProject) bool { return p != from && p.status != charityapi.StatusFiled })
	if to == nil {
		return nil
	}
	line := ""
	if !from.general {
		line = "grants"
		if r.IntN(4) == 0 {
			line = "supplies"
		}
	}
	toLine := ""
	if !to.general && r.IntN(2) == 0 {
		toLine = "supplies"
	}
	avail := 0
	if line != "" {
		avail = from.available(line)
	}
	avail += from.available("")
	amount := 1 + r.IntN(max(1, avail*9/8))
	signer := from.owner
	if r.IntN(10) == 0 {
		signer = map[string]string{"fdn": "cty", "cty": "fdn"}[from.owner]
	}
	b := charityapi.GrantBody{From: from.id, Line: line, To: to.id, ToLine: toLine, AmountFen: int64(amount), Purpose: "转赠"}
	want := errcode.OK
	switch {
	case signer != from.owner:
		want = errcode.Unauthorized
	case from.status == charityapi.StatusClosed:
		want = errcode.Conflict
	case line != "" && from.line(line).spent+int64(amount) > from.line(line).budget:
		want = errcode.RuleViolation
	case to.status == charityapi.StatusClosed:
		want = errcode.Conflict
	case avail < amount:
		want = errcode.RuleViolation
	}
	o := &op{org: signer, action: "grant", body: b, want: want}
	if want != errcode.OK {
		return o
	}
	fen := from.spend(line, amount)
	if line != "" {
		from.line(line).spent += int64(amount)
	}
	from.out += int64(amount)
	to.in += int64(amount)
	u := m.dest("unspent:" + to.id)
	for _, f := range fen {
		to.queues[toLine] = append(to.queues[toLine], mFen{don: f.don})
		d := m.dons[f.don]
		// The fen's identity in its donation: find the first fen of the
		// donation still unspent in from's project and point it on.
		moveDest(m, d, "unspent:"+from.id, u)
	}
	o.apply = func(res map[string]any) {
		if from.owner != to.owner {
			m.grants = append(m.grants, res["id"].(string))
			m.receiver[res["id"].(string)] = to.owner
		}
	}
	return o
}

// moveDest points one fen of d that is unspent in a project elsewhere.
// Which fen of a donation moves does not matter to the comparison, which
// counts fen by destination.
func moveDest(m *model, d *mDon, from string, to int) {
	fi := m.unspent[from]
	for i, x := range d.dest {
		if x == fi {
			d.dest[i] = to
			return
		}
	}
	panic("model: no fen of the donation unspent in " + from)
}

func (run *modelRun) disburse() *op {
	r, m := run.r, run.m
	p := run.pick(func(p *mProject) bool { return !p.general && p.status != charityapi.StatusFiled })
	l := p.lines[r.IntN(len(p.lines))]
	amount := 1 + r.IntN(max(1, (p.available(l.code)+p.available(""))*9/8))
	signer := p.owner
	if r.IntN(12) == 0 {
		signer = map[string]string{"fdn": "cty", "cty": "fdn"}[p.owner]
	}
	b := charityapi.DisburseBody{Project: p.id, Line: l.code, AmountFen: int64(amount), Payee: "shop", Purpose: "采购",
		InvoiceSHA256: sha(fmt.Sprint("invoice", run.seq))}
	run.seq++
	if l.category == charityapi.CategoryProgram {
		b.Beneficiary = "school"
	}
	want := errcode.OK
	switch {
	case signer != p.owner:
		want = errcode.Unauthorized
	case p.status == charityapi.StatusClosed:
		want = errcode.Conflict
	case l.spent+int64(amount) > l.budget:
		want = errcode.RuleViolation
	case p.available(l.code)+p.available("") < amount:
		want = errcode.RuleViolation
	}
	o := &op{org: signer, action: "disburse", body: b, want: want}
	if want != errcode.OK {
		return o
	}
	fen := p.spend(l.code, amount)
	p.line(l.code).spent += int64(amount)
	p.disbursed += int64(amount)
	di := len(m.dests)
	m.dests = append(m.dests, "pending")
	for _, f := range fen {
		moveDest(m, m.dons[f.don], "unspent:"+p.id, di)
	}
	o.apply = func(res map[string]any) {
		id := res["id"].(string)
		m.dests[di] = "disb:" + id
		if b.Beneficiary != "" {
			m.pending = append(m.pending, id)
		}
	}
	return o
}

func (run *modelRun) refund() *op {
	r, m := run.r, run.m
	var ds []*mDon
	for _, d := range m.dons {
		if d.receipt != "" {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return nil
	}
	free := func(d *mDon) int {
		q, n := m.projects[d.project].queues[d.line], 0
		for i := d.start; i < d.start+d.amount; i++ {
			if q[i].state == fenFree {
				n++
			}
		}
		return n
	}
	d := ds[r.IntN(len(ds))]
	for range 5 {
		if free(d) > 0 {
			break
		}
		d = ds[r.IntN(len(ds))]
	}
	p := m.projects[d.project]
	q := p.queues[d.line]
	free0 := free(d)
	amount := 1 + r.IntN(max(1, free0+free0/8))
	b := charityapi.RefundBody{Receipt: d.receipt, AmountFen: int64(amount), Reason: "捐赠人申请退款"}
	want := errcode.OK
	switch {
	case amount > free0:
		want = errcode.RuleViolation
	case len(refundsOf(run, d)) >= charityapi.MaxRefunds:
		want = errcode.RuleViolation
	}
	o := &op{org: p.owner, action: "refund", body: b, want: want}
	if want != errcode.OK {
		return o
	}
	// The last free fen of the donation, tail first.
	var marked []int
	for i := d.start + d.amount - 1; i >= d.start && len(marked) < amount; i-- {
		if q[i].state == fenFree {
			q[i].state = fenRefunded
			marked = append(marked, i)
		}
	}
	if p.holes(d.line) > charityapi.MaxHoles {
		for _, i := range marked {
			q[i].state = fenFree
		}
		o.want = errcode.RuleViolation
		return o
	}
	for p.cursor[d.line] < len(q) && q[p.cursor[d.line]].state != fenFree {
		p.cursor[d.line]++
	}
	rf := m.dest("refund")
	for range amount {
		moveDest(m, d, "unspent:"+p.id, rf)
	}
	d.refunded++
	p.refunded += int64(amount)
	return o
}

// refundsOf counts a donation's refunds so far.
func refundsOf(_ *modelRun, d *mDon) []int {
	return make([]int, d.refunded)
}

func (run *modelRun) close() *op {
	r, m := run.r, run.m
	p := run.pick(func(p *mProject) bool { return !p.general && open(p) })
	to := run.pick(func(x *mProject) bool { return x != p && open(x) })
	if p == nil || to == nil {
		return nil
	}
	// Keep at least two open projects of each charity.
	n := 0
	for _, x := range m.projects {
		if !x.general && open(x) && x.owner == p.owner {
			n++
		}
	}
	if n < 3 {
		return nil
	}
	b := charityapi.CloseBody{Project: p.id, BalanceTo: to.id, Reason: "项目结束"}
	if r.IntN(5) == 0 {
		b.BalanceTo = ""
	}
	want := errcode.OK
	if b.BalanceTo == "" && p.balance() > 0 {
		want = errcode.RuleViolation
	}
	o := &op{org: p.owner, action: "close_project", body: b, want: want}
	if want != errcode.OK {
		return o
	}
	p.status = charityapi.StatusClosed
	if b.BalanceTo == "" {
		return o
	}
	bal := p.balance()
	var fen []mFen
	for _, l := range p.lines {
		fen = append(fen, p.take(l.code, p.available(l.code))...)
	}
	fen = append(fen, p.take("", p.available(""))...)
	if int64(len(fen)) != bal {
		run.t.Fatalf("model: project %s balance %d, its queues hold %d", p.id, bal, len(fen))
	}
	p.out += bal
	to.in += bal
	u := m.dest("unspent:" + to.id)
	for _, f := range fen {
		to.queues[""] = append(to.queues[""], mFen{don: f.don})
		moveDest(m, m.dons[f.don], "unspent:"+p.id, u)
	}
	o.apply = func(map[string]any) {
		if p.owner != to.owner && bal > 0 {
			pr, _ := charity.GetProject(run.c.View(), p.id)
			m.grants = append(m.grants, pr.BalanceTo)
			m.receiver[pr.BalanceTo] = to.owner
		}
	}
	return o
}

func (run *modelRun) file() *op {
	org := []string{"fdn", "cty"}[run.r.IntN(2)]
	b := charityapi.ProjectBody{Title: "新项目", Summary: "随机项目", StartDate: "2026-03-01", EndDate: "2027-12-31", Lines: lines()}
	return &op{org: org, action: "file_project", body: b, want: errcode.OK, apply: func(res map[string]any) {
		id := res["id"].(string)
		run.addProject(id, org, charityapi.StatusFiled)
		run.m.filed = append(run.m.filed, id)
	}}
}

func (run *modelRun) approve() *op {
	m := run.m
	if len(m.filed) == 0 {
		return nil
	}
	id := m.filed[0]
	m.filed = m.filed[1:]
	m.projects[id].status = charityapi.StatusOpen
	run.seq++
	return &op{org: "mca", action: "approve_project", body: charityapi.ApproveBody{Project: id, FilingNo: fmt.Sprint("F-", run.seq)}, want: errcode.OK}
}

// sign2 has the school sign for a delivery or a charity confirm a grant.
func (run *modelRun) sign2() *op {
	m := run.m
	if len(m.pending) > 0 && run.r.IntN(2) == 0 {
		id := m.pending[0]
		m.pending = m.pending[1:]
		if run.r.IntN(4) == 0 {
			return &op{org: "school", action: "dispute", body: charityapi.DisputeBody{Disbursement: id, Reason: "数量不符"}, want: errcode.OK}
		}
		return &op{org: "school", action: "accept", body: charityapi.AcceptBody{Disbursement: id, DocSHA256: sha(id)}, want: errcode.OK}
	}
	if len(m.grants) > 0 {
		id := m.grants[0]
		m.grants = m.grants[1:]
		return &op{org: m.receiver[id], action: "confirm_grant", body: charityapi.IDBody{ID: id}, want: errcode.OK}
	}
	return nil
}

// check compares the chain with the model and checks the invariants.
func (run *modelRun) check(h int) {
	t, m := run.t, run.m
	v := run.c.View()
	var donated, refunded, disbursed, balances int64
	for _, id := range m.order {
		mp := m.projects[id]
		p, err := charity.GetProject(v, id)
		if err != nil {
			t.Fatalf("block %d: %v", h, err)
		}
		if p.Status != mp.status || p.DonatedFen != mp.donated || p.RefundedFen != mp.refunded || p.TransferInFen != mp.in ||
			p.TransferOutFen != mp.out || p.DisbursedFen != mp.disbursed {
			t.Fatalf("block %d: project %s: status %s donated %d refunded %d in %d out %d disbursed %d; the model: %s %d %d %d %d %d", h, id,
				p.Status, p.DonatedFen, p.RefundedFen, p.TransferInFen, p.TransferOutFen, p.DisbursedFen,
				mp.status, mp.donated, mp.refunded, mp.in, mp.out, mp.disbursed)
		}
		var queued int64
		qs := []string{""}
		for _, l := range p.Lines {
			qs = append(qs, l.Code)
			if l.SpentFen > l.BudgetFen {
				t.Fatalf("block %d: line %s of %s spent %d of a %d budget", h, l.Code, id, l.SpentFen, l.BudgetFen)
			}
			if ml := mp.line(l.Code); ml.spent != l.SpentFen {
				t.Fatalf("block %d: line %s of %s spent %d, the model %d", h, l.Code, id, l.SpentFen, ml.spent)
			}
		}
		for _, line := range qs {
			queued += run.checkQueue(h, v, mp, line)
		}
		if queued != p.BalanceFen() || p.BalanceFen() != mp.balance() {
			t.Fatalf("block %d: project %s balance %d, its queues hold %d, the model %d", h, id, p.BalanceFen(), queued, mp.balance())
		}
		donated += p.DonatedFen
		refunded += p.RefundedFen
		disbursed += p.DisbursedFen
		balances += p.BalanceFen()
	}
	if donated != disbursed+refunded+balances {
		t.Fatalf("block %d: %d fen donated, %d disbursed + %d refunded + %d held = %d", h, donated, disbursed, refunded, balances, disbursed+refunded+balances)
	}
	// Every donation's trail, fen by fen against the model.
	for _, d := range m.dons {
		tr, err := charity.TrailOf(v, d.receipt)
		if err != nil {
			t.Fatalf("block %d: trail of %s: %v", h, d.receipt, err)
		}
		if err := charity.CheckTrail(tr); err != nil {
			t.Fatalf("block %d: trail of %s: %v", h, d.receipt, err)
		}
		got := map[string]int64{}
		for _, s := range tr.Steps {
			switch s.Kind {
			case charityapi.StepDisbursement:
				got["disb:"+s.Disbursement.ID] += s.AmountFen
			case charityapi.StepRefund:
				got["refund"] += s.AmountFen
			case charityapi.StepUnspent:
				got["unspent:"+s.Project] += s.AmountFen
			}
		}
		want := map[string]int64{}
		for _, x := range d.dest {
			want[m.dests[x]]++
		}
		if !maps.Equal(got, want) {
			t.Fatalf("block %d: donation %s of %d fen: the trail sends %v, the model %v\n%q", h, d.receipt, d.amount, got, want, stepsOf(tr))
		}
	}
	// Transfers conserve value.
	if err := v.Iterate([]byte("charity/transfer/"), nil, func(_, b []byte) bool {
		var x charityapi.Transfer
		if err := json.Unmarshal(b, &x); err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, r := range x.Ranges {
			sum += r.Len()
		}
		if sum != x.AmountFen || x.ToEnd-x.ToStart != x.AmountFen {
			t.Fatalf("block %d: transfer %s of %d fen took %d and gave %d", h, x.ID, x.AmountFen, sum, x.ToEnd-x.ToStart)
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
}

// checkQueue checks one queue against the model and its own indexes; it
// returns the queue's unspent money.
func (run *modelRun) checkQueue(h int, v interface {
	Get([]byte) ([]byte, error)
	Iterate(prefix, start []byte, fn func(k, v []byte) bool) error
}, mp *mProject, line string) int64 {
	t := run.t
	qid := charityapi.QueueID(mp.id, line)
	var q charityapi.Queue
	if b, err := v.Get(charity.QueueKey(qid)); err != nil {
		t.Fatal(err)
	} else if b != nil {
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatal(err)
		}
	}
	mq := mp.queues[line]
	if q.TotalFen != int64(len(mq)) || q.AvailableFen() != int64(mp.available(line)) || q.CursorFen+q.HoleFen > q.TotalFen {
		t.Fatalf("block %d: queue %s: total %d available %d cursor %d holes %d; the model: %d fen, %d free", h, qid, q.TotalFen, q.AvailableFen(),
			q.CursorFen, q.HoleFen, len(mq), mp.available(line))
	}
	// Sources tile [0, total); spendings tile [0, cursor) but the refunded
	// stretches.
	at := int64(0)
	_ = v.Iterate([]byte("charity/src/"+qid+"/"), nil, func(_, b []byte) bool {
		var s charityapi.Source
		_ = json.Unmarshal(b, &s)
		if s.Start != at {
			t.Fatalf("block %d: queue %s: a source starts at %d, after %d", h, qid, s.Start, at)
		}
		at = s.End
		return true
	})
	if at != q.TotalFen {
		t.Fatalf("block %d: queue %s: sources end at %d of %d", h, qid, at, q.TotalFen)
	}
	var spent int64
	_ = v.Iterate([]byte("charity/spend/"+qid+"/"), nil, func(_, b []byte) bool {
		var s charityapi.Spend
		_ = json.Unmarshal(b, &s)
		spent += s.End - s.Start
		return true
	})
	var refunded int64
	for i, f := range mq {
		if f.state == fenRefunded && int64(i) < q.CursorFen {
			refunded++
		}
	}
	if spent+refunded != q.CursorFen {
		t.Fatalf("block %d: queue %s: %d spent and %d refunded below the cursor %d", h, qid, spent, refunded, q.CursorFen)
	}
	return q.AvailableFen()
}
