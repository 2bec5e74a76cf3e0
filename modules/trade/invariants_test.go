package trade_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// checkInvariants reads the module's whole state and checks what must
// hold at every height:
//   - singularity: every eBL has exactly one controller, and the control
//     index has exactly one entry for it, its controller's; an offer is
//     indexed for its receiver only;
//   - single surrender: an eBL has a surrender record iff it left
//     circulation, its history shows exactly one surrender, nothing moved
//     the bill after it but the carrier's closing step, and the carrier
//     holds it;
//   - credits: what was honoured and what is presented never exceed the
//     amount plus tolerance, they are the sums of the presentations, every
//     presentation arrived no later than the credit's effective expiry,
//     and an eBL held under a presentation is held by a bank of it;
//   - one drawing per invoice (rule set 2): the invoice index holds, by
//     the beneficiary's invoice number and by the file, exactly the
//     invoices of the presentations that were not returned, each naming
//     its presentation (so no two such presentations share either).
func checkInvariants(tb testing.TB, c *testchain.Chain) {
	tb.Helper()
	v := c.View()
	ctl := map[string][]string{}   // ref -> orgs whose control index lists it
	inbox := map[string][]string{} // ref -> orgs offered it
	for _, idx := range []struct {
		prefix string
		into   map[string][]string
	}{{"trade/ctl/", ctl}, {"trade/inbox/", inbox}} {
		err := v.Iterate([]byte(idx.prefix), nil, func(k, _ []byte) bool {
			org, ref, _ := strings.Cut(strings.TrimPrefix(string(k), idx.prefix), "/")
			idx.into[ref] = append(idx.into[ref], org)
			return true
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	var ebls []tradeapi.EBL
	if err := module.EachJSON(v, []byte("trade/ebl/"), func(_ []byte, e *tradeapi.EBL) { ebls = append(ebls, *e) }); err != nil {
		tb.Fatal(err)
	}
	if len(ctl) != len(ebls) {
		tb.Fatalf("control index lists %d eBLs, the state has %d", len(ctl), len(ebls))
	}
	for _, e := range ebls {
		if e.Controller == "" || !slices.Equal(ctl[e.Ref], []string{e.Controller}) {
			tb.Fatalf("eBL %s: controller %q, control index %v", e.Ref, e.Controller, ctl[e.Ref])
		}
		if (e.PendingTo == "") != (len(inbox[e.Ref]) == 0) || e.PendingTo != "" && !slices.Equal(inbox[e.Ref], []string{e.PendingTo}) {
			tb.Fatalf("eBL %s: offered to %q, inbox index %v", e.Ref, e.PendingTo, inbox[e.Ref])
		}
		steps, err := trade.Steps(v, e.Ref)
		if err != nil || uint64(len(steps)) != e.Steps {
			tb.Fatalf("eBL %s: %d steps recorded, %d counted (%v)", e.Ref, len(steps), e.Steps, err)
		}
		s, err := trade.GetSurrender(v, e.Ref)
		if err != nil {
			tb.Fatal(err)
		}
		var surrenders []uint64
		for _, st := range steps {
			if strings.HasPrefix(st.Action, "surrendered_for_") {
				surrenders = append(surrenders, st.Seq)
			}
		}
		if e.Status == tradeapi.EBLIssued {
			if s != nil || len(surrenders) != 0 {
				tb.Fatalf("eBL %s in circulation has a surrender: %+v %v", e.Ref, s, surrenders)
			}
		} else {
			if s == nil || len(surrenders) != 1 || s.Seq != surrenders[0] || e.Controller != e.Carrier || e.PendingTo != "" {
				tb.Fatalf("eBL %s %s: surrender %+v, surrender steps %v, controller %s", e.Ref, e.Status, s, surrenders, e.Controller)
			}
			for _, st := range steps[s.Seq:] {
				if st.Action != "goods_released" && st.Action != "switched_to_paper" {
					tb.Fatalf("eBL %s: step %d %s after its surrender", e.Ref, st.Seq, st.Action)
				}
			}
		}
		if e.Presentation != "" {
			p, err := trade.GetPresentation(v, e.Presentation)
			if err != nil {
				tb.Fatal(err)
			}
			cr, err := trade.GetCredit(v, p.No)
			if err != nil {
				tb.Fatal(err)
			}
			if p.EBL != e.Ref || (e.Controller != p.Bank && e.Controller != cr.IssuingBank) || p.Status == tradeapi.PresReturned || p.Status == tradeapi.PresSettled {
				tb.Fatalf("eBL %s held by %s under %+v", e.Ref, e.Controller, p)
			}
		}
	}
	wantInvoices := map[string]string{} // index key -> presentation id
	err := module.EachJSON(v, []byte("trade/lc/"), func(_ []byte, cr *tradeapi.Credit) {
		ps, err := trade.Presentations(v, cr.No)
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range ps {
			if p.Status != tradeapi.PresReturned {
				wantInvoices["trade/invoice/"+cr.Beneficiary+"/"+strings.ToUpper(p.Invoice.No)] = p.ID
				wantInvoices["trade/invfile/"+p.Invoice.SHA256] = p.ID
			}
		}
		var drawn, reserved int64
		for _, p := range ps {
			switch p.Status {
			case tradeapi.PresHonoured, tradeapi.PresReimbursed, tradeapi.PresSettled:
				drawn += p.Amount
			case tradeapi.PresPresented, tradeapi.PresComplying, tradeapi.PresDiscrepant, tradeapi.PresWaived:
				reserved += p.Amount
			}
			if p.Day > p.Expiry || p.PresentedOn < p.Day || p.Deadline <= p.PresentedOn {
				tb.Fatalf("presentation %s arrived %s (presented %s, deadline %s), expiry %s", p.ID, p.Day, p.PresentedOn, p.Deadline, p.Expiry)
			}
		}
		if drawn != cr.Drawn || reserved != cr.Reserved || cr.Drawn+cr.Reserved > trade.MaxDrawing(&cr.Terms) || cr.Drawn < 0 || cr.Reserved < 0 {
			tb.Fatalf("credit %s: drawn %d reserved %d (presentations say %d, %d), max %d", cr.No, cr.Drawn, cr.Reserved, drawn, reserved, trade.MaxDrawing(&cr.Terms))
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	rules, err := v.Get([]byte("trade/rules"))
	if err != nil {
		tb.Fatal(err)
	}
	if string(rules) != "2" {
		wantInvoices = map[string]string{} // rule set 1 keeps no index
	}
	gotInvoices := map[string]string{}
	for _, prefix := range []string{"trade/invoice/", "trade/invfile/"} {
		if err := v.Iterate([]byte(prefix), nil, func(k, id []byte) bool { gotInvoices[string(k)] = string(id); return true }); err != nil {
			tb.Fatal(err)
		}
	}
	if !maps.Equal(gotInvoices, wantInvoices) {
		tb.Fatalf("invoice index %v, the presentations not returned call for %v", gotInvoices, wantInvoices)
	}
}

// raw reads a key of the state, for tests that look at stored bytes.
func raw(tb testing.TB, c *testchain.Chain, key []byte) json.RawMessage {
	tb.Helper()
	b, err := c.View().Get(key)
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Clone(b)
}
