package charityplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// title is the module's name for people.
var title = [2]string{"慈善公益", "Charity"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"register_org":    {"登记慈善组织", "Register a charity"},
	"file_project":    {"申报项目", "File a project"},
	"approve_project": {"批准项目", "Approve a project"},
	"donate":          {"捐赠", "Donate"},
	"donate_batch":    {"批量捐赠", "Batch donations"},
	"donate_in_kind":  {"实物捐赠", "Donate in kind"},
	"grant":           {"拨付资助", "Make a grant"},
	"confirm_grant":   {"确认收到资助", "Confirm a grant"},
	"disburse":        {"支出", "Disburse"},
	"distribute":      {"发放物资", "Distribute goods"},
	"accept":          {"签收物资", "Accept goods"},
	"dispute":         {"提出异议", "Raise a dispute"},
	"refund":          {"退款", "Refund"},
	"revise_budget":   {"调整预算", "Revise the budget"},
	"file_report":     {"提交报告", "File a report"},
	"close_project":   {"结项", "Close a project"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf("charity.org_kind", charityapi.OrgKinds, messages, "chorg."),
	pages.EnumOf("charity.category", charityapi.Categories, messages, "chcat."),
	pages.EnumOf("charity.report_kind", charityapi.ReportKinds, messages, "chrep."),
	pages.EnumOf("charity.channel", append(append([]string{}, charityapi.Channels...), "in_kind"), messages, "chchan."),
	pages.EnumOf("charity.project_status", charityapi.ProjectStatuses, messages, "chstatus."),
	pages.EnumOf("charity.acceptance", []string{charityapi.AcceptanceAccepted, charityapi.AcceptanceDisputed, charityapi.AcceptancePending, charityapi.AcceptanceNotNeeded}, messages, "chacc."),
}
