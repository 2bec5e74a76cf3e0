package trace

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/modules/trace/traceapi"
	"github.com/dengta-chain/dengta/internal/role"
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
	// captureRoles is the union of stepRoles; the handler checks the
	// business step's own roles.
	captureRoles = []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier, role.Regulator, role.Inspector, traceapi.Alliance}
)

// StepRoles returns the roles, one of which the capturing organisation
// must hold, for a business step. Recalling, destroying and
// decommissioning by a producer (that is not a regulator) are further
// limited to its own products and the containers it created.
func StepRoles(step string) []role.Role {
	switch step {
	case StepCommissioning, StepPacking, StepUnpacking, StepTransforming:
		return []role.Role{role.Producer}
	case StepShipping, StepReceiving, StepStoring:
		return []role.Role{role.Producer, role.Logistics, traceapi.Retailer, role.Supplier}
	case StepRetailSelling, StepDispensing:
		return []role.Role{traceapi.Retailer}
	case StepRecalling, StepDestroying:
		return []role.Role{role.Regulator, role.Producer}
	case StepInspecting:
		return []role.Role{role.Inspector, role.Regulator, traceapi.Alliance}
	case StepDecommissioning:
		return []role.Role{role.Producer, role.Regulator}
	}
	return nil
}

// Actions implements module.Module.
func (m Module) Actions() []module.Action {
	return []module.Action{
		module.Handle(traceapi.RegisterProduct, m.registerProduct).For(producerRoles...),
		module.Handle(traceapi.RegisterLot, m.registerLot).For(producerRoles...),
		module.Handle(traceapi.RegisterLocation, m.registerLocation),
		module.Handle(traceapi.Capture, m.capture).For(captureRoles...),
		module.Handle(traceapi.Certify, m.certify).For(certRoles...),
		module.Handle(traceapi.RevokeCertification, m.revokeCertification).For(certRoles...),
		module.Handle(traceapi.RecordScans, m.recordScans),
	}
}

func stamp(ctx *module.Context) Stamp {
	return Stamp{By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), TxHash: fmt.Sprintf("%X", ctx.TxHash)}
}

func hasRole(ctx *module.Context, r role.Role) bool { return slices.Contains(ctx.Signer.Roles, r) }

// absent refuses with conflict when key already holds a value.
func absent(kv Getter, key []byte, format string, args ...any) error {
	b, err := kv.Get(key)
	if err != nil {
		return err
	}
	if b != nil {
		return conflict(format, args...)
	}
	return nil
}

func (Module) registerProduct(ctx *module.Context, b *productBody) error {
	id, err := validateProduct(b)
	if err != nil {
		return err
	}
	if prev, err := GetProduct(ctx.Store, id); err == nil {
		return conflict("product %s is already registered by %s", id, prev.Owner)
	} else if !isNotFound(err) {
		return err
	}
	p := &Product{ID: id, GTIN: b.GTIN, DrugCode: b.DrugCode, Name: b.Name, NameEN: b.NameEN, Brand: b.Brand,
		Category: b.Category, Spec: b.Spec, ImageSHA256: b.ImageSHA256, Owner: ctx.Signer.Org, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, productKey(id), p); err != nil {
		return err
	}
	ctx.Emit("trace.product_registered", "product", id, "owner", p.Owner)
	return ctx.SetResult(idResult{ID: id})
}

func (Module) registerLot(ctx *module.Context, b *lotBody) error {
	id, err := validateLot(b)
	if err != nil {
		return err
	}
	org := ctx.Signer.Org
	p, err := GetProduct(ctx.Store, id.Product)
	if err != nil {
		return err
	}
	if p.Owner != org {
		return unauthorized("product %s belongs to %s; only its producer registers its lots", p.ID, p.Owner)
	}
	if today := field.BlockDate(ctx.Time); b.ProducedOn > today {
		return ruleViolation("produced_on %s is after the block date %s (China Standard Time); register a lot once it is produced", b.ProducedOn, today)
	}
	if err := absent(ctx.Store, lotKey(id.Path), "lot %s is already registered", id.Path); err != nil {
		return err
	}
	if b.Origin.Location != "" {
		if _, err := GetLocation(ctx.Store, b.Origin.Location); err != nil {
			return err
		}
	}
	l := &Lot{ID: id.Path, Product: id.Product, LotNumber: id.Path[len(id.Product)+len("/10/"):],
		Origin:     Origin{Region: b.Origin.Region, Location: b.Origin.Location, Farm: b.Origin.Farm},
		ProducedOn: b.ProducedOn, ExpiresOn: b.ExpiresOn, Unit: b.Unit, Owner: org, Stamp: stamp(ctx)}
	if b.Quantity != nil {
		l.Quantity = *b.Quantity
	}
	if err := module.PutJSON(ctx.Store, lotKey(l.ID), l); err != nil {
		return err
	}
	ctx.Emit("trace.lot_registered", "lot", l.ID, "product", l.Product, "owner", org)
	return ctx.SetResult(idResult{ID: l.ID})
}

func (Module) registerLocation(ctx *module.Context, b *locationBody) error {
	if err := validateLocation(b); err != nil {
		return err
	}
	if prev, err := GetLocation(ctx.Store, b.GLN); err == nil {
		return conflict("location %s is already registered by %s as %q", b.GLN, prev.Owner, prev.Name)
	} else if !isNotFound(err) {
		return err
	}
	l := &Location{ID: b.GLN, GLN: b.GLN[len("/414/"):], Name: b.Name, Address: b.Address, Type: b.Type, Owner: ctx.Signer.Org, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, locKey(l.ID), l); err != nil {
		return err
	}
	ctx.Emit("trace.location_registered", "location", l.ID, "owner", l.Owner)
	return ctx.SetResult(idResult{ID: l.ID})
}

func (Module) certify(ctx *module.Context, b *certifyBody) error {
	if _, _, err := validateCertify(b); err != nil {
		return err
	}
	if err := subjectExists(ctx.Store, b.Subject); err != nil {
		return err
	}
	org := ctx.Signer.Org
	id := CertificationID(ctx.Time, org, b.Subject, b.Scheme, b.CertificateNo)
	if err := absent(ctx.Store, certKey(id), "certification %s (the same subject, scheme and certificate number by %s today) already exists", id, org); err != nil {
		return err
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
		return err
	}
	if c.Issuer != ctx.Signer.Org {
		return unauthorized("certification %s was issued by %s; only its issuer may revoke it", c.ID, c.Issuer)
	}
	if c.Revoked != nil {
		return conflict("certification %s was already revoked at %s", c.ID, c.Revoked.Time)
	}
	c.Revoked = &Revocation{Reason: b.Reason, Stamp: stamp(ctx)}
	if err := module.PutJSON(ctx.Store, certKey(c.ID), c); err != nil {
		return err
	}
	ctx.Emit("trace.certification_revoked", "certification", c.ID, "subject", c.Subject)
	return ctx.SetResult(idResult{ID: c.ID})
}
