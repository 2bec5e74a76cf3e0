package receivableplug

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"time"

	"github.com/dengta-chain/dengta/internal/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/modules/receivable"
	"github.com/dengta-chain/dengta/internal/modules/receivable/receivableapi"
	"github.com/dengta-chain/dengta/internal/state"
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

// dated reads the state at height on the chain's date.
func dated(ctx context.Context, env httpapi.Env, height int64) (*state.View, string, error) {
	d, err := today(ctx, env)
	if err != nil {
		return nil, "", err
	}
	v, err := env.View(height)
	return v, d, err
}

func routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, receivableapi.Portfolio, func(ctx context.Context, p receivableapi.HolderParams) (*receivableapi.PortfolioView, error) {
		if p.Holder == "" {
			return nil, errcode.New(errcode.BadRequest, "give ?holder= with an organisation id")
		}
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.Portfolio(v, p.Holder, d)
	})
	httpapi.Query(r, receivableapi.Overview, func(ctx context.Context, p receivableapi.HeightParams) (*receivableapi.OverviewView, error) {
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.RegulatorOverview(v, d)
	})
	httpapi.Query(r, receivableapi.Obligor, func(ctx context.Context, p receivableapi.OrgParams) (*receivableapi.ObligorView, error) {
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.ObligorOutstanding(v, p.Org, d)
	})
	httpapi.Query(r, receivableapi.FinancedBook, func(ctx context.Context, p receivableapi.OrgParams) (*receivableapi.BookView, error) {
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.FinancedBook(v, p.Org, d)
	})
	httpapi.Query(r, receivableapi.GetInvoice, func(_ context.Context, p receivableapi.InvoiceParams) (*receivableapi.Invoice, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.GetInvoice(v, p.Seller, p.No)
	})
	httpapi.Query(r, receivableapi.Confirmations, func(ctx context.Context, p receivableapi.OrgParams) (*receivableapi.ConfirmationsView, error) {
		v, d, err := dated(ctx, env, p.Height)
		if err != nil {
			return nil, err
		}
		return receivable.Confirmations(v, p.Org, d)
	})
	httpapi.Query(r, receivableapi.GetReceivable, func(ctx context.Context, p receivableapi.IDParams) (*receivableapi.ReceivableResponse, error) {
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
		return &receivableapi.ReceivableResponse{Height: v.Version(), Date: d, Receivable: rc, Status: receivable.EffectiveStatus(rc, d), Log: log}, nil
	})
	httpapi.Query(r, receivableapi.Lineage, func(ctx context.Context, p receivableapi.LineageParams) (*receivableapi.LineageResponse, error) {
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
			if len(lv.Nodes) > 200 {
				return nil, errcode.New(errcode.BadRequest, "the tree has %d nodes; prove at most 200 at once (fetch each node's certificate)", len(lv.Nodes))
			}
			resp.Proofs = map[string]json.RawMessage{}
			for _, n := range lv.Nodes {
				b, err := env.Prover().Bundle(ctx, receivable.ReceivableKey(n.ID), v.Version())
				if err != nil {
					return nil, err
				}
				raw, err := b.Marshal()
				if err != nil {
					return nil, err
				}
				resp.Proofs[n.ID] = raw
			}
		}
		return resp, nil
	})
	httpapi.Raw(r, receivableapi.ReceivableCertificate, func(w http.ResponseWriter, req *http.Request) error {
		var p receivableapi.CertificateParams
		if err := api.DecodeParams(&p, req.PathValue, req.URL.Query()); err != nil {
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
