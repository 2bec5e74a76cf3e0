package web

import (
	"net/http"
	"strconv"
	"strings"
)

// Lang is a page language.
type Lang string

// The languages of the pages.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// messages holds every text of the pages, by key, in both languages.
// Templates use {{t "key"}}; a missing key shows as the key itself, and a
// test requires every key used by a template to exist in both languages.
var messages = map[string][2]string{ // [zh, en]
	"site.name":                   {"灯塔区块链服务大厅", "Dengta Blockchain Service Hall"},
	"site.tagline":                {"联盟链存证 · 溯源 · 供应链金融", "Consortium chain for evidence, traceability and supply-chain finance"},
	"nav.home":                    {"首页", "Home"},
	"nav.verify":                  {"存证验证", "Verify evidence"},
	"lang.switch":                 {"English", "中文"},
	"error.title":                 {"出错了", "Something went wrong"},
	"error.back":                  {"返回首页", "Back to the home page"},
	"error.notfound":              {"没有找到这个页面或记录。", "This page or record does not exist."},
	"error.internal":              {"节点内部错误，请稍后再试；运维人员可在节点日志中查看原因。", "Internal error on this node; try again later. The operator can find the cause in the node's log."},
	"home.title":                  {"欢迎使用灯塔区块链服务大厅", "Welcome to the Dengta blockchain service hall"},
	"home.chain":                  {"链标识", "Chain id"},
	"home.height":                 {"当前区块高度", "Current block height"},
	"home.verify.intro":           {"上传文件或输入哈希，验证它是否已在链上存证。", "Upload a file or enter a hash to check whether it was preserved on chain."},
	"cert.title":                  {"电子数据存证证书", "Electronic Evidence Certificate"},
	"cert.id":                     {"存证编号", "Evidence id"},
	"cert.depositor":              {"存证方", "Depositor"},
	"cert.uscc":                   {"统一社会信用代码", "Unified social credit code"},
	"cert.key":                    {"签名密钥", "Signing key"},
	"cert.time":                   {"存证时间", "Preserved at"},
	"cert.file":                   {"文件名称", "File name"},
	"cert.size":                   {"文件大小（字节）", "File size (bytes)"},
	"cert.mediatype":              {"文件类型", "Media type"},
	"cert.evtype":                 {"证据类型", "Evidence type"},
	"cert.description":            {"说明", "Description"},
	"cert.capture":                {"取证来源", "Captured from"},
	"cert.supplements":            {"补充的证据", "Supplements"},
	"cert.sm3":                    {"SM3 哈希值", "SM3 digest"},
	"cert.sha256":                 {"SHA-256 哈希值", "SHA-256 digest"},
	"cert.chain":                  {"区块链", "Chain"},
	"cert.height":                 {"区块高度", "Block height"},
	"cert.tx":                     {"交易哈希", "Transaction hash"},
	"cert.checks":                 {"链上核验结果", "Checks made against the chain"},
	"cert.scan":                   {"扫码验证", "Scan to verify"},
	"cert.print":                  {"打印证书", "Print"},
	"cert.download":               {"下载证书文件（离线验证用）", "Download the certificate file (for offline verification)"},
	"cert.offline":                {"离线验证：dengta verify --bundle 证书文件 --file 原始文件 --trust genesis.json", "Offline: dengta verify --bundle CERTIFICATE --file ORIGINAL --trust genesis.json"},
	"cert.statement":              {"兹证明下列电子数据的哈希值已于上述时间记录在联盟区块链上，由多数验证节点签名确认，此后未被修改。", "This certifies that the digests of the electronic data below were recorded on the consortium blockchain at the time stated, confirmed by the signatures of a majority of validators, and have not changed since."},
	"verify.title":                {"存证验证", "Verify evidence"},
	"verify.intro":                {"上传原始文件，或输入存证编号、SHA-256 / SM3 哈希值，查看链上记录与逐项核验结果。文件只在本机计算哈希，不会保存。", "Upload the original file, or enter an evidence id or a SHA-256 / SM3 digest, to see the record on chain and each check. An uploaded file is only hashed, never kept."},
	"verify.query":                {"存证编号或哈希值", "Evidence id or digest"},
	"verify.search":               {"查询", "Look up"},
	"verify.file":                 {"原始文件", "Original file"},
	"verify.cert":                 {"证书文件（批量存证的条目需要）", "Certificate file (needed for batch items)"},
	"verify.upload":               {"上传并验证", "Upload and verify"},
	"verify.none":                 {"链上没有找到这份电子数据的存证记录。", "No evidence record of this data on the chain."},
	"verify.ok":                   {"核验通过：该电子数据已在链上存证，且未被篡改。", "Verified: this data was preserved on chain and has not been altered."},
	"verify.okrecord":             {"核验通过：该存证记录在链上，证明有效。", "Verified: the record is on chain and its proof holds."},
	"verify.bad":                  {"核验未通过", "Verification failed"},
	"verify.uploaded":             {"上传文件的哈希值", "Digests of the uploaded file"},
	"verify.nofile":               {"请选择要验证的文件。", "Choose a file to verify."},
	"verify.toolarge":             {"文件太大，无法在线验证；请使用 dengta verify 离线验证。", "The file is too large to verify here; use dengta verify offline."},
	"verify.batchitem":            {"批量存证条目", "Batch item"},
	"check.bundle":                {"证明文件", "Bundle"},
	"check.trusted validator set": {"可信验证节点集合", "Trusted validator set"},
	"check.validator set":         {"验证节点集合", "Validator set"},
	"check.header":                {"区块头", "Block header"},
	"check.signatures":            {"验证节点签名", "Validator signatures"},
	"check.merkle proof":          {"默克尔证明", "Merkle proof"},
	"check.record":                {"记录内容", "Record"},
	"check.batch inclusion":       {"批量存证包含证明", "Batch inclusion"},
	"check.file":                  {"文件哈希比对", "File digests"},
	"nav.hall":                    {"服务大厅", "Service hall"},
	"nav.login":                   {"登录", "Sign in"},
	"nav.logout":                  {"退出", "Sign out"},
	"nav.users":                   {"用户管理", "Users"},
	"login.title":                 {"登录服务大厅", "Sign in to the service hall"},
	"login.user":                  {"用户名", "User name"},
	"login.password":              {"密码", "Password"},
	"login.submit":                {"登录", "Sign in"},
	"login.bad":                   {"用户名或密码错误。", "Wrong user name or password."},
	"login.locked":                {"登录失败次数过多，请几分钟后再试。", "Too many failed sign-ins; try again in a few minutes."},
	"hall.title":                  {"服务大厅", "Service hall"},
	"hall.welcome":                {"欢迎", "Welcome"},
	"hall.org":                    {"所属机构", "Organisation"},
	"hall.role":                   {"身份", "Role"},
	"hall.key":                    {"签名密钥", "Signing key"},
	"hall.csrf":                   {"表单已过期或来源不明，请刷新页面后重试。", "The form expired or did not come from this site; reload the page and try again."},
	"hall.adminonly":              {"只有机构管理员可以进行此操作。", "Only the organisation's administrators can do this."},
	"hall.scenarios":              {"业务场景", "Scenarios"},
	"role.admin":                  {"管理员", "Administrator"},
	"role.staff":                  {"工作人员", "Staff"},
	"users.title":                 {"用户管理", "Users"},
	"users.name":                  {"用户名", "User name"},
	"users.display":               {"姓名", "Full name"},
	"users.role":                  {"身份", "Role"},
	"users.key":                   {"链上密钥", "Key on chain"},
	"users.status":                {"状态", "Status"},
	"users.active":                {"正常", "Active"},
	"users.disabled":              {"已停用", "Disabled"},
	"users.add":                   {"添加用户", "Add a user"},
	"users.password":              {"初始密码（至少 8 位）", "Initial password (8 characters or more)"},
	"users.submit":                {"添加并在链上登记密钥", "Add, and register the key on chain"},
	"users.added":                 {"已添加用户", "Added user"},
	"users.taken":                 {"该用户名已被使用。", "That user name is taken."},
	"users.badname":               {"用户名须为 3–32 位小写字母、数字或 . _ -", "A user name has 3–32 lowercase letters, digits, '.', '_' or '-'."},
	"users.weakpass":              {"密码至少需要 8 个字符。", "A password needs at least 8 characters."},
	"hn.title":                    {"电子数据存证", "Evidence preservation"},
	"hn.intro":                    {"选择文件上链存证：文件保存在本机构节点，链上只记录其 SM3 与 SHA-256 哈希值。完成后可打印存证证书。", "Preserve a file on chain: the file stays on your organisation's node, only its SM3 and SHA-256 digests go on chain. You can print its certificate afterwards."},
	"hn.file":                     {"要存证的文件", "File to preserve"},
	"hn.supplements":              {"补充已有存证（可选，填写存证编号）", "Supplements an earlier record (optional evidence id)"},
	"hn.submit":                   {"存证", "Preserve"},
	"hn.list":                     {"本机构的存证记录", "Your organisation's evidence"},
	"hn.none":                     {"还没有存证记录。", "No evidence preserved yet."},
	"hn.more":                     {"更早的记录", "Older records"},
	"evtype.contract":             {"合同", "Contract"},
	"evtype.invoice":              {"发票", "Invoice"},
	"evtype.document":             {"文档", "Document"},
	"evtype.image":                {"图片", "Image"},
	"evtype.audio":                {"音频", "Audio"},
	"evtype.video":                {"视频", "Video"},
	"evtype.webpage":              {"网页", "Web page"},
	"evtype.email":                {"电子邮件", "E-mail"},
	"evtype.chat":                 {"聊天记录", "Chat"},
	"evtype.code":                 {"源代码", "Source code"},
	"evtype.data":                 {"数据", "Data"},
	"evtype.other":                {"其他", "Other"},
	"nav.explorer":                {"区块浏览器", "Explorer"},
	"ex.title":                    {"区块浏览器", "Block explorer"},
	"ex.chain":                    {"链标识", "Chain id"},
	"ex.height":                   {"区块高度", "Height"},
	"ex.time":                     {"出块时间", "Block time"},
	"ex.txs":                      {"交易数", "Transactions"},
	"ex.proposer":                 {"提议节点", "Proposer"},
	"ex.apphash":                  {"状态根", "App hash"},
	"ex.hash":                     {"区块哈希", "Block hash"},
	"ex.chart":                    {"近期每秒交易数", "Recent transactions per second"},
	"ex.peak":                     {"峰值", "Peak"},
	"ex.recent":                   {"最新区块", "Latest blocks"},
	"ex.older":                    {"更早的区块", "Older blocks"},
	"ex.block":                    {"区块", "Block"},
	"ex.tx":                       {"交易", "Transaction"},
	"ex.orgs":                     {"联盟成员与验证节点", "Members and validators"},
	"ex.validators":               {"验证节点", "Validators"},
	"ex.sethash":                  {"验证节点集合哈希（离线验证的信任锚）", "Validator-set hash (the trust anchor for offline verification)"},
	"ex.power":                    {"投票权", "Voting power"},
	"ex.org":                      {"机构", "Organisation"},
	"ex.roles":                    {"角色", "Roles"},
	"ex.module":                   {"模块", "Module"},
	"ex.action":                   {"操作", "Action"},
	"ex.signer":                   {"签名密钥", "Signer key"},
	"ex.result":                   {"结果", "Result"},
	"ex.body":                     {"交易内容", "Body"},
	"ex.signatures":               {"上一区块签名数", "Signatures on the previous block"},
	"ex.badheight":                {"区块高度必须是正整数。", "A block height is a positive integer."},
	"ex.badhash":                  {"交易哈希应为 64 位十六进制。", "A transaction hash has 64 hex digits."},
	"hr.title":                    {"供应链金融 · 应收账款", "Supply-chain finance · receivables"},
	"hr.receivable":               {"应收账款", "Receivable"},
	"hr.today":                    {"链上日期", "Chain date"},
	"hr.held":                     {"持有的应收账款", "Receivables held"},
	"hr.incoming":                 {"待签收", "Waiting for your acceptance"},
	"hr.none":                     {"暂无。", "None."},
	"hr.id":                       {"编号", "Id"},
	"hr.face":                     {"面额（元）", "Face (yuan)"},
	"hr.settled":                  {"已兑付（元）", "Settled (yuan)"},
	"hr.obligor":                  {"付款方（核心企业）", "Obligor"},
	"hr.holder":                   {"持有方", "Holder"},
	"hr.maturity":                 {"到期日", "Maturity"},
	"hr.status":                   {"状态", "Status"},
	"hr.amount":                   {"金额", "Amount"},
	"hr.issue":                    {"开立应收账款", "Issue a receivable"},
	"hr.to":                       {"收款方（供应商）", "To (supplier)"},
	"hr.contract":                 {"合同编号", "Contract no."},
	"hr.invoiceno":                {"发票号码", "Invoice no."},
	"hr.invoiceamount":            {"发票金额（元）", "Invoice amount (yuan)"},
	"hr.invoicefile":              {"发票文件（保存在本节点，链上记录哈希）", "Invoice file (kept on this node; its hash goes on chain)"},
	"hr.deliveryfiles":            {"交货单据（可多选）", "Delivery documents (one or more)"},
	"hr.submitissue":              {"开立", "Issue"},
	"hr.credit":                   {"授信额度", "Credit line"},
	"hr.limit":                    {"额度（元）", "Limit (yuan)"},
	"hr.outstanding":              {"已用（元）", "Outstanding (yuan)"},
	"hr.available":                {"可用（元）", "Available (yuan)"},
	"hr.setcredit":                {"设置授信额度", "Set a credit line"},
	"hr.book":                     {"融资业务", "Financing book"},
	"hr.requests":                 {"待审批融资申请", "Financing requests to decide"},
	"hr.approve":                  {"放款", "Approve and pay out"},
	"hr.decline":                  {"拒绝", "Decline"},
	"hr.advance":                  {"放款金额（元）", "Advance (yuan)"},
	"hr.discount":                 {"贴息（元）", "Discount (yuan)"},
	"hr.overview":                 {"监管总览", "Regulator's overview"},
	"hr.longterm":                 {"期限超过 6 个月的应收账款", "Receivables with terms over 6 months"},
	"hr.frozen":                   {"已冻结", "Frozen"},
	"hr.overdue":                  {"已逾期", "Overdue"},
	"hr.open":                     {"未兑付总额（元）", "Open total (yuan)"},
	"hr.lineage":                  {"拆分流转图", "Lineage"},
	"hr.log":                      {"流转记录", "History"},
	"hr.actions":                  {"操作", "Actions"},
	"hr.accept":                   {"签收", "Accept"},
	"hr.reject":                   {"拒收", "Reject"},
	"hr.reason":                   {"原因", "Reason"},
	"hr.cancel":                   {"撤回", "Cancel"},
	"hr.confirm":                  {"保兑", "Confirm (保兑)"},
	"hr.split":                    {"拆分转让", "Split and transfer"},
	"hr.splithelp":                {"填写一个或多个受让方与金额；剩余部分留在本机构。", "Give one or more receivers and amounts; the rest stays with your organisation."},
	"hr.finance":                  {"申请融资", "Request financing"},
	"hr.bank":                     {"融资银行", "Bank"},
	"hr.rate":                     {"年化利率（基点，365 = 3.65%）", "Annual rate (basis points, 365 = 3.65%)"},
	"hr.fee":                      {"手续费（元）", "Fee (yuan)"},
	"hr.recourse":                 {"有追索权", "With recourse"},
	"hr.settle":                   {"到期兑付", "Settle at maturity"},
	"hr.freeze":                   {"冻结", "Freeze"},
	"hr.unfreeze":                 {"解冻", "Unfreeze"},
	"hr.done":                     {"已提交上链：", "Committed:"},
	"hr.badrate":                  {"利率须为整数基点。", "The rate is a whole number of basis points."},
	"hr.needinvoice":              {"请上传发票文件。", "Upload the invoice file."},
	"hr.needdelivery":             {"请上传至少一份交货单据。", "Upload at least one delivery document."},
	"hr.unknownaction":            {"未知的操作。", "Unknown action."},
	"hr.trade":                    {"贸易背景", "Trade background"},
	"rcstatus.pending_acceptance": {"待签收", "Waiting for acceptance"},
	"rcstatus.active":             {"持有中", "Active"},
	"rcstatus.financing_pending":  {"融资审批中", "Financing requested"},
	"rcstatus.split":              {"已拆分", "Split"},
	"rcstatus.settled":            {"已兑付", "Settled"},
	"rcstatus.overdue":            {"已逾期", "Overdue"},
	"rcstatus.cancelled":          {"已撤回", "Cancelled"},
	"rcstatus.rejected":           {"已拒收", "Rejected"},
	"rcaction.issue":              {"开立", "issue"},
	"rcaction.accept":             {"签收", "accept"},
	"rcaction.reject":             {"拒收", "reject"},
	"rcaction.cancel":             {"撤回", "cancel"},
	"rcaction.confirm":            {"保兑", "confirm"},
	"rcaction.split_transfer":     {"拆分转让", "split and transfer"},
	"rcaction.request_financing":  {"申请融资", "financing request"},
	"rcaction.approve_financing":  {"放款", "financing approval"},
	"rcaction.decline_financing":  {"拒绝融资", "financing declined"},
	"rcaction.settle":             {"兑付", "settlement"},
	"rcaction.freeze":             {"冻结", "freeze"},
	"rcaction.unfreeze":           {"解冻", "unfreeze"},
	"rcaction.set_credit_line":    {"设置授信额度", "credit line"},
	"scan.genuine":                {"✓ 正品：本码记录完整，未发现异常。", "✓ Genuine: the code's record is complete and nothing looks wrong."},
	"scan.warning":                {"⚠ 请注意：本码有可疑之处。", "⚠ Take care: something about this code looks unusual."},
	"scan.danger":                 {"✗ 警告：本码很可能被复制或商品有问题，请谨慎购买。", "✗ Warning: this code is probably copied or the product has a problem; be careful."},
	"scan.recalled":               {"召回通知：", "Recall:"},
	"scan.recalledhelp":           {"本商品所属批次已被召回，请勿食用或使用，并联系购买的商店。", "this product's lot was recalled. Do not use it; contact the shop you bought it from."},
	"scan.count":                  {"扫码次数（含本次）", "Scans (this one included)"},
	"scan.first":                  {"首次扫码", "First scanned"},
	"scan.code":                   {"商品码", "Code"},
	"scan.origin":                 {"产地与来源", "Origin"},
	"scan.producer":               {"生产者", "Producer"},
	"scan.region":                 {"产地", "Grown or made in"},
	"scan.lot":                    {"批次", "Lot"},
	"scan.produced":               {"生产日期", "Produced on"},
	"scan.expires":                {"保质期至", "Best before"},
	"scan.seller":                 {"销售方", "Sold by"},
	"scan.certs":                  {"认证", "Certifications"},
	"scan.journey":                {"流通历程", "Journey"},
	"scan.erroneous":              {"已声明为错误记录", "declared erroneous"},
	"scan.city":                   {"您所在的城市（可选，帮助识别假冒）", "Your city (optional; helps spot copied codes)"},
	"scan.cityexample":            {"例如：合肥", "e.g. Hefei"},
	"scan.setcity":                {"保存", "Save"},
	"scan.privacy":                {"我们只记录扫码时间、您自愿填写的城市和一个随机设备编号的哈希值，不收集任何个人信息。", "We record only the time, the city you chose to give, and the hash of a random device number: no personal data."},
	"scan.badcode":                {"这不是有效的商品码。", "This is not a valid product code."},
	"certstatus.valid":            {"有效", "Valid"},
	"certstatus.expired":          {"已过期", "Expired"},
	"certstatus.revoked":          {"已撤销", "Revoked"},
	"certstatus.not_yet_valid":    {"未生效", "Not yet valid"},
	"bizstep.commissioning":       {"赋码上市", "Commissioned"},
	"bizstep.shipping":            {"发货", "Shipped"},
	"bizstep.receiving":           {"收货", "Received"},
	"bizstep.retail_selling":      {"零售售出", "Sold"},
	"bizstep.dispensing":          {"药房发药", "Dispensed"},
	"bizstep.recalling":           {"召回", "Recalled"},
	"bizstep.destroying":          {"销毁", "Destroyed"},
	"bizstep.packing":             {"装箱", "Packed"},
	"bizstep.unpacking":           {"拆箱", "Unpacked"},
	"bizstep.inspecting":          {"检验", "Inspected"},
	"bizstep.storing":             {"入库", "Stored"},
	"bizstep.transforming":        {"加工", "Processed"},
	"bizstep.decommissioning":     {"注销", "Decommissioned"},
	"ht.title":                    {"产品追溯与防伪", "Traceability and anti-counterfeit"},
	"ht.product":                  {"登记产品", "Register a product"},
	"ht.name":                     {"名称", "Name"},
	"ht.nameen":                   {"英文名称", "English name"},
	"ht.brand":                    {"品牌", "Brand"},
	"ht.spec":                     {"规格", "Specification"},
	"ht.registerproduct":          {"登记产品", "Register the product"},
	"ht.location":                 {"登记地点", "Register a location"},
	"ht.address":                  {"地址", "Address"},
	"ht.loctype":                  {"类型", "Type"},
	"ht.registerlocation":         {"登记地点", "Register the location"},
	"ht.lot":                      {"登记批次", "Register a lot"},
	"ht.lotno":                    {"批次号", "Lot number"},
	"ht.region":                   {"产地", "Region of origin"},
	"ht.farm":                     {"果园 / 工厂", "Farm or factory"},
	"ht.origingln":                {"产地 GLN（可选，须已登记）", "Origin GLN (optional, registered)"},
	"ht.produced":                 {"生产 / 采摘日期", "Produced or harvested on"},
	"ht.expires":                  {"保质期至", "Best before"},
	"ht.quantity":                 {"数量", "Quantity"},
	"ht.registerlot":              {"登记批次", "Register the lot"},
	"ht.commission":               {"赋码：生成单品码", "Commission items: give them codes"},
	"ht.lotid":                    {"批次（GS1 数字链接路径）", "Lot (GS1 Digital Link path)"},
	"ht.prefix":                   {"序列号前缀", "Serial prefix"},
	"ht.start":                    {"起始号", "First number"},
	"ht.count":                    {"数量（最多 1000）", "How many (at most 1,000)"},
	"ht.commit":                   {"赋码上链", "Commission"},
	"ht.event":                    {"记录流通事件", "Record an event"},
	"ht.step":                     {"业务环节", "Business step"},
	"ht.epcs":                     {"单品码（每行一个）", "Item codes, one per line"},
	"ht.to":                       {"发往（发货时）", "Ship to (for shipping)"},
	"ht.record":                   {"记录上链", "Record"},
	"ht.printlabels":              {"打印二维码标签", "Print the QR labels"},
	"ht.labels":                   {"二维码标签", "QR labels"},
	"ht.labelshelp":               {"每个二维码指向该单品的公开扫码页。打印后贴在包装上。", "Each code leads to the item's public scan page. Print and stick them on the boxes."},
	"ht.badlot":                   {"批次应为 /01/GTIN/10/批次号 的形式。", "A lot looks like /01/GTIN/10/LOT."},
	"ht.badcount":                 {"数量须为 1 到 1000。", "The count must be 1 to 1,000."},
	"ht.badquantity":              {"数量须为整数。", "The quantity must be a whole number."},
	"ht.act.product":              {"产品登记", "product registered"},
	"ht.act.location":             {"地点登记", "location registered"},
	"ht.act.lot":                  {"批次登记", "lot registered"},
	"ht.act.commission":           {"赋码", "items commissioned"},
	"ht.act.event":                {"事件记录", "event recorded"},
	"footer.trust":                {"本页面由联盟成员节点提供。独立核验请下载证书并使用 dengta verify 离线验证，无需信任任何服务器。", "This page is served by a consortium member's node. To check independently, download the certificate and run dengta verify offline: no server needs to be trusted."},
}

// T returns the text of key in lang.
func T(lang Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == EN {
		return m[1]
	}
	return m[0]
}

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

// reasons are the risk verdict's reasons, with {param} placeholders.
var reasons = map[string][2]string{
	"many_scans":         {"该码已被扫描 {count} 次，超过正常的 {limit} 次。", "This code was scanned {count} times, more than the usual {limit}."},
	"many_locations":     {"该码在 {count} 个不同地点被扫描。", "This code was scanned in {count} different places."},
	"scanned_after_sale": {"售出（{sold_at}）后有 {devices} 台不同设备扫描此码，可能是复制码。", "{devices} different devices scanned this code after it was sold ({sold_at}): it may be a copy."},
	"fast_move":          {"{from_time} 在{from}、{to_time} 在{to}被扫描，仅相隔 {minutes} 分钟。", "Scanned in {from} at {from_time} and in {to} at {to_time}, only {minutes} minutes apart."},
	"recalled":           {"所属批次 {lot} 已被召回。", "Its lot {lot} was recalled."},
	"expired":            {"所属批次已于 {expires_on} 过期。", "Its lot expired on {expires_on}."},
	"ended":              {"该商品已被销毁或注销，其码却仍在被扫描。", "The item was destroyed or decommissioned, yet its code is still being scanned."},
}

// reasonText renders a risk reason in lang.
func reasonText(lang Lang, code string, params map[string]string) string {
	m, ok := reasons[code]
	if !ok {
		return code
	}
	s := m[0]
	if lang == EN {
		s = m[1]
	}
	for k, v := range params {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}
