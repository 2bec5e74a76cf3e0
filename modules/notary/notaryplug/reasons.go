package notaryplug

// reasons translates the module's refusal messages into Chinese for the
// hall: each key is the exact English format string the module refuses
// with, each value its Chinese, with {1}, {2}, ... for the format's
// arguments in order.
var reasons = map[string]string{
	"%s %q is not a record id like %s":                                        "{1}“{2}”不是有效的记录编号，编号格式如 {3}",
	"%s already exists with different content; records are never overwritten": "{1} 已存在且内容不同：链上记录不可覆盖",
	"%s already owns work %s, the first registration of this file":            "{1} 已拥有作品 {2}，即该文件的在先登记，无需重复登记",
	"%s already owns work %s; a transfer needs another organisation":          "{1} 已是作品 {2} 的权利人：转让须指定其他机构",
	"%s already registered this file as work %s":                              "{1} 已将该文件登记为作品 {2}",
	"%s is required":                                                                                   "{1} 为必填项",
	"%s must be 64 hex digits, got %q":                                                                 "{1} 须为 64 位十六进制数字，实际为“{2}”",
	"%s owns work %s and cannot license it to itself":                                                  "{1} 是作品 {2} 的权利人，不能许可给自身",
	"%s proposed this settlement itself; the other party accepts it":                                   "{1} 是该和解方案的提出方：须由争议另一方接受",
	"authors must list 1 to 20 names, got %d":                                                          "`authors` 须列出 1 至 20 位作者，实际为 {1} 位",
	"batch %s already records root %s with %d items, not %d":                                           "批次 {1} 已记录默克尔根 {2}，条目数为 {3}，而非 {4}：同一默克尔根的条目数不能改变，请核对 `size`",
	"capture.captured_at %q is not an RFC 3339 time like 2026-01-02T15:04:05+08:00":                    "`capture.captured_at`“{1}”不是 `RFC 3339` 格式的时间，格式如 `2026-01-02T15:04:05+08:00`",
	"capture.captured_at is required when capture is given (RFC 3339, like 2026-01-02T15:04:05+08:00)": "填写 `capture` 时，`capture.captured_at`（取证时间）为必填项（`RFC 3339` 格式，如 `2026-01-02T15:04:05+08:00`）",
	"capture.source_url %q is not an absolute URL":                                                     "`capture.source_url`“{1}”不是绝对 URL：须包含协议，如 `https://`",
	"capture.source_url must have at most 2048 bytes":                                                  "`capture.source_url` 不能超过 2048 字节",
	"capture.source_url must not contain spaces or control characters":                                 "`capture.source_url` 不能包含空格或控制字符",
	"capture.tool must have at most 128 bytes":                                                         "`capture.tool` 不能超过 128 字节",
	"created_on %s is after the block date %s (China Standard Time)":                                   "`created_on`（创作日期）{1} 晚于区块日期 {2}（北京时间）",
	"file_name is required":                                                                            "`file_name`（文件名称）为必填项",
	"file_name must be the file's name without directories (such as 合同.pdf), got %q":                   "`file_name` 须为不含目录的文件名（如 `合同.pdf`），实际为“{1}”",
	"file_name must have at most 255 bytes, it has %d":                                                 "`file_name` 不能超过 255 字节，实际为 {1} 字节",
	"item_format must be %q, got %q":                                                                   "`item_format` 须为“{1}”，实际为“{2}”",
	"media_type %q must be a lowercase type/subtype of at most 127 bytes, like application/pdf":        "`media_type`“{1}”须为小写的“类型/子类型”形式，不超过 127 字节，如 `application/pdf`",
	"media_type is required, for example application/pdf":                                              "`media_type`（文件类型）为必填项，如 `application/pdf`",
	"no batch %q": "没有批次“{1}”",
	"no batch %q (batch ids look like BA20260101-0123456789ABCDEF0123)":       "没有批次“{1}”（批次编号格式如 `BA20260101-0123456789ABCDEF0123`）",
	"no dispute of %q: not a work id":                                         "没有“{1}”的争议：这不是有效的作品编号",
	"no evidence %q":                                                          "没有存证“{1}”",
	"no evidence %q (evidence ids look like EV20260101-0123456789ABCDEF0123)": "没有存证“{1}”（存证编号格式如 `EV20260101-0123456789ABCDEF0123`）",
	"no settlement of the dispute of work %s is proposed; one party proposes (propose_settlement), the other accepts": "作品 {1} 的争议尚无待接受的和解方案：须由一方提出和解方案（`propose_settlement`），再由另一方接受",
	"no work %q": "没有作品“{1}”",
	"no work %q (work ids look like WK20260101-0123456789ABCDEF0123)":                                                                                                      "没有作品“{1}”（作品编号格式如 `WK20260101-0123456789ABCDEF0123`）",
	"only the owners of the disputed registrations, %s (%s) and %s (%s), may %s; otherwise a court resolves it (resolve_dispute)":                                          "只有争议登记的权利人 {1}（{2}）和 {3}（{4}）可以办理此操作（{5}）；否则由法院裁决（`resolve_dispute`）",
	"prevailing: %s is not party to the dispute of %s; name %s (the later registration) or %s (the first)":                                                                 "`prevailing`：{1} 不是作品 {2} 所涉争议中的登记，请填写 {3}（在后登记）或 {4}（在先登记）",
	"proposal_seq %d is not the standing proposal of the dispute of work %s, which is entry %d by %s; read it again before accepting":                                      "`proposal_seq` {1} 不是作品 {2} 所涉争议当前待接受的和解方案：当前方案为 {4} 提出的第 {3} 条记录，请重新查看后再接受",
	"proposal_seq is required: the log entry of the settlement proposal accepted (the dispute's proposal.seq)":                                                             "`proposal_seq` 为必填项：请填写所接受和解方案的记录序号（即争议的 `proposal.seq`）",
	"size is required: the file's length in bytes":                                                                                                                         "`size` 为必填项：文件大小，单位为字节",
	"size must be 1 to %d items, got %d":                                                                                                                                   "`size` 须为 1 至 {1} 个条目，实际为 {2}",
	"size must not be negative":                                                                                                                                            "`size` 不能为负数",
	"status %q: give open or resolved, or nothing for every dispute":                                                                                                       "状态“{1}”无效：请填写 `open`（待解决）或 `resolved`（已解决），不填则查询全部争议",
	"the dispute of work %s was resolved at height %d by %s's %s: %s prevails":                                                                                             "作品 {1} 的争议已于区块高度 {2} 由 {3} 解决（解决方式：{4}），确认有效的登记为 {5}",
	"until %s is before from %s":                                                                                                                                           "`until`（截止日期）{1} 早于 `from`（起始日期）{2}",
	"work %s already has an exclusive licence to %s from %s until %s (log entry %d); exclusive licences may not overlap":                                                   "作品 {1} 已独占许可给 {2}，期限自 {3} 至 {4}（记录第 {5} 条）；独占许可的期限不得重叠",
	"work %s belongs to %s; only its owner may %s it":                                                                                                                      "作品 {1} 的权利人为 {2}，只有权利人可以办理此操作（{3}）",
	"work %s is a first registration, not a disputed one; a dispute is named by the later registration, whose conflicts_with is %s":                                        "作品 {1} 是在先登记，而非有争议的在后登记：争议须以在后登记指明，该登记的 `conflicts_with` 为 {2}",
	"work %s is in a copyright dispute with %s and cannot be %s until a court resolves it (resolve_dispute) or the parties settle (propose_settlement, accept_settlement)": "作品 {1} 与 {2} 存在版权争议，在法院裁决（`resolve_dispute`）或双方和解（`propose_settlement`、`accept_settlement`）之前不能办理此操作（{3}）",
	"work %s lost its copyright dispute to %s and cannot be %s (see GET /v1/notary/works/%s)":                                                                              "作品 {1} 在版权争议中未获确认，确认有效的登记为 {2}，不能办理此操作（{3}）；详见 `GET /v1/notary/works/`{4}",
	"work %s opened no dispute (it is not a disputed registration)":                                                                                                        "作品 {1} 没有争议：它不是有争议的在后登记",
}

// reasonWords are the actions and phrases the module's refusals name
// ("work %s belongs to %s; only its owner may %s it"), in the hall's
// words.
var reasonWords = map[string]string{
	// Descriptions the code glues to an id ("credit "+no), {} the id.
	"evidence ":                             "存证",
	"batch ":                                "批量存证",
	"work ":                                 "作品",
	"transfer":                              "版权转让",
	"transferred":                           "版权转让",
	"license":                               "版权许可",
	"licensed":                              "版权许可",
	"licensed exclusively":                  "独占许可",
	"propose a settlement":                  "提出和解方案",
	"accept a settlement":                   "接受和解方案",
	"a later registration of the same file": "同一文件的一项在后登记",
	"further notice":                        "另行通知",
}
