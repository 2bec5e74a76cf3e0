package evmplug

// reasons translates the module's refusal messages into Chinese for the
// hall: each key is the exact English format string the module refuses
// with, each value its Chinese, with {1}, {2}, ... for the format's
// arguments in order.
var reasons = map[string]string{
	"%s may not deploy contracts: deploying is for organisations with role %s, which governance grants (identity set_roles)": "{1} 无权部署合约：部署合约须具有 {2} 角色，该角色由联盟治理授予（`identity/propose`，类型 `set_roles`）",
	"%s: %q is not an address (0x and 40 hex digits)":                                                                        "{1}：“{2}”不是有效的地址（应为 `0x` 加 40 位十六进制数字）",
	"%s: %s has a wrong EIP-55 checksum (it should read %s)":                                                                 "{1}：{2} 的 `EIP-55` 校验和不正确（应写作 {3}）",
	"%s: %v (give 0x-prefixed hex with an even number of digits)":                                                            "{1}：{2}（请填写以 `0x` 开头、位数为偶数的十六进制数）",
	"abi is not a contract ABI (a JSON array of functions and events, as solc writes it): %v":                                "`abi` 不是合约 ABI（应为 solc 输出的、列出函数和事件的 JSON 数组）：{1}",
	"code is empty: give the contract's creation bytecode":                                                                   "`code` 为空：请提供合约的创建字节码",
	"contract %s was deployed by %s; only its deploying organisation describes it":                                           "合约 {1} 由 {2} 部署，只有部署机构可以登记其说明",
	"give a name, an ABI or both":                                                                                            "请填写名称（`name`）、ABI（`abi`）或两者",
	"insufficient gas for floor data gas cost: have %d, want %d":                                                             "交易的 `gas` 上限低于按数据计算的最低 `gas` 消耗：提供 {1}，至少需要 {2}",
	"intrinsic gas too low: have %d, want %d":                                                                                "交易的 `gas` 上限低于其固有 `gas` 消耗：提供 {1}，至少需要 {2}",
	"invalid chain id for signer: have %d want %d":                                                                           "签名所用的链 ID 不正确：交易为 {1}，本链为 {2}",
	"max initcode size exceeded: code size %d, limit %d":                                                                     "合约创建代码超过大小上限：代码为 {1} 字节，上限为 {2} 字节",
	"no contract %s deployed by a member (contracts created by other contracts have no record)":                              "找不到由成员机构部署的合约 {1}（由其他合约创建的合约没有登记记录）",
	"no contract at %s":                          "地址 {1} 上没有合约",
	"no contract record %s":                      "找不到合约 {1} 的登记记录",
	"no contract transaction %s":                 "找不到合约交易 {1}",
	"nonce has max value: address %s, nonce: %d": "地址 {1} 的 `nonce` 已达最大值（{2}），不能再发送交易",
	"query returned more than %d results; narrow the block range or the filter":                      "查询结果超过 {1} 条：请缩小区块范围或过滤条件",
	"this chain has no native coin: a transaction cannot send value (this one sends %s wei); send 0": "本链没有原生币，交易不能转账（本交易转出 {1} `wei`）：请将 `value` 设为 0",
	"transaction gas limit too high (cap: %d, tx: %d)":                                               "交易的 `gas` 上限过高（本链上限为 {1}，本交易为 {2}）",
}
