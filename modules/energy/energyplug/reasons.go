package energyplug

// reasons translates the module's refusal messages into Chinese for the
// hall: each key is the exact English format string the module refuses
// with, each value its Chinese, with {1}, {2}, ... for the format's
// arguments in order.
var reasons = map[string]string{
	"%d participants' readings of %s are not all in; settlement waits for them until %s, then counts missing ones as zero": "有 {1} 个交易用户在时段 {2} 的电表读数尚未上传齐全：结算须等待至 {3}，届时仍缺失的读数按零计",
	"%s %q must be %d to %d letters, digits or '-', e.g. %s":                                                               "{1}“{2}”须为 {3} 至 {4} 个字母、数字或 `-`，例如 {5}",
	"%s has %s orders in interval %s; a participant takes one side of an interval":                                         "{1} 在时段 {3} 已有方向为 {2} 的申报：同一时段内交易用户只能买入或卖出其中一个方向",
	"%s has no active meter in zone %s; the grid operator registers one first":                                             "{1} 在片区 {2} 没有在运电表：须先由电网企业登记智能电表",
	"%s is required, e.g. %s":                "{1} 为必填项，例如 {2}",
	"%s must be 0 to %d fen per kWh, got %d": "{1} 须为 0 至 {2} 分/千瓦时，实际为 {3}",
	"%s's meters (%d W) move at most %d Wh in %d minutes; %d Wh are ordered already":                         "{1} 的电表（额定功率合计 {2} 瓦）每 {4} 分钟最多购入或售出 {3} 瓦时电量（1 千瓦时 = 1000 瓦时），本时段已申报 {5} 瓦时，请减少申报电量",
	"%s.sig is not a signature in hex":                                                                       "{1} 的 `sig` 不是十六进制形式的签名",
	"%s: interval %s ends at %s; a reading is posted after its interval":                                     "{1}：时段 {2} 于 {3} 结束，读数须在时段结束后上传",
	"%s: meter %s (%d W) cannot read more than %d Wh in %d minutes":                                          "{1}：电表 {2}（额定功率 {3} 瓦）在 {5} 分钟内的读数不能超过 {4} 瓦时",
	"%s: meter %s is %s's in zone %s; its readings are posted by %s or the zone's operator %s":               "{1}：电表 {2} 属于片区 {4} 的 {3}，其读数只能由 {5} 或该片区的电网企业 {6} 上传",
	"%s: meter %s was retired: %s":                                                                           "{1}：电表 {2} 已退役：{3}",
	"%s: meter %s's reading of %s is in the batch twice":                                                     "{1}：电表 {2} 在时段 {3} 的读数在本批中重复出现",
	"%s: meter %s's reading of %s is recorded already; a reading is never replaced":                          "{1}：电表 {2} 在时段 {3} 的读数已上链，读数一经记录不可替换",
	"%s: registers are 0 or more Wh":                                                                         "{1}：电表示数不能为负数（单位为瓦时）",
	"capacity_w must be 1 to 1000000000 W":                                                                   "`capacity_w`（额定功率）须为 1 至 1000000000 瓦",
	"feed_in_fen %d is above retail_fen %d: a participant would be paid more for an imbalance than it costs": "`feed_in_fen`（上网电价）{1} 高于 `retail_fen`（购电价）{2}：交易用户的偏差电量所得将高于其应付，上网电价不能高于购电价",
	"id %q is not an order id zone:interval:seq":                                                             "`id`“{1}”不是申报编号：申报编号格式为 `zone:interval:seq`（片区、时段、序号以冒号连接）",
	"interval %s had no orders; there is nothing to settle":                                                  "时段 {1} 没有申报，无需结算",
	"interval %s has begun; tariffs change only for intervals still open for trading":                        "时段 {1} 已开始：电价只能对仍可申报的时段调整",
	"interval %s has no orders to clear":                                                                     "时段 {1} 没有可出清的申报",
	"interval %s is %s already":                                                                              "时段 {1} 的状态已为 {2}",
	"interval %s is delivered until %s; it is settled after":                                                 "时段 {1} 的交割至 {2} 结束，之后方可结算",
	"interval %s is more than %s ahead; orders open two days before delivery":                                "时段 {1} 距今超过 {2}：申报自交割前两天起开放",
	"interval %s is not cleared yet; clear it first":                                                         "时段 {1} 尚未出清，请先出清",
	"interval %s is open for trading until %s; it is cleared when its gate closes":                           "时段 {1} 的申报截至 {2}，闸门关闭后方可出清",
	"interval %s is settled already":                                                                         "时段 {1} 已结算",
	"interval: %v":                                                                                           "`interval`（时段）无效：{1}",
	"interval_minutes %d is not one of %v":                                                                   "`interval_minutes`（交易时段）{1} 无效，须为以下之一：{2}",
	"meter %s is registered already":                                                                         "电表 {1} 已登记",
	"meter %s was retired: %s":                                                                               "电表 {1} 已退役：{2}",
	"no meter %q; the zone's grid operator registers it first (register_meter)":                              "找不到电表“{1}”：须先由所在片区的电网企业登记该电表（`register_meter`）",
	"no order %q": "找不到申报“{1}”",
	"no trading zone %q; a grid operator opens it first (open_zone)": "找不到交易片区“{1}”：须先由电网企业开设该片区（`open_zone`）",
	"order %s is %s":                         "申报 {1} 当前状态为 {2}，无法撤销",
	"order %s is %s's; only it withdraws it": "申报 {1} 属于 {2}，只有申报方可以撤销",
	"org: %s holds %v; a meter measures a participant holding the role %s":        "`org`：{1} 的角色为 {2}，电表只能登记给具有 {3} 角色的交易用户",
	"price_cap_fen must be 1 to %d":                                               "`price_cap_fen`（报价上限）须为 1 至 {1} 分/千瓦时",
	"public_key is required: the meter's own Ed25519 or SM2 key":                  "`public_key` 为必填项：请填写电表自身的 Ed25519 或 SM2 公钥",
	"quantity_wh must be 1 Wh to 1000000000000 Wh (1 TWh), got %d":                "`quantity_wh` 须为 1 至 1000000000000 瓦时（即 1 太瓦时），实际为 {1}",
	"readings: give 1 to %d readings":                                             "`readings`：每笔须包含 1 至 {1} 条读数",
	"readings[%d]: the signature is not meter %s's over its registers":            "`readings` 中下标为 {1} 的读数：签名不是电表 {2} 对该读数示数所作的签名，请核对读数与电表",
	"the book of %s is full (%d orders)":                                          "时段 {1} 的申报已满（{2} 笔）",
	"the gate of interval %s closed at its start, %s; order for a later interval": "时段 {1} 的闸门已于其开始时刻 {2} 关闭，请申报之后的时段",
	"the gate of interval %s closed; its orders stand":                            "时段 {1} 的闸门已关闭，其申报不能再撤销",
	"the key %s is meter %s's; every meter has its own key":                       "密钥 {1} 已属于电表 {2}：每块电表须使用各自的密钥",
	"the tariffs already change at %s; a change starts after it":                  "电价已定于时段 {1} 调整，新的调整须从该时段之后开始",
	"zone %s is open already":                                                     "片区 {1} 已开设",
	"zone %s is operated by %s; only its operator may %s":                         "片区 {1} 由 {2} 运营，只有该片区的电网企业可以办理此操作（{3}）",
	"zone %s keeps %d tariffs at most":                                            "片区 {1} 最多保留 {2} 条电价",
}

// reasonWords are the actions the module's refusals name ("zone %s is
// operated by %s; only its operator may %s"), in the hall's words.
var reasonWords = map[string]string{
	"set its tariffs":      "设定电价",
	"register its meters":  "登记电表",
	"retire its meters":    "停用电表",
	"clear its intervals":  "出清时段",
	"settle its intervals": "结算时段",
}
