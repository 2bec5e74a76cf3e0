package receivableplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/receivable/receivableapi"
)

// title is the module's name for people.
var title = [2]string{"应收账款", "Receivables"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"set_credit_line":       {"设定授信额度", "Set a credit line"},
	"issue":                 {"开立应收账款", "Issue a receivable"},
	"accept":                {"签收", "Accept"},
	"reject":                {"拒收", "Reject"},
	"cancel":                {"撤回", "Cancel"},
	"request_confirmation":  {"申请保兑", "Request confirmation"},
	"withdraw_confirmation": {"撤回保兑申请", "Withdraw a confirmation request"},
	"decline_confirmation":  {"拒绝保兑", "Decline confirmation"},
	"confirm":               {"保兑", "Confirm"},
	"split_transfer":        {"拆分转让", "Split and transfer"},
	"request_financing":     {"申请融资", "Request financing"},
	"approve_financing":     {"批准融资", "Approve financing"},
	"decline_financing":     {"拒绝融资", "Decline financing"},
	"settle":                {"到期兑付", "Settle"},
	"freeze":                {"冻结", "Freeze"},
	"unfreeze":              {"解冻", "Unfreeze"},
	"unfreeze_by_decision":  {"依联盟决议解冻", "Unfreeze by decision"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf("receivable.status", receivableapi.Statuses, messages, "rcstatus."),
	pages.EnumOf("receivable.log_kind", receivableapi.LogKinds, messages, "rckind."),
}
