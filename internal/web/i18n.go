package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/pages"
)

// The sentence of each error code ("apierr.<name>") is errcode's, which
// the API answers as its hint too.
func init() {
	for _, c := range errcode.All() {
		if zh := errcode.Sentence(c, "zh"); zh != "" {
			messages["apierr."+c.Name()] = [2]string{zh, errcode.Sentence(c, "en")}
		}
	}
}

// messages holds every text of the pages, by key, in both languages.
// Templates use {{t "key"}}; a missing key shows as the key itself, and a
// test requires every key used by a template to exist in both languages.
var messages = pages.Messages{ // [zh, en]
	"site.name":                      {"灯塔区块链服务大厅", "Dengta Blockchain Service Hall"},
	"site.tagline":                   {"联盟链存证 · 溯源 · 供应链金融", "Consortium chain for evidence, traceability and supply-chain finance"},
	"nav.home":                       {"首页", "Home"},
	"lang.switch":                    {"English", "中文"},
	"error.title":                    {"出错了", "Something went wrong"},
	"error.back":                     {"返回首页", "Back to the home page"},
	"apierr.format":                  {"{sentence}（链上说明：{detail}）", "{sentence} (the chain says: {detail})"},
	"apierr.cursor":                  {"翻页链接已失效或不属于这个列表，请回到列表的第一页。", "This page link does not belong to the list: open the list's first page again."},
	"apierr.other":                   {"操作没有完成。请检查填写的内容后重试。", "The action was not completed. Check what you entered and try again."},
	"error.notfound":                 {"没有找到这个页面或记录。", "This page or record does not exist."},
	"error.internal":                 {"节点内部错误，请稍后再试；运维人员可在节点日志中查看原因。", "Internal error on this node; try again later. The operator can find the cause in the node's log."},
	"home.title":                     {"欢迎使用灯塔区块链服务大厅", "Welcome to the Dengta blockchain service hall"},
	"home.chain":                     {"链标识", "Chain id"},
	"home.height":                    {"当前区块高度", "Current block height"},
	"check.bundle":                   {"证明文件", "Bundle"},
	"check.trusted validator set":    {"可信验证节点集合", "Trusted validator set"},
	"check.validator set":            {"验证节点集合", "Validator set"},
	"check.header":                   {"区块头", "Block header"},
	"check.signatures":               {"验证节点签名", "Validator signatures"},
	"check.merkle proof":             {"默克尔证明", "Merkle proof"},
	"check.record":                   {"记录内容", "Record"},
	"check.batch inclusion":          {"批量存证包含证明", "Batch inclusion"},
	"check.file":                     {"文件哈希比对", "File digests"},
	"check.bad":                      {"未通过：请展开技术细节查看原因。", "Failed: open the technical details for the reason."},
	"check.technical":                {"技术细节（英文）", "Technical details"},
	"check.bundle.ok":                {"证明文件格式正确，属于本链。", "The bundle is well-formed and for this chain."},
	"check.trusted validator set.ok": {"证明所用的验证节点集合与可信集合一致。", "The bundle's validators are the trusted set."},
	"check.validator set.ok":         {"验证节点集合完整。", "The validator set is complete."},
	"check.header.ok":                {"区块头与签名一致。", "The block header matches its signatures."},
	"check.signatures.ok":            {"超过三分之二投票权的验证节点签署了该区块。", "Validators with more than two thirds of the voting power signed the block."},
	"check.merkle proof.ok":          {"默克尔证明把记录与区块的状态根连在一起。", "The Merkle proof links the record to the block's state root."},
	"check.record.ok":                {"显示的记录就是链上证明的记录。", "The record shown is the one proven on chain."},
	"check.batch inclusion.ok":       {"该条目在批量存证记录之中。", "The item is in the batch record."},
	"check.file.ok":                  {"文件与证书记载的哈希一致。", "The file matches the certificate's digests."},
	"nav.hall":                       {"服务大厅", "Service hall"},
	"nav.login":                      {"登录", "Sign in"},
	"nav.logout":                     {"退出", "Sign out"},
	"nav.users":                      {"用户管理", "Users"},
	"login.title":                    {"登录服务大厅", "Sign in to the service hall"},
	"login.user":                     {"用户名", "User name"},
	"login.password":                 {"密码", "Password"},
	"login.submit":                   {"登录", "Sign in"},
	"login.bad":                      {"用户名或密码错误。", "Wrong user name or password."},
	"login.throttled":                {"尝试次数过多，请 {n} 秒后再试。", "Too many attempts; try again in {n} seconds."},
	"login.busy":                     {"节点正忙，请稍后再试。", "The node is busy; try again in a moment."},
	"hall.title":                     {"服务大厅", "Service hall"},
	"hall.welcome":                   {"欢迎", "Welcome"},
	"hall.comma":                     {"，", ", "},
	"hall.org":                       {"所属机构", "Organisation"},
	"hall.role":                      {"身份", "Role"},
	"hall.key":                       {"签名密钥", "Signing key"},
	"hall.csrf":                      {"表单已过期或来源不明，请刷新页面后重试。", "The form expired or did not come from this site; reload the page and try again."},
	"hall.signin":                    {"请先登录服务大厅。", "Sign in to the service hall first."},
	"hall.adminonly":                 {"只有机构管理员可以进行此操作。", "Only the organisation's administrators can do this."},
	"hall.scenarios":                 {"业务场景", "Scenarios"},
	"role.admin":                     {"管理员", "Administrator"},
	"role.staff":                     {"工作人员", "Staff"},
	"users.title":                    {"用户管理", "Users"},
	"users.name":                     {"用户名", "User name"},
	"users.display":                  {"姓名", "Full name"},
	"users.role":                     {"身份", "Role"},
	"users.key":                      {"链上密钥", "Key on chain"},
	"users.status":                   {"状态", "Status"},
	"users.active":                   {"正常", "Active"},
	"users.disabled":                 {"已停用", "Disabled"},
	"users.add":                      {"添加用户", "Add a user"},
	"users.password":                 {"初始密码（至少 8 位）", "Initial password (8 characters or more)"},
	"users.submit":                   {"添加并在链上登记密钥", "Add, and register the key on chain"},
	"users.added":                    {"已添加用户", "Added user"},
	"users.nouser":                   {"本机构没有这个用户。", "Your organisation has no such user."},
	"users.notself":                  {"不能停用自己的账号；请另一位管理员操作。", "You cannot disable your own account; ask another administrator."},
	"users.enabled":                  {"已启用用户", "Enabled user"},
	"users.disabledone":              {"已停用用户（其登录会话已结束）", "Disabled user (their sessions have ended)"},
	"users.passwordset":              {"已重设密码（其登录会话已结束）：", "Password reset (their sessions have ended):"},
	"users.actions":                  {"操作", "Actions"},
	"users.disable":                  {"停用", "Disable"},
	"users.enable":                   {"启用", "Enable"},
	"users.newpassword":              {"新密码", "New password"},
	"users.reset":                    {"重设密码", "Reset password"},
	"ex.redacted.all":                {"交易内容仅对联盟成员可见：公众可以看到交易所在区块和执行结果。成员请先登录服务大厅。", "Transaction details are for consortium members: the public sees its block and outcome. Members, sign in to the service hall."},
	"ex.redacted.body":               {"交易内容仅对交易各方、签名机构及监管、审计机构可见。", "The transaction's content is for its parties, the signing organisation, regulators and auditors."},
	"token.title":                    {"API 令牌", "API tokens"},
	"token.intro":                    {"本机构的业务系统可以用 API 令牌调用节点接口（请求头 Authorization: Bearer 令牌），代表本机构读取数据。令牌只在生成时显示一次；节点只保存其哈希。", "Your organisation's systems can call the node's API with an API token (header Authorization: Bearer <token>), reading as your organisation. A token is shown once, when it is made; the node keeps only its hash."},
	"token.name":                     {"令牌名称（如：ERP 系统）", "Token name (e.g. ERP system)"},
	"token.create":                   {"生成令牌", "Make a token"},
	"token.new":                      {"新令牌（请立即复制保存，离开本页后将无法再次查看）：", "New token (copy it now: it will not be shown again):"},
	"token.created":                  {"创建时间", "Created"},
	"token.revoke":                   {"吊销", "Revoke"},
	"token.revoked":                  {"令牌已吊销。", "Token revoked."},
	"token.none":                     {"没有这个令牌，或已被吊销。", "No such token, or it was revoked."},
	"token.badname":                  {"令牌名称须为 1–64 个字符。", "A token's name has 1–64 characters."},
	"token.many":                     {"每个用户最多 20 个令牌，请先吊销不用的令牌。", "A user has at most 20 tokens; revoke one you no longer use."},
	"token.empty":                    {"还没有令牌。", "No tokens yet."},
	"nav.account":                    {"我的账号", "My account"},
	"account.title":                  {"我的账号", "My account"},
	"account.change":                 {"修改密码", "Change password"},
	"account.current":                {"当前密码", "Current password"},
	"account.new":                    {"新密码（至少 8 位）", "New password (8 characters or more)"},
	"account.confirm":                {"再次输入新密码", "New password again"},
	"account.submit":                 {"修改密码", "Change password"},
	"account.changed":                {"密码已修改；其他设备上的登录已结束。", "Password changed; sign-ins on other devices have ended."},
	"account.badcurrent":             {"当前密码不正确。", "The current password is wrong."},
	"account.mismatch":               {"两次输入的新密码不一致。", "The two new passwords differ."},
	"users.taken":                    {"该用户名已被使用。", "That user name is taken."},
	"users.badname":                  {"用户名须为 3–32 位小写字母、数字或 . _ -", "A user name has 3–32 lowercase letters, digits, '.', '_' or '-'."},
	"users.weakpass":                 {"密码至少需要 8 个字符。", "A password needs at least 8 characters."},
	"nav.explorer":                   {"区块浏览器", "Explorer"},
	"ex.title":                       {"区块浏览器", "Block explorer"},
	"ex.chain":                       {"链标识", "Chain id"},
	"ex.height":                      {"区块高度", "Height"},
	"ex.time":                        {"出块时间", "Block time"},
	"ex.txs":                         {"交易数", "Transactions"},
	"ex.proposer":                    {"提议节点", "Proposer"},
	"ex.apphash":                     {"状态根", "App hash"},
	"ex.hash":                        {"区块哈希", "Block hash"},
	"ex.chart":                       {"近期每秒交易数", "Recent transactions per second"},
	"ex.peak":                        {"峰值", "Peak"},
	"ex.recent":                      {"最新区块", "Latest blocks"},
	"ex.older":                       {"更早的区块", "Older blocks"},
	"ex.block":                       {"区块", "Block"},
	"ex.tx":                          {"交易", "Transaction"},
	"ex.orgs":                        {"联盟成员与验证节点", "Members and validators"},
	"ex.validators":                  {"验证节点", "Validators"},
	"ex.sethash":                     {"验证节点集合哈希（离线验证的信任锚）", "Validator-set hash (the trust anchor for offline verification)"},
	"ex.power":                       {"投票权", "Voting power"},
	"ex.org":                         {"机构", "Organisation"},
	"ex.uscc":                        {"统一社会信用代码", "Unified social credit code"},
	"ex.roles":                       {"角色", "Roles"},
	"ex.module":                      {"模块", "Module"},
	"ex.action":                      {"操作", "Action"},
	"ex.signer":                      {"签名密钥", "Signer key"},
	"ex.ethhash":                     {"以太坊交易哈希", "Ethereum transaction hash"},
	"ex.result":                      {"结果", "Result"},
	"ex.body":                        {"交易内容", "Body"},
	"ex.signatures":                  {"上一区块签名数", "Signatures on the previous block"},
	"ex.badheight":                   {"区块高度必须是正整数。", "A block height is a positive integer."},
	"ex.badhash":                     {"交易哈希应为 64 位十六进制。", "A transaction hash has 64 hex digits."},
	"footer.trust":                   {"本页面由联盟成员节点提供。独立核验请下载证书，用灯塔命令行工具离线验证，无需信任任何服务器：", "This page is served by a consortium member's node. To check independently, download the certificate and check it offline with the Dengta command-line tool, trusting no server:"},
	"ex.tps":                         {"笔/秒", "tx/s"},
	"ex.nonce":                       {"交易序号", "nonce"},
	"module.identity":                {"成员与治理", "Members and governance"},
	"code.ok":                        {"成功", "Done"},
	"code.internal":                  {"节点内部错误", "Node failure"},
	"code.malformed_tx":              {"交易格式有误", "Malformed transaction"},
	"code.tx_too_large":              {"交易过大", "Transaction too large"},
	"code.wrong_chain":               {"签给了另一条链", "Signed for another chain"},
	"code.unknown_signer":            {"签名密钥未登记", "Unknown signing key"},
	"code.bad_signature":             {"签名无效", "Bad signature"},
	"code.nonce_replayed":            {"重复提交", "Sent twice"},
	"code.nonce_gap":                 {"序号不连续", "Out of order"},
	"code.unauthorized":              {"无权办理", "Not authorised"},
	"code.malformed_body":            {"内容不符合要求", "Invalid content"},
	"code.unknown_action":            {"不支持的业务", "Unknown action"},
	"code.key_inactive":              {"密钥或机构已停用", "Key or organisation deactivated"},
	"code.not_found":                 {"记录不存在", "No such record"},
	"code.conflict":                  {"状态冲突", "Conflict"},
	"code.rule_violation":            {"不符合业务规则", "Against the rules"},
	"code.mempool_full":              {"节点繁忙", "Node busy"},
	"code.timeout":                   {"超时", "Timed out"},
	"code.bad_request":               {"请求有误", "Bad request"},
	"code.unavailable":               {"节点暂不可用", "Node unavailable"},
	"code.proof_invalid":             {"证明无效", "Invalid proof"},
	"code.foreign_write":             {"模块越权写入", "Write outside the module"},
	"code.unauthenticated":           {"未登录", "Not signed in"},
	"code.rate_limited":              {"操作太频繁", "Too many requests"},
	"upgrade.title":                  {"软件升级", "Software upgrades"},
	"upgrade.link":                   {"软件升级", "Software upgrades"},
	"upgrade.chainversion":           {"链上应用版本", "Application version the chain runs"},
	"upgrade.softwareversion":        {"本节点软件支持的最高版本", "Highest version this node's software runs"},
	"upgrade.scheduled":              {"联盟已决定（提案 {proposal}）：自区块高度 {height} 起，链升级到应用版本 {version}（软件版本 {name}），距今还有 {left} 个区块。", "The consortium decided (proposal {proposal}): from block {height} the chain runs application version {version} (release {name}), {left} blocks from now."},
	"upgrade.ready":                  {"本节点软件已支持该版本，到达该高度后继续运行。", "This node's software runs it and carries on at that height."},
	"upgrade.notready":               {"本节点软件尚不支持该版本：请运维人员在该高度之前安装 {name}，否则节点将在该高度停止。", "This node's software does not run it yet: the operator must install {name} before that height, or the node stops there."},
	"upgrade.info":                   {"获取与校验方式", "Where to get it and how to check it"},
	"upgrade.none":                   {"目前没有已决定的软件升级。", "No software upgrade is scheduled."},
	"upgrade.done":                   {"已完成的升级", "Upgrades carried out"},
	"upgrade.nonedone":               {"链自创世以来未升级过。", "The chain has not been upgraded since genesis."},
	"upgrade.nostatus":               {"暂时无法获取本节点的升级状态。", "The node's upgrade status is not available right now."},
	"upgrade.release":                {"软件版本", "Release"},
	"upgrade.version":                {"应用版本", "Application version"},
	"upgrade.height":                 {"生效高度", "From height"},
	"upgrade.proposal":               {"提案", "Proposal"},
	"upgrade.howto":                  {"升级由机构管理员以治理提案决定（`dengta gov propose`，类型 `upgrade` 或 `cancel_upgrade`），见运维手册。", "Admins decide upgrades by governance proposals (`dengta gov propose`, kind `upgrade` or `cancel_upgrade`); see the operations runbook."},
	"upgrade.banner":                 {"软件升级：自区块高度 {height} 起链运行应用版本 {version}（{name}）。", "Software upgrade: from block {height} the chain runs application version {version} ({name})."},
}

// identityActions name the actions of the identity module, which every
// chain has, as each module's plug names its own (pages.Module.Actions).
var identityActions = pages.Messages{
	"register_key":   {"登记密钥", "Register a key"},
	"deactivate_key": {"停用密钥", "Deactivate a key"},
	"rotate_key":     {"更换密钥", "Replace a key"},
	"propose":        {"发起治理提案", "Make a governance proposal"},
	"vote":           {"治理投票", "Vote on a proposal"},
	"apply":          {"转交入链申请", "Relay an application to join"},
}

// CoreActions returns the names of the identity module's actions.
func CoreActions() pages.Messages { return identityActions }

// negotiate picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then Accept-Language, then Chinese.
func negotiate(w http.ResponseWriter, r *http.Request) Lang {
	if q := r.URL.Query().Get("lang"); q == "zh" || q == "en" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return Lang(q)
	}
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "zh" || c.Value == "en") {
		return Lang(c.Value)
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// fromAcceptLanguage returns the first of zh or en in an Accept-Language
// header, honouring q=0 as "not acceptable"; Chinese when neither appears.
func fromAcceptLanguage(h string) Lang {
	best, bestQ := ZH, -1.0
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		tag = strings.ToLower(tag)
		var l Lang
		switch {
		case strings.HasPrefix(tag, "zh"):
			l = ZH
		case strings.HasPrefix(tag, "en"):
			l = EN
		default:
			continue
		}
		// Earlier entries win ties, as browsers list preferences in order.
		if q > 0 && (q > bestQ || (q == bestQ && i == 0)) {
			best, bestQ = l, q
		}
	}
	return best
}

// parseQ reads a quality value; an unreadable one counts as 1.
func parseQ(s string) float64 {
	q, err := strconv.ParseFloat(s, 64)
	if err != nil || q < 0 || q > 1 {
		return 1
	}
	return q
}
