package charity

import (
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// The IATI 2.03 activity export of a project (International Aid
// Transparency Initiative, https://iatistandard.org). Codes are from the
// IATI code lists: organisation identifiers are CN-USCI-<unified social
// credit code> (org-id.guide); OrganisationType 60 foundation, 22 national
// NGO; OrganisationRole 1 funding, 4 implementing; ActivityStatus 1
// pipeline (filed), 2 implementation (open), 4 closed; ActivityDateType 1
// planned start, 2 actual start, 3 planned end, 4 actual end;
// TransactionType 1 incoming funds, 3 disbursement, 4 expenditure;
// BudgetType 1 original, BudgetStatus 2 committed; DocumentCategory A07
// review of project performance; SectorVocabulary 1 OECD DAC 5-digit.

type iatiActivities struct {
	XMLName   xml.Name       `xml:"iati-activities"`
	Version   string         `xml:"version,attr"`
	Generated string         `xml:"generated-datetime,attr"`
	Activity  []iatiActivity `xml:"iati-activity"`
}

type narrative struct {
	Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

type narratives struct {
	Narrative []narrative `xml:"narrative"`
}

type iatiOrg struct {
	Ref        string      `xml:"ref,attr,omitempty"`
	Type       string      `xml:"type,attr,omitempty"`
	Role       string      `xml:"role,attr,omitempty"`
	ActivityID string      `xml:"activity-id,attr,omitempty"`
	Narrative  []narrative `xml:"narrative"`
}

type codeAttr struct {
	Code       string `xml:"code,attr"`
	Vocabulary string `xml:"vocabulary,attr,omitempty"`
	Percentage string `xml:"percentage,attr,omitempty"`
}

type description struct {
	Type      string      `xml:"type,attr,omitempty"`
	Narrative []narrative `xml:"narrative"`
}

type activityDate struct {
	Type    string `xml:"type,attr"`
	ISODate string `xml:"iso-date,attr"`
}

type isoDate struct {
	ISODate string `xml:"iso-date,attr"`
}

type value struct {
	Currency  string `xml:"currency,attr,omitempty"`
	ValueDate string `xml:"value-date,attr"`
	Amount    string `xml:",chardata"`
}

type budget struct {
	Type        string  `xml:"type,attr"`
	Status      string  `xml:"status,attr"`
	PeriodStart isoDate `xml:"period-start"`
	PeriodEnd   isoDate `xml:"period-end"`
	Value       value   `xml:"value"`
}

type txOrg struct {
	Ref        string      `xml:"ref,attr,omitempty"`
	ActivityID string      `xml:"provider-activity-id,attr,omitempty"`
	RecvID     string      `xml:"receiver-activity-id,attr,omitempty"`
	Type       string      `xml:"type,attr,omitempty"`
	Narrative  []narrative `xml:"narrative"`
}

type transaction struct {
	Ref         string      `xml:"ref,attr,omitempty"`
	Type        codeAttr    `xml:"transaction-type"`
	Date        isoDate     `xml:"transaction-date"`
	Value       value       `xml:"value"`
	Description *narratives `xml:"description"`
	Provider    *txOrg      `xml:"provider-org"`
	Receiver    *txOrg      `xml:"receiver-org"`
}

type documentLink struct {
	URL      string     `xml:"url,attr"`
	Format   string     `xml:"format,attr"`
	Title    narratives `xml:"title"`
	Category codeAttr   `xml:"category"`
	Date     *isoDate   `xml:"document-date"`
}

type iatiActivity struct {
	LastUpdated   string         `xml:"last-updated-datetime,attr"`
	Lang          string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Currency      string         `xml:"default-currency,attr"`
	Hierarchy     string         `xml:"hierarchy,attr"`
	Identifier    string         `xml:"iati-identifier"`
	ReportingOrg  iatiOrg        `xml:"reporting-org"`
	Title         narratives     `xml:"title"`
	Description   []description  `xml:"description"`
	Participating []iatiOrg      `xml:"participating-org"`
	Status        codeAttr       `xml:"activity-status"`
	Dates         []activityDate `xml:"activity-date"`
	Scope         *codeAttr      `xml:"activity-scope"`
	Country       []codeAttr     `xml:"recipient-country"`
	Sector        []codeAttr     `xml:"sector"`
	Budget        []budget       `xml:"budget"`
	Transactions  []transaction  `xml:"transaction"`
	Documents     []documentLink `xml:"document-link"`
}

// iatiYuan writes fen as a decimal number of yuan.
func iatiYuan(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// orgRef is an organisation as IATI names it: its org-id when the charity
// is registered, its name always.
type orgRef struct {
	ref, typ string
	names    []narrative
}

func orgOf(r module.Getter, id string) (orgRef, error) {
	o := orgRef{names: []narrative{{Text: id}}}
	if v, ok, err := module.Org(r, id); err != nil {
		return o, err
	} else if ok {
		o.names = []narrative{{Text: v.Name}}
		if v.NameEN != "" {
			o.names = append(o.names, narrative{Lang: "en", Text: v.NameEN})
		}
	}
	reg, err := GetOrg(r, id)
	if err == nil {
		o.ref = "CN-USCI-" + reg.RegistrationNo
		o.typ = "22"
		if reg.Kind == charityapi.KindFoundation {
			o.typ = "60"
		}
	} else if errcode.Of(err) != errcode.NotFound {
		return o, err
	}
	return o, nil
}

// IATIIdentifier is a project's IATI activity identifier: its charity's
// org-id and its project id.
func IATIIdentifier(r module.Getter, p *charityapi.Project) (string, error) {
	o, err := GetOrg(r, p.Owner)
	if err != nil {
		return "", err
	}
	return "CN-USCI-" + o.RegistrationNo + "-" + p.ID, nil
}

// ExportIATI writes a project as an IATI 2.03 activity document: its
// charity as reporting and implementing organisation, the grantors as
// funding organisations, its dates, budget, transactions (donations by
// day, refunds, transfers in and out, disbursements) and its reports as
// document links under baseURL. now is the latest block time.
func ExportIATI(r module.Reader, id, baseURL string, now time.Time) ([]byte, error) {
	p, err := GetProject(r, id)
	if err != nil {
		return nil, err
	}
	if p.Kind != charityapi.ProjectKindProject {
		return nil, errcode.New(errcode.NotFound, "%s is a general fund, not an activity; export its projects", p.ID)
	}
	ident, err := IATIIdentifier(r, p)
	if err != nil {
		return nil, err
	}
	owner, err := orgOf(r, p.Owner)
	if err != nil {
		return nil, err
	}
	stamp := now.In(field.CST).Format(time.RFC3339)
	a := iatiActivity{LastUpdated: stamp, Lang: "zh", Currency: "CNY", Hierarchy: "1", Identifier: ident,
		ReportingOrg: iatiOrg{Ref: owner.ref, Type: owner.typ, Narrative: owner.names},
		Title:        narratives{[]narrative{{Text: p.Title}}},
		Description:  []description{{Type: "1", Narrative: []narrative{{Text: p.Summary}}}},
		Scope:        &codeAttr{Code: "6"}, // sub-national
		Country:      []codeAttr{{Code: "CN", Percentage: "100"}}}
	if p.Region != "" {
		a.Description = append(a.Description, description{Type: "3", Narrative: []narrative{{Text: p.Region}}})
	}
	if p.FilingNo != "" {
		a.Description = append(a.Description, description{Type: "4", Narrative: []narrative{
			{Text: "备案编号 " + p.FilingNo + "，民政部门 " + p.ApprovedBy + " 于 " + p.ApprovedDate + " 批准"},
			{Lang: "en", Text: "Filing number " + p.FilingNo + ", approved by the civil-affairs regulator " + p.ApprovedBy + " on " + p.ApprovedDate}}})
	}
	if p.InKindFen > 0 {
		a.Description = append(a.Description, description{Type: "4", Narrative: []narrative{
			{Text: fmt.Sprintf("实物捐赠估值 %s 元，已发放 %s 元", iatiYuan(p.InKindFen), iatiYuan(p.InKindDistributedFen))},
			{Lang: "en", Text: fmt.Sprintf("Donations in kind valued CNY %s, of which CNY %s handed on", iatiYuan(p.InKindFen), iatiYuan(p.InKindDistributedFen))}}})
	}
	a.Participating = []iatiOrg{{Ref: owner.ref, Type: owner.typ, Role: "4", Narrative: owner.names}}
	switch p.Status {
	case charityapi.StatusFiled:
		a.Status.Code = "1"
	case charityapi.StatusOpen:
		a.Status.Code = "2"
	default:
		a.Status.Code = "4"
	}
	a.Dates = []activityDate{{Type: "1", ISODate: p.StartDate}}
	if p.ApprovedDate != "" {
		a.Dates = append(a.Dates, activityDate{Type: "2", ISODate: max(p.StartDate, p.ApprovedDate)})
	}
	a.Dates = append(a.Dates, activityDate{Type: "3", ISODate: p.EndDate})
	if p.ClosedDate != "" {
		a.Dates = append(a.Dates, activityDate{Type: "4", ISODate: p.ClosedDate})
	}
	if p.Sector != "" {
		a.Sector = []codeAttr{{Code: p.Sector, Vocabulary: "1", Percentage: "100"}}
	}
	a.Budget = []budget{{Type: "1", Status: "2", PeriodStart: isoDate{p.StartDate}, PeriodEnd: isoDate{p.EndDate},
		Value: value{ValueDate: p.StartDate, Amount: iatiYuan(p.BudgetFen())}}}

	// Donations, by day; refunds one by one.
	type day struct {
		n   int
		fen int64
	}
	days := map[string]*day{}
	var refunds []*charityapi.Refund
	err = r.Iterate([]byte(donsPrefix+p.ID+"/"), nil, func(_, v []byte) bool {
		d, derr := GetDonation(r, string(v))
		if derr != nil {
			err = derr
			return false
		}
		if d.Kind != charityapi.DonationMoney {
			return true
		}
		k := dateOf(d.Time)
		if days[k] == nil {
			days[k] = &day{}
		}
		days[k].n++
		days[k].fen += d.AmountFen
		for _, id := range d.Refunds {
			x, rerr := GetRefund(r, id)
			if rerr != nil {
				err = rerr
				return false
			}
			refunds = append(refunds, x)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(days)) {
		d := days[k]
		a.Transactions = append(a.Transactions, transaction{Type: codeAttr{Code: "1"}, Date: isoDate{k},
			Value:       value{ValueDate: k, Amount: iatiYuan(d.fen)},
			Description: &narratives{[]narrative{{Text: fmt.Sprintf("%d 笔个人及机构捐赠", d.n)}, {Lang: "en", Text: fmt.Sprintf("%d donations", d.n)}}},
			Provider:    &txOrg{Narrative: []narrative{{Text: "捐赠人"}, {Lang: "en", Text: "Donors"}}}})
	}
	slices.SortFunc(refunds, func(x, y *charityapi.Refund) int { return strings.Compare(x.Time+x.ID, y.Time+y.ID) })
	for _, x := range refunds {
		k := dateOf(x.Time)
		a.Transactions = append(a.Transactions, transaction{Ref: x.ID, Type: codeAttr{Code: "1"}, Date: isoDate{k},
			Value:       value{ValueDate: k, Amount: iatiYuan(-x.AmountFen)},
			Description: &narratives{[]narrative{{Text: "退还捐赠 " + x.Receipt + "：" + x.Reason}, {Lang: "en", Text: "Refund of donation " + x.Receipt}}},
			Receiver:    &txOrg{Narrative: []narrative{{Text: "捐赠人"}, {Lang: "en", Text: "Donor"}}}})
	}
	tv, err := TransfersOf(r, p.ID)
	if err != nil {
		return nil, err
	}
	funders := map[string]bool{}
	for _, t := range tv.In {
		from, err := orgOf(r, t.Transfer.FromOrg)
		if err != nil {
			return nil, err
		}
		fp, err := GetProject(r, t.Transfer.From)
		if err != nil {
			return nil, err
		}
		var actID string
		if fp.Kind == charityapi.ProjectKindProject {
			actID, _ = IATIIdentifier(r, fp)
		}
		k := dateOf(t.Transfer.Time)
		a.Transactions = append(a.Transactions, transaction{Ref: t.Transfer.ID, Type: codeAttr{Code: "1"}, Date: isoDate{k},
			Value:       value{ValueDate: k, Amount: iatiYuan(t.Transfer.AmountFen)},
			Description: &narratives{[]narrative{{Text: t.Transfer.Purpose}}},
			Provider:    &txOrg{Ref: from.ref, ActivityID: actID, Type: from.typ, Narrative: from.names}})
		if !funders[t.Transfer.FromOrg] && t.Transfer.FromOrg != p.Owner {
			funders[t.Transfer.FromOrg] = true
			a.Participating = append(a.Participating, iatiOrg{Ref: from.ref, Type: from.typ, Role: "1", ActivityID: actID, Narrative: from.names})
		}
	}
	for _, t := range tv.Out {
		to, err := orgOf(r, t.Transfer.ToOrg)
		if err != nil {
			return nil, err
		}
		tp, err := GetProject(r, t.Transfer.To)
		if err != nil {
			return nil, err
		}
		var actID string
		if tp.Kind == charityapi.ProjectKindProject {
			actID, _ = IATIIdentifier(r, tp)
		}
		k := dateOf(t.Transfer.Time)
		a.Transactions = append(a.Transactions, transaction{Ref: t.Transfer.ID, Type: codeAttr{Code: "3"}, Date: isoDate{k},
			Value:       value{ValueDate: k, Amount: iatiYuan(t.Transfer.AmountFen)},
			Description: &narratives{[]narrative{{Text: t.Transfer.Purpose}}},
			Receiver:    &txOrg{Ref: to.ref, RecvID: actID, Type: to.typ, Narrative: to.names}})
	}
	err = r.Iterate([]byte(disbsPrefix+p.ID+"/"), nil, func(_, v []byte) bool {
		d, derr := GetDisbursement(r, string(v))
		if derr != nil {
			err = derr
			return false
		}
		if d.Kind != charityapi.DisbursementMoney {
			return true
		}
		to, oerr := orgOf(r, d.Payee)
		if oerr != nil {
			err = oerr
			return false
		}
		code := "4" // expenditure: goods and services bought
		if d.Payee == d.Beneficiary {
			code = "3" // disbursement to the beneficiary institution itself
		}
		k := dateOf(d.Time)
		a.Transactions = append(a.Transactions, transaction{Ref: d.ID, Type: codeAttr{Code: code}, Date: isoDate{k},
			Value:       value{ValueDate: k, Amount: iatiYuan(d.AmountFen)},
			Description: &narratives{[]narrative{{Text: d.Purpose}}},
			Receiver:    &txOrg{Ref: to.ref, Type: to.typ, Narrative: to.names}})
		return true
	})
	if err != nil {
		return nil, err
	}
	rv, err := ReportsOf(r, p.ID)
	if err != nil {
		return nil, err
	}
	for _, rep := range rv.Reports {
		a.Documents = append(a.Documents, documentLink{URL: fmt.Sprintf("%s/charity/projects/%s#report-%d", baseURL, p.ID, rep.Seq), Format: "text/html",
			Title:    narratives{[]narrative{{Text: reportTitle(rep)}}},
			Category: codeAttr{Code: "A07"}, Date: &isoDate{rep.Date}})
	}
	doc := iatiActivities{Version: "2.03", Generated: stamp, Activity: []iatiActivity{a}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode IATI: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func reportTitle(r charityapi.Report) string {
	kind := map[string]string{charityapi.ReportProgress: "进展报告", charityapi.ReportFinal: "结项报告", charityapi.ReportAudit: "审计报告"}[r.Kind]
	return fmt.Sprintf("%s（%s 至 %s）", kind, r.PeriodFrom, r.PeriodTo)
}
