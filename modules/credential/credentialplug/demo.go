package credentialplug

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/catalog"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
)

// demoOrgs are the dev chain's organisations (devnet.Demo), which vote.
var demoOrgs = []string{"regulator", "coop", "logistics", "market", "foodgroup", "bank", "court", "alliance", "notary"}

// demoIssuers are the demo's issuers: the market regulator issues
// business licences, the notary office notarial certificates, the pear
// quality alliance its quality certificates. The real-estate and degree
// types are registered for the registry and the university that join the
// consortium (the demo consortium has neither).
var demoIssuers = []struct{ typ, org string }{
	{catalog.BusinessLicence, "regulator"},
	{catalog.Notarial, "notary"},
	{catalog.Quality, "alliance"},
}

// demoRecognition are the relying organisations' recognition lists.
var demoRecognition = []struct {
	org, typ string
	issuers  []string
}{
	{"bank", catalog.BusinessLicence, []string{"regulator"}},
	{"bank", catalog.RealEstate, nil},
	{"bank", catalog.Notarial, []string{"notary"}},
	{"market", catalog.Quality, []string{"alliance"}},
	{"market", catalog.BusinessLicence, nil},
	{"court", catalog.Notarial, nil},
}

// pipeline signs one key's transactions with consecutive nonces and hands
// them to the node without waiting, so that many go in one block.
type pipeline struct {
	c       *client.Client
	key     *client.Key
	chainID string
	next    uint64
	hashes  []string
}

func newPipeline(ctx context.Context, c *client.Client, key *client.Key) (*pipeline, error) {
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	n, err := c.NextNonce(ctx, key.ID())
	if err != nil {
		return nil, err
	}
	return &pipeline{c: c.As(key), key: key, chainID: chainID, next: n}, nil
}

func (p *pipeline) send(ctx context.Context, mod, action string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	raw, err := p.key.Sign(p.chainID, p.next, mod, action, b)
	if err != nil {
		return err
	}
	h, err := p.c.SubmitAsync(ctx, raw)
	if err != nil {
		return fmt.Errorf("%s/%s: %w", mod, action, err)
	}
	p.next++
	p.hashes = append(p.hashes, h)
	return nil
}

// wait waits for every transaction sent and returns their records; a
// committed refusal is an error unless ok accepts its code.
func (p *pipeline) wait(ctx context.Context, ok func(code string) bool) ([]*client.TxRecord, error) {
	var out []*client.TxRecord
	for _, h := range p.hashes {
		for {
			rec, err := p.c.Tx(ctx, h)
			if err == nil {
				if rec.Code != 0 && (ok == nil || !ok(rec.CodeName)) {
					return out, fmt.Errorf("%s/%s: %s: %s", rec.Module, rec.Action, rec.CodeName, rec.Log)
				}
				out = append(out, rec)
				break
			}
			if !isNotFound(err) {
				return out, err
			}
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	p.hashes = nil
	return out, nil
}

// Decision is one decision for the consortium to take.
type Decision struct {
	Action, Subject, Reason string
}

// Govern has proposer propose each decision (authorize_action) and the
// voters approve them, and returns each decision's proposal id. A vote
// arriving after a proposal passed is refused and ignored.
func Govern(ctx context.Context, c *client.Client, proposer *client.Key, voters []*client.Key, ds []Decision) ([]uint64, error) {
	p, err := newPipeline(ctx, c, proposer)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if err := p.send(ctx, identity.Name, identity.Propose.Name, identity.ProposeBody{Kind: identity.KindAuthorizeAction, Reason: d.Reason,
			Action: &module.ActionRef{Module: credentialapi.Name, Action: d.Action, Subject: d.Subject}}); err != nil {
			return nil, err
		}
	}
	if _, err := p.wait(ctx, nil); err != nil {
		return nil, err
	}
	ids, err := proposalIDs(ctx, c.As(proposer), ds)
	if err != nil {
		return nil, err
	}
	var pipes []*pipeline
	for _, v := range voters {
		vp, err := newPipeline(ctx, c, v)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			err := vp.send(ctx, identity.Name, identity.CastVote.Name, identity.VoteBody{ProposalID: id, Approve: true})
			if client.IsCode(err, "conflict") {
				continue // passed already (refused before the mempool: the nonce is unused)
			}
			if err != nil {
				return nil, err
			}
		}
		pipes = append(pipes, vp)
	}
	for _, vp := range pipes {
		if _, err := vp.wait(ctx, func(code string) bool { return code == "conflict" }); err != nil {
			return nil, err
		}
	}
	for i, id := range ids {
		var pr identity.Proposal
		if err := c.As(proposer).Get(ctx, fmt.Sprintf("/v1/proposals/%d", id), &pr); err != nil {
			return nil, err
		}
		if pr.Status != identity.StatusPassed {
			return nil, fmt.Errorf("proposal %d (%s on %s) is %s", id, ds[i].Action, ds[i].Subject, pr.Status)
		}
	}
	return ids, nil
}

// proposalIDs finds the newest proposal of each decision.
func proposalIDs(ctx context.Context, c *client.Client, ds []Decision) ([]uint64, error) {
	found := map[Decision]uint64{}
	after := ""
	for {
		var page struct {
			Items []identity.Proposal `json:"items"`
			Next  string              `json:"next"`
		}
		path := "/v1/proposals?limit=200"
		if after != "" {
			path += "&after=" + after
		}
		if err := c.Get(ctx, path, &page); err != nil {
			return nil, err
		}
		for _, pr := range page.Items {
			if pr.Action != nil && pr.Action.Module == credentialapi.Name && pr.ID > found[Decision{Action: pr.Action.Action, Subject: pr.Action.Subject, Reason: pr.Reason}] {
				found[Decision{Action: pr.Action.Action, Subject: pr.Action.Subject, Reason: pr.Reason}] = pr.ID
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	out := make([]uint64, len(ds))
	for i, d := range ds {
		if out[i] = found[d]; out[i] == 0 {
			return nil, fmt.Errorf("no proposal of %s on %s", d.Action, d.Subject)
		}
	}
	return out, nil
}

// Register submits type definitions, has the consortium register them and
// authorise issuers by governance, and carries the decisions out: what a
// consortium does to put credential types in service.
func Register(ctx context.Context, c *client.Client, proposer *client.Key, voters []*client.Key, types []credentialapi.TypeDef, issuers [][2]string) error {
	p, err := newPipeline(ctx, c, proposer)
	if err != nil {
		return err
	}
	var ds []Decision
	for i := range types {
		t := &types[i]
		if err := p.send(ctx, credentialapi.Name, credentialapi.SubmitType.Name, credentialapi.SubmitTypeBody{Type: *t}); err != nil {
			return err
		}
		ds = append(ds, Decision{credentialapi.RegisterType.Name, credential.TypeSubject(t.ID, credential.TypeHash(t)), "登记电子证照类型 " + t.Name})
	}
	if _, err := p.wait(ctx, nil); err != nil {
		return err
	}
	for _, is := range issuers {
		ds = append(ds, Decision{credentialapi.AuthorizeIssuer.Name, credential.IssuerSubject(is[0], is[1]), "授权 " + is[1] + " 签发 " + is[0]})
	}
	ids, err := Govern(ctx, c, proposer, voters, ds)
	if err != nil {
		return err
	}
	if p, err = newPipeline(ctx, c, proposer); err != nil { // Govern signed with it meanwhile
		return err
	}
	for i := range types {
		t := &types[i]
		if err := p.send(ctx, credentialapi.Name, credentialapi.RegisterType.Name, credentialapi.RegisterTypeBody{ProposalID: ids[i], ID: t.ID, Hash: credential.TypeHash(t)}); err != nil {
			return err
		}
	}
	for j, is := range issuers {
		if err := p.send(ctx, credentialapi.Name, credentialapi.AuthorizeIssuer.Name, credentialapi.IssuerBody{ProposalID: ids[len(types)+j], Type: is[0], Issuer: is[1]}); err != nil {
			return err
		}
	}
	_, err = p.wait(ctx, nil)
	return err
}

// demoHolderClaims are the claims of the demo's credentials, by type.
var demoHolderClaims = map[string][]map[string]any{
	catalog.BusinessLicence: {
		{"uscc": "93341321MA2N00001N", "name": "砀山县梨都果品专业合作社", "entityType": "农民专业合作社", "legalRepresentative": "李梨花", "registeredCapital": "人民币伍佰万元", "establishedDate": "2012-04-18", "businessTerm": "长期", "domicile": "安徽省宿州市砀山县良梨镇", "businessScope": "水果种植、收购、贮藏、销售；农业技术服务"},
		{"uscc": "91341300MA2N00004Q", "name": "皖北食品集团有限公司", "entityType": "有限责任公司", "legalRepresentative": "王淮北", "registeredCapital": "人民币壹亿元", "establishedDate": "2005-09-01", "businessTerm": "2005-09-01 至 长期", "domicile": "安徽省宿州市埇桥区", "businessScope": "食品生产、加工、销售；进出口业务"},
	},
	catalog.Notarial: {
		{"certificateNumber": "（2026）皖宿公证字第00312号", "party": "赵明", "partyIdNumber": "340321198805060017", "matter": "学历公证", "statement": "兹证明赵明于二〇一〇年七月毕业于宿州学院计算机科学与技术专业，获工学学士学位。", "notary": "陈公正", "issueDate": "2026-02-20"},
	},
	catalog.Quality: {
		{"certificateNumber": "DSSL-2026-0018", "enterprise": "砀山县梨都果品专业合作社", "uscc": "93341321MA2N00001N", "product": "砀山酥梨（特级）", "origin": "安徽省砀山县", "standard": "T/DSSL 001-2024", "grade": "特级"},
	},
}

// seedDemo registers the catalogue's credential types and the demo's
// issuers by governance decisions, publishes the issuers' keys, opens
// their status lists, records the relying organisations' recognition
// lists, and issues a few credentials (business licences, a notarial
// certificate, a quality certificate), suspending one of them.
func seedDemo(ctx context.Context, d *plug.DemoEnv) error {
	keys := map[string]*client.Key{}
	for _, o := range demoOrgs {
		k, err := d.Admin(o)
		if err != nil {
			return err
		}
		keys[o] = k
	}
	var voters []*client.Key
	for _, o := range demoOrgs[1:] {
		voters = append(voters, keys[o])
	}
	// Every other member of the dev consortium votes too (other modules
	// bring their own demo organisations, and a decision needs two
	// thirds of all the members).
	var members api.Page[identity.Org]
	if err := d.Client.Get(ctx, "/v1/orgs?limit=100", &members); err != nil {
		return fmt.Errorf("credential demo: members: %w", err)
	}
	for _, o := range members.Items {
		if _, ok := keys[o.ID]; ok || !o.Active {
			continue
		}
		if k, err := d.Admin(o.ID); err == nil && k != nil {
			voters = append(voters, k)
		}
	}
	var issuers [][2]string
	for _, is := range demoIssuers {
		issuers = append(issuers, [2]string{is.typ, is.org})
	}
	if err := Register(ctx, d.Client, keys["regulator"], voters, catalog.Types(), issuers); err != nil {
		return fmt.Errorf("credential demo: registry: %w", err)
	}
	for _, r := range demoRecognition {
		if _, _, err := client.Send(ctx, d.Client, keys[r.org], credentialapi.Recognize, credentialapi.RecognizeBody{Type: r.typ, Issuers: r.issuers}); err != nil {
			return fmt.Errorf("credential demo: recognition of %s: %w", r.org, err)
		}
	}
	var suspend string
	for _, is := range demoIssuers {
		for _, claims := range demoHolderClaims[is.typ] {
			holder, err := jws.NewKey(jws.ES256)
			if err != nil {
				return err
			}
			signed, _, err := Issue(ctx, d.Client, keys[is.org], Issuance{Type: is.typ, Claims: claims, Holder: credential.WireJWK(&holder.PublicKey)})
			if err != nil {
				return fmt.Errorf("credential demo: %s issues %s: %w", is.org, is.typ, err)
			}
			if is.typ == catalog.Quality {
				suspend = signed.Hash
			}
		}
	}
	if _, err := SetStatus(ctx, d.Client, keys["alliance"], suspend, credentialapi.StatusSuspended, "年度复查中"); err != nil {
		return fmt.Errorf("credential demo: suspend: %w", err)
	}
	d.Logger.Info("credential demo recorded", "types", len(catalog.Types()), "issuers", len(demoIssuers))
	return nil
}
