package traceplug

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
)

// gen makes random traceability actions for the determinism tests: a few
// products, places and lots of the producers, items commissioned into
// them, shipped, received, sold and recalled, certifications, public
// scans, and refusals (unknown items, receipts without a shipment,
// malformed bodies, steps by organisations without the role).
type gen struct {
	products []genProduct
	lots     []genLot
	items    []genItem
	certs    []genCert
	serial   int
}

type genProduct struct{ gtin, owner string }

type genLot struct{ id, gtin, owner string }

type genItem struct {
	epc, lot, holder string
	shippedTo        string // pending receiver
}

type genCert struct{ id, issuer string }

func newGen() plug.Gen { return &gen{} }

func pickOrg(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

func cst(t time.Time) string { return t.In(chinaTime).Format(time.RFC3339) }

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	producers := w.With(role.Producer)
	movers := w.With(role.Producer, role.Logistics, traceapi.Retailer, role.Supplier)
	retailers := w.With(traceapi.Retailer)
	certifiers := w.With(traceapi.Alliance, role.Inspector)
	var all []string
	for _, o := range w.Orgs {
		all = append(all, o.ID)
	}
	at := cst(w.Time.Add(-time.Minute))
	switch n := r.IntN(24); {
	case n < 2 || len(g.products) == 0:
		gtin := gs1(fmt.Sprintf("0690123400%03d", r.IntN(40)))
		return plug.Action{Org: pickOrg(r, producers), Action: traceapi.RegisterProduct.Name, Valid: true, Tag: "product",
			Body: traceapi.ProductBody{GTIN: gtin, Name: "砀山酥梨", NameEN: "Dangshan pears", Category: "水果"}}
	case n < 3:
		gln := "/414/" + gs1(fmt.Sprintf("690123410%03d", r.IntN(40)))
		return plug.Action{Org: pickOrg(r, all), Action: traceapi.RegisterLocation.Name, Valid: true,
			Body: traceapi.LocationBody{GLN: gln, Name: "仓库", Type: pickOrg(r, traceapi.LocationTypes)}}
	case n < 5 || len(g.lots) == 0:
		p := g.products[r.IntN(len(g.products))]
		q := int64(100 + r.IntN(1000))
		id := fmt.Sprintf("/01/%s/10/L%03d", p.gtin, r.IntN(30))
		return plug.Action{Org: p.owner, Action: traceapi.RegisterLot.Name, Valid: true, Tag: "lot",
			Body: traceapi.LotBody{LotID: id, Origin: &traceapi.OriginBody{Region: "安徽省宿州市砀山县", Farm: "果园"},
				ProducedOn: w.Time.AddDate(0, 0, -3).In(chinaTime).Format(time.DateOnly), ExpiresOn: w.Time.AddDate(0, 3, 0).In(chinaTime).Format(time.DateOnly), Quantity: &q, Unit: "箱"}}
	case n < 9 || len(g.items) == 0:
		l := g.lots[r.IntN(len(g.lots))]
		var epcs []string
		for range 1 + r.IntN(4) {
			g.serial++
			epcs = append(epcs, fmt.Sprintf("/01/%s/21/G%06d", l.gtin, g.serial))
		}
		return plug.Action{Org: l.owner, Action: traceapi.Capture.Name, Valid: true, Tag: "commission",
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionAdd, EPCList: epcs, Lot: l.id,
				BizStep: traceapi.StepCommissioning, Disposition: "active", EventTime: at}}
	case n < 12:
		it := g.items[r.IntN(len(g.items))]
		to := pickOrg(r, movers)
		return plug.Action{Org: it.holder, Action: traceapi.Capture.Name, Valid: true, Tag: "ship",
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{it.epc}, BizStep: traceapi.StepShipping,
				Disposition: "in_transit", EventTime: at, DestinationList: []traceapi.Destination{{Type: traceapi.SDOwningParty, Destination: to}}}}
	case n < 15:
		it := g.items[r.IntN(len(g.items))]
		by := it.shippedTo
		if by == "" {
			by = pickOrg(r, movers) // no shipment: refused
		}
		return plug.Action{Org: by, Action: traceapi.Capture.Name, Valid: true, Tag: "receive",
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{it.epc}, BizStep: traceapi.StepReceiving, EventTime: at}}
	case n < 16:
		it := g.items[r.IntN(len(g.items))]
		return plug.Action{Org: pickOrg(r, retailers), Action: traceapi.Capture.Name, Valid: true,
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{it.epc}, BizStep: traceapi.StepRetailSelling, EventTime: at}}
	case n < 17:
		l := g.lots[r.IntN(len(g.lots))]
		return plug.Action{Org: pickOrg(r, append(w.With(role.Regulator), l.owner)), Action: traceapi.Capture.Name, Valid: true,
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{l.id}, BizStep: traceapi.StepRecalling, EventTime: at}}
	case n < 18:
		l := g.lots[r.IntN(len(g.lots))]
		from := w.Time.AddDate(0, -1, 0)
		return plug.Action{Org: pickOrg(r, certifiers), Action: traceapi.Certify.Name, Valid: true, Tag: "cert",
			Body: traceapi.CertifyBody{Subject: l.id, Scheme: "地理标志", CertificateNo: fmt.Sprintf("GI-%04d", r.IntN(50)),
				ValidFrom: cst(from), ValidUntil: cst(from.AddDate(1, 0, 0))}}
	case n < 19 && len(g.certs) > 0:
		c := g.certs[r.IntN(len(g.certs))]
		return plug.Action{Org: c.issuer, Action: traceapi.RevokeCertification.Name, Valid: true,
			Body: traceapi.RevokeBody{CertificationID: c.id, Reason: "抽检不合格"}}
	case n < 21:
		var scans []traceapi.ScanInput
		for k := range 1 + r.IntN(5) {
			it := g.items[r.IntN(len(g.items))]
			scans = append(scans, traceapi.ScanInput{EPC: it.epc, Time: cst(w.Time.Add(-time.Duration(k+1) * time.Minute)),
				Location: []string{"合肥", "上海", "宿州", ""}[r.IntN(4)], Device: fmt.Sprintf("%064x", r.IntN(8)+1)})
		}
		return plug.Action{Org: pickOrg(r, all), Action: traceapi.RecordScans.Name, Valid: true, Body: traceapi.ScansBody{Scans: scans}}
	case n < 22:
		// An item never commissioned.
		return plug.Action{Org: pickOrg(r, movers), Action: traceapi.Capture.Name,
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{"/01/" + gs1("0690123499999") + "/21/NOPE"},
				BizStep: traceapi.StepStoring, EventTime: at}}
	default:
		bodies := [][]byte{[]byte(`{"type":"ObjectEvent","action":"ADD"}`), []byte(`{"gtin":"123","name":""}`), []byte(`[]`)}
		acts := []string{traceapi.Capture.Name, traceapi.RegisterProduct.Name, traceapi.RegisterLocation.Name}
		k := r.IntN(len(bodies))
		return plug.Action{Org: pickOrg(r, producers), Action: acts[k], Body: bodies[k]}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	switch a.Tag {
	case "product":
		b := a.Body.(traceapi.ProductBody)
		g.products = append(g.products, genProduct{gtin: b.GTIN, owner: a.Org})
	case "lot":
		b := a.Body.(traceapi.LotBody)
		gtin := b.LotID[len("/01/") : len("/01/")+14]
		g.lots = append(g.lots, genLot{id: b.LotID, gtin: gtin, owner: a.Org})
	case "commission":
		b := a.Body.(traceapi.EventInput)
		for _, epc := range b.EPCList {
			g.items = append(g.items, genItem{epc: epc, lot: b.Lot, holder: a.Org})
		}
	case "ship", "receive":
		b := a.Body.(traceapi.EventInput)
		i := slices.IndexFunc(g.items, func(it genItem) bool { return it.epc == b.EPCList[0] })
		if i < 0 {
			return
		}
		if a.Tag == "ship" {
			g.items[i].shippedTo = b.DestinationList[0].Destination
		} else {
			g.items[i].holder, g.items[i].shippedTo = a.Org, ""
		}
	case "cert":
		var res traceapi.IDResult
		if json.Unmarshal(result, &res) == nil && res.ID != "" {
			g.certs = append(g.certs, genCert{id: res.ID, issuer: a.Org})
		}
	}
}
