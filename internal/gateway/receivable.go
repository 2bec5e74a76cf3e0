package gateway

import (
	"context"
	"net/http"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/receivable"
	"github.com/dengta-chain/dengta/internal/proof"
	"github.com/dengta-chain/dengta/internal/state"
)

func (s *Server) receivableRoutes(handle func(string, func(http.ResponseWriter, *http.Request) error)) {
	handle("GET /v1/receivables", s.portfolio)
	handle("GET /v1/receivables/overview", s.receivableOverview)
	handle("GET /v1/obligors/{org}", s.obligorOutstanding)
	handle("GET /v1/banks/{org}/financings", s.financedBook)
	handle("GET /v1/invoices/{no}", s.getInvoice)
	handle("GET /v1/receivables/{id}", s.getReceivable)
	handle("GET /v1/receivables/{id}/lineage", s.lineage)
	handle("GET /v1/receivables/{id}/certificate", s.receivableCertificate)
}

var chinaTime = time.FixedZone("CST", 8*3600)

// today is the date of the latest block in China Standard Time: the date
// the module's rules see, never this node's clock.
func (s *Server) today(ctx context.Context) (string, error) {
	st, err := s.chain.Status(ctx)
	if err != nil {
		return "", errcode.New(errcode.Unavailable, "consensus is not running: %v", err)
	}
	return st.SyncInfo.LatestBlockTime.In(chinaTime).Format("2006-01-02"), nil
}

// ReceivableResponse answers GET /v1/receivables/{id}.
type ReceivableResponse struct {
	Height     int64                  `json:"height"`
	Date       string                 `json:"date"`
	Receivable *receivable.Receivable `json:"receivable"`
	Status     string                 `json:"effective_status"`
	Log        []receivable.LogEntry  `json:"log"`
}

func (s *Server) getReceivable(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	today, err := s.today(r.Context())
	if err != nil {
		return err
	}
	rc, err := receivable.GetReceivable(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	log, err := receivable.Log(v, rc.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ReceivableResponse{Height: v.Version(), Date: today, Receivable: rc, Status: receivable.EffectiveStatus(rc, today), Log: log})
	return nil
}

// LineageResponse answers GET /v1/receivables/{id}/lineage.
type LineageResponse struct {
	Height int64 `json:"height"`
	*receivable.LineageView
	// Proofs, with ?prove=true, holds a proof bundle of every node's record,
	// by receivable id.
	Proofs map[string]*proof.Bundle `json:"proofs,omitempty"`
}

func (s *Server) lineage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.view(r)
	if err != nil {
		return err
	}
	today, err := s.today(r.Context())
	if err != nil {
		return err
	}
	lv, err := receivable.Lineage(v, r.PathValue("id"), today)
	if err != nil {
		return err
	}
	resp := LineageResponse{Height: v.Version(), LineageView: lv}
	if r.URL.Query().Get("prove") == "true" {
		if len(lv.Nodes) > 200 {
			return errcode.New(errcode.BadRequest, "the tree has %d nodes; prove at most 200 at once (fetch each node's certificate)", len(lv.Nodes))
		}
		resp.Proofs = map[string]*proof.Bundle{}
		for _, n := range lv.Nodes {
			b, err := s.Bundle(r.Context(), receivable.ReceivableKey(n.ID), v.Version())
			if err != nil {
				return err
			}
			resp.Proofs[n.ID] = b
		}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) receivableCertificate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, err := s.app.Store().At(0)
	if err != nil {
		return err
	}
	if _, err := receivable.GetReceivable(v, id); err != nil {
		return err
	}
	return s.certificate(w, r, receivable.ReceivableKey(id), id)
}

// readDated is read for queries judged on the chain's date.
func (s *Server) readDated(w http.ResponseWriter, r *http.Request, f func(v *state.View, today string) (any, error)) error {
	today, err := s.today(r.Context())
	if err != nil {
		return err
	}
	return s.read(w, r, func(v *state.View) (any, error) { return f(v, today) })
}

func (s *Server) portfolio(w http.ResponseWriter, r *http.Request) error {
	holder := r.URL.Query().Get("holder")
	if holder == "" {
		return errcode.New(errcode.BadRequest, "give ?holder= with an organisation id")
	}
	return s.readDated(w, r, func(v *state.View, today string) (any, error) { return receivable.Portfolio(v, holder, today) })
}

func (s *Server) obligorOutstanding(w http.ResponseWriter, r *http.Request) error {
	return s.readDated(w, r, func(v *state.View, today string) (any, error) {
		return receivable.ObligorOutstanding(v, r.PathValue("org"), today)
	})
}

func (s *Server) financedBook(w http.ResponseWriter, r *http.Request) error {
	return s.readDated(w, r, func(v *state.View, today string) (any, error) {
		return receivable.FinancedBook(v, r.PathValue("org"), today)
	})
}

func (s *Server) receivableOverview(w http.ResponseWriter, r *http.Request) error {
	return s.readDated(w, r, func(v *state.View, today string) (any, error) { return receivable.RegulatorOverview(v, today) })
}

func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(v *state.View) (any, error) { return receivable.GetInvoice(v, r.PathValue("no")) })
}
