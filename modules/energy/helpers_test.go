package energy_test

import (
	"encoding/hex"

	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/access"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
	"github.com/dengta-chain/dengta/tx"
)

// The test consortium: two grid companies, two prosumers with rooftop
// solar, a shop and a household that buy, a regulator, and a member
// outside the market.
var testOrgs = []testchain.Org{
	{ID: "grid", Roles: []role.Role{energyapi.GridOperator}, Validator: true},
	{ID: "grid2", Roles: []role.Role{energyapi.GridOperator}},
	{ID: "pv1", Roles: []role.Role{energyapi.Prosumer}},
	{ID: "pv2", Roles: []role.Role{energyapi.Prosumer}},
	{ID: "shop", Roles: []role.Role{energyapi.Prosumer}},
	{ID: "home", Roles: []role.Role{energyapi.Prosumer}},
	{ID: "nea", Roles: []role.Role{role.Regulator}},
	{ID: "plain", Roles: []role.Role{role.Producer}},
}

// start is the test chain's genesis time: 2026-03-01 08:00 CST.
var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

const zone = "AH-DS-LL"

func newChain(t testing.TB) *testchain.Chain {
	t.Helper()
	return testchain.New(t, testchain.Options{Modules: []module.Module{energy.Module{}}, Roles: role.MustSet(energyapi.Roles...),
		Orgs: testOrgs, Time: start, Seed: 5})
}

func do(t testing.TB, c *testchain.Chain, org, action string, body any, want errcode.Code) map[string]any {
	t.Helper()
	res := testchain.Do(t, c, org, energy.Name, action, body, want)
	if want != errcode.OK {
		return nil
	}
	return testchain.Result(t, res)
}

type vcase testchain.Case

// meters are the test meters' keys, by meter id.
type meters map[string]*tx.PrivateKey

// market opens the zone (15-minute intervals, retail 60, feed-in 39,
// network charge 5 fen per kWh) and registers a 20 kW meter for each
// prosumer; it answers the meters' keys.
func market(t testing.TB, c *testchain.Chain) meters {
	t.Helper()
	do(t, c, "grid", "open_zone", energyapi.ZoneBody{Zone: zone, Name: "砀山良梨 110kV 片区", RetailFen: 60, FeedInFen: 39, WheelingFen: 5}, errcode.OK)
	ms := meters{}
	rnd := testchain.NewSeededRand(99)
	for _, org := range []string{"pv1", "pv2", "shop", "home"} {
		id := "M-" + org
		k := testchain.NewKey(t, tx.AlgoEd25519, rnd)
		ms[id] = k
		do(t, c, "grid", "register_meter", energyapi.MeterBody{Meter: id, Zone: zone, Org: org, PublicKey: k.Public(), CapacityW: 20_000}, errcode.OK)
	}
	return ms
}

// reading is a meter's signed reading.
func (ms meters) reading(t testing.TB, meter, interval string, imp, exp int64) energyapi.Reading {
	t.Helper()
	sig, err := ms[meter].Sign(energyapi.ReadingMessage(testchain.ChainID, meter, interval, imp, exp))
	if err != nil {
		t.Fatal(err)
	}
	return energyapi.Reading{Meter: meter, Interval: interval, ImportWh: imp, ExportWh: exp, Sig: hex.EncodeToString(sig)}
}

// at moves the chain's clock so that the next block is at t.
func at(c *testchain.Chain, t time.Time) { c.Time = t.Add(-time.Second) }

// cst is a time in China Standard Time on the genesis day.
func cst(hh, mm int) time.Time { return time.Date(2026, 3, 1, hh, mm, 0, 0, energyapi.CST) }

func id(res map[string]any) string { return res["id"].(string) }

func callerOf(org string) access.Caller {
	for _, o := range testOrgs {
		if o.ID == org {
			return access.Caller{Org: org, Roles: o.Roles}
		}
	}
	return access.Caller{}
}
