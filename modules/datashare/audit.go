package datashare

import (
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// audit records a batch of access events of the signer organisation's
// records, as its node saw them: each once (an event already recorded,
// from a batch submitted again after a restart, is skipped and counted),
// in the order given, never changed or deleted.
func (Module) audit(ctx *module.Context, b *datashareapi.AuditBody) error {
	if len(b.Events) == 0 || len(b.Events) > datashareapi.MaxAuditBatch {
		return malformed("events: 1 to %d, it has %d", datashareapi.MaxAuditBatch, len(b.Events))
	}
	org := ctx.Signer.Org
	seqRaw, err := ctx.Store.Get(keyAuditSeq)
	if err != nil {
		return err
	}
	seq := getUint64(seqRaw)
	res := datashareapi.AuditResult{}
	seen := map[string]bool{}
	for i, e := range b.Events {
		name := "events[" + itoa(i) + "]"
		if err := checkEvent(ctx, name, &e); err != nil {
			return err
		}
		rec, err := GetRecord(ctx.Store, e.Record)
		if err != nil {
			return err
		}
		if rec.Owner != org {
			return unauthorized("%s: record %s is %s's; an owner's node audits the accesses to its own records", name, rec.ID, rec.Owner)
		}
		if _, ok, err := module.Org(ctx.Store, e.Org); err != nil {
			return err
		} else if !ok {
			return notFound("%s: no organisation %q in the consortium", name, e.Org)
		}
		if dup, err := has(ctx.Store, auditIDKey(e.ID)); err != nil {
			return err
		} else if dup || seen[e.ID] {
			res.Duplicates++
			continue
		}
		seen[e.ID] = true
		seq++
		entry := datashareapi.AuditEntry{AuditEvent: e, Seq: seq, Owner: org, Subject: rec.Subject, Device: rec.Device, By: ctx.Party(), Height: ctx.Height, Tx: txHash(ctx)}
		if err := module.PutJSON(ctx.Store, auditKey(seq), &entry); err != nil {
			return err
		}
		if err := ctx.Store.Set(auditIDKey(e.ID), []byte(seqHex(seq))); err != nil {
			return err
		}
		idx := [][]byte{auditIndexKey(auditRecPrefix, rec.ID, seq), auditIndexKey(auditOrgPrefix, e.Org, seq), auditIndexKey(auditOwnPrefix, org, seq)}
		if rec.Subject != "" {
			idx = append(idx, auditIndexKey(auditSubjPrefix, rec.Subject, seq))
		}
		if rec.Device != "" {
			idx = append(idx, auditIndexKey(auditDevPrefix, rec.Device, seq))
		}
		for _, k := range idx {
			if err := ctx.Store.Set(k, present); err != nil {
				return err
			}
		}
		res.Recorded++
	}
	if res.Recorded > 0 {
		if err := ctx.Store.Set(keyAuditSeq, putUint64(seq)); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.audit", "owner", org, "recorded", itoa(res.Recorded), "duplicates", itoa(res.Duplicates))
	return ctx.SetResult(res)
}

// checkEvent checks one access event's fields.
func checkEvent(ctx *module.Context, name string, e *datashareapi.AuditEvent) error {
	if err := lowerHex64(name+".digest", e.Digest); err != nil {
		return err
	}
	if e.ID != e.Digest[:32] {
		return malformed("%s.id must be the first 32 hex digits of its digest", name)
	}
	t, err := field.Time(name+".time", e.Time)
	if err != nil {
		return err
	}
	if err := notAfterBlock(ctx, name+".time", t, datashareapi.AuditMaxAgeHours*time.Hour); err != nil {
		return err
	}
	if err := field.OneOf(name+".event", e.Event, []string{datashareapi.EventFetch, datashareapi.EventKey}); err != nil {
		return err
	}
	if err := field.OneOf(name+".outcome", e.Outcome, []string{datashareapi.OutcomeServe, datashareapi.OutcomeRefuse}); err != nil {
		return err
	}
	if e.Outcome == datashareapi.OutcomeRefuse {
		if err := field.OneOf(name+".reason", e.Reason, datashareapi.Reasons); err != nil {
			return err
		}
	} else if e.Reason != "" {
		return malformed("%s.reason: a served request has no refusal reason", name)
	}
	if e.Outcome == datashareapi.OutcomeServe && (e.Grant == "") == (e.BreakGlass == "") {
		return malformed("%s: a served request names its grant or its emergency access, one of them", name)
	}
	if e.Grant != "" && !field.IsRecordID(grantKind, e.Grant) {
		return malformed("%s.grant %q is not a grant id", name, e.Grant)
	}
	if e.BreakGlass != "" && !field.IsRecordID(btgKind, e.BreakGlass) {
		return malformed("%s.break_glass %q is not an emergency access id", name, e.BreakGlass)
	}
	if !field.IsRecordID(recordKind, e.Record) {
		return malformed("%s.record %q is not a record id", name, e.Record)
	}
	if err := field.OrgID(name+".org", e.Org); err != nil {
		return err
	}
	if e.Key.IsZero() {
		return malformed("%s.key is required: the key that signed the request", name)
	}
	if e.Purpose != "" {
		if err := field.OneOf(name+".purpose", e.Purpose, append(append([]string{datashareapi.PurposeEmergency}, datashareapi.MedicalPurposes...), datashareapi.IndustrialPurpose...)); err != nil {
			return err
		}
	}
	return nil
}
