package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/modules/trace"
	"github.com/dengta-chain/dengta/internal/scanbatch"
)

// ScanSource gives the scan page its data and records scans.
type ScanSource interface {
	// ScanPage reads what the page shows of an item at the latest block,
	// with the scans of it still waiting to be committed.
	ScanPage(ctx context.Context, epc string) (*trace.Page, int, error)
	// RecordScan queues one scan; false when scans are not recorded.
	RecordScan(s scanbatch.Scan) bool
}

const (
	deviceCookie = "dengta_device"
	cityCookie   = "dengta_city"
)

func (s *Server) scanRoutes() {
	s.mux.HandleFunc("GET /01/{gtin}/21/{serial}", s.wrap(s.scanPage))
	s.mux.HandleFunc("GET /drug/{code}", s.wrap(s.scanPage))
}

type scanData struct {
	*trace.Page
	Pending  int
	Counted  bool // this visit was counted as a scan
	City     string
	Recalled bool
	Warning  bool
	Danger   bool
}

// scanPage is what a consumer sees after scanning a product's QR code.
// Opening it counts as a scan: the device is known only by the SHA-256 of
// a random cookie, and the place only by the city the visitor chose to
// tell, if any.
func (s *Server) scanPage(p *page, r *http.Request) error {
	if s.opts.Scans == nil {
		return errcode.New(errcode.NotFound, "no traceability on this node")
	}
	epc := r.URL.Path
	if _, err := trace.ParseEPC("epc", epc); err != nil {
		return errcode.New(errcode.BadRequest, "%s", T(p.Lang, "scan.badcode"))
	}
	city := strings.TrimSpace(r.URL.Query().Get("city"))
	if city == "" {
		if c, err := r.Cookie(cityCookie); err == nil {
			city = c.Value
		}
	}
	if utf8.RuneCountInString(city) > 32 || strings.ContainsAny(city, "\x00\n\r") {
		city = ""
	}
	if city != "" {
		http.SetCookie(p.w, &http.Cookie{Name: cityCookie, Value: city, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	}
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) == 48 {
		device = c.Value
	} else {
		device = randomString()
		http.SetCookie(p.w, &http.Cookie{Name: deviceCookie, Value: device, Path: "/", MaxAge: 5 * 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	pg, pending, err := s.opts.Scans.ScanPage(r.Context(), epc)
	if err != nil {
		return err
	}
	d := &scanData{Page: pg, Pending: pending, City: city}
	// Count the visit, except a reload with ?city= just to set the city.
	if r.URL.Query().Get("city") == "" {
		sum := sha256.Sum256([]byte("dengta/device/" + s.opts.Backend.ChainID() + "/" + device))
		d.Counted = s.opts.Scans.RecordScan(scanbatch.Scan{EPC: pg.EPC, Time: time.Now().In(chinaTime).Format(time.RFC3339), Location: city, Device: hex.EncodeToString(sum[:])})
		if d.Counted {
			d.Pending++
		}
	}
	d.Recalled = pg.Recall.Recalled
	if pg.Risk != nil {
		d.Warning = pg.Risk.Level == trace.LevelWarning
		d.Danger = pg.Risk.Level == trace.LevelDanger
	}
	p.Title = pg.Product.Name
	p.Data = d
	return s.render(p, "scan")
}
