package carbonplug

import (
	"context"
	_ "embed"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/carbon"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
	"github.com/dengta-chain/dengta/modules/carbon/retireproof"
)

// openAPI documents what the typed queries' types do not: the retirement
// bundle's format.
//
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

func routes(env httpapi.Env, r httpapi.Router) {
	view := func(h int64) (module.Reader, error) { return env.View(h) }
	httpapi.Query(r, carbonapi.Projects, func(_ context.Context, p carbonapi.ProjectsParams) (*api.Page[carbonapi.Project], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.ListProjects(v, p.Status, p.Developer, p.After)
	})
	httpapi.Query(r, carbonapi.GetProject, func(ctx context.Context, p carbonapi.IDParams) (*carbonapi.ProjectView, error) {
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.ProjectOf(v, p.ID, d)
	})
	httpapi.Query(r, carbonapi.GetReport, func(_ context.Context, p carbonapi.IDParams) (*carbonapi.ReportView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.ReportOf(v, p.ID)
	})
	httpapi.Query(r, carbonapi.GetBatch, func(ctx context.Context, p carbonapi.IDParams) (*carbonapi.BatchView, error) {
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.BatchOf(v, p.ID, d)
	})
	httpapi.Query(r, carbonapi.Batches, func(_ context.Context, p carbonapi.BatchesParams) (*api.Page[carbonapi.Batch], error) {
		if p.Kind != "" {
			if err := field.OneOf("kind", p.Kind, carbonapi.UnitKinds); err != nil {
				return nil, errcode.New(errcode.BadRequest, "%s", errcode.Message(err))
			}
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.ListBatches(v, p.Kind, p.After)
	})
	httpapi.Query(r, carbonapi.GetClosure, func(ctx context.Context, p carbonapi.ClosureParams) (*carbonapi.ClosureView, error) {
		v, err := env.View(0)
		if err != nil {
			return nil, err
		}
		c, err := carbon.GetClosure(v, p.ID)
		if err != nil {
			return nil, err
		}
		caller := httpapi.Caller(ctx)
		if c.Kind == carbonapi.Surrendered && !caller.Is(c.Holder) && !carbon.Overseer(caller) {
			return nil, access.Refuse(caller, "a surrender", "its covered entity, the registry authority and those who oversee")
		}
		cv := &carbonapi.ClosureView{Height: v.Version(), Closure: *c, URL: env.PublicURL(CertificatePath(c.ID))}
		if p.Prove {
			raw, err := retireproof.Build(ctx, env.Prover(), view, env.ChainID(), p.ID)
			if err != nil {
				return nil, err
			}
			cv.Bundle = string(raw)
		}
		return cv, nil
	})
	httpapi.Query(r, carbonapi.Closures, func(_ context.Context, p carbonapi.ClosuresParams) (*api.Page[carbonapi.Closure], error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.ClosuresPage(v, p.Batch, p.Org, p.After)
	})
	httpapi.Query(r, carbonapi.GetAccount, func(ctx context.Context, p carbonapi.OrgParams) (*carbonapi.Account, error) {
		if c := httpapi.Caller(ctx); !c.Is(p.Org) && !carbon.Overseer(c) {
			return nil, access.Refuse(c, "account "+p.Org, "its holder, the registry authority and those who oversee")
		}
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		if _, err := module.ActiveOrg(v, "org", p.Org); err != nil {
			return nil, err
		}
		return carbon.AccountOf(v, p.Org, d)
	})
	httpapi.Query(r, carbonapi.GetTransfer, func(ctx context.Context, p carbonapi.IDParams) (*carbonapi.Transfer, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		t, err := carbon.GetTransfer(v, p.ID)
		if err != nil {
			return nil, err
		}
		if c := httpapi.Caller(ctx); !c.Is(t.From, t.To) && !carbon.Overseer(c) {
			return nil, access.Refuse(c, "a transfer", "its parties, the registry authority and those who oversee")
		}
		return t, nil
	})
	httpapi.Query(r, carbonapi.GetCompliance, func(ctx context.Context, p carbonapi.YearParams) (*carbonapi.ComplianceView, error) {
		c := httpapi.Caller(ctx)
		only := ""
		switch {
		case carbon.Overseer(c), c.Has(carbonapi.Verifier):
		case c.Has(carbonapi.Covered):
			only = c.Org
		default:
			return nil, access.Refuse(c, "the compliance view", "the registry authority, regulators, verifiers and covered entities (their own position)")
		}
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.ComplianceOf(v, p.Year, d, only)
	})
	httpapi.Query(r, carbonapi.GetPlant, func(ctx context.Context, p carbonapi.CodeParams) (*carbonapi.PlantView, error) {
		d, err := chainDate(ctx, env)
		if err != nil {
			return nil, err
		}
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.PlantOf(v, p.Code, d)
	})
	httpapi.Query(r, carbonapi.GetGreen, func(_ context.Context, p carbonapi.GreenParams) (*carbonapi.GreenView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.GreenOf(v, p.Org, p.Year)
	})
	httpapi.Query(r, carbonapi.GetFootprint, func(_ context.Context, p carbonapi.FootprintParams) (*carbonapi.FootprintView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.FootprintOf(v, p.GTIN, p.Lot, p.Version)
	})
	httpapi.Query(r, carbonapi.GetFootprintPCF, func(_ context.Context, p carbonapi.FootprintParams) (*carbonapi.PACTFootprint, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		fv, err := carbon.FootprintOf(v, p.GTIN, p.Lot, p.Version)
		if err != nil {
			return nil, err
		}
		name := fv.Footprint.Producer
		if o, ok, err := module.Org(v, name); err == nil && ok {
			name = o.Name
		}
		return carbon.PACT(fv, name), nil
	})
	httpapi.Query(r, carbonapi.GetRegistry, func(_ context.Context, p carbonapi.HeightParams) (*carbonapi.RegistryView, error) {
		v, err := view(p.Height)
		if err != nil {
			return nil, err
		}
		return carbon.RegistryOf(v)
	})
}

// CertificatePath is the public certificate page of a retirement,
// cancellation or claim.
func CertificatePath(id string) string { return "/carbon/retirements/" + id }
