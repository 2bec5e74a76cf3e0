package tradeplug

import (
	"context"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// maxProofs bounds the bundles one answer carries.
const maxProofs = 200

func apiModule() *httpapi.Module { return &httpapi.Module{Routes: routes} }

// prove returns a proof bundle of each key at the view's height.
func prove(ctx context.Context, env httpapi.Env, v *state.View, keys [][]byte) (map[string]string, error) {
	if len(keys) > maxProofs {
		return nil, errcode.New(errcode.BadRequest, "%d records to prove; at most %d at once (fetch the bundles by key with GET /v1/proof)", len(keys), maxProofs)
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		b, err := env.Prover().Bundle(ctx, k, v.Version())
		if err != nil {
			return nil, err
		}
		raw, err := b.Marshal()
		if err != nil {
			return nil, err
		}
		out[string(k)] = string(raw)
	}
	return out, nil
}

// mayRead refuses the caller unless rule, decided on the latest state
// (ADR 0007: a record's parties only grow), lets it read what.
func mayRead(ctx context.Context, env httpapi.Env, what, who string, rule func(module.Reader, access.Caller) (bool, error)) error {
	c := httpapi.Caller(ctx)
	v, err := env.View(0)
	if err != nil {
		return err
	}
	ok, err := rule(v, c)
	if err != nil || ok {
		return err
	}
	return access.Refuse(c, what, who)
}

// ownOrg is the organisation whose lists to read: ?org=, or the caller's
// own; refused unless trade.MayReadOwn.
func ownOrg(ctx context.Context, org, what string) (string, error) {
	c := httpapi.Caller(ctx)
	if org == "" {
		org = c.Org
	}
	if org == "" {
		return "", errcode.New(errcode.BadRequest, "give ?org= with an organisation id")
	}
	if !trade.MayReadOwn(org, c) {
		return "", access.Refuse(c, what+" of "+org, trade.ReadersOwn)
	}
	return org, nil
}

func routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, tradeapi.GetEBL, func(ctx context.Context, p tradeapi.EBLParams) (*tradeapi.EBLView, error) {
		if err := mayRead(ctx, env, "eBL "+p.Ref, trade.ReadersEBL, func(v module.Reader, c access.Caller) (bool, error) {
			return trade.MayReadEBL(v, p.Ref, c)
		}); err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		ev, err := trade.EBLView(v, p.Ref)
		if err != nil {
			return nil, err
		}
		ev.Height = v.Version()
		if p.Prove {
			if ev.Proofs, err = prove(ctx, env, v, trade.ProofKeys(ev)); err != nil {
				return nil, err
			}
		}
		return ev, nil
	})
	httpapi.Query(r, tradeapi.ListEBLs, func(ctx context.Context, p tradeapi.EBLListParams) (*api.Page[tradeapi.EBLSummary], error) {
		org, err := ownOrg(ctx, p.Org, "the eBLs")
		if err != nil {
			return nil, err
		}
		limit, err := trade.PageLimit(p.Limit)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		items, next, err := trade.EBLPage(v, org, p.In, p.After, limit, newSearch(v, p.Q))
		if err != nil {
			return nil, err
		}
		return &api.Page[tradeapi.EBLSummary]{Height: v.Version(), Items: items, Next: next}, nil
	})
	httpapi.Query(r, tradeapi.GetCredit, func(ctx context.Context, p tradeapi.CreditParams) (*tradeapi.CreditView, error) {
		if err := mayRead(ctx, env, "credit "+p.No, trade.ReadersCredit, func(v module.Reader, c access.Caller) (bool, error) {
			return trade.MayReadCredit(v, p.No, c)
		}); err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		now, err := env.BlockTime(ctx)
		if err != nil {
			return nil, err
		}
		cv, err := trade.CreditView(v, p.No, now)
		if err != nil {
			return nil, err
		}
		cv.Height = v.Version()
		if p.Prove {
			if cv.Proofs, err = prove(ctx, env, v, trade.CreditProofKeys(cv)); err != nil {
				return nil, err
			}
		}
		return cv, nil
	})
	httpapi.Query(r, tradeapi.ListCredits, func(ctx context.Context, p tradeapi.CreditListParams) (*api.Page[tradeapi.CreditSummary], error) {
		org, err := ownOrg(ctx, p.Org, "the credits")
		if err != nil {
			return nil, err
		}
		limit, err := trade.PageLimit(p.Limit)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		now, err := env.BlockTime(ctx)
		if err != nil {
			return nil, err
		}
		items, next, err := trade.CreditPage(v, org, now, p.After, limit, newSearch(v, p.Q))
		if err != nil {
			return nil, err
		}
		return &api.Page[tradeapi.CreditSummary]{Height: v.Version(), Items: items, Next: next}, nil
	})
	httpapi.Query(r, tradeapi.Customs, func(ctx context.Context, p tradeapi.CustomsParams) (*tradeapi.CustomsView, error) {
		if c := httpapi.Caller(ctx); !trade.MayReadCustoms(c) {
			return nil, access.Refuse(c, "the customs view of every bill and credit", trade.ReadersOverseers)
		}
		limit, err := trade.PageLimit(p.Limit)
		if err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		cv, err := trade.CustomsOverview(v, p.Port, newSearch(v, p.Q), p.After, limit)
		if err != nil {
			return nil, err
		}
		cv.Height = v.Version()
		return cv, nil
	})
	httpapi.Query(r, tradeapi.GetCalendar, func(_ context.Context, p tradeapi.BankParams) (*tradeapi.Calendar, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return trade.GetCalendar(v, p.Bank)
	})
	httpapi.Query(r, tradeapi.BySSCC, func(ctx context.Context, p tradeapi.SSCCParams) (*tradeapi.SSCCView, error) {
		if !trade.SSCC(p.SSCC) {
			return nil, errcode.New(errcode.BadRequest, "%q is not an 18-digit SSCC with its GS1 check digit", p.SSCC)
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		sv, err := trade.EBLsBySSCC(v, p.SSCC)
		if err != nil {
			return nil, err
		}
		sv.Height = v.Version()
		lv, err := env.View(0)
		if err != nil {
			return nil, err
		}
		return sv, trade.ScopeSSCC(lv, sv, httpapi.Caller(ctx))
	})
}
