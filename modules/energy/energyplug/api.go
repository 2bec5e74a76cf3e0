package energyplug

import (
	"context"
	_ "embed"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/energy"
	"github.com/dengta-chain/dengta/modules/energy/energyapi"
)

// openAPI documents what the typed queries' types do not: the file of
// signed readings and the message a meter signs.
//
//go:embed openapi.json
var openAPI []byte

func apiModule() *httpapi.Module { return &httpapi.Module{OpenAPI: openAPI, Routes: routes} }

// seesParticipant reports whether c may read participant org's data: the
// participant, those who oversee, and the operators of the zones its
// meters are in.
func seesParticipant(r module.Reader, org string, c access.Caller) (bool, error) {
	if c.Is(org) || c.Oversees() {
		return true, nil
	}
	st, err := energy.StatementOf(r, org, "")
	if err != nil {
		return false, err
	}
	for _, m := range st.Meters {
		if zn, err := energy.GetZone(r, m.Zone); err == nil && c.Is(zn.Operator) {
			return true, nil
		}
	}
	return false, nil
}

func routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, energyapi.Zones, func(_ context.Context, p energyapi.HeightParams) (*api.Page[energyapi.Zone], error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		zs, err := energy.ListZones(v)
		if err != nil {
			return nil, err
		}
		return &api.Page[energyapi.Zone]{Height: v.Version(), Items: zs}, nil
	})
	httpapi.Query(r, energyapi.GetZone, func(ctx context.Context, p energyapi.ZoneParams) (*energyapi.ZoneView, error) {
		now, err := env.BlockTime(ctx)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return energy.ZoneOf(v, p.Zone, now)
	})
	httpapi.Query(r, energyapi.GetInterval, func(ctx context.Context, p energyapi.IntervalParams) (*energyapi.IntervalView, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return energy.IntervalView(v, p.Zone, p.Interval, httpapi.Caller(ctx))
	})
	httpapi.Query(r, energyapi.GetMarket, func(_ context.Context, p energyapi.MarketParams) (*energyapi.Market, error) {
		v, err := env.View(0)
		if err != nil {
			return nil, err
		}
		return energy.MarketOf(v, p.Zone, p.Before, p.Count)
	})
	httpapi.Query(r, energyapi.GetStmt, func(ctx context.Context, p energyapi.OrgParams) (*energyapi.Statement, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		c := httpapi.Caller(ctx)
		ok, err := seesParticipant(v, p.Org, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, access.Refuse(c, "a participant's statement", "the participant, its zones' operators and those who oversee")
		}
		return energy.StatementOf(v, p.Org, p.Zone)
	})
	httpapi.Query(r, energyapi.GetReadings, func(ctx context.Context, p energyapi.MeterParams) (*api.Page[energyapi.StoredReading], error) {
		v, err := env.View(0)
		if err != nil {
			return nil, err
		}
		m, err := energy.GetMeter(v, p.Meter)
		if err != nil {
			return nil, err
		}
		c := httpapi.Caller(ctx)
		zn, err := energy.GetZone(v, m.Zone)
		if err != nil {
			return nil, err
		}
		if !c.Is(m.Org) && !energy.Sees(zn, c) {
			return nil, access.Refuse(c, "a meter's readings", "its participant, the zone's operator and those who oversee")
		}
		return energy.ReadingsOf(v, p.Meter, p.From, p.To)
	})
}
