package gateway_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/app"
	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/proof"
	"github.com/dengta-chain/dengta/tx"
)

// TestHappyPaths submits a transaction and reads it back through every
// query of the API.
func TestHappyPaths(t *testing.T) {
	admin := loadKey(t, "coop")
	member := newKey(t, tx.AlgoSM2)
	body := registerKeyBody(t, member.Public(), false, "clerk")
	n := nextNonce(t, admin.ID())
	raw := signTx(t, admin, chainID, n, "identity", "register_key", body)
	res := submitOK(t, raw)
	rec := res.Record
	if rec.Height < 1 || rec.Module != "identity" || rec.Action != "register_key" || rec.Signer != admin.ID().String() ||
		rec.Nonce != n || rec.CodeName != "ok" || rec.Log != "" || rec.Timestamp <= 0 || res.Error != nil {
		t.Fatalf("record %+v", res)
	}
	if got := nextNonce(t, admin.ID()); got != n+1 {
		t.Errorf("next nonce %d after nonce %d", got, n)
	}

	t.Run("tx", func(t *testing.T) {
		// The signer's organisation, and any member for the consortium's
		// own transactions, read all of it.
		for _, h := range []string{rec.Hash, strings.ToLower(rec.Hash)} {
			for _, reader := range []*tx.PrivateKey{admin, loadKey(t, "bank")} {
				var got gateway.TxResponse
				getOKAs(t, reader, "/v1/txs/"+h, &got)
				if !reflect.DeepEqual(got.TxRecord, *rec) || got.Redacted != "" {
					t.Errorf("GET /v1/txs/%s: %+v, want %+v", h, got.TxRecord, *rec)
				}
				if !jsonEqual(got.Body, body) {
					t.Errorf("GET /v1/txs/%s: body %s, want %s", h, got.Body, body)
				}
			}
		}
		// The public sees where it is and how it ended, nothing more.
		var pub gateway.TxResponse
		getOK(t, "/v1/txs/"+rec.Hash, &pub)
		want := app.TxRecord{Hash: rec.Hash, Height: rec.Height, Index: rec.Index, Code: rec.Code, CodeName: rec.CodeName, Timestamp: rec.Timestamp}
		if !reflect.DeepEqual(pub.TxRecord, want) || pub.Body != nil || pub.Redacted != "all" {
			t.Errorf("GET /v1/txs/%s as the public: %+v %s", rec.Hash, pub, pub.Body)
		}
		// Submitting the same bytes again is idempotent: the node answers
		// with the record of the committed transaction.
		if again := submitOK(t, raw); !reflect.DeepEqual(*again.Record, *rec) {
			t.Errorf("resubmitted: %+v, want %+v", again.Record, rec)
		}
	})

	t.Run("submit without waiting", func(t *testing.T) {
		k := newKey(t, tx.AlgoEd25519)
		n := nextNonce(t, admin.ID())
		raw := signTx(t, admin, chainID, n, "identity", "register_key", registerKeyBody(t, k.Public(), false, "async"))
		r := call(t, http.MethodPost, "/v1/txs?wait=false", "application/json", txJSON(raw))
		if r.status != http.StatusAccepted {
			t.Fatalf("%v: want 202", r)
		}
		// The next nonce counts the transaction as soon as the mempool
		// has it, committed or not.
		if got := nextNonce(t, admin.ID()); got != n+1 {
			t.Errorf("next nonce %d after accepting nonce %d", got, n)
		}
		var sr gateway.SubmitResponse
		decodeStrict(t, r, &sr)
		if sr.Hash != fmt.Sprintf("%X", tx.Hash(raw)) || sr.Committed || sr.Record != nil {
			t.Fatalf("%v", r)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			r := get(t, "/v1/txs/"+sr.Hash)
			if r.status == http.StatusOK {
				break
			}
			wantError(t, r, errcode.NotFound)
			if time.Now().After(deadline) {
				t.Fatalf("transaction %s not committed after 10s", sr.Hash)
			}
			time.Sleep(50 * time.Millisecond)
		}
		var key identity.Key
		getOK(t, "/v1/keys/"+k.ID().String(), &key)
	})

	t.Run("submit raw bytes", func(t *testing.T) {
		k := newKey(t, tx.AlgoEd25519)
		raw := signTx(t, admin, chainID, nextNonce(t, admin.ID()), "identity", "register_key", registerKeyBody(t, k.Public(), false, "raw"))
		r := call(t, http.MethodPost, "/v1/txs", "application/octet-stream", raw)
		var sr gateway.SubmitResponse
		decodeStrict(t, r, &sr)
		if r.status != http.StatusOK || !sr.Committed || sr.Record.Code != 0 {
			t.Fatalf("%v", r)
		}
	})

	t.Run("blocks", func(t *testing.T) {
		var b gateway.BlockResponse
		getOK(t, fmt.Sprintf("/v1/blocks/%d", rec.Height), &b)
		if b.Height != rec.Height || !slices.Contains(b.TxHashes, rec.Hash) || !isHex(b.Hash, 32) || !isHex(b.AppHash, 32) || b.LastCommitSigns != 1 {
			t.Errorf("block %d: %+v", rec.Height, b)
		}
		var latest gateway.BlockResponse
		getOK(t, "/v1/blocks/latest", &latest)
		if latest.Height < rec.Height || !isHex(latest.Hash, 32) || latest.TxHashes == nil {
			t.Errorf("latest block: %+v", latest)
		}
		var again gateway.BlockResponse
		getOK(t, fmt.Sprintf("/v1/blocks/%d", latest.Height), &again)
		if again.Hash != latest.Hash {
			t.Errorf("block %d: hash %s, latest said %s", latest.Height, again.Hash, latest.Hash)
		}
		var next gateway.BlockResponse
		getOK(t, fmt.Sprintf("/v1/blocks/%d", rec.Height+1), &next)
		if next.LastBlockHash != b.Hash {
			t.Errorf("block %d names previous block %s, want %s", next.Height, next.LastBlockHash, b.Hash)
		}
	})

	t.Run("orgs", func(t *testing.T) {
		seen := map[string]int{}
		var order []string
		pages := 0
		for after := ""; ; pages++ {
			var p api.Page[identity.Org]
			getOK(t, "/v1/orgs?limit=2&after="+url.QueryEscape(after), &p)
			if len(p.Items) == 0 || len(p.Items) > 2 {
				t.Fatalf("page after %q has %d items", after, len(p.Items))
			}
			for _, o := range p.Items {
				seen[o.ID]++
				order = append(order, o.ID)
			}
			if p.Next == "" {
				break
			}
			if p.Next != p.Items[len(p.Items)-1].ID {
				t.Errorf("next %q, last item %q", p.Next, p.Items[len(p.Items)-1].ID)
			}
			after = p.Next
			if pages > 20 {
				t.Fatal("pagination does not end")
			}
		}
		if len(seen) != len(devnet.Demo) || len(order) != len(devnet.Demo) {
			t.Errorf("orgs seen %v, want the %d demo organisations once each", seen, len(devnet.Demo))
		}
		for _, o := range devnet.Demo {
			if seen[o.ID] != 1 {
				t.Errorf("org %s seen %d times", o.ID, seen[o.ID])
			}
		}
		if !slices.IsSorted(order) {
			t.Errorf("orgs not in key order: %v", order)
		}
		var all api.Page[identity.Org]
		getOK(t, "/v1/orgs", &all)
		if len(all.Items) != len(devnet.Demo) || all.Next != "" || all.Height < rec.Height {
			t.Errorf("all orgs: %d items, next %q, height %d", len(all.Items), all.Next, all.Height)
		}
		var coop identity.Org
		getOK(t, "/v1/orgs/coop", &coop)
		if coop.ID != "coop" || !coop.Active || coop.USCC != devnet.Demo[1].USCC() || coop.Validator != nil || !slices.Contains(coop.Roles, role.Producer) {
			t.Errorf("coop: %+v", coop)
		}
	})

	t.Run("org keys", func(t *testing.T) {
		var p api.Page[identity.Key]
		getOK(t, "/v1/orgs/coop/keys", &p)
		byID := map[tx.KeyID]identity.Key{}
		for _, k := range p.Items {
			byID[k.ID] = k
		}
		if k := byID[admin.ID()]; !k.Admin || !k.Active || k.Org != "coop" {
			t.Errorf("admin key: %+v", k)
		}
		if k := byID[member.ID()]; k.Admin || !k.Active || k.Name != "clerk" || k.Registered != rec.Height || !k.PublicKey.Equal(member.Public()) {
			t.Errorf("member key: %+v", k)
		}
		// One key per page gives the same keys.
		var paged []tx.KeyID
		for after := ""; ; {
			var p api.Page[identity.Key]
			getOK(t, "/v1/orgs/coop/keys?limit=1&after="+after, &p)
			for _, k := range p.Items {
				paged = append(paged, k.ID)
			}
			if p.Next == "" || len(paged) > 100 {
				break
			}
			after = p.Next
		}
		if len(paged) != len(p.Items) {
			t.Errorf("paged keys %d, all at once %d", len(paged), len(p.Items))
		}
		var k identity.Key
		getOK(t, "/v1/keys/"+member.ID().String(), &k)
		if k.ID != member.ID() || k.Org != "coop" {
			t.Errorf("GET /v1/keys: %+v", k)
		}
	})

	t.Run("validators", func(t *testing.T) {
		doc, err := types.GenesisDocFromFile(node.GenesisFile(testHome))
		if err != nil {
			t.Fatal(err)
		}
		want, err := proof.SetHash(proof.ValidatorsFromGenesis(doc))
		if err != nil {
			t.Fatal(err)
		}
		var v gateway.ValidatorsResponse
		getOK(t, "/v1/validators", &v)
		if v.SetHash != fmt.Sprintf("%X", want) {
			t.Errorf("set hash %s, genesis %X", v.SetHash, want)
		}
		if len(v.Validators) != 1 || v.Validators[0].Org != devnet.ValidatorOrg || v.Validators[0].Power != identity.DefaultValidatorPower ||
			!bytes.Equal(v.Validators[0].PubKey, doc.Validators[0].PubKey.Bytes()) || v.Height < rec.Height {
			t.Errorf("validators: %+v", v)
		}
	})

	t.Run("proposals", func(t *testing.T) {
		regulator := loadKey(t, "regulator")
		do(t, regulator, "identity", "propose", mustJSON(t, map[string]any{
			"kind": "set_roles", "org_id": "alliance", "roles": []role.Role{role.Inspector, role.Supplier}, "reason": "gateway test",
		}))
		var p api.Page[identity.Proposal]
		getOKAs(t, regulator, "/v1/proposals", &p)
		i := slices.IndexFunc(p.Items, func(p identity.Proposal) bool { return p.Reason == "gateway test" })
		if i < 0 {
			t.Fatalf("proposal not listed: %+v", p)
		}
		got := p.Items[i]
		if got.Kind != identity.KindSetRoles || got.OrgID != "alliance" || got.Proposer != "regulator" || got.Status != identity.StatusVoting ||
			len(got.Votes) != 1 || got.Votes[0].Org != "regulator" || !got.Votes[0].Approve {
			t.Errorf("proposal: %+v", got)
		}
		var one identity.Proposal
		getOKAs(t, regulator, fmt.Sprintf("/v1/proposals/%d", got.ID), &one)
		if one.ID != got.ID || one.Reason != got.Reason {
			t.Errorf("GET /v1/proposals/%d: %+v", got.ID, one)
		}
	})

	t.Run("governance preview", func(t *testing.T) {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = 0x42
		priv := ed25519.NewKeyFromSeed(seed)
		pub := []byte(priv.Public().(ed25519.PublicKey))
		preview := func(power int64) gateway.GovernancePreview {
			body := mustJSON(t, map[string]any{"kind": "set_validator", "org_id": "coop",
				"validator": map[string]any{"pub_key": pub, "power": power, "proof": identity.ProvePossession(chainID, "coop", priv)}})
			r := callAs(t, loadKey(t, "regulator"), http.MethodPost, "/v1/governance/preview", "application/json", body)
			var out gateway.GovernancePreview
			decodeStrict(t, r, &out)
			return out
		}
		// One validator at 10: a second at 3 is within the step rule; the
		// new key has not signed, and two validators tolerate no fault.
		p := preview(3)
		if !p.Allowed || p.Refusal != nil || len(p.Before) != 1 || !p.Before[0].Signing || len(p.After) != 2 || p.MovedPower != 3 {
			t.Fatalf("preview at 3: %+v", p)
		}
		for _, v := range p.After {
			if v.Org == "coop" && (v.Signing || v.Power != 3 || v.SharePermille != 230) {
				t.Errorf("coop after: %+v", v)
			}
		}
		if len(p.Warnings) != 1 || p.Warnings[0].Code != gateway.WarnNoFaultTolerance {
			t.Errorf("warnings: %+v", p.Warnings)
		}
		// At 10 it would move all the power there is: refused, and said why.
		p = preview(10)
		if p.Allowed || p.Refusal == nil || p.Refusal.Name != "rule_violation" || !strings.Contains(p.Refusal.Message, "at most a third") || p.After != nil {
			t.Fatalf("preview at 10: %+v", p)
		}
		// A change of roles says what it adds and takes away.
		var coopNow identity.Org
		getOK(t, "/v1/orgs/coop", &coopNow)
		newRoles := []role.Role{role.Logistics}
		for _, r := range coopNow.Roles {
			if r != role.Supplier {
				newRoles = append(newRoles, r)
			}
		}
		rp := callAs(t, loadKey(t, "regulator"), http.MethodPost, "/v1/governance/preview", "application/json",
			mustJSON(t, map[string]any{"kind": "set_roles", "org_id": "coop", "roles": newRoles}))
		var roles gateway.GovernancePreview
		decodeStrict(t, rp, &roles)
		if ch := roles.Roles; ch == nil || ch.Org != "coop" || !slices.Equal(ch.Added, []role.Role{role.Logistics}) || !slices.Equal(ch.Removed, []role.Role{role.Supplier}) {
			t.Fatalf("preview of a change of roles: %+v", roles.Roles)
		}
		// A closed proposal has nothing to vote on: the preview says why,
		// as the vote would be refused; an unknown one is not found.
		regulator := loadKey(t, "regulator")
		do(t, regulator, "identity", "propose", mustJSON(t, map[string]any{
			"kind": "set_roles", "org_id": "alliance", "roles": []role.Role{role.Inspector}, "reason": "preview of a closed proposal",
		}))
		var props api.Page[identity.Proposal]
		getOKAs(t, regulator, "/v1/proposals", &props)
		i := slices.IndexFunc(props.Items, func(p identity.Proposal) bool { return p.Reason == "preview of a closed proposal" })
		if i < 0 {
			t.Fatalf("proposal not listed: %+v", props)
		}
		id := props.Items[i].ID
		var orgs api.Page[identity.Org]
		getOK(t, "/v1/orgs?limit=100", &orgs)
		for _, o := range orgs.Items {
			var cur identity.Proposal
			if getOKAs(t, regulator, fmt.Sprintf("/v1/proposals/%d", id), &cur); cur.Status != identity.StatusVoting {
				break
			}
			if o.Active && o.ID != "regulator" {
				do(t, loadKey(t, o.ID), "identity", "vote", mustJSON(t, map[string]any{"proposal_id": id, "approve": false}))
			}
		}
		r := callAs(t, regulator, http.MethodPost, fmt.Sprintf("/v1/governance/preview?proposal=%d", id), "application/json", []byte(`{}`))
		var closed gateway.GovernancePreview
		decodeStrict(t, r, &closed)
		if closed.Allowed || closed.Refusal == nil || closed.Refusal.Name != "conflict" || !strings.Contains(closed.Refusal.Message, "closed") {
			t.Fatalf("preview of a closed proposal: %+v", closed)
		}
		wantError(t, callAs(t, regulator, http.MethodPost, "/v1/governance/preview?proposal=999999", "application/json", []byte(`{}`)), errcode.NotFound)
		// A malformed body is an error, not a preview.
		wantError(t, callAs(t, loadKey(t, "regulator"), http.MethodPost, "/v1/governance/preview", "application/json", []byte(`{"kind": "set_validator", "bogus": 1}`)), errcode.BadRequest)
		// Only members may ask.
		wantError(t, call(t, http.MethodPost, "/v1/governance/preview", "application/json", []byte(`{"kind": "set_validator"}`)), errcode.Unauthenticated)
	})

	keyState := "identity/key/" + member.ID().String()
	t.Run("state", func(t *testing.T) {
		var s gateway.StateResponse
		getOK(t, "/v1/state?key="+url.QueryEscape(keyState), &s)
		var k identity.Key
		if !s.Exists || s.Key != keyState || json.Unmarshal(s.Value, &k) != nil || k.ID != member.ID() || !jsonEqual(s.Record, s.Value) {
			t.Errorf("state %s: %+v", keyState, s)
		}
		var old gateway.StateResponse
		getOK(t, fmt.Sprintf("/v1/state?key=%s&height=%d", url.QueryEscape(keyState), rec.Height-1), &old)
		if old.Exists || old.Height != rec.Height-1 || old.Value != nil || old.Record != nil {
			t.Errorf("state %s before its registration: %+v", keyState, old)
		}
		var none gateway.StateResponse
		getOK(t, "/v1/state?key=identity/org/nosuch", &none)
		if none.Exists || none.Value != nil {
			t.Errorf("absent key: %+v", none)
		}
	})

	t.Run("proof", func(t *testing.T) {
		trust, err := proof.ParseTrust(node.GenesisFile(testHome))
		if err != nil {
			t.Fatal(err)
		}
		absentKey := "identity/key/" + hex.EncodeToString(randomBytes(t, 20))
		for _, c := range []struct {
			query  string
			exists bool
		}{
			{"key=" + url.QueryEscape(keyState), true},
			{"key=" + url.QueryEscape(absentKey), false},
			{fmt.Sprintf("key=%s&height=%d", url.QueryEscape(keyState), rec.Height), true},
			{fmt.Sprintf("key=%s&height=%d", url.QueryEscape(keyState), rec.Height-1), false},
			{"key=identity/org/coop&download=1", true},
		} {
			r := get(t, "/v1/proof?"+c.query)
			if r.status != http.StatusOK {
				t.Errorf("%v", r)
				continue
			}
			rep, err := proof.Verify(r.body, trust)
			if err != nil || !rep.OK {
				t.Errorf("proof %s does not verify: %v", c.query, err)
				continue
			}
			if rep.Exists != c.exists {
				t.Errorf("proof %s: exists %v, want %v", c.query, rep.Exists, c.exists)
			}
			if c.exists && rep.Key == keyState {
				var k identity.Key
				if json.Unmarshal(rep.Value, &k) != nil || k.ID != member.ID() {
					t.Errorf("proof %s: value %s", c.query, rep.Value)
				}
			}
			if cd := r.header.Get("Content-Disposition"); strings.Contains(c.query, "download") != strings.HasPrefix(cd, "attachment") {
				t.Errorf("proof %s: Content-Disposition %q", c.query, cd)
			}
		}
	})

	t.Run("status", func(t *testing.T) {
		st := status(t)
		if st.ChainID != chainID || st.Org != devnet.ValidatorOrg || st.Moniker != "dengta-dev" || st.NodeID == "" || st.Height < rec.Height ||
			st.StateVersion < rec.Height || !isHex(st.StateRoot, 32) || !isHex(st.AppHash, 32) || st.CatchingUp ||
			st.ValidatorPower != identity.DefaultValidatorPower || st.ValidatorAddr == "" || st.BlockTime.IsZero() {
			t.Errorf("status: %+v", st)
		}
	})

	t.Run("healthz", func(t *testing.T) {
		var h gateway.Health
		getOK(t, "/healthz", &h)
		if !h.OK || len(h.Problems) != 0 || h.Height < rec.Height || h.CatchingUp || h.StateHeight < rec.Height || h.AppVersion != 1 ||
			h.BlockTime.IsZero() || h.BlockAgeMs > gateway.DefaultMaxBlockAge.Milliseconds() {
			t.Errorf("healthz: %+v", h)
		}
	})

	t.Run("upgrade", func(t *testing.T) {
		var u gateway.UpgradeStatus
		getOK(t, "/v1/upgrade", &u)
		if u.ChainAppVersion != 1 || u.SoftwareAppVersion != app.AppVersion || u.Scheduled != nil || u.Done == nil || len(u.Done) != 0 || u.Height < rec.Height {
			t.Errorf("upgrade: %+v", u)
		}
	})

	t.Run("actions", func(t *testing.T) {
		var acts []gateway.ActionInfo
		getOK(t, "/v1/actions", &acts)
		i := slices.IndexFunc(acts, func(a gateway.ActionInfo) bool { return a.Module == "identity" && a.Action == "register_key" })
		if i < 0 || !acts[i].AdminOnly || acts[i].Doc == "" || acts[i].Roles == nil {
			t.Fatalf("actions: %+v", acts)
		}
		props, _ := acts[i].BodySchema["properties"].(map[string]any)
		if _, ok := props["public_key"]; !ok || acts[i].BodySchema["additionalProperties"] != false {
			t.Errorf("register_key body schema: %v", acts[i].BodySchema)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		r := get(t, "/metrics")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("GET /metrics: %d %s", r.status, r.header.Get("Content-Type"))
		}
		for _, want := range []string{"\ncometbft_consensus_height", "\ndengta_api_requests_total{", `route="POST /v1/txs"`} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("/metrics has no %q", want)
			}
		}
	})
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func isHex(s string, n int) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == n
}
