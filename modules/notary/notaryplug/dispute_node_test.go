package notaryplug_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/nodetest"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
	"github.com/dengta-chain/dengta/modules/notary/notaryplug"
)

// TestDisputesEndToEnd: two organisations register the same photograph;
// the first cannot sell it while the dispute stands; a court resolves it
// with `dengta notary resolve-dispute`. A second dispute is settled by
// the parties with propose-settlement and accept-settlement.
func TestDisputesEndToEnd(t *testing.T) {
	d, home := nodetest.Dev(t)
	ctx := context.Background()
	c := client.New(d.GatewayURL)
	keyFile := func(org string) string { return devnet.KeyFile(filepath.Join(home, "keys"), org) }
	key := func(org string) *client.Key {
		k, err := client.LoadKey(keyFile(org))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	register := func(org, content string) notaryapi.RegisterResult {
		sha := sha256.Sum256([]byte(content))
		sm := sha256.Sum256([]byte("sm3 " + content)) // a stand-in SM3 digest
		res, _, err := client.Send(ctx, c, key(org), notaryapi.RegisterWork, notaryapi.RegisterWorkBody{Title: "梨花", Authors: []string{"张三"},
			CreatedOn: "2026-03-01", License: "all-rights-reserved", WorkType: "photo", SHA256: hex.EncodeToString(sha[:]), SM3: hex.EncodeToString(sm[:])})
		if err != nil {
			t.Fatalf("register by %s: %v", org, err)
		}
		return *res
	}
	cmd := notaryplug.Module().CLI[0]
	run := func(args ...string) string {
		var out, errOut bytes.Buffer
		if err := cmd.Run(ctx, append(args[:1:1], append([]string{"--node", d.GatewayURL}, args[1:]...)...), &out, &errOut); err != nil {
			t.Fatalf("dengta notary %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}

	first := register("coop", "photo of pear blossom")
	later := register("logistics", "photo of pear blossom")
	if first.Status != notaryapi.StatusRegistered || later.Status != notaryapi.StatusDisputed || later.ConflictsWith != first.WorkID {
		t.Fatalf("registrations %+v %+v", first, later)
	}
	_, _, err := client.Send(ctx, c, key("coop"), notaryapi.TransferWork, notaryapi.TransferWorkBody{WorkID: first.WorkID, To: "foodgroup"})
	var ce *client.Error
	if !errors.As(err, &ce) || errcode.Code(ce.Code) != errcode.Conflict || !strings.Contains(ce.Message, "resolve_dispute") {
		t.Fatalf("transfer of a disputed work: %v", err)
	}
	if out := run("disputes", "--status", "open"); !strings.Contains(out, later.WorkID) || !strings.Contains(out, "open") {
		t.Fatalf("open disputes:\n%s", out)
	}
	out := run("resolve-dispute", "--key", keyFile("court"), "--prevailing", first.WorkID, "--reference", "(2026)皖13民初5号", later.WorkID)
	if !strings.Contains(out, "resolved: "+first.WorkID+" prevails") {
		t.Fatalf("resolve-dispute:\n%s", out)
	}
	w, err := client.Read(ctx, c, notaryapi.GetWork, notaryapi.IDParams{ID: first.WorkID})
	if err != nil || len(w.DisputeRecords) != 1 || w.DisputeRecords[0].Status != notaryapi.DisputeResolved || w.Work.OpenDisputes != 0 {
		t.Fatalf("work after the judgment %+v, %v", w, err)
	}
	lw, _ := client.Read(ctx, c, notaryapi.GetWork, notaryapi.IDParams{ID: later.WorkID})
	if lw.Work.LostTo != first.WorkID || lw.Log[len(lw.Log)-1].Kind != notaryapi.KindDisputeResolved {
		t.Fatalf("the later registration %+v", lw)
	}
	if _, _, err := client.Send(ctx, c, key("coop"), notaryapi.TransferWork, notaryapi.TransferWorkBody{WorkID: first.WorkID, To: "foodgroup"}); err != nil {
		t.Fatalf("transfer after the judgment: %v", err)
	}

	// A settlement: the market proposes, the cooperative accepts.
	a := register("coop", "label design")
	b := register("market", "label design")
	out = run("propose-settlement", "--key", keyFile("market"), "--prevailing", a.WorkID, "--terms", "超市放弃登记，获得非独占许可", b.WorkID)
	if !strings.Contains(out, "accept-settlement") {
		t.Fatalf("propose-settlement:\n%s", out)
	}
	out = run("accept-settlement", "--key", keyFile("coop"), b.WorkID)
	if !strings.Contains(out, "超市放弃登记") || !strings.Contains(out, "resolved: "+a.WorkID+" prevails") {
		t.Fatalf("accept-settlement:\n%s", out)
	}
	if out := run("disputes", "--status", "resolved"); !strings.Contains(out, "settlement by coop") || !strings.Contains(out, "judgment by court") {
		t.Fatalf("resolved disputes:\n%s", out)
	}
	page, err := client.Read(ctx, c, notaryapi.ListDisputes, notaryapi.DisputeParams{Status: notaryapi.DisputeOpen})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("open disputes %+v %v", page, err)
	}
}
