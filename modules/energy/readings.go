package energy

import (
	"encoding/hex"
	"fmt"
	"runtime"
	"sync"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// Meter readings. A smart meter signs each interval's registers with its
// own key, kept in its secure element; the grid operator's head-end system
// collects them and posts them in batches (or the participant does). The
// chain checks every signature against the key the operator registered
// for the meter, so whoever relays a reading cannot change it. A batch is
// refused whole when one of its readings is bad: the head-end leaves that
// one out and posts again.

// verifyBatch is where a batch's signatures are checked, in parallel: a
// signature check is pure, so the outcome is the same on every node.
type sigCheck struct {
	m   *energyapi.Meter
	msg []byte
	sig []byte
}

func verifyAll(checks []sigCheck) int {
	workers := min(runtime.GOMAXPROCS(0), (len(checks)+15)/16)
	if workers <= 1 {
		for i, c := range checks {
			if !c.m.PublicKey.Verify(c.msg, c.sig) {
				return i
			}
		}
		return -1
	}
	bad := make([]bool, len(checks))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(checks); i += workers {
				bad[i] = !checks[i].m.PublicKey.Verify(checks[i].msg, checks[i].sig)
			}
		})
	}
	wg.Wait()
	for i, b := range bad {
		if b {
			return i
		}
	}
	return -1
}

func (Module) postReadings(ctx *module.Context, b *energyapi.ReadingsBody) error {
	n := len(b.Readings)
	if n == 0 || n > energyapi.MaxReadings {
		return malformed("readings: give 1 to %d readings", energyapi.MaxReadings)
	}
	meters := map[string]*energyapi.Meter{}
	zones := map[string]*energyapi.Zone{}
	seen := map[string]bool{}
	checks := make([]sigCheck, n)
	for i, r := range b.Readings {
		name := fmt.Sprintf("readings[%d]", i)
		if err := code(name+".meter", r.Meter, 4, 32, "3401000012345678"); err != nil {
			return err
		}
		if r.ImportWh < 0 || r.ExportWh < 0 {
			return malformed("%s: registers are 0 or more Wh", name)
		}
		sig, err := hex.DecodeString(r.Sig)
		if err != nil || len(sig) == 0 || len(sig) > 80 {
			return malformed("%s.sig is not a signature in hex", name)
		}
		m, ok := meters[r.Meter]
		if !ok {
			if m, err = GetMeter(ctx.Store, r.Meter); err != nil {
				return err
			}
			meters[r.Meter] = m
		}
		if !m.Active {
			return rule("%s: meter %s was retired: %s", name, m.Meter, m.Retired)
		}
		zn, ok := zones[m.Zone]
		if !ok {
			if zn, err = GetZone(ctx.Store, m.Zone); err != nil {
				return err
			}
			zones[m.Zone] = zn
		}
		if ctx.Signer.Org != zn.Operator && ctx.Signer.Org != m.Org {
			return unauthorized("%s: meter %s is %s's in zone %s; its readings are posted by %s or the zone's operator %s", name, m.Meter, m.Org, zn.Zone, m.Org, zn.Operator)
		}
		_, end, err := interval(zn, r.Interval)
		if err != nil {
			return malformed("%s: %v", name, err)
		}
		if ctx.Time.Before(end) {
			return rule("%s: interval %s ends at %s; a reading is posted after its interval", name, r.Interval, end.In(energyapi.CST).Format("15:04"))
		}
		if limit := intervalWh(m.CapacityW, zn.IntervalMinutes); r.ImportWh > limit || r.ExportWh > limit {
			return rule("%s: meter %s (%d W) cannot read more than %d Wh in %d minutes", name, m.Meter, m.CapacityW, limit, zn.IntervalMinutes)
		}
		k := r.Meter + "/" + r.Interval
		if seen[k] {
			return malformed("%s: meter %s's reading of %s is in the batch twice", name, r.Meter, r.Interval)
		}
		seen[k] = true
		if v, err := ctx.Store.Get(readingKey(r.Meter, r.Interval)); err != nil {
			return err
		} else if v != nil {
			return conflict("%s: meter %s's reading of %s is recorded already; a reading is never replaced", name, r.Meter, r.Interval)
		}
		checks[i] = sigCheck{m: m, msg: energyapi.ReadingMessage(ctx.ChainID, r.Meter, r.Interval, r.ImportWh, r.ExportWh), sig: sig}
	}
	if i := verifyAll(checks); i >= 0 {
		return unauthorized("readings[%d]: the signature is not meter %s's over its registers", i, b.Readings[i].Meter)
	}
	metered := map[string]*energyapi.Metered{}
	var order []string
	for _, r := range b.Readings {
		m := meters[r.Meter]
		sr := energyapi.StoredReading{Reading: r, Org: m.Org, Zone: m.Zone, Height: ctx.Height}
		if err := module.PutJSON(ctx.Store, readingKey(r.Meter, r.Interval), &sr); err != nil {
			return err
		}
		k := m.Zone + "/" + r.Interval + "/" + m.Org
		mt, ok := metered[k]
		if !ok {
			mt = &energyapi.Metered{Org: m.Org}
			if _, err := module.GetJSON(ctx.Store, meteredKey(m.Zone, r.Interval, m.Org), mt); err != nil {
				return err
			}
			metered[k] = mt
			order = append(order, k)
		}
		mt.ImportWh += r.ImportWh
		mt.ExportWh += r.ExportWh
		mt.Readings++
		m.Readings++
		if r.Interval > m.Last {
			m.Last = r.Interval
		}
	}
	for _, k := range order {
		if err := module.PutJSON(ctx.Store, []byte(meteredPrefix+k), metered[k]); err != nil {
			return err
		}
	}
	// Write the meters in the order the batch first named them.
	done := map[string]bool{}
	for _, r := range b.Readings {
		if done[r.Meter] {
			continue
		}
		done[r.Meter] = true
		if err := module.PutJSON(ctx.Store, meterKey(r.Meter), meters[r.Meter]); err != nil {
			return err
		}
	}
	return ctx.SetResult(energyapi.ReadingsResult{Recorded: n})
}
