package credential_test

import (
	"fmt"
	"testing"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/internal/testchain"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/statuslist"
)

// benchIssuers is a chain on disk with 8 issuer organisations, each
// authorised for real-estate certificates by governance, with a key and
// a status list of 131,072 entries.
func benchIssuers(b *testing.B) (*testchain.Chain, []*issuer) {
	b.Helper()
	orgs := []testchain.Org{{ID: reg, Roles: []role.Role{role.Regulator}, Validator: true}}
	for i := range 8 {
		orgs = append(orgs, testchain.Org{ID: fmt.Sprintf("registry-%d", i)})
	}
	c := testchain.New(b, testchain.Options{Modules: []module.Module{credential.Module{}}, Roles: role.MustSet(credentialapi.Roles...), Orgs: orgs, Time: start, Dir: b.TempDir()})
	d, _ := catalog.Get(catalog.RealEstate)
	var tr credentialapi.TypeResult
	result(b, do(b, c, orgs[1].ID, "submit_type", credentialapi.SubmitTypeBody{Type: d}, errcode.OK), &tr)
	do(b, c, reg, "register_type", credentialapi.RegisterTypeBody{ProposalID: decide(b, c, "register_type", tr.Subject), ID: d.ID, Hash: tr.Hash}, errcode.OK)
	var out []*issuer
	for _, o := range orgs[1:] {
		pid := decide(b, c, "authorize_issuer", credential.IssuerSubject(catalog.RealEstate, o.ID))
		do(b, c, reg, "authorize_issuer", credentialapi.IssuerBody{ProposalID: pid, Type: catalog.RealEstate, Issuer: o.ID}, errcode.OK)
		is := &issuer{org: o.ID, key: addKey(b, c, o.ID, jws.ES256)}
		do(b, c, o.ID, "open_list", credentialapi.OpenListBody{}, errcode.OK)
		out = append(out, is)
	}
	return c, out
}

// next is the issuer's next anchor item, at the next entry of its list.
func (is *issuer) next() credentialapi.AnchorItem {
	it := credentialapi.AnchorItem{Hash: hashOf(fmt.Sprintf("credential %d of %s", is.n, is.org)), Type: catalog.RealEstate, Kid: is.key.Thumbprint(), List: 1, Index: is.n}
	is.n++
	return it
}

// BenchmarkAnchor measures credentials anchored per second through the
// whole application (no consensus), committed to a disk store: blocks of
// pre-signed anchor transactions from 8 issuers, each transaction
// anchoring 1 credential (512 a block) or 100 (64 transactions a block);
// each credential is its hash, type, key and status entry.
// Signing the credentials themselves is vc's BenchmarkIssue.
func BenchmarkAnchor(b *testing.B) {
	for _, per := range []int{1, 100} {
		b.Run(fmt.Sprintf("%d-per-tx", per), func(b *testing.B) {
			testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
				c, issuers := benchIssuers(b)
				txsPerBlock := 512
				if per > 1 {
					txsPerBlock = 64
				}
				blocks := make([][][]byte, b.N)
				n := 0
				for i := range blocks {
					for j := range txsPerBlock {
						is := issuers[j%len(issuers)]
						body := credentialapi.AnchorBody{}
						for range per {
							body.Credentials = append(body.Credentials, is.next())
						}
						n += per
						blocks[i] = append(blocks[i], c.Sign(c.Members[is.org].Admin, credentialapi.Name, "anchor", body))
					}
				}
				testchain.RunBlocks(b, c, blocks, checked)
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "credentials/s")
			})
		})
	}
}

// BenchmarkSetStatus measures one status change (suspend or reinstate)
// in a list of 131,072 entries through the whole application: blocks of
// 256 pre-signed set_status transactions from 8 issuers over 2,048
// anchored credentials, each transaction reading the list's 16 KiB,
// writing the changed 1 KiB chunk, re-hashing the list for its anchor and
// logging the change. Reported per status change, with the transaction's
// signature check; BenchmarkStatusListUpdate is the list work alone.
func BenchmarkSetStatus(b *testing.B) {
	testchain.CheckedAndNot(b, func(b *testing.B, checked bool) {
		c, issuers := benchIssuers(b)
		const anchored, perBlock = 2048, 256
		var items []credentialapi.AnchorItem
		var owner []string
		var setup [][]byte
		for i := range anchored / 64 {
			is := issuers[i%len(issuers)]
			body := credentialapi.AnchorBody{}
			for range 64 {
				it := is.next()
				body.Credentials = append(body.Credentials, it)
				items, owner = append(items, it), append(owner, is.org)
			}
			setup = append(setup, c.Sign(c.Members[is.org].Admin, credentialapi.Name, "anchor", body))
		}
		testchain.MustBlock(b, c, setup...)
		blocks := make([][][]byte, b.N)
		for i := range blocks {
			for k := range perBlock {
				n := i*perBlock + k
				st := credentialapi.StatusSuspended
				if (n/anchored)%2 == 1 {
					st = credentialapi.StatusActive
				}
				j := n % anchored
				blocks[i] = append(blocks[i], c.Sign(c.Members[owner[j]].Admin, credentialapi.Name, "set_status", credentialapi.StatusBody{Hash: items[j].Hash, Status: st}))
			}
		}
		testchain.RunBlocks(b, c, blocks, checked)
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*perBlock), "µs/change")
	})
}

// BenchmarkStatusListUpdate is the status list's own work for one change
// in a list of 131,072 entries: set the bit, hash the whole list
// (SHA-256 of 16 KiB) for the anchor.
func BenchmarkStatusListUpdate(b *testing.B) {
	bits := make([]byte, statuslist.MinEntries/8)
	i := 0
	for b.Loop() {
		i = (i + 7919) % statuslist.MinEntries
		statuslist.Set(bits, i, !statuslist.Get(bits, i))
		_ = statuslist.Hash(bits)
	}
}

// BenchmarkStatusListPublish is the issuer's work to publish a list after
// a change: GZIP and multibase-encode 131,072 entries (a few set).
func BenchmarkStatusListPublish(b *testing.B) {
	bits := make([]byte, statuslist.MinEntries/8)
	for i := 0; i < statuslist.MinEntries; i += 997 {
		statuslist.Set(bits, i, true)
	}
	var size int
	for b.Loop() {
		s, err := statuslist.Encode(bits)
		if err != nil {
			b.Fatal(err)
		}
		size = len(s)
	}
	b.ReportMetric(float64(size), "bytes")
}
