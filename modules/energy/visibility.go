package energy

import (
	"encoding/json"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007). Nothing of the energy
// market is public. Zones, tariffs, order books' totals, clearings and
// settlement totals are for every member; a participant's meters,
// readings, orders, positions, fills and settlement lines are for it,
// the zone's operator and those who oversee.
func (Module) CanRead(r module.Reader, key []byte, c access.Caller) bool {
	if c.Public() {
		return false
	}
	if c.Oversees() {
		return true
	}
	k := string(key)
	// keyed by zone then org: <prefix><zone>/<interval>/<org>
	for _, p := range []string{meteredPrefix, posPrefix, fillPrefix, linePrefix} {
		if rest, ok := strings.CutPrefix(k, p); ok {
			parts := strings.SplitN(rest, "/", 3)
			return len(parts) == 3 && (c.Is(parts[2]) || operates(r, parts[0], c))
		}
	}
	if rest, ok := strings.CutPrefix(k, pmetersPrefix); ok {
		zone, org, _ := strings.Cut(rest, "/")
		return c.Is(org) || operates(r, zone, c)
	}
	for _, p := range []string{orgorderPrefix, orglinePrefix, orgmeterPrefix} {
		if rest, ok := strings.CutPrefix(k, p); ok {
			org, _, _ := strings.Cut(rest, "/")
			return c.Is(org) || operatesAny(r, c)
		}
	}
	for _, p := range []string{orderPrefix, readingPrefix, meterPrefix} {
		if strings.HasPrefix(k, p) {
			var owner struct {
				Org  string `json:"org"`
				Zone string `json:"zone"`
			}
			v, err := r.Get(key)
			if err != nil {
				return false
			}
			if v == nil {
				return true // absent: nothing to hide
			}
			return json.Unmarshal(v, &owner) == nil && (c.Is(owner.Org) || operates(r, owner.Zone, c))
		}
	}
	return true
}

// operates reports whether c operates zone.
func operates(r module.Getter, zone string, c access.Caller) bool {
	zn, err := GetZone(r, zone)
	return err == nil && c.Is(zn.Operator)
}

// operatesAny reports whether c holds the grid operator role: the
// participant indexes span zones, which their operators read.
func operatesAny(_ module.Reader, c access.Caller) bool { return c.Has(energyapi.GridOperator) }

// CanReadTx implements module.Visibility: the bodies of readings, orders
// and their withdrawals are for their signer, the participants and zones
// they name, and those who oversee; the others (zones, tariffs, meters,
// clearings, settlements) for every member.
func (Module) CanReadTx(r module.Reader, action string, body []byte, c access.Caller) bool {
	if c.Public() {
		return false
	}
	switch action {
	case energyapi.PostReadings.Name:
		var b energyapi.ReadingsBody
		if json.Unmarshal(body, &b) != nil {
			return false
		}
		for _, x := range b.Readings {
			m, err := GetMeter(r, x.Meter)
			if err != nil || !c.Is(m.Org) && !operates(r, m.Zone, c) {
				return false
			}
		}
		return true
	case energyapi.PlaceOrder.Name:
		var b energyapi.OrderBody
		return json.Unmarshal(body, &b) == nil && operates(r, b.Zone, c)
	case energyapi.CancelOrder.Name:
		var b energyapi.IDBody
		if json.Unmarshal(body, &b) != nil {
			return false
		}
		z, _, _, err := ParseOrderID(b.ID)
		return err == nil && operates(r, z, c)
	}
	return true
}
