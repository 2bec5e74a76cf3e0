package datashareplug

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// The SDK of the data-sharing module: what an owner, a grantee, a
// patient's app and a device's edge system do with the module, over the
// client. The plaintext of a record never leaves the process that seals
// or opens it.

// Unwrapper opens data keys wrapped to its key: a *client.Key, or a
// node-held key through client.KeyFrom.
type Unwrapper interface {
	ID() string
	Unwrap(w datakey.Wrapped) (datakey.Key, error)
}

// Register seals content under a fresh data key, stores the ciphertext in
// the blob store of the node c talks to (the owner's), and registers the
// record with key, a member key of the owner: b gives the domain, type,
// class, tags and patient or device; the digest, the blob, the size and
// the wrapped keys (the owner's exchange keys, and the grantees' of the
// standing grants the record falls under) are filled in here.
func Register(ctx context.Context, c *client.Client, key *client.Key, b datashareapi.RecordBody, meta datakey.Meta, content []byte) (*datashareapi.RecordResult, error) {
	salt, err := datakey.NewSalt()
	if err != nil {
		return nil, err
	}
	dk, err := datakey.NewKey()
	if err != nil {
		return nil, err
	}
	defer clear(dk[:])
	s, err := datakey.Seal(dk, salt, meta, content)
	if err != nil {
		return nil, err
	}
	if err := completeBody(ctx, c, key, &b, dk, s); err != nil {
		return nil, err
	}
	if _, err := c.As(key).UploadBlob(ctx, bytes.NewReader(s.Ciphertext)); err != nil {
		return nil, fmt.Errorf("store the sealed record: %w", err)
	}
	res, _, err := client.Send(ctx, c, key, datashareapi.RegisterRecord, b)
	return res, err
}

// completeBody fills in a record body's digest, blob, size and wrapped
// keys.
func completeBody(ctx context.Context, c *client.Client, key *client.Key, b *datashareapi.RecordBody, dk datakey.Key, s *datakey.Sealed) error {
	ca := c.As(key)
	ex, err := client.Read(ctx, ca, datashareapi.GetExchange, datashareapi.OrgParams{Org: orgOf(ctx, ca, key)})
	if err != nil {
		return err
	}
	b.Digest, b.Blob, b.Size = hex.EncodeToString(s.Digest[:]), sha256Hex(s.Ciphertext), int64(len(s.Ciphertext))
	b.Keys = nil
	for _, k := range ex.Keys {
		w, err := datakey.Wrap(k.PublicKey, dk)
		if err != nil {
			return err
		}
		b.Keys = append(b.Keys, w)
	}
	if b.Subject == "" && b.Device == "" {
		return nil
	}
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	var grants []datashareapi.GrantView
	for after := ""; ; {
		gs, err := client.Read(ctx, ca, datashareapi.Grants, datashareapi.GrantsParams{Subject: b.Subject, Device: b.Device, After: after})
		if err != nil {
			return err
		}
		grants = append(grants, gs.Items...)
		if after = gs.Next; after == "" {
			break
		}
	}
	for _, g := range grants {
		if !datashare.Covers(&g.GrantRecord, ex.Org, b.Type, st.BlockTime) {
			continue
		}
		gex, err := client.Read(ctx, ca, datashareapi.GetExchange, datashareapi.OrgParams{Org: g.Grantee})
		if err != nil {
			continue
		}
		for _, k := range gex.Keys {
			w, err := datakey.Wrap(k.PublicKey, dk)
			if err != nil {
				return err
			}
			b.GrantKeys = append(b.GrantKeys, datashareapi.GrantKey{Grant: g.ID, Wrapped: w})
		}
	}
	return nil
}

// orgOf is the organisation of a member key, as the chain records it.
func orgOf(ctx context.Context, c *client.Client, key *client.Key) string {
	var k struct {
		Org string `json:"org"`
	}
	if err := c.Get(ctx, "/v1/keys/"+key.ID(), &k); err != nil {
		return ""
	}
	return k.Org
}

// Share grants records to another organisation: each record's data key,
// opened with opener (an exchange key of the owner), is wrapped to the
// grantee's exchange keys; key signs the grant. A standing grant (a
// patient or a device with types) carries no keys: the records
// registered under it do.
func Share(ctx context.Context, c *client.Client, key *client.Key, opener Unwrapper, b datashareapi.GrantBody) (*datashareapi.GrantResult, error) {
	ca := c.As(key)
	if len(b.Records) > 0 {
		gex, err := client.Read(ctx, ca, datashareapi.GetExchange, datashareapi.OrgParams{Org: b.Grantee})
		if err != nil {
			return nil, err
		}
		b.Keys = nil
		for _, id := range b.Records {
			dk, err := openKey(ctx, ca, id, "", opener)
			if err != nil {
				return nil, err
			}
			for _, k := range gex.Keys {
				w, err := datakey.Wrap(k.PublicKey, dk)
				if err != nil {
					return nil, err
				}
				b.Keys = append(b.Keys, datashareapi.RecordKey{Record: id, Wrapped: w})
			}
			clear(dk[:])
		}
	}
	res, _, err := client.Send(ctx, c, key, datashareapi.Grant, b)
	return res, err
}

// openKey reads a record's data key wrapped for grant ("" for the
// owner's copies) and opens the one wrapped to opener.
func openKey(ctx context.Context, c *client.Client, id, grant string, openers ...Unwrapper) (datakey.Key, error) {
	ws, err := client.Read(ctx, c, datashareapi.GetKeys, datashareapi.KeysParams{ID: id, Grant: grant})
	if err != nil {
		return datakey.Key{}, err
	}
	return unwrapAny(id, ws.Keys, openers)
}

func unwrapAny(id string, ws []datakey.Wrapped, openers []Unwrapper) (datakey.Key, error) {
	for _, o := range openers {
		for _, w := range ws {
			if w.KeyID.String() == o.ID() {
				return o.Unwrap(w)
			}
		}
	}
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.KeyID.String())
	}
	return datakey.Key{}, fmt.Errorf("record %s's key is wrapped to %v; none of these keys is at hand", id, ids)
}

// Retrieved is a shared record fetched and opened.
type Retrieved struct {
	Record  datashareapi.Record
	Meta    datakey.Meta
	Content []byte
}

// Retrieve fetches a record shared with key's organisation from its
// owner's node and opens it: local (any node) tells the record, the
// owner's endpoint and, for a grant, the wrapped keys; the owner's node
// serves the ciphertext, signed for by key, under grant or the emergency
// access btg (and, for an emergency, wraps the key on the spot); openers
// (exchange keys of key's organisation) open the data key; the content
// must match the chain's digest and the ciphertext its blob hash.
func Retrieve(ctx context.Context, local *client.Client, key *client.Key, id, grant, btg string, openers ...Unwrapper) (*Retrieved, error) {
	ca := local.As(key)
	rv, err := client.Read(ctx, ca, datashareapi.GetRecord, datashareapi.IDParams{ID: id})
	if err != nil {
		return nil, err
	}
	ex, err := client.Read(ctx, ca, datashareapi.GetExchange, datashareapi.OrgParams{Org: rv.Owner})
	if err != nil {
		return nil, err
	}
	owner := client.New(ex.Endpoint).As(key)
	ct, err := Fetch(ctx, owner, &rv.Record, grant, btg)
	if err != nil {
		return nil, err
	}
	var dk datakey.Key
	if btg != "" {
		ek, err := client.Read(ctx, owner, datashareapi.GetEmergencyKeys, datashareapi.EmergencyParams{ID: id, BreakGlass: btg})
		if err != nil {
			return nil, err
		}
		dk, err = unwrapAny(id, ek.Keys, openers)
		if err != nil {
			return nil, err
		}
	} else if dk, err = openKey(ctx, ca, id, grant, openers...); err != nil {
		return nil, err
	}
	defer clear(dk[:])
	return OpenFetched(&rv.Record, ct, dk)
}

// Fetch fetches a record's ciphertext from its owner's node (owner signs
// the request) under a grant or an emergency access, and checks it is the
// ciphertext the chain names.
func Fetch(ctx context.Context, owner *client.Client, rec *datashareapi.Record, grant, btg string) ([]byte, error) {
	q := url.Values{}
	if grant != "" {
		q.Set("grant", grant)
	}
	if btg != "" {
		q.Set("break_glass", btg)
	}
	path, err := api.EncodeParams(datashareapi.Content.Path, datashareapi.ContentParams{ID: rec.ID})
	if err != nil {
		return nil, err
	}
	var ct []byte
	if err := owner.Get(ctx, path+"?"+q.Encode(), &ct); err != nil {
		return nil, err
	}
	if sha256Hex(ct) != rec.Blob || int64(len(ct)) != rec.Size {
		return nil, fmt.Errorf("the owner's node served %d bytes that are not record %s's ciphertext (SHA-256 %s)", len(ct), rec.ID, rec.Blob)
	}
	return ct, nil
}

// OpenFetched opens a fetched ciphertext with its data key and checks the
// content against the record's digest.
func OpenFetched(rec *datashareapi.Record, ct []byte, dk datakey.Key) (*Retrieved, error) {
	o, err := datakey.Open(dk, ct)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", rec.ID, err)
	}
	if hex.EncodeToString(o.Digest[:]) != rec.Digest {
		return nil, fmt.Errorf("record %s: the content's digest is not the chain's", rec.ID)
	}
	return &Retrieved{Record: *rec, Meta: o.Meta, Content: o.Content}, nil
}

// SignStatement signs a patient's act on a grant with the patient's key,
// now.
func SignStatement(chainID string, patient *tx.PrivateKey, act, grant, subject string, now time.Time) (datashareapi.SubjectActBody, error) {
	at := now.Format(time.RFC3339)
	sig, err := patient.Sign(datashareapi.SubjectSignBytes(chainID, act, grant, subject, at))
	if err != nil {
		return datashareapi.SubjectActBody{}, err
	}
	return datashareapi.SubjectActBody{Act: act, Grant: grant, Subject: subject, Time: at, Signature: hex.EncodeToString(sig)}, nil
}

// SignWindow makes a device's upload of a window of readings: it draws
// the window's salt, computes its digest and signs it with the device's
// key, as the device's firmware does.
func SignWindow(chainID, device string, deviceKey *tx.PrivateKey, seq uint64, readings string) (datashareapi.TelemetryUpload, error) {
	salt, err := datakey.NewSalt()
	if err != nil {
		return datashareapi.TelemetryUpload{}, err
	}
	digest := datakey.DigestHex(salt, []byte(readings))
	sig, err := deviceKey.Sign(datashareapi.TelemetrySignBytes(chainID, device, seq, digest))
	if err != nil {
		return datashareapi.TelemetryUpload{}, err
	}
	return datashareapi.TelemetryUpload{Seq: seq, Salt: hex.EncodeToString(salt[:]), Readings: readings, Signature: hex.EncodeToString(sig)}, nil
}

// PushWindow sends a signed window to the device owner's node, as a
// member of the owner (c signs or carries a token).
func PushWindow(ctx context.Context, c *client.Client, device string, up datashareapi.TelemetryUpload) (*datashareapi.TelemetryResult, error) {
	b, err := jsonReader(up)
	if err != nil {
		return nil, err
	}
	return client.Post(ctx, c, datashareapi.PostTelemetry, datashareapi.DeviceIDParams{ID: device}, b, "application/json")
}

// RelayStatement sends a patient's signed statement to the node of the
// patient's hospital, which relays it to the chain.
func RelayStatement(ctx context.Context, c *client.Client, b datashareapi.SubjectActBody) (*datashareapi.StatementResult, error) {
	r, err := jsonReader(b)
	if err != nil {
		return nil, err
	}
	return client.Post(ctx, c, datashareapi.PostStatement, api.None{}, r, "application/json")
}

func jsonReader(v any) (io.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}
