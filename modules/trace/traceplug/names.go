package traceplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/trace/traceapi"
)

// title is the module's name for people.
var title = [2]string{"产品溯源", "Traceability"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"assign_prefix":        {"分配厂商识别代码", "Assign a company prefix"},
	"register_product":     {"登记产品", "Register a product"},
	"register_lot":         {"登记批次", "Register a lot"},
	"register_location":    {"登记地点", "Register a location"},
	"register_party":       {"登记参与方", "Register a party"},
	"capture":              {"记录溯源事件", "Record events"},
	"certify":              {"出具检验证书", "Certify"},
	"revoke_certification": {"撤销检验证书", "Revoke a certification"},
	"record_scans":         {"记录扫码", "Record scans"},
	"record_member_scans":  {"记录成员扫码", "Record members' scans"},
}

// locationTypes name the kinds of registered place.
var locationTypes = pages.Messages{
	"farm":      {"农场 / 果园", "Farm or orchard"},
	"factory":   {"工厂", "Factory"},
	"warehouse": {"仓库", "Warehouse"},
	"store":     {"门店", "Store"},
	"hospital":  {"医院", "Hospital"},
	"pharmacy":  {"药房", "Pharmacy"},
	"dock":      {"码头 / 月台", "Dock"},
	"vehicle":   {"运输车辆", "Vehicle"},
	"other":     {"其他", "Other"},
}

// errorReasons name why an event was declared erroneous.
var errorReasons = pages.Messages{
	"did_not_occur":  {"未曾发生", "Did not happen"},
	"incorrect_data": {"数据有误", "Wrong data"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	{Name: "trace.location_type", Values: traceapi.LocationTypes, Labels: locationTypes},
	pages.EnumOf("trace.biz_step", traceapi.BizSteps, messages, "bizstep."),
	pages.EnumOf("trace.cert_status", []string{traceapi.CertValid, traceapi.CertExpired, traceapi.CertRevoked, traceapi.CertNotYetValid}, messages, "certstatus."),
	{Name: "trace.error_reason", Values: traceapi.ErrorReasons, Labels: errorReasons},
}
