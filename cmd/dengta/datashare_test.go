package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/store"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/state"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/datashareplug"
	"github.com/dengta-chain/dengta/tx"
)

// The patient and her records in the data-sharing test: what must never
// be found on chain.
const (
	patientName = "欧阳秀英"
	patientID   = "340102198807154321"
	patientCode = "PROC-TEST-CODE-7781"
)

var sharedRecords = []struct {
	typ, name, content string
}{
	{datashareapi.TypeDischarge, "出院小结.txt", "出院小结：患者欧阳秀英，因社区获得性肺炎住院七天，出院诊断：右下肺炎，已愈。出院医嘱：阿莫西林克拉维酸钾继续口服五天。"},
	{datashareapi.TypeLab, "血常规.txt", "检验报告 2026-03-02 白细胞计数 11.8×10^9/L 中性粒细胞百分比 82.4% C反应蛋白 46 mg/L"},
}

// TestDataSharingProcesses runs four `dengta start` processes: hospital
// A (coop's node), B (logistics) and C (market), made hospitals by a
// governance vote. A admits a patient and registers her records on its
// node, proposes to share them with B; the patient approves through her
// app's relay. B's node fetches the ciphertext from A's node and B opens
// it with its node's operator key while the grant is valid; C is refused
// whatever it names; the patient revokes and B is refused; A's node
// records every access, served or refused, on chain, where any node
// reads the same trail. Then the nodes stop, and every key and value of
// each node's committed state and every transaction of every block in
// its block store are scanned for the records' plaintext and the
// patient's name and ID number: nothing is found.
func TestDataSharingProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dengta binary and runs a four-process network; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	bin := buildDengta(t)
	n := startNetwork(t, ctx, bin, 4)
	const a, b, c = 1, 2, 3 // coop, logistics, market
	for _, i := range []int{a, b, c} {
		makeHospital(t, ctx, n, i)
	}
	// Each hospital names its node's operator key and its admin key its
	// exchange keys, and its node as the endpoint.
	operators := map[int]*client.Key{}
	for _, i := range []int{a, b, c} {
		op, err := client.OpenKey(filepath.Join(n.procs[i].home, "config", "operator_key.json"), []byte(testPassphrase))
		if err != nil {
			t.Fatal(err)
		}
		operators[i] = op
		ids := []tx.KeyID{keyID(t, op.ID()), keyID(t, n.keys[i].ID())}
		endpoint := strings.TrimRight(gatewayOf(t, n, i), "/")
		if _, _, err := client.Send(ctx, n.cs[i], n.keys[i], datashareapi.SetExchange, datashareapi.ExchangeBody{Keys: ids, Endpoint: endpoint}); err != nil {
			t.Fatalf("exchange of %s: %v", n.org(i), err)
		}
	}

	// A admits the patient to its node's custody and registers her records.
	body, _ := json.Marshal(datashareapi.PatientBody{Name: patientName, IDNumber: patientID, AccessCode: patientCode})
	pat, err := client.Post(ctx, n.cs[a].As(n.keys[a]), datashareapi.RegisterPatient, api.None{}, bytes.NewReader(body), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	var recs []string
	for _, r := range sharedRecords {
		res, err := datashareplug.Register(ctx, n.cs[a], n.keys[a], datashareapi.RecordBody{Domain: datashareapi.Medical, Type: r.typ, Class: datashareapi.ClassRestricted, Subject: pat.ID},
			datakey.Meta{Name: r.name, MediaType: "text/plain; charset=utf-8"}, []byte(r.content))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, res.ID)
	}
	g, err := datashareplug.Share(ctx, n.cs[a], n.keys[a], n.keys[a], datashareapi.GrantBody{Grantee: n.org(b), Purpose: datashareapi.PurposeTreat, Records: recs,
		MaxClass: datashareapi.ClassRestricted, End: time.Now().Add(7 * 24 * time.Hour).Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	// Before consent, B is refused, by A's node (which audits it): B's
	// own node must have the grant first, or it refuses B's read of the
	// record itself and A's node never hears of it.
	waitHeightAll(t, ctx, n)
	if _, err := datashareplug.Retrieve(ctx, n.cs[b], n.keys[b], recs[0], g.ID, "", operators[b]); !client.IsCode(err, "unauthorized") {
		t.Fatalf("B before the patient's consent: %v", err)
	}
	chainID, err := n.cs[a].ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	patientKey, _, err := tx.OpenKeyFile(filepath.Join(n.procs[a].home, "data", "modules", datashareapi.Name, "patients", pat.ID+".key.json"),
		keyfile.Fixed(strings.ReplaceAll(patientCode, "-", "")))
	if err != nil {
		t.Fatal(err)
	}
	approve, err := datashareplug.SignStatement(chainID, patientKey, datashareapi.ActApprove, g.ID, pat.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datashareplug.RelayStatement(ctx, client.New(gatewayOf(t, n, a)), approve); err != nil {
		t.Fatal(err)
	}
	// B's node reads the chain and fetches from A's node; B opens each
	// record with its operator key.
	waitHeightAll(t, ctx, n)
	for i, id := range recs {
		got, err := datashareplug.Retrieve(ctx, n.cs[b], n.keys[b], id, g.ID, "", operators[b])
		if err != nil {
			t.Fatalf("B retrieving %s: %v", id, err)
		}
		if string(got.Content) != sharedRecords[i].content || got.Meta.Name != sharedRecords[i].name {
			t.Fatalf("B opened %q", got.Content)
		}
	}
	// C: refused by A's node under B's grant and with nothing; no key of
	// C's opens B's wrapped keys; C cannot read the record's metadata.
	for _, grant := range []string{g.ID, ""} {
		rv := datashareapi.Record{ID: recs[0]}
		if _, err := datashareplug.Fetch(ctx, client.New(gatewayOf(t, n, a)).As(n.keys[c]), &rv, grant, ""); !client.IsCode(err, "unauthorized") {
			t.Fatalf("C fetching under %q: %v", grant, err)
		}
	}
	ws, err := client.Read(ctx, n.cs[c].As(n.keys[b]), datashareapi.GetKeys, datashareapi.KeysParams{ID: recs[0], Grant: g.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws.Keys {
		for _, k := range []*client.Key{n.keys[c], operators[c]} {
			if _, err := k.Unwrap(w); err == nil {
				t.Fatal("a key of C opened a data key wrapped for B")
			}
		}
	}
	if _, err := client.Read(ctx, n.cs[c].As(n.keys[c]), datashareapi.GetRecord, datashareapi.IDParams{ID: recs[0]}); !client.IsCode(err, "unauthorized") {
		t.Fatalf("C reading the record's metadata: %v", err)
	}
	// The patient revokes; B is refused, and the refusal is audited.
	revoke, err := datashareplug.SignStatement(chainID, patientKey, datashareapi.ActRevoke, g.ID, pat.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datashareplug.RelayStatement(ctx, client.New(gatewayOf(t, n, a)), revoke); err != nil {
		t.Fatal(err)
	}
	waitHeightAll(t, ctx, n)
	if _, err := datashareplug.Retrieve(ctx, n.cs[b], n.keys[b], recs[0], g.ID, "", operators[b]); !client.IsCode(err, "unauthorized") || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("B after the revocation: %v", err)
	}
	// The trail, read through C's node by A (the state is the same on
	// every node): B refused before consent, B served twice, C refused
	// twice, B refused after revocation.
	want := []string{"logistics:refused:not_active", "logistics:served:", "logistics:served:", "market:refused:not_grantee", "market:refused:no_credential", "logistics:refused:revoked"}
	var trail []datashareapi.AuditEntry
	nettest.WaitFor(t, 3*time.Minute, "the audit trail to reach the chain", func() bool {
		p, err := client.Read(ctx, n.cs[c].As(n.keys[a]), datashareapi.AuditTrail, datashareapi.AuditParams{Subject: pat.ID})
		if err != nil {
			t.Fatal(err)
		}
		trail = p.Items
		return len(trail) >= len(want)
	})
	var got []string
	for _, e := range trail {
		got = append(got, e.Org+":"+e.Outcome+":"+e.Reason)
		if e.By.Org != n.org(a) || e.Owner != n.org(a) || e.Key.IsZero() {
			t.Fatalf("entry %+v", e)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("audit trail %v, want %v", got, want)
	}
	// C cannot read A's patient's trail; B reads its own accesses only.
	if _, err := client.Read(ctx, n.cs[c].As(n.keys[c]), datashareapi.AuditTrail, datashareapi.AuditParams{Owner: n.org(a)}); !client.IsCode(err, "unauthorized") {
		t.Fatalf("C reading A's trail: %v", err)
	}
	mine, err := client.Read(ctx, n.cs[b].As(n.keys[b]), datashareapi.AuditTrail, datashareapi.AuditParams{Record: recs[0]})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range mine.Items {
		if e.Org != n.org(b) {
			t.Fatalf("B read another organisation's access: %+v", e)
		}
	}

	// Stop the nodes and scan what every node stores.
	needles := [][]byte{[]byte(patientName), []byte(patientID)}
	for _, r := range sharedRecords {
		needles = append(needles, []byte(r.content))
		for _, part := range strings.FieldsFunc(r.content, func(c rune) bool { return c == '，' || c == '：' || c == ' ' }) {
			if len(part) >= 9 {
				needles = append(needles, []byte(part))
			}
		}
	}
	// What is on chain must be found, or the scan reads nothing: the
	// patient's pseudonym and a record's digest, in the state and in
	// the blocks.
	rv, err := client.Read(ctx, n.cs[a].As(n.keys[a]), datashareapi.GetRecord, datashareapi.IDParams{ID: recs[0]})
	if err != nil {
		t.Fatal(err)
	}
	controls := [][]byte{[]byte(pat.ID), []byte(rv.Digest)}
	for _, p := range n.procs {
		p.stop(t)
	}
	for i := range n.procs {
		scanHome(t, n.procs[i].home, needles, controls)
	}
}

// makeHospital gives organisation i the role hospital besides its own,
// by a set_roles proposal that two others approve.
func makeHospital(t *testing.T, ctx context.Context, n *testNet, i int) {
	t.Helper()
	var org struct {
		Roles []role.Role `json:"roles"`
	}
	if err := n.cs[i].Get(ctx, "/v1/orgs/"+n.org(i), &org); err != nil {
		t.Fatal(err)
	}
	if _, err := n.cs[i].Do(ctx, n.keys[i], "identity", "propose", map[string]any{"kind": "set_roles", "org_id": n.org(i), "roles": append(org.Roles, datashareapi.Hospital)}); err != nil {
		t.Fatal(err)
	}
	var props struct {
		Items []struct {
			ID     uint64 `json:"id"`
			OrgID  string `json:"org_id"`
			Status string `json:"status"`
		} `json:"items"`
	}
	if err := n.cs[i].As(n.keys[i]).Get(ctx, "/v1/proposals?limit=100", &props); err != nil {
		t.Fatal(err)
	}
	var p struct{ ID uint64 }
	for _, pr := range props.Items {
		if pr.OrgID == n.org(i) && pr.Status == "voting" {
			p.ID = pr.ID
		}
	}
	if p.ID == 0 {
		t.Fatalf("no proposal for %s in %+v", n.org(i), props)
	}
	for _, v := range []int{0, (i % 3) + 1} {
		if v == i {
			v = 0
		}
		// Through node i, which has the proposal: another node may not
		// have committed its block yet, and its check would not find it.
		if _, err := n.cs[i].Do(ctx, n.keys[v], "identity", "vote", map[string]any{"proposal_id": p.ID, "approve": true}); err != nil && !client.IsCode(err, "conflict") {
			t.Fatalf("vote by %s: %v", n.org(v), err)
		}
	}
	nettest.WaitFor(t, 90*time.Second, n.org(i)+" to hold the hospital role", func() bool {
		if err := n.cs[i].Get(ctx, "/v1/orgs/"+n.org(i), &org); err != nil {
			return false
		}
		for _, r := range org.Roles {
			if r == datashareapi.Hospital {
				return true
			}
		}
		return false
	})
}

func keyID(t testing.TB, s string) tx.KeyID {
	id, err := tx.ParseKeyID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// gatewayOf is node i's gateway address.
func gatewayOf(t testing.TB, n *testNet, i int) string {
	s, err := node.LoadSettings(n.procs[i].home)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + s.GatewayAddr
}

// waitHeightAll waits until every node has the height the first has now.
func waitHeightAll(t *testing.T, ctx context.Context, n *testNet) {
	t.Helper()
	h := n.maxHeight(ctx, []int{0, 1, 2, 3})
	nettest.WaitFor(t, 90*time.Second, fmt.Sprintf("every node to reach height %d", h), func() bool {
		for i := range n.procs {
			if height(ctx, n.cs[i]) < h {
				return false
			}
		}
		return true
	})
}

// encodings are the forms a needle might take in stored bytes: as it is,
// in hex, in base64 and JSON-escaped.
func encodings(b []byte) [][]byte {
	esc, _ := json.Marshal(string(b))
	ascii := strings.Builder{}
	for _, r := range string(b) {
		if r < 0x80 {
			ascii.WriteRune(r)
		} else {
			fmt.Fprintf(&ascii, "\\u%04x", r)
		}
	}
	return [][]byte{b, []byte(hex.EncodeToString(b)), []byte(strings.ToUpper(hex.EncodeToString(b))), []byte(base64.StdEncoding.EncodeToString(b)), esc[1 : len(esc)-1], []byte(ascii.String())}
}

// scanHome reads every key and value of a stopped node's committed state
// and every transaction of every block in its block store, and fails if
// any holds a needle in any of its encodings, or if the state or the
// blocks lack one of the controls (what is known to be there).
func scanHome(t *testing.T, home string, needles, controls [][]byte) {
	t.Helper()
	var forms [][]byte
	for _, nd := range needles {
		forms = append(forms, encodings(nd)...)
	}
	inState, inBlocks := make([]bool, len(controls)), make([]bool, len(controls))
	find := func(where string, data []byte, seen []bool) {
		for _, f := range forms {
			if bytes.Contains(data, f) {
				t.Errorf("%s: %s holds %q", home, where, f)
			}
		}
		for i, c := range controls {
			seen[i] = seen[i] || bytes.Contains(data, c)
		}
	}
	st, err := state.Open(node.StateDir(home))
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.At(0)
	if err != nil {
		t.Fatal(err)
	}
	keys := 0
	if err := v.Iterate(nil, nil, func(k, val []byte) bool {
		keys++
		find("state key "+string(k), k, inState)
		find("the value of state key "+string(k), val, inState)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := dbm.NewDB("blockstore", dbm.PebbleDBBackend, filepath.Join(home, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bs := store.NewBlockStore(db)
	txs := 0
	for h := bs.Base(); h <= bs.Height(); h++ {
		blk, _ := bs.LoadBlock(h)
		if blk == nil {
			t.Fatalf("%s: block %d missing from the block store", home, h)
		}
		for i, raw := range blk.Data.Txs {
			txs++
			find(fmt.Sprintf("block %d tx %d", h, i), raw, inBlocks)
		}
	}
	for i, c := range controls {
		if !inState[i] || !inBlocks[i] {
			t.Fatalf("%s: %q, which is on chain, was not found (state %v, blocks %v): the scan does not read the node's stores", home, c, inState[i], inBlocks[i])
		}
	}
	t.Logf("%s: %d state keys and %d transactions in blocks %d-%d hold none of %d needles in %d forms", filepath.Base(home), keys, txs, bs.Base(), bs.Height(), len(needles), len(forms))
}
