package carbonplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/carbon/carbonapi"
)

// title is the module's name for people.
var title = [2]string{"碳排放与绿证", "Carbon and green certificates"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"submit_project":      {"提交减排项目", "Submit a project"},
	"register_project":    {"登记减排项目", "Register a project"},
	"submit_monitoring":   {"提交监测报告", "Submit monitoring"},
	"verify_monitoring":   {"核查监测报告", "Verify monitoring"},
	"issue_credits":       {"签发减排量", "Issue credits"},
	"transfer":            {"转让", "Transfer"},
	"retire":              {"注销抵消", "Retire"},
	"cancel":              {"作废", "Cancel"},
	"open_compliance":     {"开启履约期", "Open a compliance period"},
	"allocate":            {"分配配额", "Allocate allowances"},
	"file_emissions":      {"报送排放量", "File emissions"},
	"verify_emissions":    {"核查排放量", "Verify emissions"},
	"surrender":           {"清缴履约", "Surrender"},
	"register_plant":      {"登记发电厂", "Register a plant"},
	"issue_gec":           {"核发绿证", "Issue green certificates"},
	"claim_gec":           {"申领绿证", "Claim green certificates"},
	"declare_consumption": {"申报用电量", "Declare consumption"},
	"publish_footprint":   {"发布碳足迹", "Publish a footprint"},
	"assure_footprint":    {"鉴证碳足迹", "Assure a footprint"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf("carbon.unit_kind", carbonapi.UnitKinds, messages, "cbkind."),
	pages.EnumOf("carbon.state", append([]string{carbonapi.Active}, carbonapi.ClosureKinds...), messages, "cb.state."),
	pages.EnumOf("carbon.closure", carbonapi.ClosureKinds, messages, "cb.cert."),
	pages.EnumOf("carbon.project_status", []string{carbonapi.StatusSubmitted, carbonapi.StatusRegistered, carbonapi.StatusVerified, carbonapi.StatusRejected}, messages, "cbstatus."),
	pages.EnumOf("carbon.compliance", []string{carbonapi.ComplianceAwaitingReport, carbonapi.ComplianceReportOverdue, carbonapi.ComplianceAwaitingVerification,
		carbonapi.ComplianceOpen, carbonapi.ComplianceCompliant, carbonapi.ComplianceNonCompliant}, messages, "cbcomp."),
	pages.EnumOf("carbon.sector", carbonapi.Sectors, messages, "cbsector."),
	pages.EnumOf("carbon.technology", carbonapi.Technologies, messages, "cbtech."),
	pages.EnumOf("carbon.boundary", carbonapi.Boundaries, messages, "cbbound."),
	pages.EnumOf("carbon.assurance_level", carbonapi.AssuranceLvls, messages, "cblevel."),
	pages.EnumOf("carbon.opinion", carbonapi.Opinions, messages, "cbopinion."),
	{Name: "carbon.footprint_status", Values: []string{"Active", "Deprecated"}, Labels: pages.Messages{
		"Active": {"现行版本", "Current version"}, "Deprecated": {"已被新版本取代", "Superseded"},
	}},
	{Name: "carbon.declared_unit", Values: carbonapi.DeclaredUnits, Labels: pages.Messages{
		"kilogram": {"千克", "kilogram"}, "liter": {"升", "litre"}, "piece": {"件", "piece"}, "cubic meter": {"立方米", "cubic metre"},
		"kilowatt hour": {"千瓦时", "kilowatt hour"}, "megajoule": {"兆焦", "megajoule"}, "ton kilometer": {"吨公里", "tonne kilometre"},
		"square meter": {"平方米", "square metre"},
	}},
}
