package charityplug

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/charity"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
	"github.com/dengta-chain/dengta/modules/charity/trailproof"
)

//go:embed openapi.json
var openAPI []byte

func apiModule() *httpapi.Module { return &httpapi.Module{OpenAPI: openAPI, Routes: routes} }

// chainDate is the date of the latest block in China Standard Time: the
// date the module's rules see, never this node's clock.
func chainDate(ctx context.Context, env interface {
	BlockTime(context.Context) (time.Time, error)
}) (string, error) {
	t, err := env.BlockTime(ctx)
	if err != nil {
		return "", err
	}
	return field.BlockDate(t), nil
}

// searchOf is a list search that knows the names of project statuses
// and kinds, acceptance statuses and spending categories in Chinese and
// English.
func searchOf(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	labels := pages.Labels(enums)
	s.Label = func(enum, value string) []string {
		if enum == "charity.project_kind" { // only the general fund has a name of its own
			if value == charityapi.ProjectKindGeneral {
				m := messages["ch.generalfund"]
				return m[:]
			}
			return nil
		}
		return labels(enum, value)
	}
	return s
}

func routes(env httpapi.Env, r httpapi.Router) {
	view := func(h int64) (module.Reader, error) { return env.View(h) }
	httpapi.Query(r, charityapi.GetOrg, func(_ context.Context, p charityapi.OrgParams) (*charityapi.OrgView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.OrgProjects(v, p.Org)
	})
	httpapi.Query(r, charityapi.Projects, func(_ context.Context, p charityapi.ProjectsParams) (*api.Page[charityapi.ProjectSummary], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.ListProjects(v, p.Owner, p.Status, searchOf(v, p.Q), p.After, p.Limit)
	})
	httpapi.Query(r, charityapi.GetProject, func(ctx context.Context, p charityapi.IDParams) (*charityapi.ProjectView, error) {
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.View(v, p.ID, d)
	})
	httpapi.Query(r, charityapi.Donations, func(_ context.Context, p charityapi.PageParams) (*api.Page[charityapi.Donation], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.DonationsPage(v, p.ID, p.After)
	})
	httpapi.Query(r, charityapi.Disbursements, func(_ context.Context, p charityapi.PageParams) (*api.Page[charityapi.DisbursementView], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.DisbursementsPage(v, p.ID, p.After)
	})
	httpapi.Query(r, charityapi.Transfers, func(_ context.Context, p charityapi.IDParams) (*charityapi.TransfersView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.TransfersOf(v, p.ID)
	})
	httpapi.Query(r, charityapi.Reports, func(_ context.Context, p charityapi.IDParams) (*charityapi.ReportsView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.ReportsOf(v, p.ID)
	})
	httpapi.Raw(r, charityapi.IATI, func(w http.ResponseWriter, req *http.Request) error {
		var p charityapi.IDParams
		if err := api.DecodeParams(&p, req.PathValue, req.URL.Query()); err != nil {
			return err
		}
		v, err := view(p.Height)
		if err != nil {
			return err
		}
		t, err := env.BlockTime(req.Context())
		if err != nil {
			return err
		}
		doc, err := charity.ExportIATI(v, p.ID, env.PublicURL(""), t)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "iati-activity-"+p.ID+".xml"))
		_, err = w.Write(doc)
		return err
	})
	httpapi.Query(r, charityapi.GetDonation, func(_ context.Context, p charityapi.ReceiptParams) (*charityapi.Donation, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.GetDonation(v, p.Receipt)
	})
	httpapi.Query(r, charityapi.GetTrail, func(ctx context.Context, p charityapi.TrailParams) (*charityapi.TrailResponse, error) {
		if p.Prove {
			raw, tr, err := trailproof.Build(ctx, env.Prover(), view, env.ChainID(), p.Receipt)
			if err != nil {
				return nil, err
			}
			return &charityapi.TrailResponse{Trail: *tr, Bundle: json.RawMessage(raw)}, nil
		}
		v, err := view(0)
		if err != nil {
			return nil, err
		}
		tr, err := charity.TrailOf(v, p.Receipt)
		if err != nil {
			return nil, err
		}
		return &charityapi.TrailResponse{Trail: *tr}, nil
	})
	httpapi.Query(r, charityapi.GetDisb, func(_ context.Context, p charityapi.IDParams) (*charityapi.DisbursementView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.DisbursementView(v, p.ID)
	})
	httpapi.Query(r, charityapi.Funders, func(_ context.Context, p charityapi.PageParams) (*api.Page[charityapi.Funding], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.FundersPage(v, p.ID, p.After)
	})
	httpapi.Query(r, charityapi.GetTransfer, func(_ context.Context, p charityapi.IDParams) (*charityapi.TransferView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.TransferView(v, p.ID)
	})
	httpapi.Query(r, charityapi.Pending, func(_ context.Context, p charityapi.OrgParams) (*charityapi.PendingView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		if _, err := module.ActiveOrg(v, "org", p.Org); err != nil {
			return nil, err
		}
		return charity.PendingFor(v, p.Org)
	})
	httpapi.Query(r, charityapi.GetOversight, func(ctx context.Context, p charityapi.HeightParams) (*charityapi.Oversight, error) {
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return charity.Oversight(v, d)
	})
}
