package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/internal/ratelimit"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Joining from the public hall (企业上链, ADR 0020): the application form,
// an application's public status page with its join bundle once approved,
// and the members' governance page, where applications are admitted and
// proposals voted.

// joinRoutes registers the pages.
func (s *Server) joinRoutes() {
	s.mux.HandleFunc("GET /apply", s.wrap(s.applyPage))
	s.mux.HandleFunc("POST /apply", s.wrap(s.applySubmit))
	s.mux.HandleFunc("GET /apply/{ref}", s.wrap(s.applyStatus))
	s.mux.HandleFunc("GET /hall/governance", s.wrap(s.signedIn(s.governancePage)))
	s.mux.HandleFunc("POST /hall/governance/admit", s.wrap(s.signedIn(s.adminOnly(s.admit))))
	s.mux.HandleFunc("POST /hall/governance/vote", s.wrap(s.signedIn(s.adminOnly(s.voteProposal))))
}

// applyFormLimit is how often one visitor may send the application form:
// five at once (a refused form is corrected and sent again), then one
// every ten minutes.
var applyFormLimit = ratelimit.Limit{Burst: 5, Every: 10 * time.Minute}

// roleChoice is a role on the application form.
type roleChoice struct {
	Role    role.Role
	Label   string
	Checked bool
}

// applyData is the application form.
type applyData struct {
	ChainID string
	Roles   []roleChoice
	Error   string
}

func (s *Server) roleChoices(p *pages.Page, checked []role.Role) []roleChoice {
	var out []roleChoice
	for _, r := range s.opts.Roles.All() {
		out = append(out, roleChoice{Role: r, Label: s.opts.Roles.Label(r, string(p.Lang)), Checked: slices.Contains(checked, r)})
	}
	return out
}

func (s *Server) applyPage(p *pages.Page) error {
	p.Title = p.T("apply.title")
	p.Data = applyData{ChainID: s.opts.Backend.ChainID(), Roles: s.roleChoices(p, nil)}
	return s.render(p, "apply")
}

// applyError shows the form again with what was sent and the message.
// withDetail is a sentence in the page's language followed by the check's
// own words (English, marked as such) in the page's brackets.
func withDetail(p *pages.Page, sentence string, err error) string {
	if p.Lang == ZH {
		return sentence + "（" + pages.ChainWords(err.Error()) + "）"
	}
	return sentence + " (" + pages.ChainWords(err.Error()) + ")"
}

func (s *Server) applyError(p *pages.Page, status int, msg string) error {
	p.Title = p.T("apply.title")
	p.Status = status
	p.Data = applyData{ChainID: s.opts.Backend.ChainID(), Roles: s.roleChoices(p, nil), Error: msg}
	return s.render(p, "apply")
}

func (s *Server) applySubmit(p *pages.Page) error {
	r := p.R
	if ok, _ := s.applyLimiter.Allow(ratelimit.Key(s.opts.Proxies.ClientIP(r))); !ok {
		return s.applyError(p, http.StatusTooManyRequests, p.T("apply.toomany"))
	}
	f := gateway.ApplicationForm{
		OrgID: strings.TrimSpace(r.PostFormValue("org_id")), Name: strings.TrimSpace(r.PostFormValue("name")),
		NameEN: strings.TrimSpace(r.PostFormValue("name_en")), USCC: strings.ToUpper(strings.TrimSpace(r.PostFormValue("uscc"))),
		WantsValidator: r.PostFormValue("wants_validator") != "",
		Contact: gateway.Contact{Person: strings.TrimSpace(r.PostFormValue("person")), Phone: strings.TrimSpace(r.PostFormValue("phone")),
			Email: strings.TrimSpace(r.PostFormValue("email"))},
	}
	for _, v := range r.PostForm["roles"] {
		f.Roles = append(f.Roles, role.Role(v))
	}
	// The form's own checks first, in the visitor's language.
	if err := identity.ValidUSCC(f.USCC); err != nil {
		return s.applyError(p, http.StatusBadRequest, withDetail(p, p.T("apply.baduscc"), err))
	}
	if len(f.Roles) == 0 {
		return s.applyError(p, http.StatusBadRequest, p.T("apply.noroles"))
	}
	key, err := parseAdminKey(strings.TrimSpace(r.PostFormValue("admin_key")))
	if err != nil {
		return s.applyError(p, http.StatusBadRequest, withDetail(p, p.T("apply.badkey"), err))
	}
	f.AdminKey = key
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(r.PostFormValue("possession")))
	if err != nil || len(sig) == 0 {
		return s.applyError(p, http.StatusBadRequest, p.T("apply.badproof"))
	}
	f.Possession = sig
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	var res gateway.ApplyResponse
	if err := s.api().PostJSON(ctx, "/v1/applications", f, &res); err != nil {
		var ce *client.Error
		if errors.As(err, &ce) && errcode.Code(ce.Code) == errcode.BadSignature {
			return s.applyError(p, http.StatusBadRequest, p.T("apply.badproof"))
		}
		return s.applyError(p, http.StatusBadRequest, p.APIError(err))
	}
	p.Done("/apply/"+res.Ref, p.T("apply.done")+" "+res.Ref)
	return nil
}

// parseAdminKey reads a public key as "sm2:<hex>" or as the JSON
// {"algo":…,"key":…} that 'dengta keys new' prints.
func parseAdminKey(s string) (tx.PublicKey, error) {
	if strings.HasPrefix(s, "{") {
		var k tx.PublicKey
		err := json.Unmarshal([]byte(s), &k)
		return k, err
	}
	return tx.ParsePublicKey(s)
}

// statusData is an application's status page.
type statusData struct {
	App   gateway.ApplicationView
	Roles []string
}

func (s *Server) applyStatus(p *pages.Page) error {
	ref := strings.ToUpper(p.R.PathValue("ref"))
	if !identity.ValidRef(ref) {
		return errcode.New(errcode.NotFound, "no application %s", ref)
	}
	ctx, cancel := context.WithTimeout(p.R.Context(), s.timeout())
	defer cancel()
	var a gateway.ApplicationView
	if err := s.api().Get(ctx, "/v1/applications/"+ref, &a); err != nil {
		var ce *client.Error
		if errors.As(err, &ce) && errcode.Code(ce.Code) == errcode.NotFound {
			return errcode.New(errcode.NotFound, "no application %s", ref)
		}
		return err
	}
	p.Title = p.T("apply.status") + " " + ref
	p.Data = statusData{App: a}
	return s.render(p, "apply_status")
}

// governanceData is the members' governance page.
type governanceData struct {
	Pending  []appRow
	Closed   []gateway.ApplicationView
	Open     []openRow
	Recent   []identity.Proposal
	Admin    bool
	Org      string
	Now      int64
	RoleList []roleChoice
	Error    string
}

// openRow is an open proposal with what passing it does to an
// organisation's roles, and what the roles it takes away are still needed
// for (the node's preview), in the page's language.
type openRow struct {
	identity.Proposal
	Change *gateway.RoleChange
	Notes  []string
}

// appRow is a pending application with what this node knows of it.
type appRow struct {
	gateway.ApplicationView
	Contact *gateway.Contact
	// Choices are the roles an admin may grant, those applied for ticked
	// (the roles applied for are the view's Roles).
	Choices []roleChoice
	// Open is the admit proposal being voted, if any.
	Open uint64
}

func (s *Server) governanceData(p *pages.Page) (*governanceData, error) {
	ctx, cancel := context.WithTimeout(p.R.Context(), s.timeout())
	defer cancel()
	c := s.apiFor(p.R)
	var apps api.Page[gateway.ApplicationView]
	if err := c.Get(ctx, "/v1/applications?limit=1000", &apps); err != nil {
		return nil, err
	}
	var props api.Page[identity.Proposal]
	if err := c.Get(ctx, "/v1/proposals?limit=1000", &props); err != nil {
		return nil, err
	}
	bt, err := s.opts.Backend.BlockTime(ctx)
	if err != nil {
		bt = time.Now()
	}
	d := &governanceData{Admin: p.User.Role == string(accounts.RoleAdmin), Org: p.User.Org, Now: bt.Unix()}
	open := map[uint64]bool{}
	for i := len(props.Items) - 1; i >= 0; i-- {
		pr := props.Items[i]
		if pr.Status == identity.StatusVoting && bt.Unix() <= pr.Deadline {
			row := openRow{Proposal: pr}
			if pr.Kind == identity.KindSetRoles || pr.Kind == identity.KindRemoveOrg {
				var pv gateway.GovernancePreview
				if err := c.PostJSON(ctx, fmt.Sprintf("/v1/governance/preview?proposal=%d", pr.ID), struct{}{}, &pv); err == nil {
					row.Change = pv.Roles
					for _, w := range pv.Warnings {
						if w.Code != gateway.WarnRoleInUse {
							continue
						}
						if p.Lang == ZH && w.MessageZH != "" {
							row.Notes = append(row.Notes, w.MessageZH)
						} else {
							row.Notes = append(row.Notes, w.Message)
						}
					}
				}
			}
			d.Open = append(d.Open, row)
			open[pr.ID] = true
		} else if len(d.Recent) < 20 {
			d.Recent = append(d.Recent, pr)
		}
	}
	for i := len(apps.Items) - 1; i >= 0; i-- {
		a := apps.Items[i]
		if a.Status != identity.AppPending {
			if len(d.Closed) < 20 {
				d.Closed = append(d.Closed, a)
			}
			continue
		}
		row := appRow{ApplicationView: a, Choices: s.roleChoices(p, a.Roles)}
		if open[a.Proposal] {
			row.Open = a.Proposal
		}
		var ct gateway.Contact
		if err := c.Get(ctx, "/v1/applications/"+a.Ref+"/contact", &ct); err == nil {
			row.Contact = &ct
		}
		d.Pending = append(d.Pending, row)
	}
	return d, nil
}

func (s *Server) governancePage(p *pages.Page) error {
	d, err := s.governanceData(p)
	if err != nil {
		return err
	}
	p.Title = p.T("gov.title")
	p.Data = d
	return s.render(p, "governance")
}

// governanceError shows the governance page with an error.
func (s *Server) governanceError(p *pages.Page, msg string) error {
	d, err := s.governanceData(p)
	if err != nil {
		return err
	}
	d.Error = msg
	p.Title = p.T("gov.title")
	p.Status = http.StatusBadRequest
	p.Data = d
	return s.render(p, "governance")
}

// maxReason is the most characters of a proposal's reason the form takes:
// the chain takes 1,000 bytes, which 300 Chinese characters stay within.
const maxReason = 300

// admit proposes to admit an application with the roles ticked, signed
// by the signed-in admin.
func (s *Server) admit(p *pages.Page) error {
	r := p.R
	ref := r.PostFormValue("application")
	var roles []role.Role
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, role.Role(v))
	}
	if len(roles) == 0 {
		return s.governanceError(p, p.T("apply.noroles"))
	}
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if utf8.RuneCountInString(reason) > maxReason {
		return s.governanceError(p, fmt.Sprintf(p.T("gov.reasontoolong"), maxReason))
	}
	body := identity.ProposeBody{Kind: identity.KindAdmit, Application: ref, Roles: roles, Reason: reason}
	if _, _, err := client.Send(ctx, s.api(), key, identity.Propose, body); err != nil {
		return s.governanceError(p, p.APIError(err))
	}
	p.Done("/hall/governance", p.T("gov.proposed")+" "+ref)
	return nil
}

// voteProposal votes for or against an open proposal as the signed-in
// admin's organisation.
func (s *Server) voteProposal(p *pages.Page) error {
	r := p.R
	id, err := strconv.ParseUint(r.PostFormValue("proposal"), 10, 64)
	if err != nil || id == 0 {
		return errcode.New(errcode.BadRequest, "%s", p.T("gov.noproposal"))
	}
	approve := r.PostFormValue("approve") == "true"
	key, err := s.signer(p)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout())
	defer cancel()
	if _, _, err := client.Send(ctx, s.api(), key, identity.CastVote, identity.VoteBody{ProposalID: id, Approve: approve}); err != nil {
		return s.governanceError(p, p.APIError(err))
	}
	msg := p.T("gov.voted.yes")
	if !approve {
		msg = p.T("gov.voted.no")
	}
	p.Done("/hall/governance", msg+" "+strconv.FormatUint(id, 10))
	return nil
}

func init() {
	for k, v := range joinMessages {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " is defined twice")
		}
		messages[k] = v
	}
}

// joinMessages are the texts of the joining pages, part of the core's
// catalogue.
var joinMessages = pages.Messages{
	"nav.apply.intro":           {"尚未加入联盟的机构在线提交入盟申请；联盟成员投票通过后，在申请状态页下载入网包。", "Organisations not yet in the consortium apply online; once the members vote them in, the application's status page offers the join bundle."},
	"gov.kind.add_org":          {"接纳机构", "Admit an organisation"},
	"gov.kind.remove_org":       {"移除机构", "Remove an organisation"},
	"gov.kind.set_roles":        {"变更角色", "Change roles"},
	"gov.kind.set_validator":    {"变更验证节点", "Change a validator"},
	"gov.kind.authorize_action": {"授权业务操作", "Authorise an action"},
	"gov.kind.admit":            {"接纳入盟申请", "Admit an applicant"},
	"gov.kind.upgrade":          {"软件升级", "Software upgrade"},
	"gov.kind.cancel_upgrade":   {"取消软件升级", "Cancel a software upgrade"},
	"gov.st.voting":             {"投票中", "Voting"},
	"gov.st.passed":             {"已通过", "Passed"},
	"gov.st.rejected":           {"未通过", "Rejected"},
	"apply.title":               {"申请加入联盟（企业上链）", "Apply to join the consortium"},
	"apply.intro":               {"尚未加入联盟的机构可以在此提交入盟申请。申请经本节点转交上链，由联盟成员投票；通过后可在申请状态页下载入网包，用 `dengta join` 建立本机构的节点。", "An organisation that is not yet a member applies here. This node puts the application on chain and the members vote on it; once approved, the application's status page offers the join bundle, from which `dengta join` writes the organisation's node."},
	"apply.org":                 {"机构信息", "Organisation"},
	"apply.orgid":               {"机构标识（小写字母、数字或 -，2-32 位，入盟后不可更改）", "Organisation id (2-32 lowercase letters, digits or '-'; never changes)"},
	"apply.name":                {"机构名称（中文，与营业执照一致）", "Registered name (Chinese, as on the business licence)"},
	"apply.nameen":              {"英文名称", "Name in English"},
	"apply.uscc":                {"统一社会信用代码（18 位）", "Unified social credit code (18 characters)"},
	"apply.roles":               {"申请的角色", "Roles asked for"},
	"apply.label.orgid":         {"机构标识", "Organisation id"},
	"apply.label.name":          {"机构名称", "Name"},
	"apply.label.uscc":          {"统一社会信用代码", "Unified social credit code"},
	"apply.validator":           {"节点入网后申请成为验证节点（另行投票）", "Will ask to run a validator once its node has joined (a separate vote)"},
	"apply.contact":             {"联系人（仅保存在受理节点，链上只记录其摘要）", "Contact (kept by the node taking the application; only its digest goes on chain)"},
	"apply.person":              {"联系人姓名", "Contact person"},
	"apply.phone":               {"联系电话", "Telephone"},
	"apply.email":               {"电子邮箱", "E-mail"},
	"apply.keys":                {"管理员密钥", "Admin key"},
	"apply.keyhelp":             {"入盟后，本机构用这把密钥签名治理与管理操作。请在本机构电脑上生成密钥并签署申请声明（私钥不离开本机）：", "Once admitted, the organisation signs its governance and administration with this key. Make it and sign the application statement on the organisation's own computer (the private key never leaves it):"},
	"apply.adminkey":            {"管理员公钥（形如 sm2:04…）", "Admin public key (sm2:04… or ed25519:…)"},
	"apply.possession":          {"持有证明（上述命令输出的签名，base64）", "Proof of possession (the signature the command prints, base64)"},
	"apply.submit":              {"提交申请", "Submit the application"},
	"apply.done":                {"申请已上链，受理编号", "The application is on chain; reference number"},
	"apply.toomany":             {"来自本网络的申请过多，请十分钟后再试。", "Too many applications from your network; try again in ten minutes."},
	"apply.baduscc":             {"统一社会信用代码有误：应为 18 位，末位为校验码（GB 32100-2015）。请核对营业执照。", "The unified social credit code is wrong: it has 18 characters, the last one a check character (GB 32100-2015). Check the business licence."},
	"apply.noroles":             {"请至少选择一个角色。", "Choose at least one role."},
	"apply.badkey":              {"管理员公钥格式有误，应为 dengta keys show 输出的 sm2:… 或 ed25519:…。", "The admin public key is not in the form sm2:… or ed25519:… that dengta keys show prints."},
	"apply.badproof":            {"持有证明无法验证：请用同一把密钥、按本页填写的机构标识和信用代码重新运行 dengta apply possession，再粘贴其输出。", "The proof of possession does not verify: run dengta apply possession again with the same key and the organisation id and code entered here, then paste what it prints."},
	"apply.status":              {"入盟申请", "Application"},
	"apply.ref":                 {"受理编号", "Reference number"},
	"apply.state":               {"状态", "Status"},
	"apply.submitted":           {"提交时间（区块高度）", "Submitted (block height)"},
	"apply.expires":             {"有效期至", "Open until"},
	"apply.relayer":             {"受理节点所属机构", "Taken by the node of"},
	"apply.proposal":            {"治理提案", "Governance proposal"},
	"apply.granted":             {"获准角色", "Roles granted"},
	"apply.reason":              {"原因", "Reason"},
	"apply.st.pending":          {"待审议", "Pending"},
	"apply.st.approved":         {"已通过", "Approved"},
	"apply.st.rejected":         {"未通过", "Rejected"},
	"apply.st.expired":          {"已过期", "Expired"},
	"apply.pendinghelp":         {"联盟成员正在审议。请收藏本页，随时查看进度。", "The members are considering it. Keep this page to follow it."},
	"apply.expiredhelp":         {"有效期内未获通过。可以重新提交申请。", "It was not approved within its period. You may apply again."},
	"apply.bundle":              {"下载入网包", "Download the join bundle"},
	"apply.bundlehelp":          {"下载入网包后，在本机构服务器上运行：", "Download the join bundle, then run on the organisation's server:"},
	"gov.title":                 {"联盟治理", "Consortium governance"},
	"gov.pending":               {"待审议的入盟申请", "Applications to consider"},
	"gov.none":                  {"没有待审议的申请。", "No application to consider."},
	"gov.contact":               {"联系人", "Contact"},
	"gov.contactelse":           {"联系方式保存在受理节点", "contact details kept by the node of"},
	"gov.admit":                 {"发起准入提案", "Propose to admit"},
	"gov.reasonlabel":           {"理由（可选）", "Reason (optional)"},
	"gov.reasontoolong":         {"理由最多 %d 个字，请精简后再提交", "The reason may be %d characters at most: shorten it"},
	"gov.asvalidator":           {"并作为验证节点", "and as a validator"},
	"gov.newroles":              {"设定的角色", "Roles to set"},
	"gov.rolesadded":            {"新增角色：", "Roles added: "},
	"gov.rolesremoved":          {"移除角色：", "Roles removed: "},
	"gov.rolesnone":             {"角色不变", "Roles unchanged"},
	"gov.voting":                {"表决中：提案", "Being voted: proposal"},
	"gov.open":                  {"表决中的提案", "Open proposals"},
	"gov.noopen":                {"没有表决中的提案。", "No open proposal."},
	"gov.kind":                  {"类型", "Kind"},
	"gov.votes":                 {"已投票", "Votes"},
	"gov.deadline":              {"截止", "Closes"},
	"gov.approve":               {"赞成", "Approve"},
	"gov.reject":                {"反对", "Reject"},
	"gov.voted":                 {"本机构已投票", "Your organisation voted"},
	"gov.closed":                {"已办结的申请", "Closed applications"},
	"gov.noclosed":              {"还没有办结的申请。", "No application has been decided yet."},
	"gov.recent":                {"近期提案", "Recent proposals"},
	"gov.proposed":              {"已发起准入提案：申请", "Proposed to admit application"},
	"gov.voted.yes":             {"已投赞成票：提案", "Voted for proposal"},
	"gov.voted.no":              {"已投反对票：提案", "Voted against proposal"},
	"gov.noproposal":            {"没有指明提案。", "No proposal was named."},
	"gov.adminonly":             {"只有本机构管理员可以发起提案和投票。", "Only your organisation's administrators propose and vote."},
	"nav.apply":                 {"申请入盟", "Apply to join"},
	"hall.governance":           {"联盟治理", "Governance"},
	"apply.wantsvalidator":      {"拟申请验证节点", "Will ask to validate"},
}
