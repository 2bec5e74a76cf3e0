package datashare_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/datashare"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// benchWorld is newWorld on a disk store, with the exchange keys of
// hospa and hospb and a patient of hospa.
func benchWorld(b *testing.B) (*world, string) {
	c := testchain.New(b, testchain.Options{Modules: []module.Module{datashare.Module{}}, Roles: role.MustSet(datashareapi.Roles...), Orgs: testOrgs, Time: start, Seed: 11, Dir: b.TempDir()})
	w := &world{t: b, c: c, exchange: map[string][]*tx.PrivateKey{}, subjects: map[string]*tx.PrivateKey{}, devices: map[string]*tx.PrivateKey{},
		dataKeys: map[string]datakey.Key{}, sealed: map[string]*datakey.Sealed{}, rnd: testchain.NewSeededRand(5)}
	w.setExchange("hospa")
	w.setExchange("hospb")
	return w, w.subject("hospa")
}

// recordBody is a medical record's body with made-up digests and the
// data key wrapped once (wrapping is the client's work, not timed here).
func recordBody(subject string, n int, keys []datakey.Wrapped) datashareapi.RecordBody {
	return datashareapi.RecordBody{Domain: datashareapi.Medical, Type: datashareapi.MedicalTypes[n%4], Class: datashareapi.ClassRestricted, Subject: subject,
		Digest: sm3hex(fmt.Sprint("record ", n)), Blob: sm3hex(fmt.Sprint("blob ", n)), Size: 1 << 20, Keys: keys}
}

// BenchmarkRegisterRecords measures records registered per second
// through the whole application (no consensus): blocks of 1,000
// pre-signed register_record transactions by a hospital, each with its
// data key wrapped to the hospital's two exchange keys (SM2 and
// Ed25519), executed with FinalizeBlock and committed to a disk store.
func BenchmarkRegisterRecords(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		w, subj := benchWorld(b)
		dk, _ := datakey.NewKey()
		keys := w.wrapFor("hospa", dk)
		const perBlock = 1000
		blocks := make([][][]byte, b.N)
		n := 0
		for i := range blocks {
			for range perBlock {
				n++
				blocks[i] = append(blocks[i], w.c.Sign(w.c.Members["hospa"].Admin, datashare.Name, "register_record", recordBody(subj, n, keys)))
			}
		}
		testchain.RunBlocks(b, w.c, blocks, checked)
		b.ReportMetric(float64(b.N*perBlock)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkAudit measures access events recorded per second, batched as
// the owner's node sends them: blocks of 10 audit transactions of 128
// events each (a hospital's node answering hospb's fetches of 100
// records), executed and committed to a disk store.
func BenchmarkAudit(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		w, subj := benchWorld(b)
		var recs []string
		for range 100 {
			recs = append(recs, w.record("hospa", subj, datashareapi.TypeLab, datashareapi.ClassRestricted))
		}
		g := w.do("hospa", "grant", datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: recs[:1], MaxClass: datashareapi.ClassRestricted,
			End: w.in(24 * time.Hour), Keys: w.grantKeys("hospb", recs[0])}, 0)["id"].(string)
		const perBlock, perTx = 10, datashareapi.MaxAuditBatch
		key := w.c.Members["hospb"].Admin.ID()
		blocks := make([][][]byte, b.N)
		n := 0
		for i := range blocks {
			for range perBlock {
				evs := make([]datashareapi.AuditEvent, perTx)
				for k := range evs {
					n++
					evs[k] = event(n, w.c.Time, recs[n%len(recs)], "hospb", key, datashareapi.OutcomeServe, "", g)
				}
				blocks[i] = append(blocks[i], w.c.Sign(w.c.Members["hospa"].Admin, datashare.Name, "audit", datashareapi.AuditBody{Events: evs}))
			}
		}
		testchain.RunBlocks(b, w.c, blocks, checked)
		b.ReportMetric(float64(b.N*perBlock*perTx)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkAuthorize measures the owner node's grant check, which runs
// for every fetch it answers: a record, its grant, the grantee's
// consented period, read from the committed disk state.
func BenchmarkAuthorize(b *testing.B) {
	w, subj := benchWorld(b)
	var recs []string
	for range 50 {
		recs = append(recs, w.record("hospa", subj, datashareapi.TypeDischarge, datashareapi.ClassRestricted))
	}
	g := w.do("hospa", "grant", datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: recs, MaxClass: datashareapi.ClassRestricted,
		End: w.in(24 * time.Hour), Keys: w.grantKeys("hospb", recs...)}, 0)["id"].(string)
	w.do("hospa", "subject_act", w.act(subj, datashareapi.ActApprove, g), 0)
	v := w.c.View()
	now := w.c.Time
	b.ResetTimer()
	for i := range b.N {
		d, err := datashare.Authorize(v, now, "hospb", recs[i%len(recs)], g, "")
		if err != nil || !d.Allow {
			b.Fatalf("refused: %v %+v", err, d)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

// TestAuditBatchFits: a batch of the most events an audit transaction
// takes, each with its longest fields (a refusal naming a grant and an
// emergency access, by an organisation with a 32-character id), is a
// transaction the chain accepts by size, so the owner's batcher never
// makes one too large to send.
func TestAuditBatchFits(t *testing.T) {
	w := newWorld(t)
	org := "longest-org-id-of-32-characters0"
	if len(org) != 32 {
		t.Fatal(len(org))
	}
	evs := make([]datashareapi.AuditEvent, datashareapi.MaxAuditBatch)
	for i := range evs {
		evs[i] = event(i, w.c.Time, "DR20260301-00000000000000000001", org, w.c.Members["hospb"].Admin.ID(), datashareapi.OutcomeRefuse, datashareapi.ReasonBreakGlassOver, "DG20260301-00000000000000000001")
		evs[i].BreakGlass = "BG20260301-00000000000000000001"
		evs[i].Purpose = datashareapi.PurposeWarranty
	}
	raw := w.c.Sign(w.c.Members["hospa"].Admin, datashare.Name, "audit", datashareapi.AuditBody{Events: evs})
	t.Logf("%d events: %d bytes of %d", len(evs), len(raw), tx.MaxTxBytes)
	if res := w.c.Check(raw); res.Code != 0 && len(raw) > tx.MaxTxBytes {
		t.Fatalf("the largest audit batch is refused: %s", res.Log)
	}
}
