package datashare

import (
	"encoding/hex"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// registerSubject registers a patient of the signer hospital under a
// pseudonym, with the patient's key. Nothing else of the patient is
// recorded.
func (Module) registerSubject(ctx *module.Context, b *datashareapi.SubjectBody) error {
	if !datashareapi.IsSubjectID(b.ID) {
		return malformed("id %q is not a patient pseudonym: P and 16 uppercase hex digits (datashareapi.Pseudonym)", b.ID)
	}
	if b.PublicKey.Key == nil {
		return malformed("public_key is required: the patient's key, which signs the patient's consents")
	}
	if err := absent(ctx, subjectKey(b.ID), "patient "+b.ID); err != nil {
		return err
	}
	s := datashareapi.Subject{ID: b.ID, Hospital: ctx.Signer.Org, PublicKey: b.PublicKey, KeyID: b.PublicKey.ID(),
		By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, subjectKey(b.ID), &s); err != nil {
		return err
	}
	if err := ctx.Store.Set(subjByKey(ctx.Signer.Org, b.ID), present); err != nil {
		return err
	}
	ctx.Emit("datashare.subject", "id", b.ID, "hospital", ctx.Signer.Org)
	return ctx.SetResult(datashareapi.IDResult{ID: b.ID})
}

// rotateSubjectKey replaces a patient's key at the patient's hospital.
// The replacement is kept in the patient's record, which the patient's
// page shows.
func (Module) rotateSubjectKey(ctx *module.Context, b *datashareapi.RotateBody) error {
	s, err := GetSubject(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if s.Hospital != ctx.Signer.Org {
		return unauthorized("patient %s is %s's; only that hospital replaces the patient's key", b.ID, s.Hospital)
	}
	if b.PublicKey.Key == nil {
		return malformed("public_key is required")
	}
	if err := field.Text("reason", b.Reason, 1, 100); err != nil {
		return err
	}
	id := b.PublicKey.ID()
	if id == s.KeyID {
		return conflict("the patient already has key %s", id)
	}
	s.Rotations = append(s.Rotations, datashareapi.Rotation{Old: s.KeyID, New: id, Reason: b.Reason, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)})
	s.PublicKey, s.KeyID = b.PublicKey, id
	if err := module.PutJSON(ctx.Store, subjectKey(b.ID), s); err != nil {
		return err
	}
	ctx.Emit("datashare.subject_key", "id", b.ID, "key", id.String())
	return ctx.SetResult(datashareapi.IDResult{ID: b.ID})
}

// GetSubject returns a patient, or a not_found error.
func GetSubject(r module.Getter, id string) (*datashareapi.Subject, error) {
	var s datashareapi.Subject
	if err := module.GetRecord(r, subjectKey(id), &s, "no patient %q", id); err != nil {
		return nil, err
	}
	return &s, nil
}

// subjectAct applies what a patient signed to a grant on the patient's
// records: approve or refuse a proposed grant, revoke a proposed or
// active one. Any member relays it; the patient's signature is what
// counts.
func (Module) subjectAct(ctx *module.Context, b *datashareapi.SubjectActBody) error {
	if err := field.OneOf("act", b.Act, []string{datashareapi.ActApprove, datashareapi.ActRefuse, datashareapi.ActRevoke}); err != nil {
		return err
	}
	signed, err := field.Time("time", b.Time)
	if err != nil {
		return err
	}
	sig, err := hex.DecodeString(b.Signature)
	if err != nil || len(sig) == 0 || len(sig) > 128 {
		return malformed("signature must be the patient key's signature in hex")
	}
	s, err := GetSubject(ctx.Store, b.Subject)
	if err != nil {
		return err
	}
	g, err := GetGrant(ctx.Store, b.Grant)
	if err != nil {
		return err
	}
	if g.Subject != b.Subject {
		return rule("grant %s is not on patient %s's records", b.Grant, b.Subject)
	}
	if !s.PublicKey.Verify(datashareapi.SubjectSignBytes(ctx.ChainID, b.Act, b.Grant, b.Subject, b.Time), sig) {
		return unauthorized("the signature is not patient %s's (key %s) over this statement", b.Subject, s.KeyID)
	}
	if err := notAfterBlock(ctx, "time", signed, datashareapi.StatementMaxAgeHours*time.Hour); err != nil {
		return err
	}
	switch b.Act {
	case datashareapi.ActApprove, datashareapi.ActRefuse:
		if g.Status != datashareapi.GrantProposed {
			return conflict("grant %s is %s; a patient approves or refuses only a proposed grant", g.ID, g.Status)
		}
		if b.Act == datashareapi.ActApprove {
			if !ctx.Time.Before(mustTime(g.End)) {
				return rule("grant %s ended at %s; it can no longer be approved", g.ID, g.End)
			}
			g.Status = datashareapi.GrantActive
		} else {
			g.Status = datashareapi.GrantRefused
		}
	case datashareapi.ActRevoke:
		if g.Status != datashareapi.GrantProposed && g.Status != datashareapi.GrantActive {
			return conflict("grant %s is %s; only a proposed or active grant is revoked", g.ID, g.Status)
		}
		g.Status = datashareapi.GrantRevoked
		g.Revoked = &datashareapi.Revocation{By: "subject", Party: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	}
	g.Consents = append(g.Consents, datashareapi.Consent{Act: b.Act, KeyID: s.KeyID, Signed: b.Time, Signature: b.Signature,
		Relayed: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)})
	if err := module.PutJSON(ctx.Store, grantKey(g.ID), g); err != nil {
		return err
	}
	ctx.Emit("datashare.subject_act", "grant", g.ID, "subject", b.Subject, "act", b.Act, "status", g.Status)
	return ctx.SetResult(datashareapi.IDResult{ID: g.ID})
}

// mustTime parses a time the module itself stored.
func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic("datashare: stored time " + s + ": " + err.Error())
	}
	return t
}
