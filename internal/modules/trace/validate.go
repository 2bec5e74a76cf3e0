package trace

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module/field"
)

// certKind is the kind of certification ids (see field.RecordID).
const certKind = "CT"

// posPattern is the form of an event's chain id (see keys.go).
var posPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

func malformed(format string, args ...any) error {
	return errcode.New(errcode.MalformedBody, format, args...)
}

func ruleViolation(format string, args ...any) error {
	return errcode.New(errcode.RuleViolation, format, args...)
}

func notFound(format string, args ...any) error {
	return errcode.New(errcode.NotFound, format, args...)
}

func unauthorized(format string, args ...any) error {
	return errcode.New(errcode.Unauthorized, format, args...)
}

func conflict(format string, args ...any) error {
	return errcode.New(errcode.Conflict, format, args...)
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
	if err := field.Text(name, s, 1, MaxClientIDLen); err != nil {
		return err
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return malformed("%s %q must not contain spaces", name, s)
	}
	return nil
}

func validateProduct(b *productBody) (string, error) {
	var id string
	switch {
	case b.GTIN != "" && b.DrugCode != "":
		return "", malformed("give either gtin or drug_code, not both")
	case b.GTIN != "":
		g, err := ParseGTIN("gtin", b.GTIN)
		if err != nil {
			return "", err
		}
		b.GTIN, id = g, "/01/"+g
	case b.DrugCode != "":
		if !allDigits(b.DrugCode) || (len(b.DrugCode) != DrugCodeDigits && len(b.DrugCode) != DrugProductDigits) {
			return "", malformed("drug_code must be a drug traceability code (药品追溯码) of %d digits or its %d-digit product code (药品标识码), got %q", DrugCodeDigits, DrugProductDigits, b.DrugCode)
		}
		b.DrugCode = b.DrugCode[:DrugProductDigits]
		id = "/drug/" + b.DrugCode
	default:
		return "", malformed("gtin or drug_code is required")
	}
	for _, f := range []struct {
		name, v  string
		min, max int
	}{{"name", b.Name, 1, 100}, {"name_en", b.NameEN, 0, 200}, {"brand", b.Brand, 0, 64}, {"category", b.Category, 0, 64}, {"spec", b.Spec, 0, 100}} {
		if err := field.Text(f.name, f.v, f.min, f.max); err != nil {
			return "", err
		}
	}
	return id, checkHash("image_sha256", b.ImageSHA256, false)
}

func validateLot(b *lotBody) (ID, error) {
	lot, err := parseKind("lot_id", b.LotID, KindLot)
	if err != nil {
		return ID{}, err
	}
	b.LotID = lot.Path
	if b.Origin == nil {
		return ID{}, malformed("origin is required: {\"region\": ..., \"location\": ..., \"farm\": ...}")
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
			return ID{}, malformed("expires_on %s is before produced_on %s", b.ExpiresOn, b.ProducedOn)
		}
	}
	if b.Quantity != nil && (*b.Quantity < 1 || *b.Quantity > 1_000_000_000_000) {
		return ID{}, malformed("quantity must be a whole number from 1 to 10^12, got %d", *b.Quantity)
	}
	if err := field.Text("unit", b.Unit, 0, 16); err != nil {
		return ID{}, err
	}
	if b.Unit != "" && b.Quantity == nil {
		return ID{}, malformed("unit is given without a quantity")
	}
	return lot, nil
}

func validateLocation(b *locationBody) error {
	var err error
	if b.GLN, err = ParseLocation("gln", b.GLN); err != nil {
		return err
	}
	if err := field.Text("name", b.Name, 1, 100); err != nil {
		return err
	}
	if err := field.Text("address", b.Address, 0, 200); err != nil {
		return err
	}
	return field.OneOf("type", b.Type, LocationTypes)
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
		return time.Time{}, time.Time{}, malformed("valid_until %s is not after valid_from %s", b.ValidUntil, b.ValidFrom)
	}
	return from, until, nil
}

func validateRevoke(b *revokeBody) error {
	if !field.IsRecordID(certKind, b.CertificationID) {
		return malformed("certification_id %q is not a certification id like CT20260101-0123456789ABCDEF0123", b.CertificationID)
	}
	return field.Text("reason", b.Reason, 1, 500)
}

// parsed is an event body checked and put in canonical form.
type parsed struct {
	time     time.Time
	epcs     []ID
	parent   ID
	children []ID
	inputs   []ID
	outputs  []ID
	lot      ID
}

// stepsFor lists the business steps each event type and action allows.
func stepsFor(typ, action string) []string {
	switch {
	case typ == ObjectEvent && action == ActionAdd:
		return []string{StepCommissioning}
	case typ == ObjectEvent && action == ActionDelete:
		return []string{StepDestroying, StepDecommissioning}
	case typ == ObjectEvent:
		return []string{StepShipping, StepReceiving, StepRetailSelling, StepDispensing, StepRecalling, StepDestroying, StepInspecting, StepStoring, StepDecommissioning}
	case typ == AggregationEvent && action == ActionAdd:
		return []string{StepPacking}
	case typ == AggregationEvent && action == ActionDelete:
		return []string{StepUnpacking}
	case typ == AggregationEvent:
		return []string{StepShipping, StepReceiving, StepStoring, StepInspecting}
	default:
		return []string{StepTransforming}
	}
}

// validate checks an event body, puts every identifier in canonical form
// and parses the event time. It checks everything that does not depend on
// the state.
func validateEvent(b *EventInput) (*parsed, error) {
	p := &parsed{}
	if err := field.OneOf("type", b.Type, []string{ObjectEvent, AggregationEvent, TransformationEvent}); err != nil {
		return nil, err
	}
	if b.Type == TransformationEvent {
		if b.Action != "" {
			return nil, malformed("a TransformationEvent has no action (got %q)", b.Action)
		}
	} else if err := field.OneOf("action", b.Action, []string{ActionAdd, ActionObserve, ActionDelete}); err != nil {
		return nil, err
	}
	if err := field.OneOf("biz_step", b.BizStep, BizSteps); err != nil {
		return nil, err
	}
	if steps := stepsFor(b.Type, b.Action); !slices.Contains(steps, b.BizStep) {
		what := b.Type
		if b.Action != "" {
			what += " " + b.Action
		}
		return nil, malformed("biz_step %s does not go with %s %s; it takes %s", b.BizStep, article(what), what, strings.Join(steps, ", "))
	}
	if b.Disposition != "" {
		if err := field.OneOf("disposition", b.Disposition, Dispositions); err != nil {
			return nil, err
		}
	}
	var err error
	if p.time, err = field.Time("event_time", b.EventTime); err != nil {
		return nil, err
	}
	// Which lists the type takes.
	type list struct {
		name string
		v    []string
	}
	var unused []list
	switch b.Type {
	case ObjectEvent:
		unused = []list{{"child_epcs", b.ChildEPCs}, {"input_epc_list", b.InputEPCList}, {"output_epc_list", b.OutputEPCList}}
	case AggregationEvent:
		unused = []list{{"epc_list", b.EPCList}, {"input_epc_list", b.InputEPCList}, {"output_epc_list", b.OutputEPCList}}
	default:
		unused = []list{{"epc_list", b.EPCList}, {"child_epcs", b.ChildEPCs}}
	}
	for _, l := range unused {
		if len(l.v) > 0 {
			return nil, malformed("%ss have no %s", b.Type, l.name)
		}
	}
	if b.Type != AggregationEvent && b.ParentID != "" {
		return nil, malformed("%ss have no parent_id", b.Type)
	}
	seen := map[string]string{}
	total := 0
	parseList := func(name string, in []string, kinds ...string) ([]ID, error) {
		total += len(in)
		if total > MaxEPCsPerEvent {
			return nil, malformed("an event names at most %d identifiers in all its lists", MaxEPCsPerEvent)
		}
		out := make([]ID, len(in))
		for i, s := range in {
			f := fmt.Sprintf("%s[%d]", name, i)
			id, err := parseKind(f, s, kinds...)
			if err != nil {
				return nil, err
			}
			if prev, ok := seen[id.Path]; ok {
				return nil, malformed("%s %s is already named in %s; an identifier appears once in an event", f, id.Path, prev)
			}
			seen[id.Path] = f
			in[i], out[i] = id.Path, id
		}
		return out, nil
	}
	switch b.Type {
	case ObjectEvent:
		if len(b.EPCList) == 0 {
			return nil, malformed("epc_list is required: the identifiers the event is about")
		}
		kinds := []string{KindItem, KindDrug, KindContainer, KindLot}
		if b.BizStep == StepCommissioning {
			kinds = []string{KindItem, KindDrug}
		}
		if p.epcs, err = parseList("epc_list", b.EPCList, kinds...); err != nil {
			return nil, err
		}
	case AggregationEvent:
		if b.ParentID == "" {
			return nil, malformed("parent_id is required: the container (or item) the children are packed in")
		}
		if p.parent, err = parseKind("parent_id", b.ParentID, KindContainer, KindItem); err != nil {
			return nil, err
		}
		b.ParentID = p.parent.Path
		seen[p.parent.Path] = "parent_id"
		total++
		if b.Action == ActionAdd && len(b.ChildEPCs) == 0 {
			return nil, malformed("child_epcs is required for ADD: the identifiers packed into %s", b.ParentID)
		}
		if p.children, err = parseList("child_epcs", b.ChildEPCs, KindItem, KindDrug, KindContainer); err != nil {
			return nil, err
		}
	default:
		if len(b.InputEPCList) == 0 || len(b.OutputEPCList) == 0 {
			return nil, malformed("a TransformationEvent needs input_epc_list and output_epc_list (lots or items)")
		}
		if p.inputs, err = parseList("input_epc_list", b.InputEPCList, KindLot, KindItem, KindDrug); err != nil {
			return nil, err
		}
		if p.outputs, err = parseList("output_epc_list", b.OutputEPCList, KindLot, KindItem, KindDrug); err != nil {
			return nil, err
		}
	}
	// The lot of new items.
	needsLot := b.BizStep == StepCommissioning
	for _, o := range p.outputs {
		needsLot = needsLot || o.Kind != KindLot
	}
	switch {
	case b.Lot == "" && needsLot:
		return nil, malformed("lot is required: the lot (/01/<GTIN>/10/<lot>) of the items the event commissions")
	case b.Lot != "" && !needsLot:
		return nil, malformed("lot is only for events that commission items (commissioning, or a transformation that outputs items)")
	case b.Lot != "":
		if p.lot, err = parseKind("lot", b.Lot, KindLot); err != nil {
			return nil, err
		}
		b.Lot = p.lot.Path
		for _, id := range append(slices.Clone(p.epcs), p.outputs...) {
			if id.Kind != KindLot && id.Product != p.lot.Product {
				return nil, malformed("%s is of product %s but lot %s is of product %s", id.Path, id.Product, b.Lot, p.lot.Product)
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
		return nil, malformed("source_list and destination_list have at most %d entries each", MaxSourcesPerEvent)
	}
	for i := range b.SourceList {
		if err := checkSourceDest(fmt.Sprintf("source_list[%d]", i), "source", &b.SourceList[i].Type, &b.SourceList[i].Source); err != nil {
			return nil, err
		}
		for _, prev := range b.SourceList[:i] {
			if prev == b.SourceList[i] {
				return nil, malformed("source_list[%d] repeats an earlier entry", i)
			}
		}
	}
	for i := range b.DestinationList {
		if err := checkSourceDest(fmt.Sprintf("destination_list[%d]", i), "destination", &b.DestinationList[i].Type, &b.DestinationList[i].Destination); err != nil {
			return nil, err
		}
		for _, prev := range b.DestinationList[:i] {
			if prev == b.DestinationList[i] {
				return nil, malformed("destination_list[%d] repeats an earlier entry", i)
			}
		}
	}
	if b.BizStep == StepShipping && len(receivers(b.DestinationList)) == 0 {
		return nil, malformed("shipping needs a destination_list entry of type owning_party or possessing_party: the organisation that will receive")
	}
	for _, l := range []struct {
		name string
		v    []string
	}{{"sensor_hashes", b.SensorHashes}, {"certificate_hashes", b.CertificateHashes}} {
		if len(l.v) > MaxHashesPerEvent {
			return nil, malformed("%s has at most %d entries", l.name, MaxHashesPerEvent)
		}
		for i, h := range l.v {
			if err := checkHash(fmt.Sprintf("%s[%d]", l.name, i), h, true); err != nil {
				return nil, err
			}
		}
	}
	if b.EventID != "" {
		if err := clientID("event_id", b.EventID); err != nil {
			return nil, err
		}
		if posPattern.MatchString(b.EventID) {
			return nil, malformed("event_id %q looks like a chain event id (24 hex digits); choose another form, such as a URN", b.EventID)
		}
	}
	if d := b.ErrorDeclaration; d != nil {
		if err := field.OneOf("error_declaration.reason", d.Reason, ErrorReasons); err != nil {
			return nil, err
		}
		if err := clientID("error_declaration.corrects", d.Corrects); err != nil {
			return nil, err
		}
		if len(d.CorrectiveEventIDs) > MaxHashesPerEvent {
			return nil, malformed("error_declaration.corrective_event_ids has at most %d entries", MaxHashesPerEvent)
		}
		for i, id := range d.CorrectiveEventIDs {
			if err := clientID(fmt.Sprintf("error_declaration.corrective_event_ids[%d]", i), id); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func checkSourceDest(name, valueName string, typ, v *string) error {
	if err := field.OneOf(name+".type", *typ, SourceDestTypes); err != nil {
		return err
	}
	if *typ == SDLocation {
		loc, err := ParseLocation(name+"."+valueName, *v)
		*v = loc
		return err
	}
	return field.OrgID(name+"."+valueName, *v)
}

// receivers lists the organisations a shipment is for: its destination
// owning and possessing parties, sorted, without repeats.
func receivers(dst []Destination) []string {
	var out []string
	for _, d := range dst {
		if d.Type == SDOwningParty || d.Type == SDPossessingParty {
			out = append(out, d.Destination)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func validateScans(b *scansBody, now time.Time) ([]ID, []time.Time, error) {
	if len(b.Scans) == 0 || len(b.Scans) > MaxScansPerBatch {
		return nil, nil, malformed("scans must list 1 to %d scans, got %d", MaxScansPerBatch, len(b.Scans))
	}
	ids := make([]ID, len(b.Scans))
	times := make([]time.Time, len(b.Scans))
	for i := range b.Scans {
		s := &b.Scans[i]
		f := fmt.Sprintf("scans[%d]", i)
		id, err := parseKind(f+".epc", s.EPC, KindItem, KindDrug)
		if err != nil {
			return nil, nil, err
		}
		s.EPC, ids[i] = id.Path, id
		if times[i], err = field.Time(f+".time", s.Time); err != nil {
			return nil, nil, err
		}
		if err := field.Text(f+".location", s.Location, 0, 32); err != nil {
			return nil, nil, err
		}
		if err := checkHash(f+".device", s.Device, true); err != nil {
			return nil, nil, err
		}
		if times[i].After(now.Add(ClockSkew)) {
			return nil, nil, ruleViolation("%s.time %s is more than %s after the block time %s", f, s.Time, ClockSkew, field.BlockTime(now))
		}
		if times[i].Before(now.Add(-ScanMaxAge)) {
			return nil, nil, ruleViolation("%s.time %s is more than %s before the block time %s; scans are recorded within a day", f, s.Time, ScanMaxAge, field.BlockTime(now))
		}
	}
	return ids, times, nil
}

// CertificationID returns the id a certification by org gets in a block at
// time t.
func CertificationID(t time.Time, org, subject, scheme, certNo string) string {
	return field.RecordID(certKind, "dengta/trace/cert/v1", t, org, subject, scheme, certNo)
}

// article is "a" or "an" before a word.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
