package trade_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// The model: what control, surrender and drawing should be after each
// action, computed from the design's rules without the module's code.
type mEBL struct {
	ref, carrier, shipper, consignee string
	toOrder, blank                   bool
	ctl, pend, pendEnd, status       string
	amend                            bool
	pres                             string
	surrenders                       int
}

type mPres struct {
	id, no, ebl, status string
	amount              int64
	invNo, invFile      string // the invoice's number (in capitals) and file
}

type mCredit struct {
	no, applicant, beneficiary, issuing, nominated string
	amount                                         int64
	tol                                            int
	expiry                                         string
	drawn, reserved                                int64
	amendPending                                   bool
	pendAmount                                     int64
	pendExpiry                                     string
	n                                              int
}

type model struct {
	ebls    map[string]*mEBL
	refs    []string
	credits []*mCredit
	pres    map[string]*mPres
	presIDs []string
	// The invoices that back a presentation not returned, by number (in
	// capitals) and by file: rule set 2, one drawing per invoice.
	invNo, invFile map[string]string
}

var (
	traders  = []string{shipper, importer, other}
	banks    = []string{issuing, advising}
	carriers = []string{carrier, carrier2}
	everyone = []string{carrier, carrier2, shipper, importer, other, issuing, advising, customs}
)

func isHolder(org string) bool { return slices.Contains(traders, org) || slices.Contains(banks, org) }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// nextWeekday is the model's effective expiry: banks without a calendar
// open Monday to Friday.
func nextWeekday(date string) string {
	d, _ := time.Parse(time.DateOnly, date)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format(time.DateOnly)
}

func (c *mCredit) max() int64 { return c.amount + c.amount*int64(c.tol)/100 }

// op is one generated action with the model's prediction and what to do
// to the model when the chain accepts it.
type op struct {
	org, action string
	body        any
	ok          bool
	// unknown: the model cannot tell (an examination, which depends on
	// the discrepancies the records show); it follows the chain's answer.
	unknown bool
	apply   func(res []byte)
}

func (m *model) next(r *rand.Rand, day string) op {
	switch k := r.IntN(20); {
	case k < 2 || len(m.refs) == 0:
		return m.issue(r, day)
	case k < 7:
		return m.transfer(r)
	case k < 10:
		return m.answer(r)
	case k < 11:
		return m.amend(r)
	case k < 12:
		return m.surrender(r)
	case k < 13:
		return m.close(r)
	case k < 15:
		return m.present(r, day)
	case k < 16:
		return m.amendCredit(r, day)
	default:
		return m.bankStep(r, day)
	}
}

func (m *model) issue(r *rand.Rand, day string) op {
	ref := fmt.Sprintf("MB%08d", len(m.refs)+1)
	toOrder := r.IntN(4) != 0
	consignee := ""
	if !toOrder {
		consignee = pick(r, []string{importer, other, advising})
	}
	b := eblBody(ref, toOrder, consignee)
	b.ShippedOnBoard = day
	org := pick(r, carriers)
	if r.IntN(10) == 0 {
		org = pick(r, traders)
	}
	return op{org: org, action: "issue_ebl", body: b, ok: slices.Contains(carriers, org), apply: func([]byte) {
		m.ebls[ref] = &mEBL{ref: ref, carrier: org, shipper: shipper, consignee: consignee, toOrder: toOrder, ctl: shipper, status: tradeapi.EBLIssued}
		m.refs = append(m.refs, ref)
	}}
}

func (e *mEBL) idle() bool { return e.pend == "" && !e.amend && e.pres == "" }

func (m *model) transfer(r *rand.Rand) op {
	e := m.ebls[pick(r, m.refs)]
	org := e.ctl
	if r.IntN(5) == 0 {
		org = pick(r, everyone)
	}
	to := pick(r, everyone)
	kind := pick(r, tradeapi.Endorsements)
	ok := isHolder(org) && e.status == tradeapi.EBLIssued && org == e.ctl && e.idle() && isHolder(to) && to != e.ctl
	switch {
	case !e.toOrder:
		ok = ok && kind == tradeapi.EndorseNone && (to == e.consignee || to == e.shipper)
	case e.blank:
		ok = ok && kind != tradeapi.EndorseBlank
	default:
		ok = ok && kind != tradeapi.EndorseNone
	}
	return op{org: org, action: "transfer_ebl", body: transfer(e.ref, to, kind), ok: ok, apply: func([]byte) { e.pend, e.pendEnd = to, kind }}
}

func (m *model) answer(r *rand.Rand) op {
	e := m.ebls[pick(r, m.refs)]
	org := e.pend
	if org == "" || r.IntN(6) == 0 {
		org = pick(r, everyone)
	}
	offered := isHolder(org) && e.status == tradeapi.EBLIssued && e.pend != ""
	switch r.IntN(3) {
	case 0:
		return op{org: org, action: "reject_ebl", body: tradeapi.ReasonBody{Ref: e.ref}, ok: offered && org == e.pend, apply: func([]byte) { e.pend = "" }}
	case 1:
		return op{org: e.ctl, action: "withdraw_transfer", body: ref(e.ref), ok: isHolder(e.ctl) && e.status == tradeapi.EBLIssued && e.pend != "", apply: func([]byte) { e.pend = "" }}
	}
	return op{org: org, action: "accept_ebl", body: ref(e.ref), ok: offered && org == e.pend, apply: func([]byte) {
		e.ctl = e.pend
		switch e.pendEnd {
		case tradeapi.EndorseNamed:
			e.blank = false
		case tradeapi.EndorseBlank:
			e.blank = true
		}
		e.pend = ""
	}}
}

func (m *model) amend(r *rand.Rand) op {
	e := m.ebls[pick(r, m.refs)]
	if e.amend {
		org := e.ctl
		if r.IntN(5) == 0 {
			org = pick(r, everyone)
		}
		return op{org: org, action: "answer_ebl_amendment", body: tradeapi.AnswerBody{Ref: e.ref, Consent: r.IntN(2) == 0}, ok: isHolder(org) && org == e.ctl,
			apply: func([]byte) { e.amend = false }}
	}
	org := e.carrier
	if r.IntN(5) == 0 {
		org = pick(r, carriers)
	}
	body := tradeapi.AmendEBLBody{Ref: e.ref, Changes: tradeapi.Amendment{Voyage: fmt.Sprintf("V%03d", r.IntN(1000))}, Reason: "schedule change"}
	return op{org: org, action: "amend_ebl", body: body, ok: org == e.carrier && e.status == tradeapi.EBLIssued && e.pend == "", apply: func([]byte) { e.amend = true }}
}

func (m *model) surrender(r *rand.Rand) op {
	e := m.ebls[pick(r, m.refs)]
	org := e.ctl
	if org == e.carrier || r.IntN(6) == 0 {
		org = pick(r, everyone)
	}
	purpose := tradeapi.SurrenderDelivery
	if r.IntN(4) == 0 {
		purpose = tradeapi.SurrenderPaper
	}
	ok := isHolder(org) && e.status == tradeapi.EBLIssued && org == e.ctl && e.idle() && (e.toOrder || purpose == tradeapi.SurrenderPaper || org == e.consignee)
	return op{org: org, action: "surrender_ebl", body: tradeapi.SurrenderBody{Ref: e.ref, Purpose: purpose}, ok: ok, apply: func([]byte) {
		e.ctl, e.surrenders = e.carrier, e.surrenders+1
		e.status = tradeapi.EBLSurrendered
		if purpose == tradeapi.SurrenderPaper {
			e.status = tradeapi.EBLPendingPaper
		}
	}}
}

func (m *model) close(r *rand.Rand) op {
	e := m.ebls[pick(r, m.refs)]
	org := e.carrier
	if r.IntN(4) == 0 {
		org = pick(r, carriers)
	}
	if r.IntN(2) == 0 {
		return op{org: org, action: "release_goods", body: tradeapi.ReleaseBody{Ref: e.ref, DeliveryOrder: "DO-" + e.ref}, ok: org == e.carrier && e.status == tradeapi.EBLSurrendered,
			apply: func([]byte) { e.status = tradeapi.EBLDelivered }}
	}
	return op{org: org, action: "switch_to_paper", body: tradeapi.PaperBody{Ref: e.ref, PaperNo: "P-" + e.ref}, ok: org == e.carrier && e.status == tradeapi.EBLPendingPaper,
		apply: func([]byte) { e.status = tradeapi.EBLSwitchedToPaper }}
}

func (m *model) present(r *rand.Rand, day string) op {
	cr := pick(r, m.credits)
	// Prefer a bill the beneficiary controls.
	var mine []string
	for _, ref := range m.refs {
		if m.ebls[ref].ctl == cr.beneficiary {
			mine = append(mine, ref)
		}
	}
	refs := m.refs
	if len(mine) > 0 && r.IntN(4) != 0 {
		refs = mine
	}
	e := m.ebls[pick(r, refs)]
	org := cr.beneficiary
	if r.IntN(8) == 0 {
		org = pick(r, traders)
	}
	amount := 1 + r.Int64N(cr.max()/2)
	if r.IntN(5) == 0 {
		amount = cr.max() - cr.drawn - cr.reserved + r.Int64N(3) - 1
	}
	avail := cr.max() - cr.drawn - cr.reserved
	body := presentBody(cr.no, e.ref, amount)
	// Now and then the invoice of an earlier presentation: its number (in
	// other letter case), its file, or both.
	if len(m.presIDs) > 0 && r.IntN(4) == 0 {
		earlier := m.pres[pick(r, m.presIDs)]
		switch r.IntN(3) {
		case 0:
			body.Invoice.No = strings.ToLower(earlier.invNo)
		case 1:
			body.Invoice.SHA256 = earlier.invFile
		default:
			body.Invoice.No, body.Invoice.SHA256 = earlier.invNo, earlier.invFile
		}
	}
	invNo, invFile := strings.ToUpper(body.Invoice.No), body.Invoice.SHA256
	ok := org == cr.beneficiary && day <= nextWeekday(cr.expiry) && amount >= 1 && amount <= avail &&
		e.status == tradeapi.EBLIssued && e.ctl == org && e.idle() && e.toOrder &&
		m.invNo[invNo] == "" && m.invFile[invFile] == ""
	return op{org: org, action: "present_documents", body: body, ok: ok, apply: func([]byte) {
		cr.n++
		id := trade.PresentationID(cr.no, cr.n)
		cr.reserved += amount
		m.invNo[invNo], m.invFile[invFile] = id, id
		m.pres[id] = &mPres{id: id, no: cr.no, ebl: e.ref, status: tradeapi.PresPresented, amount: amount, invNo: invNo, invFile: invFile}
		m.presIDs = append(m.presIDs, id)
		e.ctl, e.pres = cr.nominated, id
	}}
}

func (m *model) amendCredit(r *rand.Rand, day string) op {
	cr := pick(r, m.credits)
	if cr.amendPending {
		accept := r.IntN(3) != 0
		newMax := cr.pendAmount + cr.pendAmount*int64(cr.tol)/100
		return op{org: cr.beneficiary, action: "answer_credit_amendment", body: tradeapi.AnswerCreditBody{No: cr.no, Accept: accept},
			ok: !accept || newMax >= cr.drawn+cr.reserved, apply: func([]byte) {
				cr.amendPending = false
				if accept {
					cr.amount, cr.expiry = cr.pendAmount, cr.pendExpiry
				}
			}}
	}
	amount := cr.amount + r.Int64N(cr.amount/2) - cr.amount/4
	expiry := trade.AddDays(day, r.IntN(30))
	terms := creditBody(cr.no).Terms
	terms.Amount.Minor, terms.Expiry, terms.LatestShipment, terms.TolerancePct, terms.PartialShipments = amount, expiry, expiry, cr.tol, true
	newMax := amount + amount*int64(cr.tol)/100
	ok := day <= nextWeekday(cr.expiry) && !(cr.max()-cr.drawn-cr.reserved <= 0 && cr.reserved == 0) && newMax >= cr.drawn+cr.reserved
	return op{org: cr.issuing, action: "amend_credit", body: tradeapi.AmendCreditBody{No: cr.no, Terms: terms}, ok: ok, apply: func([]byte) {
		cr.amendPending, cr.pendAmount, cr.pendExpiry = true, amount, expiry
	}}
}

// bankStep is a step after a presentation. The model does not know which
// discrepancies the records show, so it follows the chain's answer for
// the examination and checks where the eBL and the money go.
func (m *model) bankStep(r *rand.Rand, day string) op {
	if len(m.presIDs) == 0 {
		return m.present(r, day)
	}
	var open []string
	for _, id := range m.presIDs {
		if st := m.pres[id].status; st != tradeapi.PresSettled && st != tradeapi.PresReturned {
			open = append(open, id)
		}
	}
	if len(open) == 0 || r.IntN(10) == 0 {
		open = m.presIDs
	}
	p := m.pres[pick(r, open)]
	var cr *mCredit
	for _, c := range m.credits {
		if c.no == p.no {
			cr = c
		}
	}
	e := m.ebls[p.ebl]
	followStatus := func(res []byte) {
		var pr tradeapi.PresentResult
		if err := json.Unmarshal(res, &pr); err != nil {
			panic(err)
		}
		p.status = pr.Status
	}
	switch p.status {
	case tradeapi.PresPresented:
		complying := r.IntN(3) != 0
		body := tradeapi.ExamineBody{ID: p.id, Complying: complying}
		if !complying {
			body.Discrepancies = []string{"goods description differs"}
		}
		return op{org: cr.nominated, action: "examine_documents", body: body, unknown: true, apply: followStatus}
	case tradeapi.PresDiscrepant:
		if r.IntN(2) == 0 {
			return op{org: cr.applicant, action: "waive_discrepancies", body: tradeapi.PresBody{ID: p.id}, ok: true, apply: func([]byte) { p.status = tradeapi.PresWaived }}
		}
		return op{org: cr.nominated, action: "return_documents", body: tradeapi.PresBody{ID: p.id}, ok: true, apply: func([]byte) {
			p.status, cr.reserved = tradeapi.PresReturned, cr.reserved-p.amount
			e.ctl, e.pres = cr.beneficiary, ""
			delete(m.invNo, p.invNo)
			delete(m.invFile, p.invFile)
		}}
	case tradeapi.PresComplying, tradeapi.PresWaived:
		return op{org: cr.nominated, action: "honour", body: tradeapi.HonourBody{ID: p.id}, ok: true, apply: func([]byte) {
			p.status, cr.reserved, cr.drawn = tradeapi.PresHonoured, cr.reserved-p.amount, cr.drawn+p.amount
		}}
	case tradeapi.PresHonoured:
		if cr.nominated != cr.issuing {
			return op{org: cr.issuing, action: "reimburse", body: tradeapi.PresBody{ID: p.id}, ok: true, apply: func([]byte) { p.status, e.ctl = tradeapi.PresReimbursed, cr.issuing }}
		}
		fallthrough
	case tradeapi.PresReimbursed:
		return op{org: cr.issuing, action: "release_documents", body: tradeapi.PresBody{ID: p.id}, ok: true, apply: func([]byte) {
			p.status, e.ctl, e.pres = tradeapi.PresSettled, cr.applicant, ""
		}}
	}
	// Settled or returned: anything more is refused.
	return op{org: cr.nominated, action: "honour", body: tradeapi.HonourBody{ID: p.id}, ok: false}
}

// The model-based test: random sequences of transfers, amendments,
// surrenders and credit steps, several per block; after every block the
// chain agrees with the model on who controls every eBL and what every
// credit drew, and the invariants hold.
func TestModel(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed, 150) })
	}
}

func runModel(t *testing.T, seed uint64, blocks int) {
	r := rand.New(rand.NewPCG(seed, 99))
	c := newChain(t)
	m := &model{ebls: map[string]*mEBL{}, pres: map[string]*mPres{}, invNo: map[string]string{}, invFile: map[string]string{}}
	// Two credits: one available with the advising bank with 10 %
	// tolerance, partial drawings prohibited; one with the issuing bank,
	// partial drawings allowed.
	for i, nominated := range []string{advising, issuing} {
		b := creditBody(fmt.Sprintf("LC-M-%d", i+1))
		b.NominatedBank = nominated
		b.Terms.TolerancePct = 10 * (1 - i)
		b.Terms.PartialShipments = i == 1
		b.Terms.Expiry, b.Terms.LatestShipment = "2026-04-15", "2026-04-15"
		do(t, c, issuing, "issue_credit", b, errcode.OK)
		m.credits = append(m.credits, &mCredit{no: b.No, applicant: importer, beneficiary: shipper, issuing: issuing, nominated: nominated,
			amount: b.Terms.Amount.Minor, tol: b.Terms.TolerancePct, expiry: b.Terms.Expiry})
	}
	tally := testchain.Tally{}
	for range blocks {
		c.Time = c.Time.Add(time.Duration(r.IntN(16)) * time.Hour)
		day := c.Time.Add(time.Second).In(cst).Format(time.DateOnly)
		var ops []op
		var txs [][]byte
		used := map[string]bool{}
		for range 1 + r.IntN(4) {
			// One action per signer and block: an action refused in the
			// envelope (a role the signer lacks) leaves its nonce unused,
			// and the signer's next one in the block would skip ahead.
			o := m.next(r, day)
			for try := 0; used[o.org] && try < 5; try++ {
				o = m.next(r, day)
			}
			if used[o.org] {
				continue
			}
			used[o.org] = true
			ops = append(ops, o)
			txs = append(txs, c.Sign(c.Members[o.org].Admin, tradeapi.Name, o.action, o.body))
			// Later actions of the block are predicted on the model as
			// this one leaves it (a wrong prediction fails the test).
			if o.ok && o.apply != nil {
				o.apply(nil)
			}
		}
		res, _ := c.Block(txs...)
		for i, o := range ops {
			code := errcode.Code(res[i].Code)
			tally.Add(o.action, code)
			if o.unknown {
				if code == errcode.OK {
					o.apply(res[i].Data)
				}
				continue
			}
			if (code == errcode.OK) != o.ok {
				t.Fatalf("block %d: %s by %s %s: code %s (%s), the model expected ok=%v", c.Height, o.action, o.org, testchain.Compact(o.body), code, res[i].Log, o.ok)
			}
		}
		// Refusals in the envelope (a role the signer lacks) do not use
		// the nonce: take the next ones from the chain.
		for _, org := range everyone {
			id := c.Members[org].Admin.ID()
			n, err := c.App.NextNonce(id)
			if err != nil {
				t.Fatal(err)
			}
			c.ResetNonce(id, n-1)
		}
		m.compare(t, c)
		checkInvariants(t, c)
	}
	_, ok, report := tally.Check(t, 0, 0)
	t.Logf("seed %d: %d accepted\n%s", seed, ok, report)
}

// compare checks the chain against the model.
func (m *model) compare(t *testing.T, c *testchain.Chain) {
	t.Helper()
	for _, ref := range m.refs {
		want := m.ebls[ref]
		got := get(t, c, ref)
		if got.Controller != want.ctl || got.PendingTo != want.pend || got.Status != want.status || got.AmendOpen != want.amend || got.Presentation != want.pres || got.Blank != want.blank {
			t.Fatalf("block %d: eBL %s is %s controlled by %s (offered to %q, amendment %v, presentation %q, blank %v); the model says %s by %s (%q, %v, %q, %v)",
				c.Height, ref, got.Status, got.Controller, got.PendingTo, got.AmendOpen, got.Presentation, got.Blank, want.status, want.ctl, want.pend, want.amend, want.pres, want.blank)
		}
		if want.surrenders > 1 {
			t.Fatalf("eBL %s surrendered %d times", ref, want.surrenders)
		}
	}
	for _, mc := range m.credits {
		cr := credit(t, c, mc.no)
		if cr.Drawn != mc.drawn || cr.Reserved != mc.reserved || cr.Terms.Amount.Minor != mc.amount || cr.Terms.Expiry != mc.expiry {
			t.Fatalf("block %d: credit %s drew %d, reserves %d, amount %d, expiry %s; the model says %d, %d, %d, %s",
				c.Height, mc.no, cr.Drawn, cr.Reserved, cr.Terms.Amount.Minor, cr.Terms.Expiry, mc.drawn, mc.reserved, mc.amount, mc.expiry)
		}
		if mc.drawn > mc.max() {
			t.Fatalf("credit %s drew %d over its maximum %d", mc.no, mc.drawn, mc.max())
		}
	}
}

// FuzzModel runs short model-based sequences from fuzzed seeds.
func FuzzModel(f *testing.F) {
	for _, s := range []uint64{13, 14, 15} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { runModel(t, seed, 40) })
}
