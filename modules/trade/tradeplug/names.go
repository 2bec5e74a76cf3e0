package tradeplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/trade"
	"github.com/dengta-chain/dengta/modules/trade/tradeapi"
)

// title is the module's name for people.
var title = [2]string{"国际贸易单证", "Trade documents"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"issue_ebl":               {"签发电子提单", "Issue an eBL"},
	"transfer_ebl":            {"转让电子提单", "Transfer an eBL"},
	"accept_ebl":              {"接收电子提单", "Accept an eBL"},
	"reject_ebl":              {"拒收电子提单", "Reject an eBL"},
	"withdraw_transfer":       {"撤回转让", "Withdraw a transfer"},
	"amend_ebl":               {"申请修改提单", "Request an eBL amendment"},
	"answer_ebl_amendment":    {"答复提单修改", "Answer an eBL amendment"},
	"surrender_ebl":           {"交回提单", "Surrender an eBL"},
	"release_goods":           {"放货", "Release the goods"},
	"switch_to_paper":         {"转为纸质提单", "Switch to paper"},
	"set_calendar":            {"设定银行工作日历", "Set the banking calendar"},
	"issue_credit":            {"开立信用证", "Issue a letter of credit"},
	"advise_credit":           {"通知信用证", "Advise a letter of credit"},
	"amend_credit":            {"修改信用证", "Amend a letter of credit"},
	"answer_credit_amendment": {"答复信用证修改", "Answer a credit amendment"},
	"present_documents":       {"交单", "Present documents"},
	"examine_documents":       {"审单", "Examine documents"},
	"waive_discrepancies":     {"接受不符点", "Waive discrepancies"},
	"return_documents":        {"退单", "Return documents"},
	"honour":                  {"承付", "Honour"},
	"reimburse":               {"偿付", "Reimburse"},
	"release_documents":       {"放单", "Release documents"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf(trade.EnumEBLStatus, tradeapi.EBLStatuses, messages, "trs."),
	pages.EnumOf("trade.presentation_status", tradeapi.PresStatuses, messages, "trs."),
	pages.EnumOf(trade.EnumCreditStatus, tradeapi.CreditStatuses, messages, "trc."),
	pages.EnumOf("trade.endorsement", tradeapi.Endorsements, messages, "tr.end."),
	{Name: "trade.amendment_status", Values: tradeapi.AmendStatuses, Labels: pages.Messages{
		"pending": {"待答复", "Pending"}, "consented": {"已同意", "Consented"}, "declined": {"已拒绝", "Declined"},
		"accepted": {"已接受", "Accepted"}, "rejected": {"已拒绝", "Rejected"},
	}},
	{Name: "trade.surrender_purpose", Values: tradeapi.Purposes, Labels: pages.Messages{
		"delivery": {"提货", "For delivery"}, "switch_to_paper": {"换发纸质提单", "For a paper bill"},
	}},
	{Name: "trade.freight", Values: tradeapi.Freights, Labels: pages.Messages{
		"prepaid": {"运费预付", "Prepaid"}, "collect": {"运费到付", "Collect"},
	}},
	{Name: "trade.availability", Values: tradeapi.Availabilities, Labels: pages.Messages{
		"sight_payment": {"即期付款", "Sight payment"}, "deferred_payment": {"延期付款", "Deferred payment"},
		"acceptance": {"承兑", "Acceptance"}, "negotiation": {"议付", "Negotiation"},
	}},
	{Name: "trade.doc_type", Values: tradeapi.DocTypes, Labels: pages.Messages{
		"bill_of_lading": {"提单", "Bill of lading"}, "commercial_invoice": {"商业发票", "Commercial invoice"},
		"certificate_of_origin": {"原产地证书", "Certificate of origin"}, "packing_list": {"装箱单", "Packing list"},
		"insurance": {"保险单据", "Insurance document"}, "phytosanitary_certificate": {"植物检疫证书", "Phytosanitary certificate"},
		"inspection_certificate": {"检验证书", "Inspection certificate"},
	}},
	{Name: "trade.ebl_step", Values: tradeapi.EBLStepActions, Labels: pages.Messages{
		"issue": {"签发", "Issued"}, "transfer_offered": {"发起转让", "Transfer offered"}, "transfer_accepted": {"接收转让", "Transfer accepted"},
		"transfer_rejected": {"拒收转让", "Transfer rejected"}, "transfer_withdrawn": {"撤回转让", "Transfer withdrawn"},
		"amendment_proposed": {"提出修改", "Amendment proposed"}, "amendment_consented": {"同意修改", "Amendment consented"},
		"amendment_declined": {"拒绝修改", "Amendment declined"}, "presented": {"随单据提交", "Presented with documents"},
		"surrendered_for_delivery": {"交回提货", "Surrendered for delivery"}, "surrendered_for_switch_to_paper": {"交回换发纸质提单", "Surrendered for a paper bill"},
		"goods_released": {"已放货", "Goods released"}, "switched_to_paper": {"已换发纸质提单", "Switched to paper"},
		"documents_returned": {"退单", "Documents returned"}, "forwarded_to_issuing_bank": {"转交开证行", "Forwarded to the issuing bank"},
		"released_to_applicant": {"放单给申请人", "Released to the applicant"},
	}},
	{Name: "trade.credit_step", Values: tradeapi.CreditStepActions, Labels: pages.Messages{
		"issued": {"开立", "Issued"}, "advised": {"通知", "Advised"}, "amendment_issued": {"发出修改", "Amendment issued"},
		"amendment_accepted": {"接受修改", "Amendment accepted"}, "amendment_rejected": {"拒绝修改", "Amendment rejected"},
		"presented": {"交单", "Documents presented"}, "examined": {"审单", "Documents examined"},
		"discrepancies_waived": {"接受不符点", "Discrepancies waived"}, "documents_returned": {"退单", "Documents returned"},
		"honoured": {"承付", "Honoured"}, "reimbursed": {"偿付", "Reimbursed"}, "documents_released": {"放单", "Documents released"},
	}},
}
