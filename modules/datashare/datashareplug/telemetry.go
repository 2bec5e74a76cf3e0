package datashareplug

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/httpapi"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/pdm"
)

// models keeps each device's predictive-maintenance model on the
// owner's node, one JSON file a device.
type models struct {
	dir string
	mu  sync.Mutex // one window scored at a time: the models are small
}

func (m *models) path(device string) string { return filepath.Join(m.dir, device+".json") }

func (m *models) load(device string) (*pdm.Model, error) {
	b, err := os.ReadFile(m.path(device))
	if errors.Is(err, os.ErrNotExist) {
		return &pdm.Model{}, nil
	}
	if err != nil {
		return nil, err
	}
	var md pdm.Model
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, fmt.Errorf("model of %s: %w", device, err)
	}
	return &md, nil
}

func (m *models) save(device string, md *pdm.Model) error {
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		return err
	}
	b, _ := json.Marshal(md)
	return keyfile.Replace(m.path(device), b)
}

// MaxTelemetryBody bounds an upload: an hour of readings a second.
const MaxTelemetryBody = 512 << 10

// ingest takes a window of a device's readings signed by the device:
// it checks the device's signature, seals the window under a fresh data
// key into the blob store, registers it with its key wrapped to the
// owner's exchange keys and to the grantees of standing grants on the
// device, scores it with the device's model and anchors the alerts.
func (n *node) ingest(env httpapi.Env) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c := httpapi.Caller(r.Context())
		var p datashareapi.DeviceIDParams
		if err := api.DecodeParams(&p, r.PathValue, r.URL.Query()); err != nil {
			return err
		}
		var up datashareapi.TelemetryUpload
		if err := httpapi.DecodeJSON(r, &up, MaxTelemetryBody); err != nil {
			return err
		}
		res, err := n.ingestWindow(r.Context(), env, c.Org, p.ID, &up)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, res)
		return nil
	}
}

func (n *node) ingestWindow(ctx context.Context, env httpapi.Env, caller, device string, up *datashareapi.TelemetryUpload) (*datashareapi.TelemetryResult, error) {
	nd, err := n.running()
	if err != nil {
		return nil, err
	}
	v, err := env.View(0)
	if err != nil {
		return nil, err
	}
	d, err := datashare.GetDevice(v, device)
	if err != nil {
		return nil, err
	}
	if caller != d.Owner {
		return nil, errcode.New(errcode.Unauthorized, "device %s is %s's; its owner's systems send its telemetry", d.ID, d.Owner)
	}
	if !n.hosts(d.Owner) {
		return nil, errNotHosted(d.Owner)
	}
	readings, err := pdm.ParseReadings(up.Readings)
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, "readings: %v", err)
	}
	saltRaw, err := hex.DecodeString(up.Salt)
	if err != nil || len(saltRaw) != datakey.SaltSize {
		return nil, errcode.New(errcode.BadRequest, "salt must be %d bytes in hex", datakey.SaltSize)
	}
	var salt [datakey.SaltSize]byte
	copy(salt[:], saltRaw)
	content := []byte(up.Readings)
	digest := datakey.DigestHex(salt, content)
	sig, err := hex.DecodeString(up.Signature)
	if err != nil || !d.PublicKey.Verify(datashareapi.TelemetrySignBytes(env.ChainID(), d.ID, up.Seq, digest), sig) {
		return nil, errcode.New(errcode.Unauthorized, "the signature is not device %s's (key %s) over window %d with digest %s", d.ID, d.KeyID, up.Seq, digest)
	}
	if up.Seq <= d.LastSeq {
		return nil, errcode.New(errcode.Conflict, "device %s has registered window %d; a new window's number is above it", d.ID, d.LastSeq)
	}
	now, err := env.BlockTime(ctx)
	if err != nil {
		return nil, err
	}
	body, sealed, err := sealRecord(v, now, d.Owner, datashareapi.RecordBody{Domain: datashareapi.Industrial, Type: datashareapi.TypeTelemetry, Class: datashareapi.ClassNormal,
		Device: d.ID, Seq: up.Seq, DeviceSig: up.Signature}, salt, datakey.Meta{Name: fmt.Sprintf("%s-%d.csv", d.ID, up.Seq), MediaType: "text/csv"}, content)
	if err != nil {
		return nil, err
	}
	blobs, err := n.blobs()
	if err != nil {
		return nil, err
	}
	if _, err := blobs.PutFor(d.Owner, 0, bytes.NewReader(sealed.Ciphertext)); err != nil {
		return nil, err
	}
	out, err := n.sendOK(ctx, d.Owner, datashareapi.RegisterRecord.Name, body)
	if err != nil {
		return nil, err
	}
	var rr datashareapi.RecordResult
	if err := json.Unmarshal(out.Result, &rr); err != nil {
		return nil, err
	}
	res := &datashareapi.TelemetryResult{Record: rr.ID, Digest: digest, Height: out.Height}
	n.models.mu.Lock()
	defer n.models.mu.Unlock()
	md, err := n.models.load(d.ID)
	if err != nil {
		return nil, err
	}
	win := pdm.Summarize(readings)
	if err := n.models.addPoint(d.ID, win, rr.ID); err != nil {
		return nil, err
	}
	for _, f := range md.Observe(win, digest) {
		a := datashareapi.AlertBody{Device: d.ID, Window: rr.ID, Metric: f.Metric, Rule: f.Rule, Value: f.Value, Mean: f.Mean, SD: f.SD, ZCenti: f.ZCenti,
			Threshold: f.Threshold, Severity: f.Severity, Model: pdm.Name, Digests: md.Digests}
		ao, err := n.sendOK(ctx, d.Owner, datashareapi.RaiseAlert.Name, a)
		if err != nil {
			nd.Logger.Error("anchor alert", "device", d.ID, "err", err)
			continue
		}
		var id datashareapi.IDResult
		if json.Unmarshal(ao.Result, &id) == nil {
			res.Alerts = append(res.Alerts, id.ID)
		}
	}
	if err := n.models.save(d.ID, md); err != nil {
		return nil, err
	}
	return res, nil
}

// sealRecord seals content under a fresh data key and completes a record
// body: digest, blob hash, size, the key wrapped to the owner's exchange
// keys and to the grantees of the standing grants that will cover it.
func sealRecord(v module.Reader, t time.Time, owner string, b datashareapi.RecordBody, salt [datakey.SaltSize]byte, meta datakey.Meta, content []byte) (datashareapi.RecordBody, *datakey.Sealed, error) {
	ex, err := datashare.GetExchange(v, owner)
	if err != nil {
		return b, nil, err
	}
	dk, err := datakey.NewKey()
	if err != nil {
		return b, nil, err
	}
	defer clear(dk[:])
	s, err := datakey.Seal(dk, salt, meta, content)
	if err != nil {
		return b, nil, err
	}
	b.Digest = hex.EncodeToString(s.Digest[:])
	b.Blob = sha256Hex(s.Ciphertext)
	b.Size = int64(len(s.Ciphertext))
	b.Keys = nil
	for _, k := range ex.Keys {
		w, err := datakey.Wrap(k.PublicKey, dk)
		if err != nil {
			return b, nil, err
		}
		b.Keys = append(b.Keys, w)
	}
	covering, err := datashare.StandingCovers(v, t, owner, b.Subject+b.Device, b.Type)
	if err != nil {
		return b, nil, err
	}
	b.GrantKeys = nil
	for _, g := range covering {
		gex, err := datashare.GetExchange(v, g.Grantee)
		if err != nil {
			continue // the grantee named no exchange keys since: it gets no key
		}
		for _, k := range gex.Keys {
			w, err := datakey.Wrap(k.PublicKey, dk)
			if err != nil {
				return b, nil, err
			}
			b.GrantKeys = append(b.GrantKeys, datashareapi.GrantKey{Grant: g.ID, Wrapped: w})
		}
	}
	return b, s, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
