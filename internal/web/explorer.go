package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/pages"
)

func (s *Server) explorerRoutes() {
	s.mux.HandleFunc("GET /explorer", s.wrap(s.explorer))
	s.mux.HandleFunc("GET /explorer/blocks/{height}", s.wrap(s.explorerBlock))
	s.mux.HandleFunc("GET /explorer/txs/{hash}", s.wrap(s.explorerTx))
	s.mux.HandleFunc("GET /explorer/orgs", s.wrap(s.explorerOrgs))
}

type blockSummary struct {
	Height   int64     `json:"height"`
	Hash     string    `json:"hash"`
	Time     time.Time `json:"time"`
	NumTxs   int       `json:"num_txs"`
	Size     int       `json:"size"`
	Proposer string    `json:"proposer"`
	AppHash  string    `json:"app_hash"`
}

type blockList struct {
	LastHeight int64          `json:"last_height"`
	Items      []blockSummary `json:"items"`
	Next       int64          `json:"next"`
}

type explorerData struct {
	Status  *client.Status
	Blocks  []blockSummary
	Next    int64
	Chart   template.HTML
	PeakTPS float64
	Txs     int
}

// getAPI reads an API path with a short deadline, as the signed-in hall
// user when there is one: the API then shows what the user's organisation
// may read (ADR 0007), and the public what the public may.
func (s *Server) getAPI(r *http.Request, path string, out any) error {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	if err := s.apiFor(r).Get(ctx, path, out); err != nil {
		if ce, ok := err.(*client.Error); ok {
			return errcode.New(errcode.Code(ce.Code), "%s", ce.Message)
		}
		return err
	}
	return nil
}

func (s *Server) explorer(p *pages.Page) error {
	r := p.R
	d := &explorerData{}
	st, err := s.api().Status(r.Context())
	if err != nil {
		return err
	}
	d.Status = st
	path := "/v1/blocks?limit=50"
	if b := r.URL.Query().Get("before"); b != "" {
		if _, err := strconv.ParseInt(b, 10, 64); err != nil {
			return errcode.New(errcode.BadRequest, "%s", p.T("ex.badheight"))
		}
		path += "&before=" + url.QueryEscape(b)
	}
	var bl blockList
	if err := s.getAPI(r, path, &bl); err != nil {
		return err
	}
	d.Blocks, d.Next = bl.Items, bl.Next
	d.Chart, d.PeakTPS, d.Txs = tpsChart(bl.Items, p.T)
	p.Title = p.T("ex.title")
	p.Data = d
	return s.render(p, "explorer")
}

// tpsChart draws transactions per second over the blocks (newest first in
// the list) as an SVG bar chart: each bar is a block's transactions divided
// by the time since the block before it.
func tpsChart(blocks []blockSummary, tr func(string) string) (template.HTML, float64, int) {
	const w, h, pad = 640, 180, 30
	n := len(blocks)
	if n < 2 {
		return "", 0, 0
	}
	rates := make([]float64, n-1)
	peak, total := 0.0, 0
	for i := 0; i < n-1; i++ { // oldest on the left
		b, prev := blocks[n-2-i], blocks[n-1-i]
		dt := b.Time.Sub(prev.Time).Seconds()
		if dt > 0 {
			rates[i] = float64(b.NumTxs) / dt
		}
		peak = max(peak, rates[i])
		total += b.NumTxs
	}
	scale := 1.0
	if peak > 0 {
		scale = float64(h-2*pad) / peak
	}
	bw := float64(w-2*pad) / float64(len(rates))
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(tr("ex.chart")))
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`, pad, h-pad, w-pad, h-pad)
	for i, v := range rates {
		bh := v * scale
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#14304f"><title>%d: %.1f tx/s</title></rect>`,
			float64(pad)+float64(i)*bw+1, float64(h-pad)-bh, max(bw-2, 1), bh, blocks[n-2-i].Height, v)
	}
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#555">%.0f %s</text>`, pad, pad-10, peak, template.HTMLEscapeString(tr("ex.tps")))
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#555">#%d</text>`, pad, h-8, blocks[n-1].Height)
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#555" text-anchor="end">#%d</text>`, w-pad, h-8, blocks[0].Height)
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()), peak, total
}

type txRecord struct {
	Hash     string `json:"hash"`
	Height   int64  `json:"height"`
	Index    int    `json:"index"`
	Code     uint32 `json:"code"`
	CodeName string `json:"code_name"`
	Log      string `json:"log"`
	Module   string `json:"module"`
	Action   string `json:"action"`
	Signer   string `json:"signer"`
	Nonce    uint64 `json:"nonce"`
	EthHash  string `json:"eth_hash"`
	TimeMs   int64  `json:"time_unix_ms"`
	Result   any    `json:"result"`
	Body     any    `json:"body"`
	Redacted string `json:"redacted"`
}

type blockDetail struct {
	Height          int64     `json:"height"`
	Hash            string    `json:"hash"`
	Time            time.Time `json:"time"`
	Proposer        string    `json:"proposer"`
	AppHash         string    `json:"app_hash"`
	ValidatorsHash  string    `json:"validators_hash"`
	LastBlockHash   string    `json:"last_block_hash"`
	DataHash        string    `json:"data_hash"`
	TxHashes        []string  `json:"tx_hashes"`
	LastCommitSigns int       `json:"last_commit_signatures"`
	Txs             []txRecord
}

func (s *Server) explorerBlock(p *pages.Page) error {
	r := p.R
	h := r.PathValue("height")
	if n, err := strconv.ParseInt(h, 10, 64); err != nil || n < 1 {
		return errcode.New(errcode.BadRequest, "%s", p.T("ex.badheight"))
	}
	var b blockDetail
	if err := s.getAPI(r, "/v1/blocks/"+h, &b); err != nil {
		return err
	}
	// A block page shows at most 200 transactions in detail.
	for _, th := range b.TxHashes[:min(len(b.TxHashes), 200)] {
		var t txRecord
		if err := s.getAPI(r, "/v1/txs/"+th, &t); err == nil {
			b.Txs = append(b.Txs, t)
		}
	}
	p.Title = fmt.Sprintf("%s #%d", p.T("ex.block"), b.Height)
	p.Data = &b
	return s.render(p, "explorer_block")
}

func (s *Server) explorerTx(p *pages.Page) error {
	r := p.R
	h := r.PathValue("hash")
	if len(h) != 64 {
		return errcode.New(errcode.BadRequest, "%s", p.T("ex.badhash"))
	}
	var t txRecord
	if err := s.getAPI(r, "/v1/txs/"+url.PathEscape(h), &t); err != nil {
		return err
	}
	p.Title = p.T("ex.tx") + " " + short(t.Hash, 12)
	p.Data = &t
	return s.render(p, "explorer_tx")
}

type orgsData struct {
	Orgs       []map[string]any
	Validators map[string]any
}

func (s *Server) explorerOrgs(p *pages.Page) error {
	r := p.R
	var orgs struct {
		Items []map[string]any `json:"items"`
	}
	if err := s.getAPI(r, "/v1/orgs?limit=1000", &orgs); err != nil {
		return err
	}
	var vals map[string]any
	if err := s.getAPI(r, "/v1/validators", &vals); err != nil {
		return err
	}
	p.Title = p.T("ex.orgs")
	p.Data = orgsData{Orgs: orgs.Items, Validators: vals}
	return s.render(p, "explorer_orgs")
}
