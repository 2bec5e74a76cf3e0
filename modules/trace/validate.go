package trace

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// certKind is the kind of certification ids (see field.RecordID).
const certKind = "CT"

// isPos reports whether s has the form of an event's chain id (see
// keys.go): 24 lowercase hex digits.
func isPos(s string) bool { return field.IsLowerHex(s, 24) }

// isUOM reports whether s has the form of a UN/CEFACT Recommendation 20
// unit code: 2 or 3 capital letters or digits (^[A-Z0-9]{2,3}$; a fuzz
// test holds the two to the same answers).
func isUOM(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// checkHash checks a 256-bit digest (field.Hex64); required says whether
// it may be empty.
func checkHash(name, s string, required bool) error {
	if s == "" && !required {
		return nil
	}
	return field.Hex64(name, s)
}

// clientID checks a client-chosen event id.
func clientID(name, s string) error {
	if s == "" || len(s) > MaxClientIDLen || !utf8Valid(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return refuse(errcode.MalformedBody, "bad_event_id", name, "value", s, "max", strconv.Itoa(MaxClientIDLen))
	}
	return nil
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// checkURI checks an absolute URI field of at most 256 characters.
func checkURI(name, s string) error {
	if !isOtherURI(s) && !strings.HasPrefix(s, "urn:") && !strings.HasPrefix(s, "http") {
		return refuse(errcode.MalformedBody, "bad_uri", name, "value", s)
	}
	if len(s) > 256 || strings.ContainsAny(s, " \t\r\n") {
		return refuse(errcode.MalformedBody, "bad_uri", name, "value", s)
	}
	return nil
}

func validateProduct(b *productBody) (ID, error) {
	var id ID
	var err error
	switch {
	case b.GTIN != "" && b.DrugCode != "":
		return ID{}, refuse(errcode.MalformedBody, "gtin_or_drug", "")
	case b.GTIN != "":
		g, err := ParseGTIN("gtin", b.GTIN)
		if err != nil {
			return ID{}, err
		}
		b.GTIN, id = g, gtinProduct(g)
	case b.DrugCode != "":
		if !allDigits(b.DrugCode) || (len(b.DrugCode) != DrugCodeDigits && len(b.DrugCode) != DrugProductDigits) {
			return ID{}, refuse(errcode.MalformedBody, "drug_form", "drug_code", "value", b.DrugCode)
		}
		b.DrugCode = b.DrugCode[:DrugProductDigits]
		if id, err = ParseID("drug_code", "/drug/"+b.DrugCode); err != nil {
			return ID{}, err
		}
	default:
		return ID{}, refuse(errcode.MalformedBody, "gtin_or_drug", "")
	}
	for _, f := range []struct {
		name, v  string
		min, max int
	}{{"name", b.Name, 1, 100}, {"name_en", b.NameEN, 0, 200}, {"brand", b.Brand, 0, 64}, {"category", b.Category, 0, 64}, {"spec", b.Spec, 0, 100}} {
		if err := field.Text(f.name, f.v, f.min, f.max); err != nil {
			return ID{}, err
		}
	}
	if c := b.Conditions; c != nil {
		if err := checkConditions(c); err != nil {
			return ID{}, err
		}
	}
	return id, checkHash("image_sha256", b.ImageSHA256, false)
}

// checkConditions checks a product's storage conditions and puts their
// bounds in canonical form.
func checkConditions(c *Conditions) error {
	t, err := measurementType("conditions.type", c.Type)
	if err != nil {
		return err
	}
	c.Type = t
	if !isUOM(c.UOM) {
		return refuse(errcode.MalformedBody, "bad_uom", "conditions.uom", "value", c.UOM)
	}
	if c.Min == "" && c.Max == "" {
		return refuse(errcode.MalformedBody, "conditions_bounds", "conditions")
	}
	var lo, hi int64
	if c.Min != "" {
		if c.Min, lo, err = normDecimal("conditions.min", c.Min); err != nil {
			return err
		}
	}
	if c.Max != "" {
		if c.Max, hi, err = normDecimal("conditions.max", c.Max); err != nil {
			return err
		}
	}
	if c.Min != "" && c.Max != "" && hi < lo {
		return refuse(errcode.MalformedBody, "conditions_bounds", "conditions")
	}
	return nil
}

func validateLot(b *lotBody) (ID, error) {
	lot, err := parseKind("lot_id", b.LotID, KindLot)
	if err != nil {
		return ID{}, err
	}
	b.LotID = lot.Path
	if b.Origin == nil {
		return ID{}, refuse(errcode.MalformedBody, "origin_required", "origin")
	}
	if err := field.Text("origin.region", b.Origin.Region, 1, 64); err != nil {
		return ID{}, err
	}
	if b.Origin.Location != "" {
		if b.Origin.Location, err = ParseLocation("origin.location", b.Origin.Location); err != nil {
			return ID{}, err
		}
	}
	if err := field.Text("origin.farm", b.Origin.Farm, 0, 100); err != nil {
		return ID{}, err
	}
	if err := field.Date("produced_on", b.ProducedOn); err != nil {
		return ID{}, err
	}
	if b.ExpiresOn != "" {
		if err := field.Date("expires_on", b.ExpiresOn); err != nil {
			return ID{}, err
		}
		if b.ExpiresOn < b.ProducedOn {
			return ID{}, refuse(errcode.MalformedBody, "expires_before_produced", "expires_on", "expires", b.ExpiresOn, "produced", b.ProducedOn)
		}
	}
	if b.Quantity != nil && (*b.Quantity < 1 || *b.Quantity > 1_000_000_000_000) {
		return ID{}, refuse(errcode.MalformedBody, "lot_quantity", "quantity", "value", strconv.FormatInt(*b.Quantity, 10))
	}
	if err := field.Text("unit", b.Unit, 0, 16); err != nil {
		return ID{}, err
	}
	if b.Unit != "" && b.Quantity == nil {
		return ID{}, refuse(errcode.MalformedBody, "unit_without_quantity", "unit")
	}
	return lot, nil
}

func validateLocation(b *locationBody) (ID, error) {
	s := b.GLN
	if allDigits(s) {
		s = "/414/" + s
	}
	id, err := parseKind("gln", s, KindLocation)
	if err != nil {
		return ID{}, err
	}
	if id.Scheme != SchemeSGLN {
		return ID{}, refuse(errcode.MalformedBody, "wrong_kind", "gln", "value", b.GLN, "kind", "geo", "want", kindList([]string{KindLocation}))
	}
	b.GLN = id.Path
	if err := field.Text("name", b.Name, 1, 100); err != nil {
		return ID{}, err
	}
	if err := field.Text("address", b.Address, 0, 200); err != nil {
		return ID{}, err
	}
	return id, field.OneOf("type", b.Type, LocationTypes)
}

func validateCertify(b *certifyBody) (time.Time, time.Time, error) {
	id, err := parseKind("subject", b.Subject, KindLot, KindProduct)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	b.Subject = id.Path
	if err := field.Text("scheme", b.Scheme, 1, 64); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if err := field.Text("certificate_no", b.CertificateNo, 1, 64); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if err := checkHash("certificate_sha256", b.CertificateSHA256, false); err != nil {
		return time.Time{}, time.Time{}, err
	}
	from, err := field.Time("valid_from", b.ValidFrom)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	until, err := field.Time("valid_until", b.ValidUntil)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !until.After(from) {
		return time.Time{}, time.Time{}, refuse(errcode.MalformedBody, "cert_period", "valid_until", "from", b.ValidFrom, "until", b.ValidUntil)
	}
	return from, until, nil
}

func validateRevoke(b *revokeBody) error {
	if !field.IsRecordID(certKind, b.CertificationID) {
		return refuse(errcode.MalformedBody, "bad_cert_id", "certification_id", "value", b.CertificationID)
	}
	return field.Text("reason", b.Reason, 1, 500)
}

// qline is a checked quantity element.
type qline struct {
	class  ID
	uom    string
	amount int64
	known  bool // the element gives its quantity
	field  string
}

// parsed is an event body checked and put in canonical form.
type parsed struct {
	time     time.Time
	epcs     []ID    // epc_list objects
	qty      []qline // quantity_list, and the classes epc_list names
	parent   ID
	children []ID
	childQty []qline
	inputs   []ID
	inQty    []qline
	outputs  []ID
	outQty   []qline
	lot      ID // the lot of the items the event creates
}

// creates reports whether the event brings new items or drug packs into
// being: an ObjectEvent ADD or a transformation's outputs.
func (p *parsed) newItems(b *EventInput) []ID {
	var out []ID
	list := p.outputs
	if b.Type == ObjectEvent && b.Action == ActionAdd {
		list = p.epcs
	} else if b.Type != TransformationEvent {
		return nil
	}
	for _, id := range list {
		if id.Kind == KindItem || id.Kind == KindDrug {
			out = append(out, id)
		}
	}
	return out
}

// validateEvent checks an event body, puts every identifier and term in
// canonical form and parses the event time. It checks everything that
// does not depend on the state.
func validateEvent(b *EventInput) (*parsed, error) {
	p := &parsed{}
	if !slices.Contains(EventTypes, b.Type) {
		return nil, refuse(errcode.MalformedBody, "unknown_term", "type", "value", b.Type, "known", strings.Join(EventTypes, ", "))
	}
	if b.Type == TransformationEvent {
		if b.Action != "" {
			return nil, refuse(errcode.MalformedBody, "transformation_action", "action", "value", b.Action)
		}
	} else if !slices.Contains([]string{ActionAdd, ActionObserve, ActionDelete}, b.Action) {
		return nil, refuse(errcode.MalformedBody, "unknown_term", "action", "value", b.Action, "known", "ADD, OBSERVE, DELETE")
	}
	var err error
	if b.BizStep != "" {
		if b.BizStep, err = vocabulary("biz_step", b.BizStep, "bizstep", "BizStep", BizSteps); err != nil {
			return nil, err
		}
	}
	if b.Disposition != "" {
		if b.Disposition, err = vocabulary("disposition", b.Disposition, "disp", "Disp", Dispositions); err != nil {
			return nil, err
		}
	}
	if pd := b.PersistentDisposition; pd != nil {
		if len(pd.Set) == 0 && len(pd.Unset) == 0 {
			return nil, refuse(errcode.MalformedBody, "persistent_empty", "persistent_disposition")
		}
		for _, l := range []struct {
			name string
			v    []string
		}{{"persistent_disposition.set", pd.Set}, {"persistent_disposition.unset", pd.Unset}} {
			if len(l.v) > 16 {
				return nil, refuse(errcode.MalformedBody, "too_many", l.name, "max", "16")
			}
			for i := range l.v {
				if l.v[i], err = vocabulary(fmt.Sprintf("%s[%d]", l.name, i), l.v[i], "disp", "Disp", Dispositions); err != nil {
					return nil, err
				}
			}
		}
		for _, s := range pd.Set {
			if slices.Contains(pd.Unset, s) {
				return nil, refuse(errcode.MalformedBody, "persistent_both", "persistent_disposition", "value", s)
			}
		}
	}
	if p.time, err = field.Time("event_time", b.EventTime); err != nil {
		return nil, refuse(errcode.MalformedBody, "bad_time", "event_time", "value", b.EventTime)
	}
	if b.BizStep == StepRecalling && (b.Type != ObjectEvent || b.Action != ActionObserve) {
		return nil, refuse(errcode.MalformedBody, "recall_object_event", "biz_step")
	}
	// Which lists the type takes.
	type list struct {
		name string
		n    int
	}
	var unused []list
	switch b.Type {
	case ObjectEvent, TransactionEvent:
		unused = []list{{"child_epcs", len(b.ChildEPCs)}, {"child_quantity_list", len(b.ChildQuantityList)}, {"input_epc_list", len(b.InputEPCList)},
			{"input_quantity_list", len(b.InputQuantityList)}, {"output_epc_list", len(b.OutputEPCList)}, {"output_quantity_list", len(b.OutputQuantityList)}}
		if b.Type == ObjectEvent && b.ParentID != "" {
			unused = append(unused, list{"parent_id", 1})
		}
	case AggregationEvent, AssociationEvent:
		unused = []list{{"epc_list", len(b.EPCList)}, {"quantity_list", len(b.QuantityList)}, {"input_epc_list", len(b.InputEPCList)},
			{"input_quantity_list", len(b.InputQuantityList)}, {"output_epc_list", len(b.OutputEPCList)}, {"output_quantity_list", len(b.OutputQuantityList)}}
	case TransformationEvent:
		unused = []list{{"epc_list", len(b.EPCList)}, {"quantity_list", len(b.QuantityList)}, {"child_epcs", len(b.ChildEPCs)},
			{"child_quantity_list", len(b.ChildQuantityList)}, {"parent_id", len(b.ParentID)}}
	}
	if b.Type != TransformationEvent && b.TransformationID != "" {
		unused = append(unused, list{"transformation_id", 1})
	}
	if b.Type != ObjectEvent && b.Type != TransformationEvent && b.ILMD != nil {
		unused = append(unused, list{"ilmd", 1})
	}
	for _, l := range unused {
		if l.n > 0 {
			return nil, refuse(errcode.MalformedBody, "field_not_for_type", l.name, "type", b.Type)
		}
	}
	seen := map[string]string{}
	total := 0
	parseList := func(name string, in []string, kinds ...string) ([]ID, []qline, error) {
		total += len(in)
		if total > MaxEPCsPerEvent {
			return nil, nil, refuse(errcode.MalformedBody, "too_many_ids", name, "max", strconv.Itoa(MaxEPCsPerEvent))
		}
		var out []ID
		var classes []qline
		for i, s := range in {
			f := fmt.Sprintf("%s[%d]", name, i)
			id, err := parseKind(f, s, kinds...)
			if err != nil {
				return nil, nil, err
			}
			if prev, ok := seen[id.Path]; ok {
				return nil, nil, refuse(errcode.MalformedBody, "id_twice", f, "value", id.Path, "other", prev)
			}
			seen[id.Path] = f
			in[i] = id.Path
			if id.Class() {
				classes = append(classes, qline{class: id, field: f})
			} else {
				out = append(out, id)
			}
		}
		return out, classes, nil
	}
	parseQty := func(name string, in []QuantityElement) ([]qline, error) {
		total += len(in)
		if total > MaxEPCsPerEvent {
			return nil, refuse(errcode.MalformedBody, "too_many_ids", name, "max", strconv.Itoa(MaxEPCsPerEvent))
		}
		var out []qline
		for i := range in {
			q := &in[i]
			f := fmt.Sprintf("%s[%d]", name, i)
			id, err := parseKind(f+".epc_class", q.EPCClass, KindLot, KindProduct, KindAsset)
			if err != nil {
				return nil, err
			}
			if !id.Class() {
				return nil, refuse(errcode.MalformedBody, "wrong_kind", f+".epc_class", "value", q.EPCClass, "kind", id.Kind, "want", "a class: a lot, a product or a returnable asset type")
			}
			q.EPCClass = id.Path
			l := qline{class: id, uom: q.UOM, field: f}
			if q.UOM != "" && !isUOM(q.UOM) {
				return nil, refuse(errcode.MalformedBody, "bad_uom", f+".uom", "value", q.UOM)
			}
			if q.Quantity != "" {
				if q.Quantity, l.amount, err = normDecimal(f+".quantity", q.Quantity); err != nil {
					return nil, err
				}
				if l.amount <= 0 {
					return nil, refuse(errcode.MalformedBody, "quantity_positive", f+".quantity", "value", string(q.Quantity))
				}
				l.known = true
			} else if q.UOM != "" {
				return nil, refuse(errcode.MalformedBody, "uom_without_quantity", f+".uom")
			}
			if prev, ok := seen[id.Path]; ok {
				return nil, refuse(errcode.MalformedBody, "id_twice", f+".epc_class", "value", id.Path, "other", prev)
			}
			for _, prev := range out {
				if prev.class.Path == id.Path && prev.uom == q.UOM {
					return nil, refuse(errcode.MalformedBody, "id_twice", f+".epc_class", "value", id.Path, "other", prev.field)
				}
			}
			out = append(out, l)
		}
		return out, nil
	}
	objects := append([]string{KindLot, KindProduct}, objectKinds...)
	// Classes named in an identifier list (this module's short form for
	// "the whole lot") are kept where EPCIS keeps them: in the quantity
	// list, without a quantity.
	moveClasses := func(ids *[]string, qs *[]QuantityElement) {
		var keep []string
		for _, s := range *ids {
			if id, err := ParseID("", s); err == nil && id.Class() {
				*qs = append(*qs, QuantityElement{EPCClass: id.Path})
				continue
			}
			keep = append(keep, s)
		}
		*ids = keep
	}
	switch b.Type {
	case ObjectEvent, TransactionEvent:
		kinds := objects
		if b.Action == ActionAdd && b.Type == ObjectEvent {
			kinds = objectKinds
		}
		var classes []qline
		if p.epcs, classes, err = parseList("epc_list", b.EPCList, kinds...); err != nil {
			return nil, err
		}
		if p.qty, err = parseQty("quantity_list", b.QuantityList); err != nil {
			return nil, err
		}
		p.qty = append(p.qty, classes...)
		if b.Type == TransactionEvent {
			if len(b.BizTransactionList) == 0 {
				return nil, refuse(errcode.MalformedBody, "transaction_needs_biz", "biz_transaction_list")
			}
			if b.ParentID != "" {
				if p.parent, err = ParseObject("parent_id", b.ParentID); err != nil {
					return nil, err
				}
				b.ParentID = p.parent.Path
			}
		}
	case AggregationEvent, AssociationEvent:
		if b.ParentID == "" {
			if b.Type == AssociationEvent || b.Action != ActionObserve {
				return nil, refuse(errcode.MalformedBody, "parent_required", "parent_id")
			}
		} else {
			if b.Type == AssociationEvent {
				// A place may be associated with what is installed there (a
				// cold room's ambient sensors).
				p.parent, err = parseKind("parent_id", b.ParentID, append(slices.Clone(objectKinds), KindLocation)...)
				if err == nil && (p.parent.Class() || p.parent.Scheme == SchemeGeo) {
					err = refuse(errcode.MalformedBody, "wrong_kind", "parent_id", "value", b.ParentID, "kind", p.parent.Kind, "want", kindList(objectKinds))
				}
			} else {
				p.parent, err = ParseObject("parent_id", b.ParentID)
			}
			if err != nil {
				return nil, err
			}
			b.ParentID = p.parent.Path
			seen[p.parent.Path] = "parent_id"
			total++
		}
		var classes []qline
		if p.children, classes, err = parseList("child_epcs", b.ChildEPCs, objectKinds...); err != nil {
			return nil, err
		}
		if len(classes) > 0 {
			return nil, refuse(errcode.MalformedBody, "class_in_children", classes[0].field, "value", classes[0].class.Path)
		}
		if p.childQty, err = parseQty("child_quantity_list", b.ChildQuantityList); err != nil {
			return nil, err
		}
		if b.Action == ActionAdd && len(p.children) == 0 && len(p.childQty) == 0 {
			return nil, refuse(errcode.MalformedBody, "children_required", "child_epcs", "parent", b.ParentID)
		}
	case TransformationEvent:
		var inClasses, outClasses []qline
		if p.inputs, inClasses, err = parseList("input_epc_list", b.InputEPCList, objects...); err != nil {
			return nil, err
		}
		if p.inQty, err = parseQty("input_quantity_list", b.InputQuantityList); err != nil {
			return nil, err
		}
		if p.outputs, outClasses, err = parseList("output_epc_list", b.OutputEPCList, objects...); err != nil {
			return nil, err
		}
		if p.outQty, err = parseQty("output_quantity_list", b.OutputQuantityList); err != nil {
			return nil, err
		}
		p.inQty = append(p.inQty, inClasses...)
		p.outQty = append(p.outQty, outClasses...)
		if len(p.inputs)+len(p.inQty)+len(p.outputs)+len(p.outQty) == 0 {
			return nil, refuse(errcode.MalformedBody, "transformation_empty", "input_epc_list")
		}
		if b.TransformationID != "" {
			if err := checkURI("transformation_id", b.TransformationID); err != nil {
				return nil, err
			}
		}
	}
	if err := validateILMD(b); err != nil {
		return nil, err
	}
	// The lot of new items: given, or named by the ILMD's lot number when
	// the new items are of one product.
	items := p.newItems(b)
	if b.Lot == "" && b.ILMD != nil && b.ILMD.LotNumber != "" && len(items) > 0 {
		prod := items[0].Product
		same := true
		for _, id := range items {
			same = same && id.Product == prod
		}
		if same {
			b.Lot = prod + "/10/" + escSegment(b.ILMD.LotNumber)
		}
	}
	if b.Lot != "" {
		if len(items) == 0 {
			return nil, refuse(errcode.MalformedBody, "lot_without_items", "lot")
		}
		if p.lot, err = parseKind("lot", b.Lot, KindLot); err != nil {
			return nil, err
		}
		b.Lot = p.lot.Path
		for _, id := range items {
			if id.Product != p.lot.Product {
				return nil, refuse(errcode.MalformedBody, "lot_other_product", "lot", "epc", id.Path, "product", id.Product, "lot", b.Lot, "lot_product", p.lot.Product)
			}
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"read_point", &b.ReadPoint}, {"biz_location", &b.BizLocation}} {
		if *f.v != "" {
			if *f.v, err = ParseLocation(f.name, *f.v); err != nil {
				return nil, err
			}
		}
	}
	if len(b.SourceList) > MaxSourcesPerEvent || len(b.DestinationList) > MaxSourcesPerEvent {
		return nil, refuse(errcode.MalformedBody, "too_many", "source_list", "max", strconv.Itoa(MaxSourcesPerEvent))
	}
	for i := range b.SourceList {
		s := &b.SourceList[i]
		if err := checkSourceDest(fmt.Sprintf("source_list[%d]", i), "source", &s.Type, &s.Source, s.Org); err != nil {
			return nil, err
		}
		for j, prev := range b.SourceList[:i] {
			if prev == *s {
				return nil, refuse(errcode.MalformedBody, "id_twice", fmt.Sprintf("source_list[%d]", i), "value", s.Source, "other", fmt.Sprintf("source_list[%d]", j))
			}
		}
	}
	for i := range b.DestinationList {
		d := &b.DestinationList[i]
		if err := checkSourceDest(fmt.Sprintf("destination_list[%d]", i), "destination", &d.Type, &d.Destination, d.Org); err != nil {
			return nil, err
		}
		for j, prev := range b.DestinationList[:i] {
			if prev == *d {
				return nil, refuse(errcode.MalformedBody, "id_twice", fmt.Sprintf("destination_list[%d]", i), "value", d.Destination, "other", fmt.Sprintf("destination_list[%d]", j))
			}
		}
	}
	if len(b.BizTransactionList) > MaxHashesPerEvent {
		return nil, refuse(errcode.MalformedBody, "too_many", "biz_transaction_list", "max", strconv.Itoa(MaxHashesPerEvent))
	}
	for i := range b.BizTransactionList {
		bt := &b.BizTransactionList[i]
		f := fmt.Sprintf("biz_transaction_list[%d]", i)
		if err := checkURI(f+".biz_transaction", bt.BizTransaction); err != nil {
			return nil, err
		}
		if bt.Type != "" {
			if bt.Type, err = vocabulary(f+".type", bt.Type, "btt", "BTT", bizTransactionTypes); err != nil {
				return nil, err
			}
		}
	}
	if err := validateSensors(b.Sensors); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"sensor_hashes", b.SensorHashes}, {"certificate_hashes", b.CertificateHashes}} {
		if len(l.v) > MaxHashesPerEvent {
			return nil, refuse(errcode.MalformedBody, "too_many", l.name, "max", strconv.Itoa(MaxHashesPerEvent))
		}
		for i, h := range l.v {
			if err := checkHash(fmt.Sprintf("%s[%d]", l.name, i), h, true); err != nil {
				return nil, err
			}
		}
	}
	if len(b.CertificationInfo) > MaxHashesPerEvent {
		return nil, refuse(errcode.MalformedBody, "too_many", "certification_info", "max", strconv.Itoa(MaxHashesPerEvent))
	}
	for i, c := range b.CertificationInfo {
		if err := checkURI(fmt.Sprintf("certification_info[%d]", i), c); err != nil {
			return nil, err
		}
	}
	if err := checkExtensions("extensions", b.Extensions, 8<<10); err != nil {
		return nil, err
	}
	if b.EventID != "" {
		if err := clientID("event_id", b.EventID); err != nil {
			return nil, err
		}
		if isPos(b.EventID) {
			return nil, refuse(errcode.MalformedBody, "event_id_like_chain", "event_id", "value", b.EventID)
		}
	}
	if d := b.ErrorDeclaration; d != nil {
		if d.Reason, err = vocabulary("error_declaration.reason", d.Reason, "er", "ER", ErrorReasons); err != nil {
			return nil, err
		}
		if d.Corrects != "" {
			if err := clientID("error_declaration.corrects", d.Corrects); err != nil {
				return nil, err
			}
		}
		if len(d.CorrectiveEventIDs) > MaxHashesPerEvent {
			return nil, refuse(errcode.MalformedBody, "too_many", "error_declaration.corrective_event_ids", "max", strconv.Itoa(MaxHashesPerEvent))
		}
		for i, id := range d.CorrectiveEventIDs {
			if err := clientID(fmt.Sprintf("error_declaration.corrective_event_ids[%d]", i), id); err != nil {
				return nil, err
			}
		}
		if d.DeclarationTime != "" {
			if _, err := field.Time("error_declaration.declaration_time", d.DeclarationTime); err != nil {
				return nil, refuse(errcode.MalformedBody, "bad_time", "error_declaration.declaration_time", "value", d.DeclarationTime)
			}
		}
	}
	moveClasses(&b.EPCList, &b.QuantityList)
	moveClasses(&b.InputEPCList, &b.InputQuantityList)
	moveClasses(&b.OutputEPCList, &b.OutputQuantityList)
	return p, nil
}

// bizTransactionTypes are the CBV 2.0 business transaction types.
var bizTransactionTypes = []string{"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"}

func validateILMD(b *EventInput) error {
	m := b.ILMD
	if m == nil {
		return nil
	}
	if m.LotNumber != "" {
		if err := checkChars("ilmd.lot_number", "lot number", m.LotNumber, MaxSerialLen, ai82, set82); err != nil {
			return err
		}
	}
	for _, d := range []struct{ name, v string }{{"ilmd.item_expiration_date", m.ItemExpirationDate}, {"ilmd.best_before_date", m.BestBeforeDate},
		{"ilmd.sell_by_date", m.SellByDate}, {"ilmd.production_date", m.ProductionDate}} {
		if d.v != "" {
			if err := field.Date(d.name, d.v); err != nil {
				return refuse(errcode.MalformedBody, "bad_date", d.name, "value", d.v)
			}
		}
	}
	return checkExtensions("ilmd.extensions", m.Extensions, 4<<10)
}

// checkExtensions bounds the vendor fields kept as they came: names are
// URIs or compact IRIs (example:myField), values JSON.
func checkExtensions(name string, ext map[string]json.RawMessage, max int) error {
	size := 0
	for k, v := range ext {
		if len(k) > 128 || !strings.Contains(k, ":") || strings.ContainsAny(k, " \t\r\n") {
			return refuse(errcode.MalformedBody, "bad_extension", name, "name", k)
		}
		if !json.Valid(v) {
			return refuse(errcode.MalformedBody, "bad_extension", name, "name", k)
		}
		size += len(k) + len(v)
	}
	if size > max {
		return refuse(errcode.MalformedBody, "extensions_too_big", name, "max", strconv.Itoa(max))
	}
	return nil
}

// measurementTypes are the GS1 web vocabulary measurement types EPCIS
// 2.0 sensor reports use.
var measurementTypes = []string{"AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity", "Altitude",
	"AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area",
	"Capacitance", "Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent", "DoseEquivalentRate",
	"DynamicViscosity", "ElectricCharge", "ElectricCurrent", "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure",
	"Force", "Frequency", "Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance",
	"LuminousFlux", "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity", "MagneticVectorPotential", "Mass", "MassConcentration",
	"MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy", "MolarMass", "MolarVolume", "Power",
	"Pressure", "RadiantFlux", "RadiantIntensity", "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume",
	"Speed", "SurfaceDensity", "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate",
	"VolumeFraction", "VolumetricFlux", "WaveNumber"}

// measurementType normalises a measurement type: a GS1 name (or its
// gs1: or web vocabulary form) or another vocabulary's term (a URI or a
// compact IRI such as example:someSensorProperty).
func measurementType(name, s string) (string, error) {
	for _, p := range []string{"gs1:MT-", "https://gs1.org/voc/MT-", "http://gs1.org/voc/MT-", "gs1:"} {
		if rest, ok := strings.CutPrefix(s, p); ok && slices.Contains(measurementTypes, rest) {
			s = rest
		}
	}
	if slices.Contains(measurementTypes, s) || (strings.Contains(s, ":") && len(s) <= 128 && !strings.ContainsAny(s, " \t\r\n")) {
		return s, nil
	}
	return "", refuse(errcode.MalformedBody, "unknown_term", name, "value", s, "known", "GS1 measurement types (Temperature, RelativeHumidity, ...) or a URI")
}

// validateSensors checks an event's sensor elements and puts their values
// in canonical form.
func validateSensors(els []SensorElement) error {
	if len(els) > MaxSensorElements {
		return refuse(errcode.MalformedBody, "too_many", "sensors", "max", strconv.Itoa(MaxSensorElements))
	}
	reports := 0
	for i := range els {
		e := &els[i]
		f := fmt.Sprintf("sensors[%d]", i)
		if m := e.Metadata; m != nil {
			for _, t := range []struct{ name, v string }{{".metadata.time", m.Time}, {".metadata.start_time", m.StartTime}, {".metadata.end_time", m.EndTime}} {
				if t.v != "" {
					if _, err := field.Time(f+t.name, t.v); err != nil {
						return refuse(errcode.MalformedBody, "bad_time", f+t.name, "value", t.v)
					}
				}
			}
			for _, u := range []struct{ name, v string }{{".metadata.device_id", m.DeviceID}, {".metadata.device_metadata", m.DeviceMetadata},
				{".metadata.raw_data", m.RawData}, {".metadata.data_processing_method", m.DataProcessingMethod}, {".metadata.biz_rules", m.BizRules}} {
				if u.v != "" {
					if err := checkURI(f+u.name, u.v); err != nil {
						return err
					}
				}
			}
			if err := checkExtensions(f+".metadata.extensions", m.Extensions, 2<<10); err != nil {
				return err
			}
		}
		if err := checkExtensions(f+".extensions", e.Extensions, 2<<10); err != nil {
			return err
		}
		reports += len(e.Reports)
		if reports > MaxSensorReports {
			return refuse(errcode.MalformedBody, "too_many", f+".reports", "max", strconv.Itoa(MaxSensorReports))
		}
		if len(e.Reports) == 0 {
			return refuse(errcode.MalformedBody, "sensor_no_reports", f+".reports")
		}
		for j := range e.Reports {
			r := &e.Reports[j]
			g := fmt.Sprintf("%s.reports[%d]", f, j)
			var err error
			if r.Type != "" {
				if r.Type, err = measurementType(g+".type", r.Type); err != nil {
					return err
				}
			}
			if r.Exception != "" && r.Exception != "ALARM_CONDITION" && r.Exception != "ERROR_CONDITION" {
				if r.Exception, err = measurementType(g+".exception", strings.TrimPrefix(r.Exception, "gs1:SensorAlertType-")); err != nil {
					return err
				}
			}
			if r.Time != "" {
				if _, err := field.Time(g+".time", r.Time); err != nil {
					return refuse(errcode.MalformedBody, "bad_time", g+".time", "value", r.Time)
				}
			}
			for _, u := range []struct{ name, v string }{{".device_id", r.DeviceID}, {".device_metadata", r.DeviceMetadata}, {".raw_data", r.RawData},
				{".data_processing_method", r.DataProcessingMethod}, {".biz_rules", r.BizRules}, {".microorganism", r.Microorganism},
				{".chemical_substance", r.ChemicalSubstance}, {".coordinate_reference_system", r.CoordinateReferenceSystem}, {".uri_value", r.URIValue}} {
				if u.v != "" {
					if err := checkURI(g+u.name, u.v); err != nil {
						return err
					}
				}
			}
			for _, d := range []struct {
				name string
				v    *Decimal
			}{{".value", &r.Value}, {".min_value", &r.MinValue}, {".max_value", &r.MaxValue}, {".mean_value", &r.MeanValue},
				{".s_dev", &r.SDev}, {".perc_rank", &r.PercRank}, {".perc_value", &r.PercValue}} {
				if *d.v != "" {
					if *d.v, _, err = normDecimal(g+d.name, *d.v); err != nil {
						return err
					}
				}
			}
			if len(r.UOM) > 16 || len(r.Component) > 128 || len(r.StringValue) > 256 || !utf8Valid(r.StringValue) {
				return refuse(errcode.MalformedBody, "sensor_field", g)
			}
			if r.HexBinaryValue != "" {
				if _, err := hex.DecodeString(r.HexBinaryValue); err != nil || len(r.HexBinaryValue) > 512 {
					return refuse(errcode.MalformedBody, "sensor_field", g+".hex_binary_value")
				}
			}
			if err := checkExtensions(g+".extensions", r.Extensions, 2<<10); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSourceDest checks a source or destination: its type (CBV or
// another vocabulary's URI) and value, which for a party is an
// organisation id, a party GLN (/417/) or a location GLN (/414/) and for a
// location a location. org is set only by the chain.
func checkSourceDest(name, valueName string, typ, v *string, org string) error {
	if org != "" {
		return refuse(errcode.MalformedBody, "org_by_chain", name+".org")
	}
	t, err := vocabulary(name+".type", *typ, "sdt", "SDT", SourceDestTypes)
	if err != nil {
		return err
	}
	*typ = t
	f := name + "." + valueName
	switch t {
	case SDLocation:
		loc, err := ParseLocation(f, *v)
		*v = loc
		return err
	case SDOwningParty, SDPossessingParty:
		if field.IsOrgID(*v) {
			return nil
		}
		id, err := ParseID(f, *v)
		if err != nil || (id.Kind != KindParty && id.Kind != KindLocation) || id.Scheme == SchemeGeo {
			return refuse(errcode.MalformedBody, "bad_party", f, "value", *v)
		}
		*v = id.Path
		return nil
	}
	// Another vocabulary's type: its value is a URI, kept as it is.
	return checkURI(f, *v)
}

// CertificationID returns the id a certification by org gets in a block at
// time t.
func CertificationID(t time.Time, org, subject, scheme, certNo string) string {
	return field.RecordID(certKind, "dengta/trace/cert/v1", t, org, subject, scheme, certNo)
}
