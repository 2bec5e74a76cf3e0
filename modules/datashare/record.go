package datashare

import (
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// registerRecord registers a record of the signer organisation: its
// digest, type and class, its ciphertext's hash and size, its data key
// wrapped to the owner's exchange keys, and to the grantees of standing
// grants it falls under when the registrant gives them.
func (Module) registerRecord(ctx *module.Context, b *datashareapi.RecordBody) error {
	org := ctx.Signer.Org
	if err := checkRecordShape(b); err != nil {
		return err
	}
	if b.Domain == datashareapi.Medical && !role.Any(ctx.Signer.Roles, hospitalRole) {
		return unauthorized("medical records are registered by hospitals (role %s)", datashareapi.Hospital)
	}
	if b.Domain == datashareapi.Industrial && !role.Any(ctx.Signer.Roles, enterprise) {
		return unauthorized("industrial records are registered by enterprises (role %s)", datashareapi.Enterprise)
	}
	var dev *datashareapi.Device
	switch {
	case b.Subject != "":
		s, err := GetSubject(ctx.Store, b.Subject)
		if err != nil {
			return err
		}
		if s.Hospital != org {
			return unauthorized("patient %s is %s's; a hospital registers records of its own patients", b.Subject, s.Hospital)
		}
	case b.Device != "":
		d, err := GetDevice(ctx.Store, b.Device)
		if err != nil {
			return err
		}
		if d.Owner != org {
			return unauthorized("device %s is %s's; an enterprise registers records of its own devices", b.Device, d.Owner)
		}
		dev = d
	}
	if b.Type == datashareapi.TypeTelemetry {
		if b.Seq <= dev.LastSeq {
			return conflict("device %s has registered window %d; a new window's number is above it", b.Device, dev.LastSeq)
		}
		sig, err := hex.DecodeString(b.DeviceSig)
		if err != nil || len(sig) == 0 || len(sig) > 128 {
			return malformed("device_sig must be the device key's signature in hex")
		}
		if !dev.PublicKey.Verify(datashareapi.TelemetrySignBytes(ctx.ChainID, b.Device, b.Seq, b.Digest), sig) {
			return unauthorized("device_sig is not device %s's (key %s) over window %d with digest %s", b.Device, dev.KeyID, b.Seq, b.Digest)
		}
	}
	ex, err := GetExchange(ctx.Store, org)
	if err != nil {
		return rule("%v", err)
	}
	if err := checkWrapped(ex, b.Keys, "keys"); err != nil {
		return err
	}
	id := recordID(ctx, recordKind, "record", 0)
	if err := absent(ctx, recordKey(id), "record "+id); err != nil {
		return err
	}
	covered, err := StandingCovers(ctx.Store, ctx.Time, org, b.Subject+b.Device, b.Type)
	if err != nil {
		return err
	}
	if err := checkGrantKeys(ctx, covered, b.GrantKeys); err != nil {
		return err
	}
	rec := datashareapi.Record{ID: id, Owner: org, Domain: b.Domain, Type: b.Type, Class: b.Class, Tags: b.Tags, Subject: b.Subject, Device: b.Device,
		Digest: b.Digest, Blob: b.Blob, Size: b.Size, Seq: b.Seq, DeviceSig: b.DeviceSig, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: txHash(ctx)}
	if err := module.PutJSON(ctx.Store, recordKey(id), &rec); err != nil {
		return err
	}
	if err := ctx.Store.Set(recByKey(org, id), present); err != nil {
		return err
	}
	if b.Subject != "" {
		if err := ctx.Store.Set(recSubjKey(b.Subject, id), present); err != nil {
			return err
		}
	}
	if b.Device != "" {
		if err := ctx.Store.Set(recDevKey(b.Device, id), present); err != nil {
			return err
		}
	}
	if err := putWrapped(ctx, id, ownCopies, b.Keys); err != nil {
		return err
	}
	var coverIDs []string
	for _, g := range covered {
		if err := cover(ctx, id, g.ID); err != nil {
			return err
		}
		coverIDs = append(coverIDs, g.ID)
	}
	for _, gk := range b.GrantKeys {
		if err := putWrapped(ctx, id, gk.Grant, []datakey.Wrapped{gk.Wrapped}); err != nil {
			return err
		}
	}
	if dev != nil && b.Type == datashareapi.TypeTelemetry {
		if err := ctx.Store.Set(windowKey(dev.ID, b.Seq), []byte(id)); err != nil {
			return err
		}
		dev.LastSeq = b.Seq
		dev.Windows++
		if err := module.PutJSON(ctx.Store, deviceKey(dev.ID), dev); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.record", "id", id, "owner", org, "type", b.Type)
	return ctx.SetResult(datashareapi.RecordResult{ID: id, Covered: coverIDs})
}

// checkRecordShape checks a record body's fields on their own.
func checkRecordShape(b *datashareapi.RecordBody) error {
	if err := field.OneOf("domain", b.Domain, datashareapi.Domains); err != nil {
		return err
	}
	if err := field.OneOf("type", b.Type, datashareapi.TypesOf(b.Domain)); err != nil {
		return err
	}
	if err := field.OneOf("class", b.Class, datashareapi.Classes); err != nil {
		return err
	}
	if err := checkTags("tags", b.Domain, b.Tags); err != nil {
		return err
	}
	switch b.Domain {
	case datashareapi.Medical:
		if b.Device != "" {
			return malformed("device: a medical record names a patient, not a device")
		}
		if !datashareapi.IsSubjectID(b.Subject) {
			return malformed("subject %q: a medical record names its patient's pseudonym (P and 16 uppercase hex digits)", b.Subject)
		}
	case datashareapi.Industrial:
		if b.Subject != "" {
			return malformed("subject: an industrial record names no patient")
		}
		if b.Device != "" && !datashareapi.IsDeviceID(b.Device) {
			return malformed("device %q is not a device id", b.Device)
		}
		if b.Type == datashareapi.TypeTelemetry && b.Device == "" {
			return malformed("device is required for telemetry")
		}
	}
	if b.Type != datashareapi.TypeTelemetry && (b.Seq != 0 || b.DeviceSig != "") {
		return malformed("seq and device_sig belong to telemetry windows only")
	}
	if err := lowerHex64("digest", b.Digest); err != nil {
		return err
	}
	if err := lowerHex64("blob", b.Blob); err != nil {
		return err
	}
	if b.Size < datakey.Overhead || b.Size > datashareapi.MaxRecordBytes {
		return malformed("size %d: a sealed record has %d to %d bytes", b.Size, datakey.Overhead, datashareapi.MaxRecordBytes)
	}
	return nil
}

// checkTags checks sensitivity tags: medical records only, from the
// vocabulary, in order, each once.
func checkTags(name, domain string, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	if domain != datashareapi.Medical {
		return malformed("%s: only medical records carry sensitivity tags", name)
	}
	for i, t := range tags {
		if err := field.OneOf(name+"["+itoa(i)+"]", t, datashareapi.MedicalTags); err != nil {
			return err
		}
	}
	if !sort.StringsAreSorted(tags) || hasDup(tags) {
		return malformed("%s: list each tag once, in alphabetical order", name)
	}
	return nil
}

func hasDup(s []string) bool {
	for i := range s {
		if slices.Contains(s[:i], s[i]) {
			return true
		}
	}
	return false
}

// lowerHex64 checks a 256-bit digest in lowercase hex (the form the chain
// stores, so that a digest has one spelling).
func lowerHex64(name, s string) error {
	if err := field.Hex64(name, s); err != nil {
		return err
	}
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'F' {
			return malformed("%s must be lowercase hex", name)
		}
	}
	return nil
}

// StandingCovers returns the standing grants of owner that a record of
// type typ of a patient or device (of) registered at time t falls under:
// proposed or active, started, not ended, naming the type.
func StandingCovers(r module.Getter, t time.Time, owner, of, typ string) ([]*datashareapi.GrantRecord, error) {
	if of == "" {
		return nil, nil
	}
	ids, err := standingOf(r, of)
	if err != nil {
		return nil, err
	}
	var out []*datashareapi.GrantRecord
	for _, gid := range ids {
		g, err := GetGrant(r, gid)
		if err != nil {
			return nil, err
		}
		if Covers(g, owner, typ, t) {
			out = append(out, g)
		}
	}
	return out, nil
}

// Covers reports whether standing grant g of owner covers a record of
// type typ registered at time t.
func Covers(g *datashareapi.GrantRecord, owner, typ string, t time.Time) bool {
	return g.Standing && g.Owner == owner && slices.Contains(g.Types, typ) &&
		(g.Status == datashareapi.GrantActive || g.Status == datashareapi.GrantProposed) &&
		!t.Before(mustTime(g.Start)) && t.Before(mustTime(g.End))
}

// checkGrantKeys checks data keys wrapped for standing grants that cover
// a new record: each for a covering grant and an exchange key of its
// grantee, once.
func checkGrantKeys(ctx *module.Context, covered []*datashareapi.GrantRecord, gks []datashareapi.GrantKey) error {
	for i, gk := range gks {
		name := "grant_keys[" + itoa(i) + "]"
		j := slices.IndexFunc(covered, func(g *datashareapi.GrantRecord) bool { return g.ID == gk.Grant })
		if j < 0 {
			return rule("%s: grant %q is not a standing grant this record falls under", name, gk.Grant)
		}
		if slices.ContainsFunc(gks[:i], func(o datashareapi.GrantKey) bool { return o.Grant == gk.Grant && o.Wrapped.KeyID == gk.Wrapped.KeyID }) {
			return malformed("%s: grant %s's key %s is given twice", name, gk.Grant, gk.Wrapped.KeyID)
		}
		ex, err := GetExchange(ctx.Store, covered[j].Grantee)
		if err != nil {
			return rule("%s: %v", name, err)
		}
		if err := checkOne(ex, gk.Wrapped, name); err != nil {
			return err
		}
	}
	return nil
}

// cover records that grant g's scope holds record rec.
func cover(ctx *module.Context, rec, g string) error {
	if err := ctx.Store.Set(coverKey(rec, g), present); err != nil {
		return err
	}
	return ctx.Store.Set(coveredKey(g, rec), present)
}

// deliverKeys adds wrapped data keys: the owner's own copies for exchange
// keys it named since, or a grant's for records its scope holds and
// exchange keys of its grantee.
func (Module) deliverKeys(ctx *module.Context, b *datashareapi.DeliverBody) error {
	if len(b.Keys) == 0 || len(b.Keys) > 200 {
		return malformed("keys: 1 to 200 wrapped keys, it has %d", len(b.Keys))
	}
	org := ctx.Signer.Org
	var ex *datashareapi.Exchange
	holder := ownCopies
	if b.Grant != "" {
		g, err := GetGrant(ctx.Store, b.Grant)
		if err != nil {
			return err
		}
		if g.Owner != org {
			return unauthorized("grant %s is %s's; its owner delivers its keys", g.ID, g.Owner)
		}
		if g.Status == datashareapi.GrantRevoked || g.Status == datashareapi.GrantRefused {
			return conflict("grant %s is %s", g.ID, g.Status)
		}
		if ex, err = GetExchange(ctx.Store, g.Grantee); err != nil {
			return rule("%v", err)
		}
		holder = g.ID
	} else {
		var err error
		if ex, err = GetExchange(ctx.Store, org); err != nil {
			return rule("%v", err)
		}
	}
	for i, rk := range b.Keys {
		name := "keys[" + itoa(i) + "]"
		rec, err := GetRecord(ctx.Store, rk.Record)
		if err != nil {
			return err
		}
		if rec.Owner != org {
			return unauthorized("%s: record %s is %s's", name, rec.ID, rec.Owner)
		}
		if holder != ownCopies {
			if ok, err := has(ctx.Store, coverKey(rec.ID, holder)); err != nil {
				return err
			} else if !ok {
				return rule("%s: grant %s does not cover record %s", name, holder, rec.ID)
			}
		}
		if err := checkOne(ex, rk.Wrapped, name); err != nil {
			return err
		}
		if err := putWrapped(ctx, rec.ID, holder, []datakey.Wrapped{rk.Wrapped}); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.keys", "grant", b.Grant, "count", itoa(len(b.Keys)))
	return ctx.SetResult(datashareapi.CountResult{Count: len(b.Keys)})
}

// GetRecord returns a record, or a not_found error.
func GetRecord(r module.Getter, id string) (*datashareapi.Record, error) {
	var rec datashareapi.Record
	if err := module.GetRecord(r, recordKey(id), &rec, "no record %q", id); err != nil {
		return nil, err
	}
	return &rec, nil
}

// standingOf reads the standing grants on a patient's or device's
// records.
func standingOf(r module.Getter, of string) ([]string, error) {
	var ids []string
	_, err := module.GetJSON(r, standingKey(of), &ids)
	return ids, err
}

// MaxStanding bounds the live standing grants on one patient's or
// device's records, so that registering a record reads a bounded list.
const MaxStanding = 32

// addStanding adds a standing grant to its patient's or device's list,
// dropping grants that can no longer cover a record (revoked, refused,
// ended).
func addStanding(ctx *module.Context, of, id string) error {
	ids, err := standingOf(ctx.Store, of)
	if err != nil {
		return err
	}
	live := ids[:0]
	for _, gid := range ids {
		g, err := GetGrant(ctx.Store, gid)
		if err != nil {
			return err
		}
		if (g.Status == datashareapi.GrantActive || g.Status == datashareapi.GrantProposed) && ctx.Time.Before(mustTime(g.End)) {
			live = append(live, gid)
		}
	}
	if len(live) >= MaxStanding {
		return rule("%s already has %d standing grants in force; revoke one first", of, len(live))
	}
	live = append(live, id)
	b, err := json.Marshal(live)
	if err != nil {
		return err
	}
	return ctx.Store.Set(standingKey(of), b)
}
