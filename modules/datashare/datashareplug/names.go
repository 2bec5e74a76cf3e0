package datashareplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
)

// title is the module's name for people.
var title = [2]string{"数据共享", "Data sharing"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"set_exchange":       {"设定交换规则", "Set the exchange"},
	"register_subject":   {"登记数据主体", "Register a subject"},
	"rotate_subject_key": {"更换主体密钥", "Replace a subject's key"},
	"register_record":    {"登记数据记录", "Register a record"},
	"grant":              {"授权访问", "Grant access"},
	"deliver_keys":       {"交付密钥", "Deliver keys"},
	"revoke":             {"撤销授权", "Revoke access"},
	"subject_act":        {"数据主体授权操作", "Act as the subject"},
	"audit":              {"记录访问审计", "Record an access"},
	"break_glass":        {"紧急访问", "Emergency access"},
	"review_break_glass": {"复核紧急访问", "Review an emergency access"},
	"register_device":    {"登记设备", "Register a device"},
	"record_maintenance": {"记录维护", "Record maintenance"},
	"raise_alert":        {"发出告警", "Raise an alert"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	{Name: "datashare.domain", Values: datashareapi.Domains, Labels: pages.Messages{
		"medical": {"医疗", "Medical"}, "industrial": {"工业", "Industrial"},
	}},
	pages.EnumOf("datashare.record_type", append(append([]string{}, datashareapi.MedicalTypes...), datashareapi.IndustrialTypes...), messages, "dst."),
	pages.EnumOf("datashare.class", datashareapi.Classes, messages, "dsc."),
	pages.EnumOf("datashare.purpose", append(append([]string{datashareapi.PurposeEmergency}, datashareapi.MedicalPurposes...), datashareapi.IndustrialPurpose...), messages, "dsp."),
	pages.EnumOf("datashare.grant_status", []string{datashareapi.GrantProposed, datashareapi.GrantActive, datashareapi.GrantRefused,
		datashareapi.GrantRevoked, datashareapi.GrantPending, datashareapi.GrantExpired}, messages, "dsg."),
	pages.EnumOf("datashare.outcome", []string{datashareapi.OutcomeServe, datashareapi.OutcomeRefuse}, messages, "dso."),
	pages.EnumOf("datashare.break_glass", append(append([]string{}, datashareapi.BTGReasons...), datashareapi.BTGOpen, datashareapi.BTGJustified, datashareapi.BTGUnjustified), messages, "dsb."),
	{Name: "datashare.reason", Values: datashareapi.Reasons, Labels: pages.Messages{
		"no_grant":         {"没有授权", "No grant"},
		"not_grantee":      {"授权给了其他机构", "Granted to another organisation"},
		"not_active":       {"授权未生效（待同意或被拒绝）", "Grant not in force (awaiting consent or refused)"},
		"revoked":          {"授权已撤销", "Grant revoked"},
		"not_started":      {"授权期限未开始", "Grant not started yet"},
		"expired":          {"授权已过期", "Grant expired"},
		"out_of_scope":     {"超出授权范围", "Outside the grant's scope"},
		"class_denied":     {"记录密级高于授权", "Record more restricted than the grant"},
		"tag_denied":       {"记录含授权排除的敏感标签", "Record carries a sensitivity the grant excludes"},
		"no_break_glass":   {"没有这项紧急访问，或它不包括此记录", "No such emergency access, or it does not cover this record"},
		"break_glass_over": {"紧急访问已结束", "Emergency access over"},
		"no_credential":    {"未提供授权或紧急访问", "Neither a grant nor an emergency access given"},
		"unavailable":      {"数据所在节点暂无此文件", "The owner's node lacks the file"},
	}},
	{Name: "datashare.metric", Values: datashareapi.Metrics, Labels: pages.Messages{
		"vibration": {"振动", "Vibration"}, "temperature": {"温度", "Temperature"},
	}},
	{Name: "datashare.alert_rule", Values: datashareapi.AlertRules, Labels: pages.Messages{
		"zscore": {"偏离基线", "Off the baseline"}, "limit": {"超过限值", "Over the limit"},
	}},
	{Name: "datashare.severity", Values: datashareapi.Severities, Labels: pages.Messages{
		"warning": {"警告", "Warning"}, "critical": {"严重", "Critical"},
	}},
	{Name: "datashare.alert_status", Values: []string{datashareapi.AlertOpen, datashareapi.AlertResolved}, Labels: pages.Messages{
		"open": {"未处理", "Open"}, "resolved": {"已处理", "Resolved"},
	}},
	{Name: "datashare.maintenance", Values: datashareapi.MaintenanceKinds, Labels: pages.Messages{
		"inspection": {"检查", "Inspection"}, "lubrication": {"润滑", "Lubrication"}, "calibration": {"校准", "Calibration"},
		"repair": {"维修", "Repair"}, "replacement": {"更换部件", "Replacement"}, "overhaul": {"大修", "Overhaul"},
	}},
}
