package datashareplug

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/workload"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// workloads are the module's benchmark workloads.
func workloads() []workload.Def {
	return []workload.Def{
		{Name: "wds", Doc: "data sharing: a hospital registers records (register_record: digests, blob hash, the data key wrapped to its exchange key)",
			Rates: []float64{200, 500, 1000, 2000}, New: func(p workload.Params) workload.Workload { return &dsRecords{p: p} }},
		{Name: "wdsaudit", Doc: "data sharing: a hospital's node records access events in batches (audit, --batch events a transaction, at most 128)",
			Rates: []float64{10, 20, 50, 100}, Batch: true, New: func(p workload.Params) workload.Workload { return &dsAudit{p: p} }},
	}
}

// dsSetup is what both workloads need: a hospital whose signer keys are
// the lanes, the first of them named its exchange key, and a patient.
type dsSetup struct {
	org     string
	s       *workload.Signers
	subject string
	keys    []datakey.Wrapped // a data key wrapped to the exchange key
	tag     string
}

func (d *dsSetup) setup(ctx context.Context, net *workload.Network, p workload.Params) error {
	hospitals, err := net.OrgsWith(ctx, datashareapi.Name, datashareapi.RegisterRecord.Name, datashareapi.Hospital)
	if err != nil {
		return err
	}
	if len(hospitals) == 0 {
		return fmt.Errorf("the data-sharing workloads need a hospital; the network has none")
	}
	d.org = hospitals[0]
	if d.s, err = workload.RegisterKeys(ctx, net, max(p.Signers, 1), p.Algo(), []string{d.org}); err != nil {
		return err
	}
	var tag [4]byte
	crand.Read(tag[:])
	d.tag = hex.EncodeToString(tag[:])
	pk, err := tx.GenerateKey(tx.AlgoSM2, crand.Reader)
	if err != nil {
		return err
	}
	d.subject = datashareapi.Pseudonym([]byte("bench "+d.tag), "bench patient")
	adm := workload.NewAdmins(net)
	var hashes []string
	for _, s := range []struct {
		action string
		body   any
	}{
		{datashareapi.SetExchange.Name, datashareapi.ExchangeBody{Keys: []tx.KeyID{d.s.Keys[0].ID()}, Endpoint: "https://" + d.org + ".bench.invalid"}},
		{datashareapi.RegisterSubject.Name, datashareapi.SubjectBody{ID: d.subject, PublicKey: pk.Public()}},
	} {
		h, err := adm.Submit(ctx, d.org, datashareapi.Name, s.action, s.body)
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	if _, err := adm.Commit(ctx, hashes); err != nil {
		return err
	}
	dk, err := datakey.NewKey()
	if err != nil {
		return err
	}
	w, err := datakey.Wrap(d.s.Keys[0].Public(), dk)
	if err != nil {
		return err
	}
	d.keys = []datakey.Wrapped{w}
	return nil
}

// record is the body of the j-th record of a step: made-up digests (the
// chain never sees content) and the one wrapped key.
func (d *dsSetup) record(j int, rng *rand.Rand) datashareapi.RecordBody {
	var b [32]byte
	return datashareapi.RecordBody{Domain: datashareapi.Medical, Type: datashareapi.MedicalTypes[j%len(datashareapi.MedicalTypes)], Class: datashareapi.ClassRestricted,
		Subject: d.subject, Digest: workload.RandHex(rng, b[:]), Blob: workload.RandHex(rng, b[:]), Size: 1 << 20, Keys: d.keys}
}

// dsRecords is wds: one register_record a transaction.
type dsRecords struct {
	p   workload.Params
	d   dsSetup
	txs []workload.Tx
}

func (w *dsRecords) Name() string { return "wds" }
func (w *dsRecords) Describe() string {
	return "datashare/register_record: a patient's record, its SM3 digest, blob hash and data key wrapped to the hospital's exchange key, " + w.p.SignedBy()
}
func (w *dsRecords) Lanes() int { return len(w.d.s.Keys) }
func (w *dsRecords) Setup(ctx context.Context, net *workload.Network) error {
	return w.d.setup(ctx, net, w.p)
}

func (w *dsRecords) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.d.s.Resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	txs, err := w.d.s.SignAll(ctx, n, datashareapi.Name, datashareapi.RegisterRecord.Name, 1, func(j int, rng *rand.Rand) []byte {
		b, _ := json.Marshal(w.d.record(j, rng))
		return b
	})
	w.txs = txs
	return err
}

func (w *dsRecords) Next(i int) workload.Tx                                 { return w.txs[i] }
func (w *dsRecords) Check(ctx context.Context, net *workload.Network) error { return nil }

// dsAudit is wdsaudit: audit transactions of BatchSize access events
// each, by the hospital's node, over records registered in setup.
type dsAudit struct {
	p    workload.Params
	d    dsSetup
	recs []string
	txs  []workload.Tx
	seq  int
}

func (w *dsAudit) Name() string { return "wdsaudit" }
func (w *dsAudit) Describe() string {
	return fmt.Sprintf("datashare/audit of %d access events (served fetches under a grant), %s", w.batch(), w.p.SignedBy())
}
func (w *dsAudit) Lanes() int { return len(w.d.s.Keys) }

func (w *dsAudit) batch() int { return min(max(w.p.BatchSize, 1), datashareapi.MaxAuditBatch) }

func (w *dsAudit) Setup(ctx context.Context, net *workload.Network) error {
	if err := w.d.setup(ctx, net, w.p); err != nil {
		return err
	}
	adm := workload.NewAdmins(net)
	rng := rand.New(rand.NewChaCha8(workload.Seed()))
	var hashes []string
	for j := range 20 {
		h, err := adm.Submit(ctx, w.d.org, datashareapi.Name, datashareapi.RegisterRecord.Name, w.d.record(j, rng))
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	recs, err := adm.Commit(ctx, hashes)
	if err != nil {
		return err
	}
	for _, r := range recs {
		var res datashareapi.RecordResult
		if err := json.Unmarshal(r.Result, &res); err != nil || res.ID == "" {
			return fmt.Errorf("register_record answered %q", r.Result)
		}
		w.recs = append(w.recs, res.ID)
	}
	return nil
}

func (w *dsAudit) Prepare(ctx context.Context, net *workload.Network, n int) error {
	if err := w.d.s.Resync(ctx, net); err != nil {
		return fmt.Errorf("nonces: %w", err)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	grant := "DG" + time.Now().UTC().Format("20060102") + "-00000000000000000001"
	by := w.d.s.Keys[0].ID()
	base := w.seq
	w.seq += n * w.batch()
	txs, err := w.d.s.SignAll(ctx, n, datashareapi.Name, datashareapi.Audit.Name, w.batch(), func(j int, rng *rand.Rand) []byte {
		evs := make([]datashareapi.AuditEvent, w.batch())
		var b [32]byte
		for k := range evs {
			digest := workload.RandHex(rng, b[:])
			evs[k] = datashareapi.AuditEvent{ID: digest[:32], Digest: digest, Time: now, Event: datashareapi.EventFetch, Outcome: datashareapi.OutcomeServe,
				Record: w.recs[(base+j*len(evs)+k)%len(w.recs)], Grant: grant, Org: w.d.org, Key: by, Purpose: datashareapi.PurposeTreat}
		}
		raw, _ := json.Marshal(datashareapi.AuditBody{Events: evs})
		return raw
	})
	w.txs = txs
	return err
}

func (w *dsAudit) Next(i int) workload.Tx                                 { return w.txs[i] }
func (w *dsAudit) Check(ctx context.Context, net *workload.Network) error { return nil }
