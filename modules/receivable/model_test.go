package receivable_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/tx"
)

// The model-based test drives thousands of random lifecycle actions by
// random organisations (most by the right party, some by any member,
// unauthorized ones included) through real blocks, over simulated months
// so that receivables mature, are settled and go overdue. A pure-Go model
// predicts every transaction's code and answer; after every block the
// whole receivable state is checked against the module's invariants
// (value conserved to the fen, one holder per unit of value, credit lines
// and invoices never exceeded...) and against the model, and the queries
// against the model's totals.

type mReq struct {
	rate     int
	fee      int64
	recourse bool
}

type mRC struct {
	id, root, parent, obligor, holder, pending, confirming, finBank string
	face, settled                                                   int64
	issue, maturity, status                                         string
	frozen, financed                                                bool
	frozenBy                                                        string
	frozenAt                                                        int64
	frozenNodes                                                     int
	children                                                        []string
	logLen, finSeq                                                  int
	invoice                                                         string // seller|number
	req                                                             *mReq
	// The standing confirmation request: the bank asked, its log entry,
	// who asked.
	confBank, confBy string
	confSeq          int
}

type mInvoice struct {
	seller, buyer, sha string
	amount, used       int64
	accepted           bool
}

// mDecision is a passed governance proposal authorising
// unfreeze_by_decision of subject.
type mDecision struct {
	id      uint64
	subject string
	created int64
	used    bool
}

type mCredit struct{ limit, outstanding int64 }

type model struct {
	roles     map[string][]role.Role
	orgs      []string
	rc        map[string]*mRC
	ids       []string // creation order
	credit    map[string]*mCredit
	inv       map[string]*mInvoice // by seller|number
	today     string
	height    int64 // of the block being filled
	decisions []*mDecision
}

// mop is one generated transaction; predict computes its outcome once
// its hash is known and applies it to the model.
type mop struct {
	org, action string
	body        any
	want        errcode.Code
	roleRefused bool
	result      map[string]any
	predict     func(h [32]byte)
}

var actionRoles = map[string][]role.Role{
	"set_credit_line":       {role.Bank},
	"issue":                 {receivableapi.CoreEnterprise},
	"accept":                {role.Supplier, role.Bank},
	"reject":                {role.Supplier, role.Bank},
	"cancel":                {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
	"request_confirmation":  {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
	"withdraw_confirmation": {receivableapi.CoreEnterprise, role.Supplier, role.Bank},
	"decline_confirmation":  {role.Bank},
	"confirm":               {role.Bank},
	"split_transfer":        {role.Supplier, role.Bank},
	"request_financing":     {role.Supplier, role.Bank},
	"approve_financing":     {role.Bank},
	"decline_financing":     {role.Bank},
	"settle":                {receivableapi.CoreEnterprise},
	"freeze":                {role.Regulator},
	"unfreeze":              {role.Regulator},
	"unfreeze_by_decision":  nil, // any organisation's admin key
}

var (
	suppliers  = []string{supA, supB, supC}
	banks      = []string{bankA, bankB}
	regulators = []string{reg, reg2}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func (m *model) has(org string, roles ...role.Role) bool {
	return roles == nil || role.Any(m.roles[org], roles)
}

// some picks a receivable satisfying ok, or nil.
func (m *model) some(r *rand.Rand, ok func(*mRC) bool) *mRC {
	var list []*mRC
	for _, id := range m.ids {
		if x := m.rc[id]; ok(x) {
			list = append(list, x)
		}
	}
	if len(list) == 0 {
		return nil
	}
	return pick(r, list)
}

// target picks mostly a receivable satisfying ok, sometimes any, sometimes
// one that does not exist.
func (m *model) target(r *rand.Rand, ok func(*mRC) bool) (*mRC, string) {
	x := r.IntN(100)
	var t *mRC
	switch {
	case x < 80:
		t = m.some(r, ok)
	case x < 95:
		t = m.some(r, func(*mRC) bool { return true })
	}
	if t == nil {
		return nil, bogusID
	}
	return t, t.id
}

func (m *model) touch(x *mRC) {
	if x.status == receivable.StatusActive && m.today > x.maturity {
		x.status = receivable.StatusOverdue
	}
}

func (m *model) frozenEff(x *mRC) bool {
	for ; x != nil; x = m.rc[x.parent] {
		if x.frozen {
			return true
		}
	}
	return false
}

func isLive(status string) bool {
	return status != receivable.StatusCancelled && status != receivable.StatusRejected
}

func leafOK(x *mRC) bool {
	return x.status == receivable.StatusActive || x.status == receivable.StatusOverdue
}

// discount is floor(face * rate * days / 3,600,000), computed with big
// integers, independently of the module.
func discount(face int64, rate int, days int64) int64 {
	n := new(big.Int).Mul(big.NewInt(face), big.NewInt(int64(rate)))
	n.Mul(n, big.NewInt(days))
	return n.Quo(n, big.NewInt(3_600_000)).Int64()
}

func days(from, to string) int64 {
	a, _ := time.Parse(time.DateOnly, from)
	b, _ := time.Parse(time.DateOnly, to)
	return int64(b.Sub(a).Hours() / 24)
}

func (m *model) gen(r *rand.Rand, now time.Time) *mop {
	o := &mop{}
	weights := []struct {
		action string
		w      int
	}{
		{"set_credit_line", 3}, {"issue", 14}, {"accept", 14}, {"reject", 3}, {"cancel", 3},
		{"request_confirmation", 5}, {"withdraw_confirmation", 2}, {"decline_confirmation", 2}, {"confirm", 3},
		{"split_transfer", 18}, {"request_financing", 7}, {"approve_financing", 5}, {"decline_financing", 2},
		{"settle", 16}, {"freeze", 3}, {"unfreeze", 3}, {"unfreeze_by_decision", 3},
	}
	total := 0
	for _, w := range weights {
		total += w.w
	}
	x := r.IntN(total)
	for _, w := range weights {
		if x < w.w {
			o.action = w.action
			break
		}
		x -= w.w
	}
	// A random member; the generators mostly replace it with the party.
	o.org = pick(r, m.orgs)
	party := func(p string) {
		if p != "" && r.IntN(100) < 82 {
			o.org = p
		}
	}
	switch o.action {
	case "set_credit_line":
		m.genCredit(r, o, party)
	case "issue":
		m.genIssue(r, now, o, party)
	case "accept", "reject", "cancel":
		m.genPending(r, o, party)
	case "request_confirmation", "withdraw_confirmation", "decline_confirmation", "confirm":
		m.genConfirmation(r, o, party)
	case "split_transfer":
		m.genSplit(r, now, o, party)
	case "request_financing":
		m.genRequest(r, o, party)
	case "approve_financing", "decline_financing":
		m.genDecide(r, o, party)
	case "settle":
		m.genSettle(r, o, party)
	case "unfreeze_by_decision":
		m.genDecision(r, o, party)
	default:
		m.genFreeze(r, o, party)
	}
	o.roleRefused = !m.has(o.org, actionRoles[o.action]...)
	if o.roleRefused {
		o.want = errcode.Unauthorized
	}
	return o
}

func (m *model) genCredit(r *rand.Rand, o *mop, party func(string)) {
	party(pick(r, banks))
	obligor := core
	switch x := r.IntN(100); {
	case x < 8:
		obligor = pick(r, m.orgs)
	case x < 12:
		obligor = "nobody"
	}
	var out int64
	if cl := m.credit[obligor]; cl != nil {
		out = cl.outstanding
	}
	limit := out + r.Int64N(30*100*wan)
	bad := false
	switch x := r.IntN(100); {
	case x < 10 && out > 0:
		limit = out - 1
	case x < 13:
		limit, bad = -1, true
	}
	o.body = map[string]any{"obligor": obligor, "limit_fen": limit}
	o.predict = func([32]byte) {
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case obligor == "nobody":
			o.want = errcode.NotFound
		case !m.has(obligor, receivableapi.CoreEnterprise):
			o.want = errcode.RuleViolation
		case limit < out:
			o.want = errcode.RuleViolation
		default:
			cl := m.credit[obligor]
			if cl == nil {
				cl = &mCredit{}
				m.credit[obligor] = cl
			}
			cl.limit = limit
			o.result = map[string]any{"obligor": obligor, "limit_fen": limit, "outstanding_fen": cl.outstanding}
		}
	}
}

func invoiceAmount(k int) int64 { return int64(k+1) * 100 * wan }

func (m *model) genIssue(r *rand.Rand, now time.Time, o *mop, party func(string)) {
	party(core)
	to := pick(r, suppliers)
	switch x := r.IntN(100); {
	case x < 8:
		to = pick(r, m.orgs)
	case x < 11:
		to = "nobody"
	}
	face := 1 + r.Int64N(300*wan)
	if r.IntN(10) == 0 {
		face = 1 + r.Int64N(100*yuan)
	}
	bad := r.IntN(40) == 0
	if bad {
		face = 0
	}
	d := m.today
	var maturity string
	switch x := r.IntN(100); {
	case x < 82:
		maturity = addDays(d, 1+r.IntN(80))
	case x < 90:
		maturity = addDays(d, 184+r.IntN(180))
	case x < 93:
		maturity = d
	case x < 96:
		maturity = addDays(d, -1-r.IntN(5))
	default:
		maturity = addDays(d, 365+r.IntN(3))
	}
	// Invoices: each supplier has eight, of fixed amounts.
	seller := to
	if !slices.Contains(suppliers, seller) || r.IntN(10) == 0 {
		seller = pick(r, suppliers)
	}
	k := r.IntN(8)
	no := fmt.Sprintf("INV-%s-%d", seller, k)
	amount, sha := invoiceAmount(k), hash("invoice "+no)
	switch x := r.IntN(100); {
	case x < 5:
		amount++
	case x < 9:
		sha = hash("forged " + no)
	}
	trade := map[string]any{"contract_no": "HT-" + no, "invoice_no": no, "invoice_amount_fen": amount,
		"invoice_sha256": sha, "delivery_doc_hashes": []string{hash("delivery " + no), hash("receipt " + no)}}
	o.body = issueOf(to, face, maturity, trade)
	o.predict = func(h [32]byte) {
		org := o.org
		latest, _ := time.Parse(time.DateOnly, d)
		cl := m.credit[org]
		key := to + "|" + no
		inv := m.inv[key]
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case to == org:
			o.want = errcode.RuleViolation
		case maturity <= d || maturity > latest.AddDate(1, 0, 0).Format(time.DateOnly):
			o.want = errcode.RuleViolation
		case to == "nobody":
			o.want = errcode.NotFound
		case !m.has(to, role.Supplier):
			o.want = errcode.RuleViolation
		case cl == nil || cl.outstanding+face > cl.limit:
			o.want = errcode.RuleViolation
		case inv != nil && (inv.buyer != org || inv.amount != amount || inv.sha != sha):
			o.want = errcode.Conflict
		case inv != nil && inv.used+face > inv.amount, inv == nil && face > amount:
			o.want = errcode.RuleViolation
		default:
			if inv == nil {
				inv = &mInvoice{seller: to, buyer: org, sha: sha, amount: amount}
				m.inv[key] = inv
			}
			inv.used += face
			cl.outstanding += face
			id := receivable.ReceivableID(now, org, h, 0)
			m.add(&mRC{id: id, root: id, obligor: org, holder: org, pending: to, face: face, issue: d, maturity: maturity,
				status: receivable.StatusPendingAcceptance, logLen: 1, invoice: key})
			o.result = map[string]any{"id": id, "status": receivable.StatusPendingAcceptance, "holder": org, "seq": 1}
		}
	}
}

func (m *model) add(x *mRC) {
	m.rc[x.id] = x
	m.ids = append(m.ids, x.id)
}

func statusResult(x *mRC) map[string]any {
	return map[string]any{"id": x.id, "status": x.status, "holder": x.holder, "seq": x.logLen}
}

func (m *model) genPending(r *rand.Rand, o *mop, party func(string)) {
	t, id := m.target(r, func(x *mRC) bool { return x.status == receivable.StatusPendingAcceptance })
	if t != nil {
		if o.action == "cancel" {
			party(t.holder)
		} else {
			party(t.pending)
		}
	}
	body := map[string]any{"id": id}
	bad := false
	if o.action == "reject" {
		switch x := r.IntN(100); {
		case x < 50:
			body["reason"] = "金额不符"
		case x < 53:
			body["reason"], bad = strings.Repeat("长", 501), true
		}
	}
	o.body = body
	o.predict = func([32]byte) {
		org := o.org
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case t == nil:
			o.want = errcode.NotFound
		case t.status != receivable.StatusPendingAcceptance:
			o.want = errcode.Conflict
		case o.action == "cancel" && org != t.holder, o.action != "cancel" && org != t.pending:
			o.want = errcode.Unauthorized
		case o.action == "accept" && m.frozenEff(t):
			o.want = errcode.Conflict
		case o.action == "accept":
			if t.parent == "" {
				m.inv[t.invoice].accepted = true
			}
			t.holder, t.pending, t.status = t.pending, "", receivable.StatusActive
			t.logLen++
			m.touch(t)
			o.result = statusResult(t)
		default:
			t.pending = ""
			if t.parent == "" {
				t.status = map[string]string{"reject": receivable.StatusRejected, "cancel": receivable.StatusCancelled}[o.action]
				m.credit[t.obligor].outstanding -= t.face
				inv := m.inv[t.invoice]
				inv.used -= t.face
				if inv.used == 0 && !inv.accepted {
					delete(m.inv, t.invoice)
				}
			} else {
				t.status = receivable.StatusActive
			}
			t.logLen++
			m.touch(t)
			o.result = statusResult(t)
		}
	}
}

// genConfirmation makes confirmation requests, their withdrawal, the
// bank's decline and confirmation.
func (m *model) genConfirmation(r *rand.Rand, o *mop, party func(string)) {
	rootOK := func(x *mRC) bool { return x.parent == "" && x.status == receivable.StatusActive && x.confirming == "" }
	var t *mRC
	var id string
	body := map[string]any{}
	switch o.action {
	case "request_confirmation":
		t, id = m.target(r, func(x *mRC) bool { return rootOK(x) && x.confBank == "" })
		bank := pick(r, banks)
		if t != nil {
			party(pick(r, []string{t.holder, t.obligor}))
			switch x := r.IntN(100); {
			case x < 5:
				bank = t.holder
			case x < 9:
				bank = pick(r, suppliers)
			case x < 11:
				bank = "nobody"
			}
		}
		body["bank"] = bank
	case "withdraw_confirmation":
		t, id = m.target(r, func(x *mRC) bool { return x.confBank != "" })
		if t != nil {
			party(t.confBy)
		}
	default:
		t, id = m.target(r, func(x *mRC) bool { return x.confBank != "" })
		if t != nil {
			party(t.confBank)
		}
		if o.action == "confirm" && r.IntN(4) == 0 {
			// A bank confirming a root nobody asked it about.
			t, id = m.target(r, func(x *mRC) bool { return rootOK(x) && x.confBank == "" })
			party(pick(r, banks))
		}
	}
	body["id"] = id
	o.body = body
	o.predict = func([32]byte) {
		org := o.org
		end := func(kind string) {
			if kind == "confirm" {
				t.confirming = t.confBank
			}
			t.confBank, t.confBy, t.confSeq = "", "", 0
			t.logLen++
			m.touch(t)
			o.result = statusResult(t)
		}
		// confirmable: the checks request and confirm share.
		confirmable := func() bool {
			switch {
			case t.parent != "":
				o.want = errcode.RuleViolation
			case t.confirming != "":
				o.want = errcode.Conflict
			case t.status != receivable.StatusActive || m.today > t.maturity:
				o.want = errcode.Conflict
			default:
				return true
			}
			return false
		}
		if t == nil {
			o.want = errcode.NotFound
			return
		}
		switch o.action {
		case "request_confirmation":
			bank := body["bank"].(string)
			switch {
			case t.parent == "" && org != t.holder && org != t.obligor:
				o.want = errcode.Unauthorized
			case !confirmable():
			case t.confBank != "":
				o.want = errcode.Conflict
			case bank == t.holder || bank == t.obligor:
				o.want = errcode.RuleViolation
			case bank == "nobody":
				o.want = errcode.NotFound
			case !m.has(bank, role.Bank):
				o.want = errcode.RuleViolation
			default:
				t.logLen++
				t.confBank, t.confBy, t.confSeq = bank, org, t.logLen
				m.touch(t)
				o.result = statusResult(t)
			}
		case "withdraw_confirmation":
			switch {
			case t.confBank == "":
				o.want = errcode.Conflict
			case t.confBy != org:
				o.want = errcode.Unauthorized
			default:
				end("withdraw")
			}
		case "decline_confirmation":
			switch {
			case t.confBank == "":
				o.want = errcode.Conflict
			case t.confBank != org:
				o.want = errcode.Unauthorized
			default:
				end("decline")
			}
		default:
			switch {
			case !confirmable():
			case t.confBank == "":
				o.want = errcode.Conflict
			case t.confBank != org:
				o.want = errcode.Unauthorized
			default:
				end("confirm")
			}
		}
	}
}

func (m *model) genSplit(r *rand.Rand, now time.Time, o *mop, party func(string)) {
	t, id := m.target(r, func(x *mRC) bool { return leafOK(x) && !x.financed && m.today < x.maturity })
	var face int64 = 100
	if t != nil {
		party(t.holder)
		face = t.face
	}
	n := 1 + r.IntN(3)
	if r.IntN(10) == 0 {
		n = 4 + r.IntN(5)
	}
	bad := false
	switch x := r.IntN(100); {
	case x < 1:
		n, bad = 0, true
	case x < 2:
		n, bad = 51, true
	}
	var sum int64
	switch x := r.IntN(100); {
	case x < 20:
		sum = face
	case x < 90:
		sum = 1 + r.Int64N(face)
	default:
		sum = face + 1 + r.Int64N(10)
	}
	if sum < int64(n) {
		sum = int64(n)
	}
	// Cut sum into n positive amounts.
	amounts := make([]int64, n)
	left := sum
	for i := range n {
		if i == n-1 {
			amounts[i] = left
			break
		}
		a := 1 + r.Int64N(left-int64(n-1-i))
		amounts[i] = a
		left -= a
	}
	if n > 0 && r.IntN(40) == 0 {
		amounts[r.IntN(n)], bad = 0, true
	}
	parts := make([]part, n)
	for i := range n {
		to := pick(r, suppliers)
		switch x := r.IntN(100); {
		case x < 15:
			to = pick(r, banks)
		case x < 27:
			to = o.org
		case x < 30:
			to = core
		case x < 32:
			to = reg
		case x < 34:
			to = "nobody"
		}
		parts[i] = part{to, amounts[i]}
	}
	o.body = splitOf(id, parts...)
	o.predict = func(h [32]byte) {
		org := o.org
		switch {
		case bad:
			o.want = errcode.MalformedBody
			return
		case t == nil:
			o.want = errcode.NotFound
			return
		case t.holder != org:
			o.want = errcode.Unauthorized
			return
		case !leafOK(t), t.financed, m.frozenEff(t):
			o.want = errcode.Conflict
			return
		case m.today >= t.maturity:
			o.want = errcode.RuleViolation
			return
		}
		for _, p := range parts {
			switch {
			case p.To == t.obligor:
				o.want = errcode.RuleViolation
			case p.To == org:
				continue
			case p.To == "nobody":
				o.want = errcode.NotFound
			case !m.has(p.To, role.Supplier, role.Bank):
				o.want = errcode.RuleViolation
			default:
				continue
			}
			return
		}
		var total int64
		for _, p := range parts {
			total += p.Amount
		}
		if total > t.face {
			o.want = errcode.RuleViolation
			return
		}
		var kids []string
		mk := func(i int, to string, amount int64) {
			c := &mRC{id: receivable.ReceivableID(now, org, h, i), root: t.root, parent: t.id, obligor: t.obligor, holder: org,
				confirming: t.confirming, face: amount, issue: t.issue, maturity: t.maturity, status: receivable.StatusActive, logLen: 1}
			if to != org {
				c.status, c.pending = receivable.StatusPendingAcceptance, to
			}
			m.add(c)
			kids = append(kids, c.id)
		}
		for i, p := range parts {
			mk(i+1, p.To, p.Amount)
		}
		if total < t.face {
			mk(len(parts)+1, org, t.face-total)
		}
		if t.confBank != "" {
			t.confBank, t.confBy, t.confSeq = "", "", 0
			t.logLen++ // the request lapses
		}
		t.status, t.children = receivable.StatusSplit, kids
		t.logLen++
		o.result = map[string]any{"id": t.id, "children": kids}
	}
}

func (m *model) genRequest(r *rand.Rand, o *mop, party func(string)) {
	t, id := m.target(r, func(x *mRC) bool { return leafOK(x) && !x.financed && m.today < x.maturity })
	var face int64 = 100
	if t != nil {
		party(t.holder)
		face = t.face
	}
	bank := pick(r, banks)
	switch x := r.IntN(100); {
	case x < 4:
		bank = o.org
	case x < 8:
		bank = pick(r, suppliers)
	case x < 10:
		bank = "nobody"
	}
	rate, fee := r.IntN(1500), r.Int64N(face/50+1)
	switch x := r.IntN(100); {
	case x < 4:
		rate = 10000
	case x < 8:
		fee = face
	}
	bad := r.IntN(40) == 0
	if bad {
		rate = -1
	}
	recourse := r.IntN(2) == 0
	o.body = financeOf(id, bank, rate, fee, recourse)
	o.predict = func([32]byte) {
		org := o.org
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case t == nil:
			o.want = errcode.NotFound
		case t.holder != org:
			o.want = errcode.Unauthorized
		case !leafOK(t), t.financed, m.frozenEff(t):
			o.want = errcode.Conflict
		case m.today >= t.maturity, bank == org:
			o.want = errcode.RuleViolation
		case bank == "nobody":
			o.want = errcode.NotFound
		case !m.has(bank, role.Bank):
			o.want = errcode.RuleViolation
		default:
			dd := days(m.today, t.maturity)
			disc := discount(t.face, rate, dd)
			if t.face-disc-fee <= 0 {
				o.want = errcode.RuleViolation
				return
			}
			t.status, t.finBank, t.req = receivable.StatusFinancingPending, bank, &mReq{rate, fee, recourse}
			t.logLen++
			t.finSeq = t.logLen
			o.result = map[string]any{"id": t.id, "status": t.status, "seq": t.logLen, "days": dd, "discount_fen": disc, "fee_fen": fee, "advance_fen": t.face - disc - fee}
		}
	}
}

func (m *model) genDecide(r *rand.Rand, o *mop, party func(string)) {
	t, id := m.target(r, func(x *mRC) bool { return x.status == receivable.StatusFinancingPending })
	if t != nil {
		party(t.finBank)
	}
	o.body = idBody(id)
	approve := o.action == "approve_financing"
	o.predict = func([32]byte) {
		switch {
		case t == nil:
			o.want = errcode.NotFound
		case t.status != receivable.StatusFinancingPending:
			o.want = errcode.Conflict
		case t.finBank != o.org:
			o.want = errcode.Unauthorized
		case approve && m.frozenEff(t):
			o.want = errcode.Conflict
		case approve && m.today >= t.maturity:
			o.want = errcode.RuleViolation
		case approve:
			dd := days(m.today, t.maturity)
			disc := discount(t.face, t.req.rate, dd)
			adv := t.face - disc - t.req.fee
			if adv <= 0 {
				o.want = errcode.RuleViolation
				return
			}
			t.holder, t.financed, t.status = t.finBank, true, receivable.StatusActive
			t.logLen++
			t.finSeq, t.req = t.logLen, nil
			m.touch(t)
			o.result = map[string]any{"id": t.id, "status": t.status, "seq": t.logLen, "days": dd, "discount_fen": disc, "fee_fen": t.face - disc - adv, "advance_fen": adv}
		default:
			t.status, t.finBank, t.finSeq, t.req = receivable.StatusActive, "", 0, nil
			t.logLen++
			m.touch(t)
			o.result = map[string]any{"id": t.id, "status": t.status, "seq": t.logLen, "days": 0, "discount_fen": 0, "fee_fen": 0, "advance_fen": 0}
		}
	}
}

func (m *model) genSettle(r *rand.Rand, o *mop, party func(string)) {
	t, id := m.target(r, func(x *mRC) bool { return leafOK(x) && m.today >= x.maturity })
	left := int64(100)
	if t != nil {
		party(t.obligor)
		left = t.face - t.settled
	}
	amount := left
	switch x := r.IntN(100); {
	case x < 25 && left > 1:
		amount = 1 + r.Int64N(left-1)
	case x < 32:
		amount = left + 1 + r.Int64N(5)
	}
	if r.IntN(50) == 0 {
		amount = 0
	}
	bad := amount <= 0
	o.body = settleOf(id, amount)
	o.predict = func([32]byte) {
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case t == nil:
			o.want = errcode.NotFound
		case t.obligor != o.org:
			o.want = errcode.Unauthorized
		case !leafOK(t), m.frozenEff(t):
			o.want = errcode.Conflict
		case m.today < t.maturity, amount > t.face-t.settled:
			o.want = errcode.RuleViolation
		default:
			t.settled += amount
			if t.settled == t.face {
				t.status = receivable.StatusSettled
			}
			m.credit[t.obligor].outstanding -= amount
			t.logLen++
			m.touch(t)
			o.result = map[string]any{"id": t.id, "status": t.status, "seq": t.logLen, "settled_fen": t.settled, "remaining_fen": t.face - t.settled}
		}
	}
}

func (m *model) genFreeze(r *rand.Rand, o *mop, party func(string)) {
	freeze := o.action == "freeze"
	t, id := m.target(r, func(x *mRC) bool { return x.frozen != freeze })
	switch {
	case freeze:
		party(pick(r, regulators))
	case t != nil && r.IntN(4) > 0:
		party(t.frozenBy)
	default:
		party(pick(r, regulators)) // sometimes another regulator than the one that froze it
	}
	reason := "监管核查"
	bad := r.IntN(40) == 0
	if bad {
		reason = ""
	}
	o.body = map[string]any{"id": id, "reason": reason}
	o.predict = func([32]byte) {
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case t == nil:
			o.want = errcode.NotFound
		case freeze && !isLive(t.status), freeze && t.status == receivable.StatusSettled, freeze == t.frozen:
			o.want = errcode.Conflict
		case !freeze && t.frozenBy != o.org:
			o.want = errcode.Unauthorized
		default:
			m.setFrozen(t, freeze, o.org)
			o.result = statusResult(t)
		}
	}
}

func (m *model) setFrozen(t *mRC, freeze bool, by string) {
	root := m.rc[t.root]
	t.frozen = freeze
	if freeze {
		t.frozenBy, t.frozenAt = by, m.height
		root.frozenNodes++
	} else {
		t.frozenBy, t.frozenAt = "", 0
		root.frozenNodes--
	}
	t.logLen++
	m.touch(t)
	m.touch(root)
}

// genDecision carries out governance decisions: mostly one of the passed
// proposals the run made for a frozen receivable, sometimes one for
// another receivable, one used already, or no proposal at all.
func (m *model) genDecision(r *rand.Rand, o *mop, party func(string)) {
	var ready []*mDecision
	for _, x := range m.decisions {
		if !x.used && m.rc[x.subject].frozen && x.created >= m.rc[x.subject].frozenAt {
			ready = append(ready, x)
		}
	}
	var t *mRC
	var id string
	var d *mDecision
	if len(ready) > 0 && r.IntN(10) < 7 {
		d = pick(r, ready)
		t, id = m.rc[d.subject], d.subject
	} else {
		t, id = m.target(r, func(x *mRC) bool { return x.frozen })
		if len(m.decisions) > 0 && r.IntN(3) > 0 {
			d = pick(r, m.decisions)
		}
	}
	var pid uint64 = 999
	if d != nil {
		pid = d.id
	}
	bad := r.IntN(40) == 0
	if bad {
		pid = 0
	}
	o.body = map[string]any{"id": id, "proposal_id": pid}
	o.predict = func([32]byte) {
		switch {
		case bad:
			o.want = errcode.MalformedBody
		case t == nil:
			o.want = errcode.NotFound
		case !t.frozen:
			o.want = errcode.Conflict
		case d == nil:
			o.want = errcode.NotFound
		case d.subject != t.id:
			o.want = errcode.Unauthorized
		case d.used, d.created < t.frozenAt:
			o.want = errcode.Conflict
		default:
			d.used = true
			m.setFrozen(t, false, "")
			o.result = statusResult(t)
		}
	}
}

// same compares an answer with the model's, through JSON.
func same(got []byte, want map[string]any) bool {
	var a, b map[string]any
	if json.Unmarshal(got, &a) != nil {
		return false
	}
	json.Unmarshal([]byte(testchain.Encode(want)), &b)
	return reflect.DeepEqual(a, b)
}

func TestModel(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { runModel(t, seed, 150, 16, 4) })
	}
}

// runModel runs blocks of perBlock transactions, perDay blocks a day,
// moving on 1 to 6 days between days.
func runModel(t *testing.T, seed uint64, blocks, perBlock, perDay int) {
	c := testchain.New(t, testchain.Options{Modules: own, Roles: ownRoles, Orgs: consortium()})
	m := &model{roles: map[string][]role.Role{}, rc: map[string]*mRC{}, credit: map[string]*mCredit{}, inv: map[string]*mInvoice{}}
	for _, o := range consortium() {
		m.roles[o.ID] = o.Roles
		m.orgs = append(m.orgs, o.ID)
	}
	// Start with a line; set_credit_line moves it about.
	do(t, c, bankA, "set_credit_line", map[string]any{"obligor": core, "limit_fen": 20_000 * wan}, errcode.OK)
	m.credit[core] = &mCredit{limit: 20_000 * wan}
	r := rand.New(rand.NewPCG(seed, seed*7919))
	counts := testchain.Tally{}
	storedOverdue, lockedRefusals := 0, 0
	cache := decoded{}

	for b := range blocks {
		if b > 0 && b%perDay == 0 {
			setDate(t, c, addDays(today(c), 1+r.IntN(6)))
		}
		if b%8 == 6 {
			// The consortium decides to lift a freeze.
			if x := m.some(r, func(x *mRC) bool { return x.frozen }); x != nil {
				id := governance(t, c, pick(r, m.orgs), "unfreeze_by_decision", x.id, true)
				p, _ := identity.GetProposal(c.View(), id)
				m.decisions = append(m.decisions, &mDecision{id: id, subject: x.id, created: p.Created})
			}
		}
		now := c.Time.Add(time.Second)
		m.today = now.In(cstZone).Format(time.DateOnly)
		m.height = c.Height + 1
		var ops []*mop
		var txs [][]byte
		for range perBlock {
			o := m.gen(r, now)
			var raw []byte
			if o.roleRefused {
				raw = c.SignUnconsumed(admin(c, o.org), "receivable", o.action, o.body)
			} else {
				raw = c.Sign(admin(c, o.org), "receivable", o.action, o.body)
				o.predict(tx.Hash(raw))
			}
			ops = append(ops, o)
			txs = append(txs, raw)
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			got := errcode.Code(res[i].Code)
			if got != o.want {
				t.Fatalf("height %d (%s) tx %d: %s by %s %s: code %s (%s), model says %s", c.Height, m.today, i, o.action, o.org, testchain.Compact(o.body), got, res[i].Log, o.want)
			}
			counts.Add(o.action, got)
			if got == errcode.Conflict && strings.Contains(res[i].Log, "freeze") {
				lockedRefusals++
			}
			if got == errcode.OK && !same(res[i].Data, o.result) {
				t.Fatalf("height %d tx %d: %s answered %s, model says %s", c.Height, i, o.action, res[i].Data, testchain.Encode(o.result))
			}
		}
		w := checkInvariantsCached(t, c, cache)
		storedOverdue = max(storedOverdue, compareModel(t, c, m, w, b%15 == 14 || b == blocks-1))
	}

	byStatus := map[string]int{}
	for _, x := range m.rc {
		byStatus[x.status]++
	}
	total, ok, report := counts.Check(t, 5, 35)
	t.Logf("%d txs, %d ok (%d%%), %d receivables %v, through %s; %d refusals for a freeze; up to %d stored overdue\n%s",
		total, ok, 100*ok/total, len(m.rc), byStatus, m.today, lockedRefusals, storedOverdue, report)
	if byStatus[receivable.StatusSettled] == 0 || byStatus[receivable.StatusSplit] == 0 || lockedRefusals == 0 || storedOverdue == 0 {
		t.Errorf("the workload missed a case: statuses %v, %d freeze refusals, %d stored overdue", byStatus, lockedRefusals, storedOverdue)
	}
}

// compareModel checks every record against the model and, when queries is
// set, the query functions against the model's totals. It returns the
// number of receivables stored overdue.
func compareModel(t *testing.T, c *testchain.Chain, m *model, w *world, queries bool) int {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("height %d: "+format, append([]any{c.Height}, args...)...)
	}
	if len(w.rc) != len(m.rc) {
		fail("%d receivables, the model has %d", len(w.rc), len(m.rc))
	}
	overdue := 0
	for _, id := range m.ids {
		x, r := m.rc[id], w.rc[id]
		if r == nil {
			fail("model receivable %s is not in the state", id)
		}
		got := []any{r.RootID, r.ParentID, r.Obligor, r.Holder, r.PendingHolder, r.ConfirmingBank, r.FinancingBank, r.FaceFen, r.SettledFen,
			r.IssueDate, r.MaturityDate, r.Status, r.Frozen, r.FrozenBy, r.FrozenAt, r.Financed, r.FrozenNodes, r.Children, int(r.LogLen), int(r.FinancingSeq),
			r.ConfirmationBank, int(r.ConfirmationSeq)}
		want := []any{x.root, x.parent, x.obligor, x.holder, x.pending, x.confirming, x.finBank, x.face, x.settled,
			x.issue, x.maturity, x.status, x.frozen, x.frozenBy, x.frozenAt, x.financed, x.frozenNodes, x.children, x.logLen, x.finSeq,
			x.confBank, x.confSeq}
		if testchain.Encode(got) != testchain.Encode(want) {
			fail("receivable %s:\nstate %s\nmodel %s", id, testchain.Encode(got), testchain.Encode(want))
		}
		if r.Status == receivable.StatusOverdue {
			overdue++
		}
	}
	for org, cl := range m.credit {
		if s := w.credit[org]; s.LimitFen != cl.limit || s.OutstandingFen != cl.outstanding {
			fail("credit line of %s: %+v, model %+v", org, s, cl)
		}
	}
	for key, inv := range m.inv {
		no := strings.Replace(key, "|", "/", 1)
		if s := w.invoice[no]; s.UsedFen != inv.used || s.AmountFen != inv.amount || s.Seller != inv.seller || s.Buyer != inv.buyer || s.SellerAccepted != inv.accepted {
			fail("invoice %s: %+v, model %+v", no, s, inv)
		}
	}
	used := 0
	for _, d := range m.decisions {
		if d.used {
			used++
		}
	}
	if len(w.decisions) != used {
		fail("%d decisions carried out, model %d", len(w.decisions), used)
	}
	if len(w.invoice) != len(m.inv) {
		fail("%d invoices, model %d", len(w.invoice), len(m.inv))
	}
	if !queries {
		return overdue
	}

	// The queries agree with the model.
	v := c.View()
	d := m.today
	for _, org := range m.orgs {
		var face, settled, incoming int64
		var n, in int
		for _, x := range m.rc {
			if x.holder == org && len(x.children) == 0 && isLive(x.status) {
				face += x.face
				settled += x.settled
				n++
			}
			if x.pending == org {
				incoming += x.face
				in++
			}
		}
		p, err := receivable.Portfolio(v, org, d)
		if err != nil || p.FaceFen != face || p.SettledFen != settled || len(p.Leaves) != n || len(p.Incoming) != in || p.IncomingFen != incoming {
			fail("portfolio of %s: %d leaves %d/%d, %d incoming %d; model %d leaves %d/%d, %d incoming %d (%v)",
				org, len(p.Leaves), p.FaceFen, p.SettledFen, len(p.Incoming), p.IncomingFen, n, face, settled, in, incoming, err)
		}
	}
	var owed int64
	for _, obligor := range slices.Sorted(maps.Keys(m.credit)) {
		cl := m.credit[obligor]
		owed += cl.outstanding
		ob, err := receivable.ObligorOutstanding(v, obligor, d)
		if err != nil || ob.OutstandingFen != cl.outstanding || ob.OpenFen != ob.OutstandingFen || ob.LimitFen != cl.limit {
			fail("%s's outstanding %+v (%v), model %+v", obligor, ob, err, cl)
		}
	}
	for _, bank := range banks {
		var asked int
		for _, x := range m.rc {
			if x.confBank == bank {
				asked++
			}
		}
		if cv, err := receivable.Confirmations(v, bank, d); err != nil || len(cv.Requests) != asked {
			fail("confirmation requests to %s: %+v (%v); model %d", bank, cv, err, asked)
		}
		var fin, req int
		var amount int64
		for _, x := range m.rc {
			if x.financed && x.finBank == bank {
				fin++
				amount += x.face
			}
			if x.status == receivable.StatusFinancingPending && x.finBank == bank {
				req++
			}
		}
		b, err := receivable.FinancedBook(v, bank, d)
		if err != nil || len(b.Entries) != fin || len(b.Requests) != req || b.AmountFen != amount || b.AdvanceFen+b.DiscountFen+b.FeeFen != amount {
			fail("book of %s: %d entries %d, %d requests (%v); model %d %d %d", bank, len(b.Entries), b.AmountFen, len(b.Requests), err, fin, amount, req)
		}
	}
	ov, err := receivable.RegulatorOverview(v, d)
	if err != nil {
		fail("overview: %v", err)
	}
	var frozen, due, long int
	for _, x := range m.rc {
		if x.frozen {
			frozen++
		}
		if x.status == receivable.StatusOverdue || x.status == receivable.StatusActive && d > x.maturity {
			due++
		}
		if x.parent == "" && isLive(x.status) && days(x.issue, x.maturity) > receivable.LongTermDays {
			long++
		}
	}
	if ov.Receivables != len(m.rc) || len(ov.Frozen) != frozen || len(ov.Overdue) != due || len(ov.LongTerm) != long || ov.OpenFen != owed {
		fail("overview %d receivables, %d frozen, %d overdue, %d long-term, open %d; model %d %d %d %d %d",
			ov.Receivables, len(ov.Frozen), len(ov.Overdue), len(ov.LongTerm), ov.OpenFen, len(m.rc), frozen, due, long, owed)
	}
	for _, id := range m.ids {
		if x := m.rc[id]; x.parent == "" && len(x.children) > 0 {
			l, err := receivable.Lineage(v, id, d)
			size := 0
			var walk func(string)
			walk = func(id string) {
				size++
				for _, ch := range m.rc[id].children {
					walk(ch)
				}
			}
			walk(id)
			if err != nil || len(l.Nodes) != size || l.LeafFaceFen != x.face {
				fail("lineage of %s: %d nodes, leaves %d (%v); model %d nodes, face %d", id, len(l.Nodes), l.LeafFaceFen, err, size, x.face)
			}
		}
	}
	return overdue
}
