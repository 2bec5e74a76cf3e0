package trade

import (
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// GetEBL returns an eBL, or a not_found error.
func GetEBL(r module.Getter, ref string) (*tradeapi.EBL, error) {
	var e tradeapi.EBL
	if err := module.GetRecord(r, eblKey(ref), &e, "no eBL %q; check the transport document reference", ref); err != nil {
		return nil, err
	}
	return &e, nil
}

// GetSurrender returns an eBL's surrender; nil when it was not surrendered.
func GetSurrender(r module.Getter, ref string) (*tradeapi.Surrender, error) {
	var s tradeapi.Surrender
	ok, err := module.GetJSON(r, surrenderKey(ref), &s)
	if err != nil || !ok {
		return nil, err
	}
	return &s, nil
}

func loadEBL(kv module.Getter, name, ref string) (*tradeapi.EBL, error) {
	if err := CheckRef(name, ref); err != nil {
		return nil, err
	}
	return GetEBL(kv, ref)
}

func saveEBL(ctx *module.Context, e *tradeapi.EBL) error {
	return module.PutJSON(ctx.Store, eblKey(e.Ref), e)
}

// step appends the next entry of e's history (the caller saves e).
func step(ctx *module.Context, e *tradeapi.EBL, s tradeapi.Step) (uint64, error) {
	s.Ref, s.Seq = e.Ref, e.Steps+1
	s.Version, s.DocHash = e.Version, e.DocHash
	s.By, s.Height, s.Time, s.TxHash = ctx.Party(), ctx.Height, field.BlockTime(ctx.Time), txHash(ctx)
	if err := absent(ctx.Store, eblLogKey(e.Ref, s.Seq), "history entry"); err != nil {
		return 0, err
	}
	if err := module.PutJSON(ctx.Store, eblLogKey(e.Ref, s.Seq), &s); err != nil {
		return 0, err
	}
	e.Steps = s.Seq
	ctx.Emit("trade.ebl", "ref", e.Ref, "action", s.Action, "controller", e.Controller)
	return s.Seq, nil
}

// setController moves control of e to org, keeping the control index in
// step: every eBL has exactly one entry, its controller's.
func setController(ctx *module.Context, e *tradeapi.EBL, org string) error {
	if err := ctx.Store.Delete(ctlKey(e.Controller, e.Ref)); err != nil {
		return err
	}
	if err := ctx.Store.Set(ctlKey(org, e.Ref), present); err != nil {
		return err
	}
	e.Controller = org
	return nil
}

// endorse applies an endorsement to e as control passes to org.
func endorse(e *tradeapi.EBL, kind, org string) {
	switch kind {
	case tradeapi.EndorseNamed:
		e.Endorsee, e.Blank = org, false
	case tradeapi.EndorseBlank:
		e.Endorsee, e.Blank = "", true
	}
}

// handOver is how control passes to org without the receiver's separate
// acceptance (documents presented to, and released by, banks): endorsed
// to org by name, or by delivery when the bill is endorsed in blank.
func handOver(e *tradeapi.EBL) string {
	if e.Blank {
		return tradeapi.EndorseNone
	}
	return tradeapi.EndorseNamed
}

func (m Module) issueEBL(ctx *module.Context, b *tradeapi.IssueEBLBody) error {
	if err := CheckRef("ref", b.Ref); err != nil {
		return err
	}
	if b.BookingRef != "" {
		if err := code("booking_ref", b.BookingRef, 4, 35, "BKG2026001"); err != nil {
			return err
		}
	}
	if err := field.Text("notify_party", b.NotifyParty, 0, 70); err != nil {
		return err
	}
	if err := field.Text("vessel", b.Vessel, 1, 35); err != nil {
		return err
	}
	if err := code("voyage", b.Voyage, 1, 20, "026E"); err != nil {
		return err
	}
	for _, l := range []struct {
		name string
		l    *tradeapi.Location
	}{{"place_of_receipt", b.PlaceOfReceipt}, {"port_of_loading", &b.PortOfLoading}, {"port_of_discharge", &b.PortOfDischarge}, {"place_of_delivery", b.PlaceOfDelivery}} {
		if l.l != nil {
			if err := checkLocation(l.name, l.l); err != nil {
				return err
			}
		}
	}
	if b.PortOfLoading.UNLocode == b.PortOfDischarge.UNLocode {
		return malformed("port_of_discharge: the same port as the port of loading (%s)", b.PortOfLoading.UNLocode)
	}
	if err := field.Date("shipped_on_board", b.ShippedOnBoard); err != nil {
		return err
	}
	if d := today(ctx); b.ShippedOnBoard > d {
		return rule("shipped_on_board: %s is after today (%s); a bill is issued once the goods are on board", b.ShippedOnBoard, d)
	}
	if err := field.OneOf("freight", b.Freight, tradeapi.Freights); err != nil {
		return err
	}
	if err := checkItems("goods", b.Goods, 1); err != nil {
		return err
	}
	if err := checkContainers("containers", b.Containers, 1); err != nil {
		return err
	}
	if err := party(ctx.Store, "shipper", b.Shipper, tradeapi.Trader); err != nil {
		return err
	}
	switch {
	case b.ToOrder && b.Consignee != "":
		return malformed("consignee: a to-order bill here is made out to the order of the shipper, who endorses it; leave the consignee out, or issue a straight bill (to_order false)")
	case !b.ToOrder && b.Consignee == "":
		return malformed("consignee: a straight bill names its consignee; give it, or issue a to-order bill")
	case !b.ToOrder:
		if b.Consignee == b.Shipper {
			return malformed("consignee: the shipper itself; a straight bill to oneself is a to-order bill")
		}
		if err := party(ctx.Store, "consignee", b.Consignee, tradeapi.Trader, role.Bank); err != nil {
			return err
		}
	}
	if err := absent(ctx.Store, eblKey(b.Ref), "eBL "+b.Ref); err != nil {
		return err
	}
	e := &tradeapi.EBL{
		Ref: b.Ref, Version: 1, Carrier: ctx.Signer.Org, BookingRef: b.BookingRef, Shipper: b.Shipper, ToOrder: b.ToOrder,
		Consignee: b.Consignee, NotifyParty: b.NotifyParty, Vessel: b.Vessel, Voyage: b.Voyage, PlaceOfReceipt: b.PlaceOfReceipt,
		PortOfLoading: b.PortOfLoading, PortOfDischarge: b.PortOfDischarge, PlaceOfDelivery: b.PlaceOfDelivery,
		ShippedOnBoard: b.ShippedOnBoard, Freight: b.Freight, Goods: b.Goods, Containers: b.Containers,
		Status: tradeapi.EBLIssued, Controller: b.Shipper, IssuedAt: field.BlockTime(ctx.Time),
	}
	e.DocHash = docHash(e)
	if err := ctx.Store.Set(ctlKey(e.Controller, e.Ref), present); err != nil {
		return err
	}
	if err := ctx.Store.Set(carrierKey(e.Carrier, e.Ref), present); err != nil {
		return err
	}
	for _, c := range e.Containers {
		for _, s := range c.SSCCs {
			if err := ctx.Store.Set(ssccKey(s, e.Ref), present); err != nil {
				return err
			}
		}
	}
	if _, err := step(ctx, e, tradeapi.Step{Action: "issue", From: e.Carrier, To: e.Shipper}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return ctx.SetResult(tradeapi.RefResult{Ref: e.Ref})
}

func stepResult(ctx *module.Context, e *tradeapi.EBL) error {
	return ctx.SetResult(tradeapi.StepResult{Ref: e.Ref, Seq: e.Steps, Controller: e.Controller, Status: e.Status})
}

// circulating refuses unless e is issued and neither surrendered nor
// closed, explaining what became of it.
func circulating(r module.Getter, e *tradeapi.EBL, verb string) error {
	if e.Status == tradeapi.EBLIssued {
		return nil
	}
	s, err := GetSurrender(r, e.Ref)
	if err != nil {
		return err
	}
	if s != nil {
		why := "for delivery of the goods"
		if s.Purpose == tradeapi.SurrenderPaper {
			why = "for a switch to paper"
		}
		return conflict("eBL %s was surrendered %s by %s at height %d and is spent; it cannot be %s (an eBL is surrendered once)", e.Ref, why, s.By, s.Height, verb)
	}
	return conflict("eBL %s is %s; it cannot be %s", e.Ref, e.Status, verb)
}

// controlledBy refuses unless org controls e.
func controlledBy(e *tradeapi.EBL, org, verb string) error {
	if e.Controller != org {
		return unauthorized("eBL %s is controlled by %s; only its controller may %s it", e.Ref, e.Controller, verb)
	}
	return nil
}

// idle refuses while e awaits an answer (a transfer or an amendment) or
// is held by a bank under a credit presentation.
func idle(e *tradeapi.EBL, verb string) error {
	switch {
	case e.PendingTo != "":
		return conflict("eBL %s is offered to %s, who has not answered; withdraw the transfer before it can be %s", e.Ref, e.PendingTo, verb)
	case e.AmendOpen:
		return conflict("eBL %s has an amendment awaiting its controller's answer; answer it before the eBL can be %s", e.Ref, verb)
	case e.Presentation != "":
		return conflict("eBL %s is held by %s under credit presentation %s; it leaves the bank by the credit's steps (return_documents, reimburse, release_documents), not %s", e.Ref, e.Controller, e.Presentation, verb)
	}
	return nil
}

func (m Module) transferEBL(ctx *module.Context, b *tradeapi.TransferBody) error {
	e, err := loadEBL(ctx.Store, "ref", b.Ref)
	if err != nil {
		return err
	}
	if err := field.OneOf("endorsement", b.Endorsement, tradeapi.Endorsements); err != nil {
		return err
	}
	if err := circulating(ctx.Store, e, "transferred"); err != nil {
		return err
	}
	if err := controlledBy(e, ctx.Signer.Org, "transfer"); err != nil {
		return err
	}
	if err := idle(e, "transferred"); err != nil {
		return err
	}
	if err := party(ctx.Store, "to", b.To, tradeapi.Trader, role.Bank); err != nil {
		return err
	}
	if b.To == e.Controller {
		return rule("to: %s already controls eBL %s", b.To, e.Ref)
	}
	switch {
	case !e.ToOrder:
		if b.Endorsement != tradeapi.EndorseNone {
			return rule("endorsement: eBL %s is a straight bill, which is not endorsed; transfer it with endorsement none", e.Ref)
		}
		if b.To != e.Consignee && b.To != e.Shipper {
			return rule("to: eBL %s is a straight bill consigned to %s; its control passes only between the shipper %s and the consignee", e.Ref, e.Consignee, e.Shipper)
		}
	case e.Blank && b.Endorsement == tradeapi.EndorseBlank:
		return rule("endorsement: eBL %s is already endorsed in blank; pass it by delivery (none) or endorse it to the receiver by name (named)", e.Ref)
	case !e.Blank && b.Endorsement == tradeapi.EndorseNone:
		return rule("endorsement: eBL %s is a to-order bill; it passes by endorsement, to the receiver by name (named) or in blank (blank)", e.Ref)
	}
	from := e.Controller
	e.PendingTo, e.PendingEnd = b.To, b.Endorsement
	seq, err := step(ctx, e, tradeapi.Step{Action: "transfer_offered", From: from, To: b.To, Endorsement: b.Endorsement})
	if err != nil {
		return err
	}
	e.PendingSeq = seq
	if err := ctx.Store.Set(inboxKey(b.To, e.Ref), present); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

// offered loads an eBL with a transfer pending.
func offered(ctx *module.Context, ref string) (*tradeapi.EBL, error) {
	e, err := loadEBL(ctx.Store, "ref", ref)
	if err != nil {
		return nil, err
	}
	if err := circulating(ctx.Store, e, "transferred"); err != nil {
		return nil, err
	}
	if e.PendingTo == "" {
		return nil, conflict("eBL %s has no transfer waiting for an answer; it is controlled by %s", e.Ref, e.Controller)
	}
	return e, nil
}

func clearPending(ctx *module.Context, e *tradeapi.EBL) error {
	if err := ctx.Store.Delete(inboxKey(e.PendingTo, e.Ref)); err != nil {
		return err
	}
	e.PendingTo, e.PendingEnd, e.PendingSeq = "", "", 0
	return nil
}

func (m Module) acceptEBL(ctx *module.Context, b *tradeapi.RefBody) error {
	e, err := offered(ctx, b.Ref)
	if err != nil {
		return err
	}
	if e.PendingTo != ctx.Signer.Org {
		return unauthorized("eBL %s is offered to %s; only it may accept", e.Ref, e.PendingTo)
	}
	from, to, kind := e.Controller, e.PendingTo, e.PendingEnd
	if err := clearPending(ctx, e); err != nil {
		return err
	}
	if err := setController(ctx, e, to); err != nil {
		return err
	}
	endorse(e, kind, to)
	if _, err := step(ctx, e, tradeapi.Step{Action: "transfer_accepted", From: from, To: to, Endorsement: kind}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

func (m Module) rejectEBL(ctx *module.Context, b *tradeapi.ReasonBody) error {
	if err := field.Text("reason", b.Reason, 0, 200); err != nil {
		return err
	}
	e, err := offered(ctx, b.Ref)
	if err != nil {
		return err
	}
	if e.PendingTo != ctx.Signer.Org {
		return unauthorized("eBL %s is offered to %s; only it may refuse the transfer (the controller withdraws it)", e.Ref, e.PendingTo)
	}
	to := e.PendingTo
	if err := clearPending(ctx, e); err != nil {
		return err
	}
	if _, err := step(ctx, e, tradeapi.Step{Action: "transfer_rejected", From: e.Controller, To: to, Note: b.Reason}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

func (m Module) withdrawTransfer(ctx *module.Context, b *tradeapi.RefBody) error {
	e, err := offered(ctx, b.Ref)
	if err != nil {
		return err
	}
	if err := controlledBy(e, ctx.Signer.Org, "withdraw a transfer of"); err != nil {
		return err
	}
	to := e.PendingTo
	if err := clearPending(ctx, e); err != nil {
		return err
	}
	if _, err := step(ctx, e, tradeapi.Step{Action: "transfer_withdrawn", From: e.Controller, To: to}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

// GetEBLAmendment returns amendment n of an eBL.
func GetEBLAmendment(r module.Getter, ref string, n int) (*tradeapi.EBLAmendment, error) {
	var a tradeapi.EBLAmendment
	if err := module.GetRecord(r, eblAmendKey(ref, n), &a, "eBL %s has no amendment %d", ref, n); err != nil {
		return nil, err
	}
	return &a, nil
}

func (m Module) amendEBL(ctx *module.Context, b *tradeapi.AmendEBLBody) error {
	e, err := loadEBL(ctx.Store, "ref", b.Ref)
	if err != nil {
		return err
	}
	if err := field.Text("reason", b.Reason, 1, 200); err != nil {
		return err
	}
	c := &b.Changes
	if c.NotifyParty == "" && c.Vessel == "" && c.Voyage == "" && c.PortOfDischarge == nil && c.PlaceOfDelivery == nil && c.Goods == nil && c.Containers == nil {
		return malformed("changes: nothing to change; give at least one of notify_party, vessel, voyage, port_of_discharge, place_of_delivery, goods, containers")
	}
	if err := field.Text("changes.notify_party", c.NotifyParty, 0, 70); err != nil {
		return err
	}
	if err := field.Text("changes.vessel", c.Vessel, 0, 35); err != nil {
		return err
	}
	if c.Voyage != "" {
		if err := code("changes.voyage", c.Voyage, 1, 20, "026E"); err != nil {
			return err
		}
	}
	if c.PortOfDischarge != nil {
		if err := checkLocation("changes.port_of_discharge", c.PortOfDischarge); err != nil {
			return err
		}
		if c.PortOfDischarge.UNLocode == e.PortOfLoading.UNLocode {
			return malformed("changes.port_of_discharge: the port of loading (%s)", e.PortOfLoading.UNLocode)
		}
	}
	if c.PlaceOfDelivery != nil {
		if err := checkLocation("changes.place_of_delivery", c.PlaceOfDelivery); err != nil {
			return err
		}
	}
	if c.Goods != nil {
		if err := checkItems("changes.goods", c.Goods, 1); err != nil {
			return err
		}
	}
	if c.Containers != nil {
		if err := checkContainers("changes.containers", c.Containers, 1); err != nil {
			return err
		}
	}
	if e.Carrier != ctx.Signer.Org {
		return unauthorized("eBL %s was issued by %s; only its carrier amends it", e.Ref, e.Carrier)
	}
	if err := circulating(ctx.Store, e, "amended"); err != nil {
		return err
	}
	if e.PendingTo != "" || e.AmendOpen {
		return idle(e, "amended")
	}
	e.Amendments++
	e.AmendOpen = true
	a := tradeapi.EBLAmendment{Ref: e.Ref, N: e.Amendments, Changes: *c, Reason: b.Reason, Status: tradeapi.AmendmentPending, AskedOf: e.Controller, Proposed: field.BlockTime(ctx.Time)}
	if err := absent(ctx.Store, eblAmendKey(e.Ref, a.N), "amendment"); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, eblAmendKey(e.Ref, a.N), &a); err != nil {
		return err
	}
	if _, err := step(ctx, e, tradeapi.Step{Action: "amendment_proposed", From: e.Carrier, To: e.Controller, Note: b.Reason}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

func (m Module) answerAmendment(ctx *module.Context, b *tradeapi.AnswerBody) error {
	e, err := loadEBL(ctx.Store, "ref", b.Ref)
	if err != nil {
		return err
	}
	if !e.AmendOpen {
		return conflict("eBL %s has no amendment waiting for an answer", e.Ref)
	}
	if err := controlledBy(e, ctx.Signer.Org, "answer an amendment of"); err != nil {
		return err
	}
	a, err := GetEBLAmendment(ctx.Store, e.Ref, e.Amendments)
	if err != nil {
		return err
	}
	e.AmendOpen = false
	a.Answered = field.BlockTime(ctx.Time)
	action := "amendment_declined"
	a.Status = tradeapi.AmendmentDeclined
	if b.Consent {
		action, a.Status = "amendment_consented", tradeapi.AmendmentConsented
		c := a.Changes
		if c.NotifyParty != "" {
			e.NotifyParty = c.NotifyParty
		}
		if c.Vessel != "" {
			e.Vessel = c.Vessel
		}
		if c.Voyage != "" {
			e.Voyage = c.Voyage
		}
		if c.PortOfDischarge != nil {
			e.PortOfDischarge = *c.PortOfDischarge
		}
		if c.PlaceOfDelivery != nil {
			e.PlaceOfDelivery = c.PlaceOfDelivery
		}
		if c.Goods != nil {
			e.Goods = c.Goods
		}
		if c.Containers != nil {
			if err := reindexSSCCs(ctx, e, c.Containers); err != nil {
				return err
			}
			e.Containers = c.Containers
		}
		e.Version++
		e.DocHash = docHash(e)
	}
	if err := module.PutJSON(ctx.Store, eblAmendKey(e.Ref, a.N), a); err != nil {
		return err
	}
	if _, err := step(ctx, e, tradeapi.Step{Action: action, From: e.Controller, To: e.Carrier}); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

// reindexSSCCs replaces e's SSCC index entries with those of cs.
func reindexSSCCs(ctx *module.Context, e *tradeapi.EBL, cs []tradeapi.Container) error {
	var old, now []string
	for _, c := range e.Containers {
		old = append(old, c.SSCCs...)
	}
	for _, c := range cs {
		now = append(now, c.SSCCs...)
	}
	for _, s := range old {
		if !slices.Contains(now, s) {
			if err := ctx.Store.Delete(ssccKey(s, e.Ref)); err != nil {
				return err
			}
		}
	}
	for _, s := range now {
		if err := ctx.Store.Set(ssccKey(s, e.Ref), present); err != nil {
			return err
		}
	}
	return nil
}

func (m Module) surrenderEBL(ctx *module.Context, b *tradeapi.SurrenderBody) error {
	e, err := loadEBL(ctx.Store, "ref", b.Ref)
	if err != nil {
		return err
	}
	if err := field.OneOf("purpose", b.Purpose, tradeapi.Purposes); err != nil {
		return err
	}
	if err := circulating(ctx.Store, e, "surrendered again"); err != nil {
		return err
	}
	if err := controlledBy(e, ctx.Signer.Org, "surrender"); err != nil {
		return err
	}
	if err := idle(e, "surrendered"); err != nil {
		return err
	}
	if !e.ToOrder && b.Purpose == tradeapi.SurrenderDelivery && e.Controller != e.Consignee {
		return rule("eBL %s is a straight bill consigned to %s; only the consignee takes delivery of the goods", e.Ref, e.Consignee)
	}
	if err := absent(ctx.Store, surrenderKey(e.Ref), "surrender of eBL "+e.Ref); err != nil {
		return err
	}
	by := e.Controller
	if err := setController(ctx, e, e.Carrier); err != nil {
		return err
	}
	e.Status = tradeapi.EBLSurrendered
	if b.Purpose == tradeapi.SurrenderPaper {
		e.Status = tradeapi.EBLPendingPaper
	}
	seq, err := step(ctx, e, tradeapi.Step{Action: "surrendered_for_" + b.Purpose, From: by, To: e.Carrier})
	if err != nil {
		return err
	}
	s := tradeapi.Surrender{Ref: e.Ref, Purpose: b.Purpose, By: by, Seq: seq, Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, surrenderKey(e.Ref), &s); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

// surrendered loads an eBL the carrier holds after a surrender for
// purpose.
func surrendered(ctx *module.Context, ref, status, verb string) (*tradeapi.EBL, *tradeapi.Surrender, error) {
	e, err := loadEBL(ctx.Store, "ref", ref)
	if err != nil {
		return nil, nil, err
	}
	if e.Carrier != ctx.Signer.Org {
		return nil, nil, unauthorized("eBL %s was issued by %s; only its carrier may %s", e.Ref, e.Carrier, verb)
	}
	if e.Status != status {
		return nil, nil, conflict("eBL %s is %s; the carrier may %s only once it is %s", e.Ref, e.Status, verb, status)
	}
	s, err := GetSurrender(ctx.Store, e.Ref)
	if err != nil {
		return nil, nil, err
	}
	if s == nil {
		return nil, nil, conflict("eBL %s has no surrender record", e.Ref)
	}
	return e, s, nil
}

func (m Module) releaseGoods(ctx *module.Context, b *tradeapi.ReleaseBody) error {
	if err := code("delivery_order", b.DeliveryOrder, 4, 35, "DO-2026-0001"); err != nil {
		return err
	}
	e, s, err := surrendered(ctx, b.Ref, tradeapi.EBLSurrendered, "release the goods")
	if err != nil {
		return err
	}
	e.Status = tradeapi.EBLDelivered
	s.DeliveryOrder, s.ReleasedAt = b.DeliveryOrder, field.BlockTime(ctx.Time)
	if _, err := step(ctx, e, tradeapi.Step{Action: "goods_released", From: e.Carrier, To: s.By, Note: b.DeliveryOrder}); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, surrenderKey(e.Ref), s); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}

func (m Module) switchToPaper(ctx *module.Context, b *tradeapi.PaperBody) error {
	if err := code("paper_no", b.PaperNo, 4, 35, "WYCL2026000123P"); err != nil {
		return err
	}
	e, s, err := surrendered(ctx, b.Ref, tradeapi.EBLPendingPaper, "switch it to paper")
	if err != nil {
		return err
	}
	e.Status, e.PaperNo = tradeapi.EBLSwitchedToPaper, b.PaperNo
	s.PaperNo = b.PaperNo
	if _, err := step(ctx, e, tradeapi.Step{Action: "switched_to_paper", From: e.Carrier, To: s.By, Note: b.PaperNo}); err != nil {
		return err
	}
	if err := module.PutJSON(ctx.Store, surrenderKey(e.Ref), s); err != nil {
		return err
	}
	if err := saveEBL(ctx, e); err != nil {
		return err
	}
	return stepResult(ctx, e)
}
