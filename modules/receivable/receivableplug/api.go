package receivableplug

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/receivable"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

//go:embed openapi.json
var openAPI []byte

func apiModule() *httpapi.Module {
	return &httpapi.Module{OpenAPI: openAPI, Routes: routes}
}

// chinaTime is China Standard Time, in which the module's dates are read.
var chinaTime = time.FixedZone("CST", 8*3600)

// today is the date of the latest block in China Standard Time: the date
// the module's rules see, never this node's clock.
func today(ctx context.Context, env interface {
	BlockTime(context.Context) (time.Time, error)
}) (string, error) {
	t, err := env.BlockTime(ctx)
	if err != nil {
		return "", err
	}
	return t.In(chinaTime).Format("2006-01-02"), nil
}

// latest is the latest state, on which read scopes are decided (ADR
// 0007): a tree's parties only grow, so whoever may read it now may read
// it at any height.
func latest(env httpapi.Env) (*state.View, error) { return env.View(0) }

// mayReadReceivable refuses a caller who may not read receivable id
// (receivable.MayReadReceivable). An id that is not one is let through to
// the read, whose not_found says what ids look like.
func mayReadReceivable(ctx context.Context, env httpapi.Env, id string) error {
	if !receivable.IsID(id) {
		return nil
	}
	c := httpapi.Caller(ctx)
	v, err := latest(env)
	if err != nil {
		return err
	}
	ok, err := receivable.MayReadReceivable(v, id, c)
	if err != nil || ok {
		return err
	}
	return access.Refuse(c, "receivable "+id, receivable.ReadersLineage)
}

// mayReadOwn refuses a caller who may not read what org holds
// (receivable.MayReadOwn); what names it ("the portfolio of coop").
func mayReadOwn(ctx context.Context, org, what string) error {
	c := httpapi.Caller(ctx)
	if receivable.MayReadOwn(org, c) {
		return nil
	}
	return access.Refuse(c, what, receivable.ReadersOwn)
}

// dated reads the state at height on the chain's date.
func dated(ctx context.Context, env httpapi.Env, height int64) (*state.View, string, error) {
	d, err := today(ctx, env)
	if err != nil {
		return nil, "", err
	}
	v, err := env.View(height)
	return v, d, err
}

// searchOf is a list search that knows the statuses' names in Chinese
// and English (and the frozen flag's).
func searchOf(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	labels := pages.Labels(enums)
	s.Label = func(enum, value string) []string {
		if enum == "receivable.frozen" { // a flag, named like a status
			m := messages["hr.frozen"]
			return m[:]
		}
		return labels(enum, value)
	}
	return s
}

func routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, receivableapi.Portfolio, func(ctx context.Context, p receivableapi.HolderParams) (*receivableapi.PortfolioView, error) {
		if p.Holder == "" {
			p.Holder = httpapi.Caller(ctx).Org
		}
		if p.Holder == "" {
			return nil, errcode.New(errcode.BadRequest, "give ?holder= with an organisation id")
		}
		if err := mayReadOwn(ctx, p.Holder, "the portfolio of "+p.Holder); err != nil {
			return nil, err
		}
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.Portfolio(v, p.Holder, d)
	})
	httpapi.Query(r, receivableapi.Find, func(ctx context.Context, p receivableapi.FindParams) (*api.Page[receivableapi.Holding], error) {
		limit, err := receivable.FindLimit(p.Limit)
		if err != nil {
			return nil, err
		}
		c := httpapi.Caller(ctx)
		org := c.Org
		if c.Oversees() && p.In == "" {
			org = ""
		}
		if org == "" && !c.Oversees() {
			return nil, access.Refuse(c, "the receivables of an organisation", receivable.ReadersOwn)
		}
		v, d, err := dated(ctx, env, 0)
		if err != nil {
			return nil, err
		}
		items, next, err := receivable.Find(v, org, p.In, searchOf(v, p.Q), p.After, limit, d)
		if err != nil {
			return nil, err
		}
		if items == nil {
			items = []receivableapi.Holding{}
		}
		return &api.Page[receivableapi.Holding]{Height: v.Version(), Items: items, Next: next}, nil
	})
	httpapi.Query(r, receivableapi.Overview, func(ctx context.Context, p receivableapi.HeightParams) (*receivableapi.OverviewView, error) {
		if c := httpapi.Caller(ctx); !receivable.MayReadOverview(c) {
			return nil, access.Refuse(c, "the overview of every receivable", receivable.ReadersOverseers)
		}
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.RegulatorOverview(v, d)
	})
	httpapi.Query(r, receivableapi.Obligor, func(ctx context.Context, p receivableapi.OrgParams) (*receivableapi.ObligorView, error) {
		c := httpapi.Caller(ctx)
		if !receivable.MayReadCredit(p.Org, c) {
			return nil, access.Refuse(c, "the debt of obligor "+p.Org, receivable.ReadersCredit)
		}
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		ov, err := receivable.ObligorOutstanding(v, p.Org, d)
		if err != nil {
			return nil, err
		}
		lv, err := latest(env)
		if err != nil {
			return nil, err
		}
		return ov, receivable.ScopeObligor(lv, ov, c)
	})
	httpapi.Query(r, receivableapi.FinancedBook, func(ctx context.Context, p receivableapi.OrgParams) (*receivableapi.BookView, error) {
		if err := mayReadOwn(ctx, p.Org, "the financing book of "+p.Org); err != nil {
			return nil, err
		}
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.FinancedBook(v, p.Org, d)
	})
	httpapi.Query(r, receivableapi.GetInvoice, func(ctx context.Context, p receivableapi.InvoiceParams) (*receivableapi.Invoice, error) {
		c := httpapi.Caller(ctx)
		lv, err := latest(env)
		if err != nil {
			return nil, err
		}
		if ok, err := receivable.MayReadInvoice(lv, p.Seller, p.No, c); err != nil {
			return nil, err
		} else if !ok {
			return nil, access.Refuse(c, fmt.Sprintf("invoice %s of seller %s", p.No, p.Seller), receivable.ReadersInvoice)
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.GetInvoice(v, p.Seller, p.No)
	})
	httpapi.Query(r, receivableapi.Confirmations, func(ctx context.Context, p receivableapi.OrgParams) (*receivableapi.ConfirmationsView, error) {
		if err := mayReadOwn(ctx, p.Org, "the confirmation requests of "+p.Org); err != nil {
			return nil, err
		}
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.Confirmations(v, p.Org, d)
	})
	httpapi.Query(r, receivableapi.GetReceivable, func(ctx context.Context, p receivableapi.IDParams) (*receivableapi.ReceivableResponse, error) {
		if err := mayReadReceivable(ctx, env, p.ID); err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		d, err := today(ctx, env)
		if err != nil {
			return nil, err
		}
		rc, err := receivable.GetReceivable(v, p.ID)
		if err != nil {
			return nil, err
		}
		log, err := receivable.Log(v, rc.ID)
		if err != nil {
			return nil, err
		}
		resp := &receivableapi.ReceivableResponse{Height: v.Version(), Date: d, Receivable: rc, Status: receivable.EffectiveStatus(rc, d), Log: log}
		if p.Prove {
			keys := [][]byte{receivable.ReceivableKey(rc.ID)}
			for _, e := range log {
				keys = append(keys, receivable.LogKey(rc.ID, e.Seq))
			}
			if resp.Proofs, err = prove(ctx, env, v, keys); err != nil {
				return nil, err
			}
		}
		return resp, nil
	})
	httpapi.Query(r, receivableapi.Lineage, func(ctx context.Context, p receivableapi.LineageParams) (*receivableapi.LineageResponse, error) {
		if err := mayReadReceivable(ctx, env, p.ID); err != nil {
			return nil, err
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		d, err := today(ctx, env)
		if err != nil {
			return nil, err
		}
		lv, err := receivable.Lineage(v, p.ID, d)
		if err != nil {
			return nil, err
		}
		resp := &receivableapi.LineageResponse{Height: v.Version(), LineageView: lv}
		if p.Prove {
			keys := make([][]byte, len(lv.Nodes))
			for i, n := range lv.Nodes {
				keys[i] = receivable.ReceivableKey(n.ID)
			}
			if resp.Proofs, err = prove(ctx, env, v, keys); err != nil {
				return nil, err
			}
		}
		return resp, nil
	})
	httpapi.Raw(r, receivableapi.ReceivableCertificate, func(w http.ResponseWriter, req *http.Request) error {
		var p receivableapi.CertificateParams
		if err := api.DecodeParams(&p, req.PathValue, req.URL.Query()); err != nil {
			return err
		}
		if err := mayReadReceivable(req.Context(), env, p.ID); err != nil {
			return err
		}
		v, err := env.View(0)
		if err != nil {
			return err
		}
		if _, err := receivable.GetReceivable(v, p.ID); err != nil {
			return err
		}
		return httpapi.WriteCertificate(env, w, req, receivable.ReceivableKey(p.ID), p.ID, p.Download)
	})
}

// maxProofs bounds the proof bundles one answer carries.
const maxProofs = 200

// prove returns a proof bundle of each key at the view's height, by state
// key. Each bundle is the text of a bundle file, byte for byte as
// `dengta verify --bundle` reads it: a bundle is checked in its canonical
// form, so it travels as a string, never as a re-indented JSON object.
func prove(ctx context.Context, env httpapi.Env, v *state.View, keys [][]byte) (map[string]string, error) {
	if len(keys) > maxProofs {
		return nil, errcode.New(errcode.BadRequest, "%d records to prove; prove at most %d at once (fetch each receivable's certificate)", len(keys), maxProofs)
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
