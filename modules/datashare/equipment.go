package datashare

import (
	"slices"
	"time"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// registerDevice registers a device of the signer enterprise with its
// maker and the key that signs its telemetry.
func (Module) registerDevice(ctx *module.Context, b *datashareapi.DeviceBody) error {
	org := ctx.Signer.Org
	if !datashareapi.IsDeviceID(b.ID) {
		return malformed("id %q: a device id has 3 to 32 uppercase letters, digits or '-'", b.ID)
	}
	if b.Maker != "" {
		if err := field.OrgID("maker", b.Maker); err != nil {
			return err
		}
		if _, err := module.ActiveOrg(ctx.Store, "maker", b.Maker); err != nil {
			return err
		}
	}
	if err := field.Text("model", b.Model, 1, 60); err != nil {
		return err
	}
	if err := field.Text("serial", b.Serial, 1, 40); err != nil {
		return err
	}
	if b.PublicKey.Key == nil {
		return malformed("public_key is required: the device's key, which signs its telemetry")
	}
	if err := absent(ctx, deviceKey(b.ID), "device "+b.ID); err != nil {
		return err
	}
	d := datashareapi.Device{ID: b.ID, Owner: org, Maker: b.Maker, Model: b.Model, Serial: b.Serial, PublicKey: b.PublicKey, KeyID: b.PublicKey.ID(),
		By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, deviceKey(b.ID), &d); err != nil {
		return err
	}
	if err := ctx.Store.Set(devByKey(org, b.ID), present); err != nil {
		return err
	}
	if b.Maker != "" {
		if err := ctx.Store.Set(devMakerKey(b.Maker, b.ID), present); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.device", "id", b.ID, "owner", org, "maker", b.Maker)
	return ctx.SetResult(datashareapi.IDResult{ID: b.ID})
}

// GetDevice returns a device, or a not_found error.
func GetDevice(r module.Getter, id string) (*datashareapi.Device, error) {
	var d datashareapi.Device
	if err := module.GetRecord(r, deviceKey(id), &d, "no device %q", id); err != nil {
		return nil, err
	}
	return &d, nil
}

// maintains reports whether organisation org may record maintenance of
// device d at time t: its owner, its maker, or the grantee of a standing
// maintenance grant on it in force.
func maintains(r module.Getter, d *datashareapi.Device, org string, t time.Time) (bool, error) {
	if org == d.Owner || org == d.Maker {
		return true, nil
	}
	ids, err := standingOf(r, d.ID)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		g, err := GetGrant(r, id)
		if err != nil {
			return false, err
		}
		if g.Grantee == org && g.Purpose == datashareapi.PurposeMaintain && GrantState(g, t) == datashareapi.GrantActive {
			return true, nil
		}
	}
	return false, nil
}

// maintain records a maintenance signed by the maintainer, resolving the
// device's open alerts it names.
func (Module) maintain(ctx *module.Context, b *datashareapi.MaintenanceBody) error {
	d, err := GetDevice(ctx.Store, b.Device)
	if err != nil {
		return err
	}
	if ok, err := maintains(ctx.Store, d, ctx.Signer.Org, ctx.Time); err != nil {
		return err
	} else if !ok {
		return unauthorized("device %s is maintained by its owner %s, its maker, or under a maintenance grant (MAINT) of its owner", d.ID, d.Owner)
	}
	if err := field.OneOf("kind", b.Kind, datashareapi.MaintenanceKinds); err != nil {
		return err
	}
	performed, err := field.Time("performed", b.Performed)
	if err != nil {
		return err
	}
	if err := notAfterBlock(ctx, "performed", performed, 0); err != nil {
		return err
	}
	if err := field.Text("summary", b.Summary, 1, 200, field.Multiline); err != nil {
		return err
	}
	if len(b.Parts) > 20 {
		return malformed("parts: at most 20, it has %d", len(b.Parts))
	}
	for i, p := range b.Parts {
		if err := field.Text("parts["+itoa(i)+"]", p, 1, 40); err != nil {
			return err
		}
	}
	if b.NextDue != "" {
		if err := field.Date("next_due", b.NextDue); err != nil {
			return err
		}
	}
	if b.Report != "" {
		rec, err := GetRecord(ctx.Store, b.Report)
		if err != nil {
			return err
		}
		if rec.Device != d.ID {
			return rule("report: record %s is not device %s's", rec.ID, d.ID)
		}
	}
	var alerts []*datashareapi.Alert
	for i, id := range b.Resolves {
		if slices.Contains(b.Resolves[:i], id) {
			return malformed("resolves[%d]: alert %s is named twice", i, id)
		}
		a, err := GetAlert(ctx.Store, id)
		if err != nil {
			return err
		}
		if a.Device != d.ID {
			return rule("resolves[%d]: alert %s is device %s's", i, id, a.Device)
		}
		if a.Status != datashareapi.AlertOpen {
			return conflict("resolves[%d]: alert %s was resolved by %s", i, id, a.ResolvedBy)
		}
		alerts = append(alerts, a)
	}
	id := recordID(ctx, maintKind, "maintenance", 0)
	if err := absent(ctx, maintKey(id), "maintenance "+id); err != nil {
		return err
	}
	m := datashareapi.Maintenance{ID: id, Device: d.ID, Kind: b.Kind, Performed: field.BlockTime(performed), Summary: b.Summary, Parts: b.Parts, Report: b.Report,
		NextDue: b.NextDue, Resolves: b.Resolves, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: txHash(ctx)}
	if err := module.PutJSON(ctx.Store, maintKey(id), &m); err != nil {
		return err
	}
	n, err := nextCount(ctx, maintOfPrefix+d.ID)
	if err != nil {
		return err
	}
	if err := ctx.Store.Set(maintOfKey(d.ID, n), []byte(id)); err != nil {
		return err
	}
	for _, a := range alerts {
		a.Status, a.ResolvedBy = datashareapi.AlertResolved, id
		if err := module.PutJSON(ctx.Store, alertKey(a.ID), a); err != nil {
			return err
		}
	}
	if len(alerts) > 0 {
		d.OpenAlerts -= int64(len(alerts))
		if err := module.PutJSON(ctx.Store, deviceKey(d.ID), d); err != nil {
			return err
		}
	}
	ctx.Emit("datashare.maintenance", "id", id, "device", d.ID, "by", ctx.Signer.Org)
	return ctx.SetResult(datashareapi.IDResult{ID: id})
}

// nextCount increments and returns the counter of an ordered index (the
// number of its entries), kept under the index's prefix with "#".
func nextCount(ctx *module.Context, of string) (uint64, error) {
	k := []byte(of + "#")
	b, err := ctx.Store.Get(k)
	if err != nil {
		return 0, err
	}
	n := getUint64(b) + 1
	return n, ctx.Store.Set(k, putUint64(n))
}

// raiseAlert anchors an alert of the owner's predictive-maintenance model
// with the digests of the telemetry windows it rests on, the triggering
// window's last.
func (Module) raiseAlert(ctx *module.Context, b *datashareapi.AlertBody) error {
	d, err := GetDevice(ctx.Store, b.Device)
	if err != nil {
		return err
	}
	if d.Owner != ctx.Signer.Org {
		return unauthorized("device %s is %s's; its owner's model raises its alerts", d.ID, d.Owner)
	}
	w, err := GetRecord(ctx.Store, b.Window)
	if err != nil {
		return err
	}
	if w.Device != d.ID || w.Type != datashareapi.TypeTelemetry {
		return rule("window: record %s is not a telemetry window of device %s", w.ID, d.ID)
	}
	if err := field.OneOf("metric", b.Metric, datashareapi.Metrics); err != nil {
		return err
	}
	if err := field.OneOf("rule", b.Rule, datashareapi.AlertRules); err != nil {
		return err
	}
	if err := field.OneOf("severity", b.Severity, datashareapi.Severities); err != nil {
		return err
	}
	if err := field.Text("model", b.Model, 1, 120); err != nil {
		return err
	}
	const bound = 1_000_000_000_000
	for i, v := range []int64{b.Value, b.Mean, b.SD, b.ZCenti, b.Threshold} {
		if v < -bound || v > bound {
			return malformed("%s %d is out of range (±10^12)", []string{"value", "mean", "sd", "z_centi", "threshold"}[i], v)
		}
	}
	if b.SD < 0 {
		return malformed("sd is negative")
	}
	if len(b.Digests) == 0 || len(b.Digests) > 64 {
		return malformed("digests: 1 to 64 window digests, it has %d", len(b.Digests))
	}
	for i, dg := range b.Digests {
		if err := lowerHex64("digests["+itoa(i)+"]", dg); err != nil {
			return err
		}
	}
	if b.Digests[len(b.Digests)-1] != w.Digest {
		return rule("digests: the last must be window %s's digest %s", w.ID, w.Digest)
	}
	id := recordID(ctx, alertKind, "alert", 0)
	if err := absent(ctx, alertKey(id), "alert "+id); err != nil {
		return err
	}
	a := datashareapi.Alert{ID: id, Owner: d.Owner, Status: datashareapi.AlertOpen, AlertBody: *b, By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time), Tx: txHash(ctx)}
	if err := module.PutJSON(ctx.Store, alertKey(id), &a); err != nil {
		return err
	}
	n, err := nextCount(ctx, alertOfPrefix+d.ID)
	if err != nil {
		return err
	}
	if err := ctx.Store.Set(alertOfKey(d.ID, n), []byte(id)); err != nil {
		return err
	}
	d.OpenAlerts++
	if err := module.PutJSON(ctx.Store, deviceKey(d.ID), d); err != nil {
		return err
	}
	ctx.Emit("datashare.alert", "id", id, "device", d.ID, "metric", b.Metric, "severity", b.Severity)
	return ctx.SetResult(datashareapi.IDResult{ID: id})
}

// GetAlert returns an alert, or a not_found error.
func GetAlert(r module.Getter, id string) (*datashareapi.Alert, error) {
	var a datashareapi.Alert
	if err := module.GetRecord(r, alertKey(id), &a, "no alert %q", id); err != nil {
		return nil, err
	}
	return &a, nil
}
