package traceplug

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// gen makes random traceability actions for the determinism tests: GS1
// prefixes assigned by the regulator, products, places, parties and lots
// of the producers under them, items commissioned into lots, shipped to
// other members, received, returned, sold and recalled, certifications,
// public scan batches (signed by the node operator) and members' own
// scans, and refusals (unknown items, receipts without a shipment, items
// shipped by an organisation that does not hold them, products under
// another organisation's prefix, malformed bodies).
type gen struct {
	prefixes map[string]string // org -> its GS1 company prefix
	products []genProduct
	lots     []genLot
	items    []genItem
	certs    []genCert
	serial   int
}

type genProduct struct{ gtin, owner string }

type genLot struct{ id, gtin, owner string }

type genItem struct {
	epc, lot, custodian string
	shippedTo           string // pending receiver
}

type genCert struct{ id, issuer string }

func newGen() plug.Gen { return &gen{prefixes: map[string]string{}} }

func pickOrg(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

func cst(t time.Time) string { return t.In(chinaTime).Format(time.RFC3339) }

// genCities are the cities scans are recorded in (GB/T 2260 codes).
var genCities = []string{"340100", "310000", "341300", ""}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	producers := w.With(role.Producer)
	movers := w.With(role.Producer, role.Logistics, traceapi.Retailer, role.Supplier)
	certifiers := w.With(traceapi.Alliance, role.Inspector)
	var all []string
	for _, o := range w.Orgs {
		all = append(all, o.ID)
	}
	var unprefixed []string
	for i, p := range producers {
		if g.prefixes[p] == "" {
			unprefixed = append(unprefixed, producers[i])
		}
	}
	at := cst(w.Time.Add(-time.Minute))
	switch n := r.IntN(26); {
	case n < 1 || len(g.prefixes) == 0 && len(unprefixed) > 0:
		// The regulator assigns each producer a prefix; now and then one
		// already taken (refused).
		org := pickOrg(r, unprefixed)
		if org == "nobody" {
			org = pickOrg(r, producers)
		}
		i := slices.Index(producers, org)
		return plug.Action{Org: pickOrg(r, w.With(role.Regulator)), Action: traceapi.AssignPrefix.Name, Valid: true, Tag: "prefix",
			Body: traceapi.PrefixBody{Prefix: fmt.Sprintf("69011%02d", i), Org: org}}
	case n < 3 || len(g.products) == 0:
		// A product under the producer's prefix, or (refused) under
		// another producer's.
		org := pickOrg(r, producers)
		prefix := g.prefixes[pickOrg(r, producers)]
		if r.IntN(4) > 0 && g.prefixes[org] != "" {
			prefix = g.prefixes[org]
		}
		if prefix == "" {
			prefix = "6901199"
		}
		gtin := gs1(fmt.Sprintf("0%s%05d", prefix, r.IntN(40)))
		return plug.Action{Org: org, Action: traceapi.RegisterProduct.Name, Valid: true, Tag: "product",
			Body: traceapi.ProductBody{GTIN: gtin, Name: "砀山酥梨", NameEN: "Dangshan pears", Category: "水果",
				Conditions: &traceapi.Conditions{Type: "Temperature", Min: "0", Max: "8", UOM: "CEL"}}}
	case n < 5:
		// A place or a party under the organisation's prefix, or (refused)
		// under none.
		org := pickOrg(r, all)
		prefix := g.prefixes[org]
		if prefix == "" {
			prefix = "6901199"
		}
		gln := gs1(fmt.Sprintf("%s%05d", prefix, r.IntN(40)))
		if n == 3 {
			return plug.Action{Org: org, Action: traceapi.RegisterLocation.Name, Valid: true,
				Body: traceapi.LocationBody{GLN: "/414/" + gln, Name: "仓库", Type: pickOrg(r, traceapi.LocationTypes)}}
		}
		return plug.Action{Org: org, Action: traceapi.RegisterParty.Name, Valid: true,
			Body: traceapi.PartyBody{GLN: "/417/" + gln, Name: "收货部"}}
	case n < 7 || len(g.lots) == 0:
		p := g.products[r.IntN(len(g.products))]
		q := int64(100 + r.IntN(1000))
		id := fmt.Sprintf("/01/%s/10/L%03d", p.gtin, r.IntN(30))
		return plug.Action{Org: p.owner, Action: traceapi.RegisterLot.Name, Valid: true, Tag: "lot",
			Body: traceapi.LotBody{LotID: id, Origin: &traceapi.OriginBody{Region: "安徽省宿州市砀山县", Farm: "果园"},
				ProducedOn: w.Time.AddDate(0, 0, -3).In(chinaTime).Format(time.DateOnly), ExpiresOn: w.Time.AddDate(0, 3, 0).In(chinaTime).Format(time.DateOnly), Quantity: &q, Unit: "箱"}}
	case n < 10 || len(g.items) == 0:
		l := g.lots[r.IntN(len(g.lots))]
		var epcs []string
		for range 1 + r.IntN(4) {
			g.serial++
			epcs = append(epcs, fmt.Sprintf("/01/%s/21/G%06d", l.gtin, g.serial))
		}
		return plug.Action{Org: l.owner, Action: traceapi.Capture.Name, Valid: true, Tag: "commission",
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionAdd, EPCList: epcs, Lot: l.id,
				BizStep: traceapi.StepCommissioning, Disposition: "active", EventTime: at}}
	case n < 13:
		// The custodian ships an item to another member; now and then
		// an organisation that does not hold it tries to (refused).
		it := g.items[r.IntN(len(g.items))]
		by := it.custodian
		if r.IntN(6) == 0 {
			by = pickOrg(r, movers)
		}
		to := pickOrg(r, movers)
		ev := traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{it.epc}, BizStep: traceapi.StepShipping,
			Disposition: "in_transit", EventTime: at, DestinationList: []traceapi.Destination{{Type: traceapi.SDOwningParty, Destination: to}}}
		if r.IntN(3) == 0 {
			ev.Sensors = []traceapi.SensorElement{{Reports: []traceapi.SensorReport{{Type: "Temperature", Value: traceapi.Decimal(fmt.Sprint(2 + r.IntN(9))), UOM: "CEL", Time: at}}}}
		}
		return plug.Action{Org: by, Action: traceapi.Capture.Name, Valid: true, Tag: "ship", Body: ev}
	case n < 16:
		it := g.items[r.IntN(len(g.items))]
		by, tag := it.shippedTo, "receive"
		if by == "" {
			by = pickOrg(r, movers) // no shipment: refused
		}
		body := traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{it.epc}, BizStep: traceapi.StepReceiving, EventTime: at}
		if it.shippedTo != "" && r.IntN(5) == 0 {
			// The sender cancels the shipment.
			by, tag = it.custodian, "void"
			body.BizStep = traceapi.StepVoidShipping
		}
		return plug.Action{Org: by, Action: traceapi.Capture.Name, Valid: true, Tag: tag, Body: body}
	case n < 17:
		it := g.items[r.IntN(len(g.items))]
		return plug.Action{Org: it.custodian, Action: traceapi.Capture.Name, Valid: true,
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{it.epc}, BizStep: traceapi.StepRetailSelling, EventTime: at}}
	case n < 18:
		l := g.lots[r.IntN(len(g.lots))]
		return plug.Action{Org: pickOrg(r, append(w.With(role.Regulator), l.owner)), Action: traceapi.Capture.Name, Valid: true,
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{l.id}, BizStep: traceapi.StepRecalling, EventTime: at}}
	case n < 19:
		l := g.lots[r.IntN(len(g.lots))]
		from := w.Time.AddDate(0, -1, 0)
		return plug.Action{Org: pickOrg(r, certifiers), Action: traceapi.Certify.Name, Valid: true, Tag: "cert",
			Body: traceapi.CertifyBody{Subject: l.id, Scheme: "地理标志", CertificateNo: fmt.Sprintf("GI-%04d", r.IntN(50)),
				ValidFrom: cst(from), ValidUntil: cst(from.AddDate(1, 0, 0))}}
	case n < 20 && len(g.certs) > 0:
		c := g.certs[r.IntN(len(g.certs))]
		return plug.Action{Org: c.issuer, Action: traceapi.RevokeCertification.Name, Valid: true,
			Body: traceapi.RevokeBody{CertificationID: c.id, Reason: "抽检不合格"}}
	case n < 22:
		// A node's batch of public scans, signed by its operator key.
		var scans []traceapi.ScanInput
		for k := range 1 + r.IntN(5) {
			it := g.items[r.IntN(len(g.items))]
			scans = append(scans, traceapi.ScanInput{EPC: it.epc, Time: cst(w.Time.Add(-time.Duration(k+1) * time.Minute)),
				City: genCities[r.IntN(len(genCities))], Device: fmt.Sprintf("%064x", r.IntN(8)+1), Net: fmt.Sprintf("%016x", r.IntN(3)+1)})
		}
		return plug.Action{Org: pickOrg(r, all), Action: traceapi.RecordScans.Name, Valid: true, Operator: true, Body: traceapi.ScansBody{Scans: scans}}
	case n < 23:
		// A member's own scanner (a till, a logistics scanner).
		it := g.items[r.IntN(len(g.items))]
		return plug.Action{Org: pickOrg(r, movers), Action: traceapi.RecordMemberScans.Name, Valid: true,
			Body: traceapi.MemberScansBody{Scans: []traceapi.MemberScanInput{{EPC: it.epc, Time: at, City: genCities[r.IntN(len(genCities))]}}}}
	case n < 24:
		// An item never commissioned.
		return plug.Action{Org: pickOrg(r, movers), Action: traceapi.Capture.Name,
			Body: traceapi.EventInput{Type: traceapi.ObjectEvent, Action: traceapi.ActionObserve, EPCList: []string{"/01/" + gs1("0690119999999") + "/21/NOPE"},
				BizStep: traceapi.StepStoring, EventTime: at}}
	default:
		bodies := [][]byte{[]byte(`{"type":"ObjectEvent","action":"ADD"}`), []byte(`{"gtin":"123","name":""}`), []byte(`[]`), []byte(`{"scans":[{"epc":"x"}]}`)}
		acts := []string{traceapi.Capture.Name, traceapi.RegisterProduct.Name, traceapi.RegisterLocation.Name, traceapi.RecordMemberScans.Name}
		k := r.IntN(len(bodies))
		return plug.Action{Org: pickOrg(r, producers), Action: acts[k], Body: bodies[k]}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	switch a.Tag {
	case "prefix":
		b := a.Body.(traceapi.PrefixBody)
		g.prefixes[b.Org] = b.Prefix
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
			g.items = append(g.items, genItem{epc: epc, lot: b.Lot, custodian: a.Org})
		}
	case "ship", "receive", "void":
		b := a.Body.(traceapi.EventInput)
		i := slices.IndexFunc(g.items, func(it genItem) bool { return it.epc == b.EPCList[0] })
		if i < 0 {
			return
		}
		switch a.Tag {
		case "ship":
			g.items[i].shippedTo = b.DestinationList[0].Destination
		case "receive":
			g.items[i].custodian, g.items[i].shippedTo = a.Org, ""
		default:
			g.items[i].shippedTo = ""
		}
	case "cert":
		var res traceapi.IDResult
		if json.Unmarshal(result, &res) == nil && res.ID != "" {
			g.certs = append(g.certs, genCert{id: res.ID, issuer: a.Org})
		}
	}
}
