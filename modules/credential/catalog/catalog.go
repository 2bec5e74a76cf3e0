// Package catalog holds the credential types Dengta's demo consortium
// registers (电子证照目录): each a template with labelled claims and the
// JSON Schema of its credentialSubject, ready for credential/submit_type.
// The dev chain's demo, the tests and the benchmark use them; a real
// consortium writes its own and registers them by governance decisions.
package catalog

import (
	"encoding/json"
	"fmt"

	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

// Type ids.
const (
	BusinessLicence = "BusinessLicenceCredential"       // 营业执照
	RealEstate      = "RealEstateCertificateCredential" // 不动产权证书
	Degree          = "DegreeCredential"                // 学位证书
	Notarial        = "NotarialCertificateCredential"   // 公证书
	Quality         = "QualityCertificateCredential"    // 品质认证证书
)

// claim is one claim with its schema.
type claim struct {
	name, zh, en string
	fixed        bool
	schema       map[string]any
}

var (
	text = func(max int) map[string]any {
		return map[string]any{"type": "string", "minLength": 1, "maxLength": max}
	}
	// past is the date of something that has happened when the
	// credential is issued (vc.PastKeyword).
	past = map[string]any{"type": "string", "format": "date", "notAfterIssuance": true}
	// USCC is the unified social credit code (GB 32100-2015), its last
	// character checked (vc.CheckKeyword).
	uscc = map[string]any{"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", "checkCharacter": "GB 32100-2015"}
	// idNumber is a resident identity card number (GB 11643-1999), its
	// last character checked (vc.CheckKeyword).
	idNumber = map[string]any{"type": "string", "pattern": "^[1-9][0-9]{16}[0-9X]$", "checkCharacter": "GB 11643-1999"}
)

func def(id, name, nameEN, desc string, days int, required []string, claims ...claim) credentialapi.TypeDef {
	props := map[string]any{}
	d := credentialapi.TypeDef{ID: id, Name: name, NameEN: nameEN, Description: desc, ValidityDays: days}
	for _, c := range claims {
		s := map[string]any{}
		for k, v := range c.schema {
			s[k] = v
		}
		s["title"] = c.zh
		props[c.name] = s
		d.Claims = append(d.Claims, credentialapi.Claim{Name: c.name, ZH: c.zh, EN: c.en, Fixed: c.fixed})
	}
	schema := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"title":                name,
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	}
	b, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("catalog: %s: %v", id, err))
	}
	d.Schema = string(b)
	return d
}

// Types returns the catalogue, freshly made.
func Types() []credentialapi.TypeDef {
	return []credentialapi.TypeDef{
		def(BusinessLicence, "营业执照", "Business licence", "市场主体登记机关核发的营业执照（电子营业执照）。", 0,
			[]string{"uscc", "name", "legalRepresentative", "establishedDate"},
			claim{"uscc", "统一社会信用代码", "Unified social credit code", true, uscc},
			claim{"name", "名称", "Name", true, text(100)},
			claim{"entityType", "类型", "Type of entity", false, text(60)},
			claim{"legalRepresentative", "法定代表人", "Legal representative", false, text(40)},
			claim{"registeredCapital", "注册资本", "Registered capital", false, text(40)},
			claim{"establishedDate", "成立日期", "Date of establishment", false, past},
			claim{"businessTerm", "营业期限", "Business term", false, text(60)},
			claim{"domicile", "住所", "Domicile", false, text(200)},
			claim{"businessScope", "经营范围", "Business scope", false, text(1000)},
		),
		def(RealEstate, "不动产权证书", "Real estate title certificate", "不动产登记机构颁发的不动产权证书。", 0,
			[]string{"certificateNumber", "owner", "location", "unitNumber", "rightType", "registrationDate"},
			claim{"certificateNumber", "证书号", "Certificate number", false, text(60)},
			claim{"owner", "权利人", "Owner", false, text(100)},
			claim{"ownerIdNumber", "证件号码", "Owner's ID number", false, text(30)},
			claim{"jointOwnership", "共有情况", "Joint ownership", false, text(40)},
			claim{"location", "坐落", "Location", false, text(200)},
			claim{"unitNumber", "不动产单元号", "Real estate unit number", false, map[string]any{"type": "string", "pattern": "^[0-9]{12}[A-Z]{2}[0-9]{5}[A-Z][0-9]{8}$"}},
			claim{"rightType", "权利类型", "Type of right", false, text(60)},
			claim{"rightNature", "权利性质", "Nature of the right", false, text(40)},
			claim{"use", "用途", "Use", false, text(40)},
			claim{"area", "面积", "Area", false, text(60)},
			claim{"termOfUse", "使用期限", "Term of use", false, text(60)},
			claim{"registrationDate", "登记日期", "Date of registration", false, past},
		),
		def(Degree, "学位证书", "Degree certificate", "学位授予单位颁发的学位证书。", 0,
			[]string{"certificateNumber", "holderName", "degree", "institution", "conferralDate"},
			claim{"certificateNumber", "证书编号", "Certificate number", false, text(40)},
			claim{"holderName", "姓名", "Name", false, text(40)},
			claim{"gender", "性别", "Gender", false, map[string]any{"type": "string", "enum": []string{"男", "女"}}},
			claim{"birthDate", "出生日期", "Date of birth", false, past},
			claim{"idNumber", "身份证号", "ID number", false, idNumber},
			claim{"degree", "学位", "Degree", false, text(40)},
			claim{"major", "专业", "Major", false, text(60)},
			claim{"institution", "学位授予单位", "Conferring institution", false, text(100)},
			claim{"conferralDate", "授予日期", "Date conferred", false, past},
		),
		def(Notarial, "公证书", "Notarial certificate", "公证机构出具的公证书。", 0,
			[]string{"certificateNumber", "party", "matter", "statement", "issueDate"},
			claim{"certificateNumber", "公证书编号", "Certificate number", false, text(60)},
			claim{"party", "当事人", "Party", false, text(100)},
			claim{"partyIdNumber", "证件号码", "Party's ID number", false, text(30)},
			claim{"matter", "公证事项", "Matter notarised", false, text(60)},
			claim{"statement", "证词", "Notarial statement", false, text(2000)},
			claim{"notary", "承办公证员", "Notary", false, text(40)},
			claim{"issueDate", "出具日期", "Date of issue", false, past},
		),
		def(Quality, "品质认证证书", "Quality certification", "产业联盟对获证产品出具的品质认证证书。", 365,
			[]string{"certificateNumber", "enterprise", "product", "standard"},
			claim{"certificateNumber", "证书编号", "Certificate number", true, text(40)},
			claim{"enterprise", "获证单位", "Certified enterprise", true, text(100)},
			claim{"uscc", "统一社会信用代码", "Unified social credit code", false, uscc},
			claim{"product", "产品名称", "Product", true, text(100)},
			claim{"origin", "产地", "Origin", false, text(100)},
			claim{"standard", "执行标准", "Standard", false, text(100)},
			claim{"grade", "等级", "Grade", false, text(20)},
		),
	}
}

// Get returns the catalogue's type id.
func Get(id string) (credentialapi.TypeDef, bool) {
	for _, t := range Types() {
		if t.ID == id {
			return t, true
		}
	}
	return credentialapi.TypeDef{}, false
}
