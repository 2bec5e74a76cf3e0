package trade_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// TestVisibility reads every key family and every kind of transaction
// body as each reader: only the organisations each rule names, customs
// and an auditor may; the public never.
//
// The state: a bill the exporter presented under a credit (the advising
// bank, nominated, holds it; the credit's applicant and issuing bank are
// party to it while it does), and a bill the exporter offered to a third
// trader, not yet accepted.
func TestVisibility(t *testing.T) {
	c := newChain(t)
	const no, held, offered = "LC-JH-0001", "WYCL26000010", "WYCL26000011"
	do(t, c, advising, "set_calendar", calendar, errcode.OK)
	do(t, c, issuing, "issue_credit", creditBody(no), errcode.OK)
	do(t, c, advising, "advise_credit", tradeapi.AdviseBody{No: no, Confirm: true}, errcode.OK)
	setDate(t, c, "2026-03-30")
	b := eblBody(held, true, "")
	b.ShippedOnBoard = "2026-03-28"
	do(t, c, carrier, "issue_ebl", b, errcode.OK)
	do(t, c, shipper, "present_documents", presentBody(no, held, 10_000_000), errcode.OK)
	b2 := eblBody(offered, true, "")
	b2.ShippedOnBoard = "2026-03-28"
	b2.Containers[0].SSCCs = []string{sscc2}
	do(t, c, carrier, "issue_ebl", b2, errcode.OK)
	do(t, c, shipper, "transfer_ebl", transfer(offered, other, tradeapi.EndorseNamed), errcode.OK)
	v := c.View()

	readers := map[string]access.Caller{"": {}, "auditor": {Org: "auditor", Roles: []role.Role{role.Auditor}}}
	var members []string
	for _, o := range consortium() {
		readers[o.ID] = access.Caller{Org: o.ID, Roles: o.Roles}
		members = append(members, o.ID)
	}
	heldBy := []string{carrier, shipper, advising, importer, issuing}
	offeredTo := []string{carrier, shipper, other}
	credit := []string{importer, shipper, issuing, advising}
	keys := []struct {
		key     string
		readers []string // besides customs and auditors
	}{
		{string(trade.EBLKey(held)), heldBy},
		{string(trade.StepKey(held, 2)), heldBy},
		{string(trade.EBLKey(offered)), offeredTo},
		{string(trade.StepKey(offered, 1)), offeredTo},
		{string(trade.SurrenderKey(offered)), offeredTo},
		{"trade/eblamend/" + offered + "/0001", offeredTo},
		{"trade/sscc/" + sscc1 + "/" + held, heldBy},
		{"trade/sscc/" + sscc2 + "/" + offered, offeredTo},
		{"trade/ctl/" + advising + "/" + held, []string{advising}},
		{"trade/inbox/" + other + "/" + offered, []string{other}},
		{"trade/carrier/" + carrier + "/" + offered, []string{carrier}},
		{string(trade.CreditKey(no)), credit},
		{"trade/lclog/" + no + "/0000000000000001", credit},
		{"trade/lcamend/" + no + "/0001", credit},
		{string(trade.PresentationKey(no, 1)), credit},
		{"trade/lcparty/" + importer + "/" + no, []string{importer}},
		{"trade/calendar/" + advising, members},
		{"trade/rules", members},
		{"trade/invoice/" + shipper + "/INV-" + held, []string{shipper}},
		{"trade/invfile/" + hash("invoice "+held), credit},
		{"trade/invfile/" + hash("invoice of nothing presented"), nil},
		{string(trade.EBLKey("NOSUCHBILL01")), nil},
		{"trade/unknown/x", nil},
	}
	m := trade.Module{}
	for _, k := range keys {
		for name, c := range readers {
			want := slices.Contains(k.readers, name) || c.Oversees()
			if got := m.CanRead(v, []byte(k.key), c); got != want {
				t.Errorf("CanRead(%q, %q) = %v, want %v", k.key, name, got, want)
			}
		}
	}

	txs := []struct {
		action  string
		body    any
		readers []string // besides the signer, customs and auditors
	}{
		{"issue_ebl", eblBody("WYCL26000099", false, importer), []string{shipper, importer}},
		{"transfer_ebl", transfer(offered, importer, tradeapi.EndorseNamed), append([]string{importer}, offeredTo...)},
		{"accept_ebl", ref(offered), offeredTo},
		{"surrender_ebl", tradeapi.SurrenderBody{Ref: held, Purpose: tradeapi.SurrenderDelivery}, heldBy},
		{"issue_credit", creditBody("LC-JH-0099"), []string{importer, shipper, advising}},
		{"amend_credit", tradeapi.AmendCreditBody{No: no}, credit},
		{"present_documents", presentBody(no, offered, 1), slices.Concat(credit, offeredTo)},
		{"honour", tradeapi.HonourBody{ID: no + "-P1"}, credit},
		{"set_calendar", calendar, members},
		{"examine_documents", "not an object", nil},
	}
	for _, tc := range txs {
		body, _ := json.Marshal(tc.body)
		for name, c := range readers {
			want := slices.Contains(tc.readers, name) || c.Oversees()
			if got := m.CanReadTx(v, tc.action, body, c); got != want {
				t.Errorf("CanReadTx(%s %s, %q) = %v, want %v", tc.action, body, name, got, want)
			}
		}
	}
}
