package datashare

import (
	"encoding/json"
	"strings"

	"github.com/dengta-chain/dengta/internal/access"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

var _ module.Visibility = Module{}

// CanRead implements module.Visibility (ADR 0007). Nothing of the module
// is public: records' metadata, grants, wrapped keys and audit trails are
// for the parties (the owner, the grantee, the patient's hospital, the
// device's owner and maker) and overseers. Exchange keys and node
// addresses are for every member, who wrap data keys to them and fetch
// from them.
func (Module) CanRead(r module.Reader, key []byte, c access.Caller) bool {
	if c.Public() {
		return false
	}
	if c.Oversees() {
		return true
	}
	ok, err := canRead(r, strings.TrimPrefix(string(key), prefix), c)
	return err == nil && ok
}

// canRead decides for a key without the module prefix.
func canRead(r module.Reader, k string, c access.Caller) (bool, error) {
	kind, rest, _ := strings.Cut(k, "/")
	first, second, _ := strings.Cut(rest, "/")
	switch kind {
	case "exchange", "auditseq":
		return true, nil
	case "record":
		rec, err := GetRecord(r, rest)
		if err != nil {
			return false, err
		}
		return RecordParties(r, rec, c)
	case "recby", "grantby", "auditown", "btgown", "btgopen", "devby", "grantto", "auditorg", "btgreq", "devmaker":
		return c.Is(first), nil
	case "subject", "recsubj", "subjby", "grantsubj", "auditsubj", "btgsubj":
		id := first
		if kind == "subject" {
			id = rest
		} else if kind == "subjby" {
			return c.Is(first), nil
		}
		s, err := GetSubject(r, id)
		if err != nil {
			return false, err
		}
		return c.Is(s.Hospital), nil
	case "standing":
		if s, err := GetSubject(r, rest); err == nil {
			return c.Is(s.Hospital), nil
		}
		d, err := GetDevice(r, rest)
		if err != nil {
			return false, err
		}
		return c.Is(d.Owner), nil
	case "wkey":
		grant, _, _ := strings.Cut(second, "/")
		if grant == ownCopies {
			rec, err := GetRecord(r, first)
			if err != nil {
				return false, err
			}
			return c.Is(rec.Owner), nil
		}
		g, err := GetGrant(r, grant)
		if err != nil {
			return false, err
		}
		return c.Is(g.Owner, g.Grantee), nil
	case "grant", "covered":
		g, err := GetGrant(r, first)
		if err != nil {
			return false, err
		}
		return c.Is(g.Owner, g.Grantee), nil
	case "cover":
		g, err := GetGrant(r, second)
		if err != nil {
			return false, err
		}
		return c.Is(g.Owner, g.Grantee), nil
	case "audit":
		var e datashareapi.AuditEntry
		if ok, err := module.GetJSON(r, []byte(auditPrefix+rest), &e); err != nil || !ok {
			return false, err
		}
		return c.Is(e.Owner, e.Org), nil
	case "auditrec":
		rec, err := GetRecord(r, first)
		if err != nil {
			return false, err
		}
		return c.Is(rec.Owner), nil
	case "btg":
		b, err := GetBreakGlass(r, rest)
		if err != nil {
			return false, err
		}
		return c.Is(b.Owner, b.Requester.Org), nil
	case "device", "recdev", "grantdev", "auditdev", "maintof", "alertof", "window":
		id := first
		if kind == "device" {
			id = rest
		}
		id, _, _ = strings.Cut(id, "#")
		d, err := GetDevice(r, id)
		if err != nil {
			return false, err
		}
		if kind == "auditdev" {
			return c.Is(d.Owner), nil
		}
		return DeviceParties(r, d, c)
	case "maint":
		m, err := getMaint(r, rest)
		if err != nil {
			return false, err
		}
		if c.Is(m.By.Org) {
			return true, nil
		}
		d, err := GetDevice(r, m.Device)
		if err != nil {
			return false, err
		}
		return DeviceParties(r, d, c)
	case "alert":
		a, err := GetAlert(r, rest)
		if err != nil {
			return false, err
		}
		d, err := GetDevice(r, a.Device)
		if err != nil {
			return false, err
		}
		return DeviceParties(r, d, c)
	}
	return false, nil
}

// CanReadTx implements module.Visibility: beyond the signer's
// organisation and overseers, a grant's body is for its grantee, an
// emergency access's for the records' owner, and a device's registration,
// maintenance and alerts for the device's owner and maker. Audit
// batches, records' registrations and patients' acts stay with their
// signer.
func (Module) CanReadTx(r module.Reader, action string, body []byte, c access.Caller) bool {
	if c.Public() {
		return false
	}
	var b struct {
		Grantee string `json:"grantee"`
		Owner   string `json:"owner"`
		Device  string `json:"device"`
		ID      string `json:"id"`
		Maker   string `json:"maker"`
	}
	if json.Unmarshal(body, &b) != nil {
		return false
	}
	switch action {
	case datashareapi.Grant.Name:
		return c.Is(b.Grantee)
	case datashareapi.BreakGlass.Name:
		return c.Is(b.Owner)
	case datashareapi.RegisterDevice.Name:
		return c.Is(b.Maker)
	case datashareapi.Maintain.Name, datashareapi.RaiseAlert.Name:
		d, err := GetDevice(r, b.Device)
		return err == nil && c.Is(d.Owner, d.Maker)
	}
	return false
}
