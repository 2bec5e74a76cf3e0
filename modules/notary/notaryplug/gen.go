package notaryplug

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dengta-chain/dengta/batch"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// gen makes random notary actions for the determinism tests: deposits and
// batches of a small pool of files (so that the same file comes again),
// work registrations of the same pool (so that disputes happen), transfers
// and licences of the works the chain assigned (refused while disputed),
// court judgments and settlements of the disputes, and refusals: malformed
// bodies, unknown records, actions by organisations without the role.
type gen struct {
	works    []ownedWork   // works registered, with their owner as last seen
	disputes []openDispute // disputes opened, until seen resolved
}

// openDispute is a disputed registration, the first one, and the standing
// settlement proposal's log entry and proposer.
type openDispute struct {
	id, first, proposedBy string
	seq                   uint64
}

func (g *gen) owner(id string) string {
	for _, w := range g.works {
		if w.id == id {
			return w.owner
		}
	}
	return ""
}

type ownedWork struct{ id, owner string }

func newGen() plug.Gen { return &gen{} }

// digest is the SHA-256 and SM3-sized stand-in digests of pool file i.
func digest(i int) (string, string) {
	a := sha256.Sum256(fmt.Appendf(nil, "gen file %d", i))
	b := sha256.Sum256(fmt.Appendf(nil, "gen file %d sm3", i))
	return hex.EncodeToString(a[:]), hex.EncodeToString(b[:])
}

func pick(r *rand.Rand, s []string) string {
	if len(s) == 0 {
		return "nobody"
	}
	return s[r.IntN(len(s))]
}

func (g *gen) Next(r *rand.Rand, w *plug.World) plug.Action {
	depositors := w.With(notaryapi.Depositor, notaryapi.Notary, notaryapi.Court)
	owners := w.With(notaryapi.Depositor, notaryapi.Notary)
	others := make([]string, 0, len(w.Orgs))
	for _, o := range w.Orgs {
		others = append(others, o.ID)
	}
	sha, sm := digest(r.IntN(12))
	courts := w.With(notaryapi.Court)
	switch n := r.IntN(24); {
	case n >= 20 && len(g.disputes) > 0:
		d := g.disputes[r.IntN(len(g.disputes))]
		prevailing := d.id
		if r.IntN(2) == 0 {
			prevailing = d.first
		}
		parties := []string{g.owner(d.id), g.owner(d.first)}
		for i := range parties {
			if parties[i] == "" {
				parties[i] = pick(r, others) // never seen registered: any member, refused
			}
		}
		switch n {
		case 20, 21:
			return plug.Action{Org: pick(r, courts), Action: notaryapi.ResolveDispute.Name, Valid: true, Tag: "resolve",
				Body: notaryapi.ResolveDisputeBody{WorkID: d.id, Prevailing: prevailing, Reference: fmt.Sprintf("(2026)京0491民初%d号", r.IntN(1000)), Note: "判决"}}
		case 22:
			return plug.Action{Org: pick(r, parties), Action: notaryapi.ProposeSettlement.Name, Valid: true, Tag: "propose",
				Body: notaryapi.SettlementBody{WorkID: d.id, Prevailing: prevailing, Terms: "和解协议"}}
		default:
			by := pick(r, parties)
			if d.proposedBy != "" && r.IntN(4) > 0 {
				by = parties[0]
				if d.proposedBy == parties[0] {
					by = parties[1]
				}
			}
			return plug.Action{Org: by, Action: notaryapi.AcceptSettlement.Name, Valid: true, Tag: "resolve",
				Body: notaryapi.AcceptSettlementBody{WorkID: d.id, ProposalSeq: max(d.seq, 1)}}
		}
	case n < 6:
		size := int64(r.IntN(1 << 20))
		b := notaryapi.DepositBody{SHA256: sha, SM3: sm, FileName: fmt.Sprintf("合同-%d.pdf", r.IntN(100)), Size: &size,
			MediaType: "application/pdf", EvidenceType: pick(r, notaryapi.EvidenceTypes), Description: "随机存证"}
		if r.IntN(4) == 0 {
			b.Capture = &notaryapi.CaptureBody{SourceURL: "https://example.org/page", Tool: "capture-tool", CapturedAt: w.Time.Add(-time.Hour).Format(time.RFC3339)}
		}
		return plug.Action{Org: pick(r, depositors), Action: notaryapi.Deposit.Name, Body: b, Valid: true}
	case n < 8:
		return plug.Action{Org: pick(r, depositors), Action: notaryapi.BatchDeposit.Name, Valid: true,
			Body: notaryapi.BatchBody{MerkleRoot: sha, Size: int64(1 + r.IntN(1000)), Label: "随机批次", ItemFormat: batch.ItemFormat}}
	case n < 11:
		return plug.Action{Org: pick(r, owners), Action: notaryapi.RegisterWork.Name, Valid: true, Tag: "register",
			Body: notaryapi.RegisterWorkBody{Title: fmt.Sprintf("作品 %d", r.IntN(50)), Authors: []string{"张三"}, CreatedOn: "2025-06-01",
				License: "all-rights-reserved", WorkType: pick(r, notaryapi.WorkTypes), SHA256: sha, SM3: sm}}
	case n < 13 && len(g.works) > 0:
		wk := g.works[r.IntN(len(g.works))]
		return plug.Action{Org: wk.owner, Action: notaryapi.TransferWork.Name, Valid: true, Tag: "transfer",
			Body: notaryapi.TransferWorkBody{WorkID: wk.id, To: pick(r, owners), Note: "转让"}}
	case n < 15 && len(g.works) > 0:
		wk := g.works[r.IntN(len(g.works))]
		from := w.Time.AddDate(0, 0, r.IntN(30)).Format(time.DateOnly)
		return plug.Action{Org: wk.owner, Action: notaryapi.LicenseWork.Name, Valid: true,
			Body: notaryapi.LicenseWorkBody{WorkID: wk.id, Licensee: pick(r, others), Terms: "展示", From: from, Exclusive: r.IntN(3) == 0}}
	case n < 17:
		// A record that does not exist, or a work someone else owns.
		id := fmt.Sprintf("WK20260101-%020X", r.Uint64())
		if len(g.works) > 0 && r.IntN(2) == 0 {
			id = g.works[r.IntN(len(g.works))].id
		}
		return plug.Action{Org: pick(r, owners), Action: notaryapi.TransferWork.Name, Body: notaryapi.TransferWorkBody{WorkID: id, To: pick(r, owners)}}
	case n < 19:
		// Malformed: bad digests, unknown fields, not JSON at all.
		bodies := [][]byte{
			[]byte(`{"sha256":"xyz","sm3":"` + sm + `","file_name":"a","size":1,"media_type":"text/plain","evidence_type":"other"}`),
			[]byte(`{"sha256":"` + sha + `","surprise":true}`),
			[]byte(`not json`),
		}
		return plug.Action{Org: pick(r, depositors), Action: notaryapi.Deposit.Name, Body: bodies[r.IntN(len(bodies))]}
	default:
		// An organisation without a notary role deposits.
		size := int64(1)
		return plug.Action{Org: pick(r, others), Action: notaryapi.Deposit.Name,
			Body: notaryapi.DepositBody{SHA256: sha, SM3: sm, FileName: "x.txt", Size: &size, MediaType: "text/plain", EvidenceType: "other"}}
	}
}

func (g *gen) Observe(a plug.Action, code uint32, result []byte) {
	if code != 0 {
		return
	}
	switch a.Tag {
	case "register":
		var res notaryapi.RegisterResult
		if json.Unmarshal(result, &res) == nil && res.WorkID != "" {
			g.works = append(g.works, ownedWork{id: res.WorkID, owner: a.Org})
			if res.Status == notaryapi.StatusDisputed {
				g.disputes = append(g.disputes, openDispute{id: res.WorkID, first: res.ConflictsWith})
			}
		}
	case "propose":
		var res notaryapi.DisputeResult
		if json.Unmarshal(result, &res) == nil {
			for i := range g.disputes {
				if g.disputes[i].id == res.WorkID {
					g.disputes[i].seq, g.disputes[i].proposedBy = res.Seq, a.Org
				}
			}
		}
	case "resolve":
		var res notaryapi.DisputeResult
		if json.Unmarshal(result, &res) == nil {
			for i := range g.disputes {
				if g.disputes[i].id == res.WorkID {
					g.disputes = append(g.disputes[:i], g.disputes[i+1:]...)
					break
				}
			}
		}
	case "transfer":
		b := a.Body.(notaryapi.TransferWorkBody)
		for i := range g.works {
			if g.works[i].id == b.WorkID {
				g.works[i].owner = b.To
			}
		}
	}
}
