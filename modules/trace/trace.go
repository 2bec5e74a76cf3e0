package trace

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// Name is the module name used in transactions.
const Name = traceapi.Name

// Module is the product traceability module.
type Module struct{}

var _ module.Module = Module{}

// Name implements module.Module.
func (Module) Name() string { return Name }

var (
	producerRoles = []role.Role{role.Producer}
	certRoles     = []role.Role{traceapi.Alliance, role.Inspector}
	// captureRoles is the union of the steps' roles; the handler checks
	// the business step's own.
	captureRoles = everyone
	// memberScanRoles scan goods with their own devices: the handlers of
	// goods, and those who check them.
	memberScanRoles = []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector}
)

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(traceapi.AssignPrefix, m.assignPrefix).For(role.Regulator),
		module.Handle(traceapi.RegisterProduct, m.registerProduct).For(producerRoles...),
		module.Handle(traceapi.RegisterLot, m.registerLot).For(producerRoles...),
		module.Handle(traceapi.RegisterLocation, m.registerLocation),
		module.Handle(traceapi.RegisterParty, m.registerParty),
		module.Handle(traceapi.Capture, m.capture).For(captureRoles...),
		module.Handle(traceapi.Certify, m.certify).For(certRoles...),
		module.Handle(traceapi.RevokeCertification, m.revokeCertification).For(certRoles...),
		module.Handle(traceapi.RecordScans, m.recordScans).Operator(),
		module.Handle(traceapi.RecordMemberScans, m.recordMemberScans).For(memberScanRoles...),
	}
}

func stamp(ctx *module.Context) Stamp {
	return Stamp{By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: fmt.Sprintf("%X", ctx.TxHash)}
}

func hasRole(ctx *module.Context, r role.Role) bool { return slices.Contains(ctx.Signer.Roles, r) }

func (Module) registerProduct(ctx *module.Context, b *productBody) error {
	id, err := validateProduct(b)
	if err != nil {
		return err
	}
	if prev, err := GetProduct(ctx.Store, id.Path); err == nil {
		return refuse(errcode.Conflict, "product_exists", "", "product", id.Path, "org", prev.Owner)
	} else if !isNotFound(err) {
		return err
	}
	if err := ownPrefix(ctx.Store, map[bool]string{true: "drug_code", false: "gtin"}[b.DrugCode != ""], id, ctx.Signer.Org); err != nil {
		return err
	}
	p := &Product{ID: id.Path, GTIN: b.GTIN, DrugCode: b.DrugCode, Name: b.Name, NameEN: b.NameEN, Brand: b.Brand,
		Category: b.Category, Spec: b.Spec, ImageSHA256: b.ImageSHA256, Conditions: b.Conditions, Owner: ctx.Signer.Org, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, productKey(id.Path), p); err != nil {
		return err
	}
	ctx.Emit("trace.product_registered", "product", id.Path, "owner", p.Owner)
	return ctx.SetResult(idResult{ID: id.Path})
}

func (Module) registerLot(ctx *module.Context, b *lotBody) error {
	id, err := validateLot(b)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	p, err := GetProduct(ctx.Store, id.Product)
	if err != nil {
		return inField("lot_id", err)
	}
	if p.Owner != org {
		return refuse(errcode.Unauthorized, "not_product_owner", "lot_id", "product", p.ID, "org", p.Owner)
	}
	if today := field.BlockDate(ctx.Time); b.ProducedOn > today {
		return refuse(errcode.RuleViolation, "produced_in_future", "produced_on", "date", b.ProducedOn, "today", today)
	}
	if l, err := GetLot(ctx.Store, id.Path); err == nil {
		return refuse(errcode.Conflict, "lot_exists", "lot_id", "lot", l.ID)
	} else if !isNotFound(err) {
		return err
	}
	if b.Origin.Location != "" {
		if _, err := GetLocation(ctx.Store, b.Origin.Location); err != nil {
			return inField("origin.location", err)
		}
	}
	l := &Lot{ID: id.Path, Product: id.Product, LotNumber: lotNumber(id.Path),
		Origin:     Origin{Region: b.Origin.Region, Location: b.Origin.Location, Farm: b.Origin.Farm},
		ProducedOn: b.ProducedOn, ExpiresOn: b.ExpiresOn, Unit: b.Unit, Owner: org, Stamp: stamp(ctx)}
	if b.Quantity != nil {
		l.Quantity = *b.Quantity
	}
	if err := putLot(ctx.Store, l); err != nil {
		return err
	}
	ctx.Emit("trace.lot_registered", "lot", l.ID, "product", l.Product, "owner", org)
	return ctx.SetResult(idResult{ID: l.ID})
}

// lotNumber is the decoded lot number of a lot id.
func lotNumber(lot string) string {
	i := len(lot) - 1
	for i > 0 && lot[i-1] != '/' {
		i--
	}
	v, _ := unescSegment(lot[i:])
	return v
}

// putLot writes a new lot and indexes it under its product.
func putLot(kv module.KV, l *Lot) error {
	if err := module.PutJSON(kv, lotKey(l.ID), l); err != nil {
		return err
	}
	return kv.Set(prodLotKey(l.Product, l.ID), present)
}

func (Module) registerLocation(ctx *module.Context, b *locationBody) error {
	id, err := validateLocation(b)
	if err != nil {
		return err
	}
	if prev, err := GetLocation(ctx.Store, b.GLN); err == nil {
		return refuse(errcode.Conflict, "location_exists", "gln", "location", b.GLN, "org", prev.Owner, "name", prev.Name)
	} else if !isNotFound(err) {
		return err
	}
	if err := ownPrefix(ctx.Store, "gln", id, ctx.Signer.Org); err != nil {
		return err
	}
	gln := b.GLN[len("/414/") : len("/414/")+13]
	l := &Location{ID: b.GLN, GLN: gln, Name: b.Name, Address: b.Address, Type: b.Type, Owner: ctx.Signer.Org, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, locKey(l.ID), l); err != nil {
		return err
	}
	ctx.Emit("trace.location_registered", "location", l.ID, "owner", l.Owner)
	return ctx.SetResult(idResult{ID: l.ID})
}

func (Module) registerParty(ctx *module.Context, b *partyBody) error {
	s := b.GLN
	if allDigits(s) {
		s = "/417/" + s
	}
	id, err := parseKind("gln", s, KindParty)
	if err != nil {
		return err
	}
	if err := field.Text("name", b.Name, 0, 100); err != nil {
		return err
	}
	if prev, err := GetParty(ctx.Store, id.Path); err == nil {
		return refuse(errcode.Conflict, "party_exists", "gln", "party", id.Path, "org", prev.Owner)
	} else if !isNotFound(err) {
		return err
	}
	if err := ownPrefix(ctx.Store, "gln", id, ctx.Signer.Org); err != nil {
		return err
	}
	p := &PartyGLN{ID: id.Path, GLN: id.Path[len("/417/"):], Name: b.Name, Owner: ctx.Signer.Org, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, partyKey(p.ID), p); err != nil {
		return err
	}
	ctx.Emit("trace.party_registered", "party", p.ID, "owner", p.Owner)
	return ctx.SetResult(idResult{ID: p.ID})
}

func (Module) certify(ctx *module.Context, b *certifyBody) error {
	if _, _, err := validateCertify(b); err != nil {
		return err
	}
	if err := subjectExists(ctx.Store, b.Subject); err != nil {
		return inField("subject", err)
	}
	org := ctx.Signer.Org
	id := CertificationID(ctx.Time, org, b.Subject, b.Scheme, b.CertificateNo)
	if prev, err := ctx.Store.Get(certKey(id)); err != nil {
		return err
	} else if prev != nil {
		return refuse(errcode.Conflict, "cert_exists", "", "id", id, "org", org)
	}
	c := &Certification{ID: id, Subject: b.Subject, Scheme: b.Scheme, CertificateNo: b.CertificateNo,
		CertificateSHA256: b.CertificateSHA256, ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, Issuer: org, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, certKey(id), c); err != nil {
		return err
	}
	if err := ctx.Store.Set(certSubKey(b.Subject, id), present); err != nil {
		return err
	}
	ctx.Emit("trace.certified", "certification", id, "subject", b.Subject, "scheme", b.Scheme, "issuer", org)
	return ctx.SetResult(idResult{ID: id})
}

// subjectExists checks that a certification's subject is a registered lot
// or product.
func subjectExists(kv Getter, subject string) error {
	id, err := ParseID("subject", subject)
	if err != nil {
		return err
	}
	if id.Kind == KindLot {
		_, err = GetLot(kv, subject)
	} else {
		_, err = GetProduct(kv, subject)
	}
	return err
}

func (Module) revokeCertification(ctx *module.Context, b *revokeBody) error {
	if err := validateRevoke(b); err != nil {
		return err
	}
	c, err := GetCertification(ctx.Store, b.CertificationID)
	if err != nil {
		return inField("certification_id", err)
	}
	if c.Issuer != ctx.Signer.Org {
		return refuse(errcode.Unauthorized, "cert_not_issuer", "certification_id", "id", c.ID, "org", c.Issuer)
	}
	if c.Revoked != nil {
		return refuse(errcode.Conflict, "cert_revoked", "certification_id", "id", c.ID, "time", c.Revoked.Time)
	}
	c.Revoked = &Revocation{Reason: b.Reason, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, certKey(c.ID), c); err != nil {
		return err
	}
	ctx.Emit("trace.certification_revoked", "certification", c.ID, "subject", c.Subject)
	return ctx.SetResult(idResult{ID: c.ID})
}
