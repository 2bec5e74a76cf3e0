package credentialplug

import (
	"context"
	_ "embed"
	"net/http"
	"strings"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

//go:embed openapi.json
var openAPI []byte

// maxProofs bounds the bundles one answer carries.
const maxProofs = 64

// maxPresentation bounds a presentation sent for verification.
const maxPresentation = 256 << 10

// prove returns a proof bundle of each key at the view's height.
func prove(ctx context.Context, env httpapi.Env, v *state.View, keys [][]byte) (credentialapi.Proofs, error) {
	if len(keys) > maxProofs {
		return nil, errcode.New(errcode.BadRequest, "%d records to prove; at most %d at once (fetch the bundles by key with GET /v1/proof)", len(keys), maxProofs)
	}
	out := credentialapi.Proofs{}
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

func (n *node) apiModule() *httpapi.Module {
	return &httpapi.Module{OpenAPI: openAPI, Routes: n.routes}
}

func (n *node) routes(env httpapi.Env, r httpapi.Router) {
	httpapi.Query(r, credentialapi.ListTypes, func(_ context.Context, p credentialapi.HeightParams) (*credentialapi.TypeList, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		l, err := credential.Types(v)
		if err != nil {
			return nil, err
		}
		l.Height = v.Version()
		return l, nil
	})
	httpapi.Query(r, credentialapi.GetType, func(ctx context.Context, p credentialapi.TypeParams) (*credentialapi.TypeView, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		tv, err := credential.TypeView(v, p.ID)
		if err != nil {
			return nil, err
		}
		tv.Height = v.Version()
		if p.Prove {
			if tv.Proofs, err = prove(ctx, env, v, credential.TypeProofKeys(tv)); err != nil {
				return nil, err
			}
		}
		return tv, nil
	})
	httpapi.Query(r, credentialapi.GetDID, func(ctx context.Context, p credentialapi.OrgParams) (*credentialapi.DIDView, error) {
		if !field.IsOrgID(p.Org) {
			return nil, errcode.New(errcode.BadRequest, "%q is not an organisation id", p.Org)
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		dv, err := credential.DIDView(v, env.ChainID(), p.Org)
		if err != nil {
			return nil, err
		}
		dv.Height = v.Version()
		if p.Prove {
			if dv.Proofs, err = prove(ctx, env, v, credential.DIDProofKeys(dv, p.Org)); err != nil {
				return nil, err
			}
		}
		return dv, nil
	})
	httpapi.Query(r, credentialapi.GetAnchor, func(ctx context.Context, p credentialapi.HashParams) (*credentialapi.AnchorView, error) {
		if !field.IsHex64(p.Hash) {
			return nil, errcode.New(errcode.BadRequest, "hash %q is not 64 lowercase hex digits", p.Hash)
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		av, err := credential.AnchorView(v, p.Hash)
		if err != nil {
			return nil, err
		}
		av.Height = v.Version()
		if p.Prove {
			if av.Proofs, err = prove(ctx, env, v, credential.AnchorProofKeys(&av.Anchor)); err != nil {
				return nil, err
			}
		}
		return av, nil
	})
	httpapi.Query(r, credentialapi.GetEvidence, func(ctx context.Context, p credentialapi.EvidenceParams) (*credentialapi.Evidence, error) {
		return evidence(ctx, env, p)
	})
	httpapi.Query(r, credentialapi.GetList, func(ctx context.Context, p credentialapi.ListParams) (*credentialapi.ListView, error) {
		if !field.IsOrgID(p.Org) || p.N < 1 {
			return nil, errcode.New(errcode.BadRequest, "give an organisation id and a list number from 1")
		}
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		lv, err := credential.ListView(v, p.Org, p.N)
		if err != nil {
			return nil, err
		}
		lv.Height = v.Version()
		if p.Prove {
			if lv.Proofs, err = prove(ctx, env, v, [][]byte{credential.ListKey(p.Org, p.N)}); err != nil {
				return nil, err
			}
		}
		return lv, nil
	})
	httpapi.Query(r, credentialapi.GetRecognition, func(_ context.Context, p credentialapi.OrgParams) (*credentialapi.RecognitionList, error) {
		v, err := env.View(p.Height)
		if err != nil {
			return nil, err
		}
		l, err := credential.Recognitions(v, p.Org)
		if err != nil {
			return nil, err
		}
		l.Height = v.Version()
		return l, nil
	})
	httpapi.Query(r, credentialapi.ListIssued, func(ctx context.Context, p credentialapi.PageParams) (*api.Page[credentialapi.Anchor], error) {
		return ownPage(ctx, env, p, credential.Issued)
	})
	httpapi.Query(r, credentialapi.ListUses, func(ctx context.Context, p credentialapi.PageParams) (*api.Page[credentialapi.Use], error) {
		return ownPage(ctx, env, p, credential.Uses)
	})
	httpapi.Query(r, credentialapi.GetNodeKey, func(ctx context.Context, p credentialapi.AlgParams) (*credentialapi.NodeKey, error) {
		nk, _, err := n.nodeKey(env, httpapi.Caller(ctx).Org, p.Alg)
		return nk, err
	})
	httpapi.Raw(r, credentialapi.Sign, func(w http.ResponseWriter, req *http.Request) error {
		var b credentialapi.SignRequest
		if err := httpapi.DecodeJSON(req, &b, httpapi.DefaultBodyLimit); err != nil {
			return err
		}
		out, err := n.sign(env, httpapi.Caller(req.Context()).Org, &b, env.Now())
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
	httpapi.Raw(r, credentialapi.Verify, func(w http.ResponseWriter, req *http.Request) error {
		var b credentialapi.VerifyRequest
		if err := httpapi.DecodeJSON(req, &b, maxPresentation); err != nil {
			return err
		}
		if b.Presentation == "" || strings.TrimSpace(b.Nonce) == "" || strings.TrimSpace(b.Audience) == "" {
			return errcode.New(errcode.BadRequest, "give the presentation, the nonce and the audience: the holder binding shows the presentation was made for this verifier")
		}
		rep, err := verify(req.Context(), env, b.Presentation, b.Nonce, b.Audience, b.RecognizedBy, env.Now())
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, rep)
		return nil
	}, httpapi.MaxBody(maxPresentation))
	httpapi.Raw(r, credentialapi.StatusList, func(w http.ResponseWriter, req *http.Request) error {
		var p credentialapi.StatusParams
		if err := api.DecodeParams(&p, req.PathValue, req.URL.Query()); err != nil {
			return err
		}
		if !field.IsOrgID(p.Org) || p.N < 1 {
			return errcode.New(errcode.BadRequest, "give an organisation id and a list number from 1")
		}
		jwt, err := n.statusCredential(env, p.Org, p.N, p.Purpose)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vc+jwt")
		w.Header().Set("Cache-Control", "max-age=60")
		_, err = w.Write(jwt)
		return err
	})
}

// searchOf is a list search that knows the names of statuses, results
// and checks in Chinese and English.
func searchOf(r module.Getter, q string) *module.Search {
	s := module.NewSearch(r, q)
	labels := pages.Labels(enums)
	s.Label = func(enum, value string) []string {
		if enum == "credential.result" { // passed or failed, named on the pages
			m := messages["vc."+value]
			return m[:]
		}
		return labels(enum, value)
	}
	return s
}

// ownPage answers a page of an organisation's own records: for the
// organisation and those who oversee.
func ownPage[T any](ctx context.Context, env httpapi.Env, p credentialapi.PageParams, f func(r module.Reader, org string, search *module.Search, after string, limit int) (*api.Page[T], error)) (*api.Page[T], error) {
	if p.Org == "" {
		return nil, errcode.New(errcode.BadRequest, "give ?org= with an organisation id")
	}
	c := httpapi.Caller(ctx)
	if !c.Is(p.Org) && !c.Oversees() {
		return nil, errcode.New(errcode.Unauthorized, "these records are for %s and those who oversee", p.Org)
	}
	v, err := env.View(0)
	if err != nil {
		return nil, err
	}
	pg, err := f(v, p.Org, searchOf(v, p.Q), p.After, p.Limit)
	if err != nil {
		return nil, err
	}
	pg.Height = v.Version()
	return pg, nil
}
