package datashare

import (
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// breakGlass declares emergency access by the signer hospital to a
// patient's records held by another hospital: for BreakGlassHours, with
// a reason and a justification, flagged for review. The owner's node
// serves the records and wraps their data keys to the requester under it,
// auditing each access as for a grant.
func (Module) breakGlass(ctx *module.Context, b *datashareapi.BreakGlassBody) error {
	org := ctx.Signer.Org
	if err := field.OrgID("owner", b.Owner); err != nil {
		return err
	}
	if b.Owner == org {
		return malformed("owner: the patient is %s's own; emergency access is to another hospital's records", org)
	}
	if _, err := module.ActiveOrg(ctx.Store, "owner", b.Owner); err != nil {
		return err
	}
	if err := field.OneOf("reason", b.Reason, datashareapi.BTGReasons); err != nil {
		return err
	}
	if err := field.Text("justification", b.Justification, 1, 200, field.Multiline); err != nil {
		return err
	}
	s, err := GetSubject(ctx.Store, b.Subject)
	if err != nil {
		return err
	}
	if s.Hospital != b.Owner {
		return rule("patient %s is %s's, not %s's", b.Subject, s.Hospital, b.Owner)
	}
	id := recordID(ctx, btgKind, "break-glass", 0)
	if err := absent(ctx, btgKey(id), "emergency access "+id); err != nil {
		return err
	}
	expires := ctx.Time.Add(datashareapi.BreakGlassHours * time.Hour)
	rec := datashareapi.BreakGlassRecord{ID: id, Requester: ctx.Party(), Owner: b.Owner, Subject: b.Subject, Reason: b.Reason, Justification: b.Justification,
		Declared: field.BlockTime(ctx.Time), Expires: field.BlockTime(expires), Status: datashareapi.BTGOpen, Height: ctx.Height, Tx: txHash(ctx)}
	if err := module.PutJSON(ctx.Store, btgKey(id), &rec); err != nil {
		return err
	}
	for _, k := range [][]byte{btgOwnKey(b.Owner, id), btgReqKey(org, id), btgSubjKey(b.Subject, id), btgOpenKey(b.Owner, id)} {
		if err := ctx.Store.Set(k, present); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.break_glass", "id", id, "owner", b.Owner, "requester", org, "subject", b.Subject)
	return ctx.SetResult(datashareapi.BreakGlassResult{ID: id, Expires: rec.Expires})
}

// reviewBreakGlass records the finding on an emergency access, by the
// records' owner or an overseer. Access under it ends.
func (Module) reviewBreakGlass(ctx *module.Context, b *datashareapi.ReviewBody) error {
	if err := field.OneOf("finding", b.Finding, datashareapi.BTGFindings); err != nil {
		return err
	}
	if err := field.Text("note", b.Note, 0, 200, field.Multiline); err != nil {
		return err
	}
	rec, err := GetBreakGlass(ctx.Store, b.ID)
	if err != nil {
		return err
	}
	if ctx.Signer.Org != rec.Owner && !oversees(ctx.Signer) {
		return unauthorized("emergency access %s is reviewed by %s, whose records it opened, or by a regulator or auditor", rec.ID, rec.Owner)
	}
	if rec.Status != datashareapi.BTGOpen {
		return conflict("emergency access %s was reviewed: %s", rec.ID, rec.Status)
	}
	rec.Status = b.Finding
	rec.Review = &datashareapi.Review{Finding: b.Finding, Note: b.Note, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, btgKey(rec.ID), rec); err != nil {
		return err
	}
	if err := ctx.Store.Delete(btgOpenKey(rec.Owner, rec.ID)); err != nil {
		return err
	}
	ctx.Emit("datashare.review", "id", rec.ID, "finding", b.Finding)
	return ctx.SetResult(datashareapi.IDResult{ID: rec.ID})
}

// GetBreakGlass returns an emergency access, or a not_found error.
func GetBreakGlass(r module.Getter, id string) (*datashareapi.BreakGlassRecord, error) {
	var b datashareapi.BreakGlassRecord
	if err := module.GetRecord(r, btgKey(id), &b, "no emergency access %q", id); err != nil {
		return nil, err
	}
	return &b, nil
}
