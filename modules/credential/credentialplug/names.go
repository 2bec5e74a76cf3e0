package credentialplug

import (
	"github.com/dengta-chain/dengta/internal/pages"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

// title is the module's name for people.
var title = [2]string{"可验证凭证", "Credentials"}

// actionNames name every action of the module for people (the explorer
// shows them); a registry-wide test fails when one is missing.
var actionNames = pages.Messages{ // [zh, en]
	"submit_type":        {"提交凭证类型", "Submit a credential type"},
	"register_type":      {"登记凭证类型", "Register a credential type"},
	"authorize_issuer":   {"授权签发机构", "Authorise an issuer"},
	"withdraw_issuer":    {"撤销签发授权", "Withdraw an issuer"},
	"add_key":            {"添加签发密钥", "Add an issuing key"},
	"revoke_key":         {"吊销签发密钥", "Revoke an issuing key"},
	"open_list":          {"开设状态列表", "Open a status list"},
	"anchor":             {"锚定凭证", "Anchor a credential"},
	"set_status":         {"设置凭证状态", "Set a credential's status"},
	"revoke_by_decision": {"依联盟决议吊销", "Revoke by decision"},
	"recognize":          {"认可外部签发机构", "Recognise an issuer"},
	"record_use":         {"记录使用", "Record a use"},
}

// enums are the module's value sets.
var enums = []pages.Enum{
	pages.EnumOf("credential.status", credentialapi.Statuses, messages, "vc.st."),
	pages.EnumOf("credential.check", credentialapi.Checks, messages, "vc.check."),
}
