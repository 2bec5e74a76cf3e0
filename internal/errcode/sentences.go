package errcode

import "strings"

// sentences say, for people, what each code means and what to do about
// it: [Chinese, English]. The pages show them before the chain's own
// words, and the API answers the one in the request's language as its
// hint.
var sentences = map[Code][2]string{
	Internal:        {"节点内部出错，操作没有完成。请稍后再试；仍然出错请联系本节点运维人员。", "The node failed inside; nothing was done. Try again later, and tell the node's operator if it happens again."},
	Malformed:       {"交易格式有误，操作没有完成。请刷新页面后重试。", "The transaction is malformed; nothing was done. Reload the page and try again."},
	TooLarge:        {"提交的内容太大。请减少一次提交的条目或附件。", "What you sent is too large. Send fewer items or smaller files at a time."},
	WrongChain:      {"交易签给了另一条链。请联系本节点运维人员。", "The transaction was signed for another chain. Tell the node's operator."},
	UnknownSigner:   {"签名密钥未在链上登记。请联系本机构管理员登记密钥。", "The signing key is not registered on chain. Ask your organisation's administrator to register it."},
	BadSignature:    {"签名验证失败。请重新登录后重试。", "The signature does not verify. Sign in again and retry."},
	NonceReplayed:   {"这笔交易已经提交过，未重复执行。请在记录中查看结果。", "This transaction was already sent and was not run twice. Look for its result in the records."},
	NonceGap:        {"本密钥还有交易在排队。请稍候片刻再提交。", "This key has transactions still queued. Wait a moment and send again."},
	Unauthorized:    {"本机构或本账号无权办理此项业务。请由具备相应角色的机构办理，或请联盟通过治理投票授权。", "Your organisation or account may not do this. Have an organisation with the needed role do it, or ask the consortium to authorise it by a governance vote."},
	MalformedBody:   {"填写的内容不符合要求。请按链上说明修改后重试。", "Something you entered is not valid. Correct it as the chain explains and try again."},
	UnknownAction:   {"本节点不支持这项业务。请联系本节点运维人员升级节点。", "This node does not offer this action. Ask the node's operator to upgrade it."},
	KeyInactive:     {"签名密钥或本机构已停用。请联系本机构管理员。", "The signing key or your organisation is deactivated. Ask your organisation's administrator."},
	NotFound:        {"找不到所引用的记录。请检查编号是否正确。", "A record you referred to does not exist. Check the number or id."},
	Conflict:        {"记录已经存在，或当前状态不允许这样办理。请刷新页面查看最新状态。", "The record exists already, or its current state does not allow this. Reload the page to see its current state."},
	RuleViolation:   {"业务规则不允许这样办理。请按链上说明调整后重试。", "A business rule does not allow this. Adjust as the chain explains and try again."},
	MempoolFull:     {"节点繁忙，暂时无法接收交易。请稍后重试。", "The node is busy and takes no transactions right now. Try again shortly."},
	Timeout:         {"交易未能在限定时间内上链。请稍后在记录中查看是否已完成，确认前不要重复提交。", "The transaction was not committed in time. Check the records shortly to see whether it went through before sending it again."},
	BadRequest:      {"请求有误。请检查填写的内容后重试。", "The request is not valid. Check what you entered and try again."},
	Unavailable:     {"节点暂时不可用（可能正在同步或停止）。请稍后重试。", "The node is not available right now (catching up or stopping). Try again later."},
	ProofInvalid:    {"证明未通过核验。", "The proof does not verify."},
	ForeignWrite:    {"模块内部错误，操作已被链拒绝。请联系本节点运维人员。", "A module failed inside and the chain refused the action. Tell the node's operator."},
	Unauthenticated: {"需要登录或签名后才能办理。请重新登录。", "You need to sign in for this. Sign in again."},
	RateLimited:     {"操作太频繁。请稍候再试。", "Too many requests. Wait a little and try again."},
}

// Sentence is what code c means and what to do about it, for people, in
// lang ("zh…" for Chinese, English otherwise); "" for OK and for a code
// this release does not know.
func Sentence(c Code, lang string) string { return pick(sentences, c, lang) }

// pick is c's sentence of set in lang; "" when set has none for c.
func pick(set map[Code][2]string, c Code, lang string) string {
	s, ok := set[c]
	if !ok {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return s[0]
	}
	return s[1]
}

// apiSentences replace, for programs calling the API, the sentences that
// speak of the hall (sign in, reload the page).
var apiSentences = map[Code][2]string{
	Malformed:       {"交易格式有误，未执行。请按交易信封格式（docs/adr/0002）重新编码并签名。", "The transaction is malformed; nothing was done. Encode and sign it again in the envelope format (docs/adr/0002)."},
	BadSignature:    {"签名验证失败，未执行。请检查签名所用的密钥、链标识和被签名的内容。", "The signature does not verify; nothing was done. Check the key that signed, the chain id and the bytes signed."},
	NotFound:        {"找不到所请求的内容。请检查编号，或对照 /openapi.json 检查请求路径。", "What you asked for does not exist. Check the id, or the path against /openapi.json."},
	Conflict:        {"记录已经存在，或其当前状态不允许这样办理。请重新读取其最新状态后再决定。", "The record exists already, or its current state does not allow this. Read its current state again before deciding."},
	BadRequest:      {"请求有误。请按接口说明（/openapi.json）修改后重试。", "The request is not valid. Correct it as the API document (/openapi.json) describes and try again."},
	Unauthenticated: {"此接口只答复成员机构。请用成员密钥签名请求（SDK：client.As），或携带 API 令牌。", "This answers member organisations only. Sign the request with a member key (SDK: client.As) or send an API token."},
}

// APISentence is Sentence as the API answers it: the same, but for the
// codes whose page sentence speaks of the hall.
func APISentence(c Code, lang string) string {
	if s := pick(apiSentences, c, lang); s != "" {
		return s
	}
	return Sentence(c, lang)
}
