package charity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// PageSize is the length of a page of a list.
const PageSize = 50

// Version is what a state view tells of itself.
type Version interface{ Version() int64 }

func heightOf(r module.Reader) int64 {
	if v, ok := r.(Version); ok {
		return v.Version()
	}
	return 0
}

// Summary is a project's line in lists.
func Summary(p *charityapi.Project) charityapi.ProjectSummary {
	return charityapi.ProjectSummary{ID: p.ID, Kind: p.Kind, Owner: p.Owner, Title: p.Title, Status: p.Status, FilingNo: p.FilingNo,
		StartDate: p.StartDate, EndDate: p.EndDate, GoalFen: p.GoalFen, BudgetFen: p.BudgetFen(), RaisedFen: p.RaisedFen(),
		SpentFen: p.SpentFen(), BalanceFen: p.BalanceFen(), Donations: p.Donations}
}

// OrgProjects returns a registered charity with its projects.
func OrgProjects(r module.Reader, org string) (*charityapi.OrgView, error) {
	o, err := GetOrg(r, org)
	if err != nil {
		return nil, err
	}
	ids, err := module.List(r, []byte(ownerPrefix+org+"/"))
	if err != nil {
		return nil, err
	}
	out := &charityapi.OrgView{Height: heightOf(r), Org: *o, Projects: []charityapi.ProjectSummary{}}
	for _, id := range ids {
		p, err := GetProject(r, id)
		if err != nil {
			return nil, err
		}
		out.Projects = append(out.Projects, Summary(p))
	}
	return out, nil
}

// ListProjects returns a page of at most limit projects (general funds
// included; PageSize when 0), by owner and status when given and those
// search matches (nil: all; see matchProject), in id order.
func ListProjects(r module.Reader, owner, status string, search *module.Search, after string, limit int) (*api.Page[charityapi.ProjectSummary], error) {
	if status != "" && !slices.Contains(charityapi.ProjectStatuses, status) {
		return nil, errcode.New(errcode.BadRequest, "status %q is not one of %s", status, strings.Join(charityapi.ProjectStatuses, ", "))
	}
	if after != "" && projectID("after", after) != nil {
		return nil, errcode.New(errcode.BadRequest, "cursor %q is not a project id: use the next value of the previous page, or nothing for the first page", after)
	}
	switch {
	case limit == 0:
		limit = PageSize
	case limit < 0 || limit > FindMaxPage:
		return nil, errcode.New(errcode.BadRequest, "limit %d: give 1 to %d", limit, FindMaxPage)
	}
	out := &api.Page[charityapi.ProjectSummary]{Height: heightOf(r), Items: []charityapi.ProjectSummary{}}
	prefix := []byte(projectPrefix)
	if owner != "" {
		prefix = []byte(ownerPrefix + owner + "/")
	}
	var start []byte
	if after != "" {
		start = append(append(slices.Clone(prefix), after...), 0)
	}
	var ferr error
	err := r.Iterate(prefix, start, func(k, v []byte) bool {
		id := string(bytes.TrimPrefix(k, prefix))
		var p charityapi.Project
		if owner != "" {
			pp, err := GetProject(r, id)
			if err != nil {
				ferr = err
				return false
			}
			p = *pp
		} else if ferr = json.Unmarshal(v, &p); ferr != nil {
			return false
		}
		if (status != "" && p.Status != status) || !matchProject(search, &p) {
			return true
		}
		if len(out.Items) == limit {
			out.Next = out.Items[len(out.Items)-1].ID
			return false
		}
		out.Items = append(out.Items, Summary(&p))
		return true
	})
	if err == nil {
		err = ferr
	}
	return out, err
}

// View returns a project with its figures and alerts on date today.
func View(r module.Reader, id, today string) (*charityapi.ProjectView, error) {
	p, err := GetProject(r, id)
	if err != nil {
		return nil, err
	}
	alerts, err := Alerts(r, today, p.ID)
	if err != nil {
		return nil, err
	}
	return &charityapi.ProjectView{Height: heightOf(r), Date: today, Project: *p, BudgetFen: p.BudgetFen(), RaisedFen: p.RaisedFen(),
		SpentFen: p.SpentFen(), BalanceFen: p.BalanceFen(), ManagementBP: ManagementBP(p), NextReportDue: NextReportDue(p), Alerts: alerts}, nil
}

// ManagementBP is the share of a project's line spending on its
// management lines, in basis points.
func ManagementBP(p *charityapi.Project) int {
	var all, mgmt int64
	for _, l := range p.Lines {
		all += l.SpentFen
		if l.Category == charityapi.CategoryManagement {
			mgmt += l.SpentFen
		}
	}
	if all == 0 {
		return 0
	}
	return int(share(mgmt, 10000, all))
}

// NextReportDue is the date the project's next report is due: a progress
// report every ReportEveryDays from its start or last report while its
// period runs, then the final report FinalReportDueDays after its end (or
// its closure, if earlier). "" when nothing is due.
func NextReportDue(p *charityapi.Project) string {
	if p.Kind != charityapi.ProjectKindProject || p.Status == charityapi.StatusFiled {
		return ""
	}
	end := p.EndDate
	if p.ClosedDate != "" && p.ClosedDate < end {
		end = p.ClosedDate
	}
	if p.FinalReportDate != "" {
		return ""
	}
	base := max(p.StartDate, p.LastReportDate)
	next := addDays(base, p.ReportEveryDays)
	if p.Status == charityapi.StatusOpen && next <= end {
		return next
	}
	return addDays(end, charityapi.FinalReportDueDays)
}

func addDays(date string, days int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, days).Format(time.DateOnly)
}

// dateOf is the CST date of a record's RFC 3339 time.
func dateOf(rfc3339 string) string {
	if len(rfc3339) < 10 {
		return rfc3339
	}
	return rfc3339[:10]
}

// Alerts lists what the regulator should look at on date today, for one
// project (or all, when project is ""), in a fixed order: by project,
// then by code and subject.
func Alerts(r module.Reader, today, project string) ([]charityapi.Alert, error) {
	out := []charityapi.Alert{}
	var projects []*charityapi.Project
	if project != "" {
		p, err := GetProject(r, project)
		if err != nil {
			return nil, err
		}
		projects = append(projects, p)
	} else if err := module.EachJSON(r, []byte(projectPrefix), func(_ []byte, p *charityapi.Project) { projects = append(projects, p) }); err != nil {
		return nil, err
	}
	for _, p := range projects {
		out = append(out, projectAlerts(p, today)...)
	}
	// Deliveries not signed for in time, and disputed ones.
	var ids []string
	if err := r.Iterate([]byte(awaitingPrefix), nil, func(k, _ []byte) bool {
		ids = append(ids, string(k[bytes.LastIndexByte(k, '/')+1:]))
		return true
	}); err != nil {
		return nil, err
	}
	for _, id := range ids {
		d, err := GetDisbursement(r, id)
		if err != nil {
			return nil, err
		}
		if project != "" && d.Project != project {
			continue
		}
		if due := addDays(dateOf(d.Time), charityapi.AcceptanceDueDays); today > due {
			out = append(out, charityapi.Alert{Code: charityapi.AlertAcceptanceOverdue, Project: d.Project, Subject: d.ID, Since: addDays(due, 1),
				Detail: fmt.Sprintf("%s has not signed for disbursement %s of %s, made on %s", d.Beneficiary, d.ID, yuan(d.AmountFen), dateOf(d.Time))})
		}
	}
	disputed, err := module.List(r, []byte(disputedPrefix))
	if err != nil {
		return nil, err
	}
	for _, id := range disputed {
		d, err := GetDisbursement(r, id)
		if err != nil {
			return nil, err
		}
		a, err := getAcceptance(r, id)
		if err != nil || a == nil {
			return nil, fmt.Errorf("disputed disbursement %s has no signature: %v", id, err)
		}
		if project != "" && d.Project != project {
			continue
		}
		out = append(out, charityapi.Alert{Code: charityapi.AlertDisputed, Project: d.Project, Subject: d.ID, Since: dateOf(a.Time),
			Detail: fmt.Sprintf("%s disputes disbursement %s: %s", a.By.Org, d.ID, a.Note)})
	}
	// Grants not confirmed in time.
	var tids []string
	if err := r.Iterate([]byte(unconfirmedPrefix), nil, func(k, _ []byte) bool {
		tids = append(tids, string(k[bytes.LastIndexByte(k, '/')+1:]))
		return true
	}); err != nil {
		return nil, err
	}
	for _, id := range tids {
		t, err := GetTransfer(r, id)
		if err != nil {
			return nil, err
		}
		if project != "" && t.From != project && t.To != project {
			continue
		}
		if due := addDays(dateOf(t.Time), charityapi.GrantConfirmDueDays); today > due {
			out = append(out, charityapi.Alert{Code: charityapi.AlertGrantUnconfirmed, Project: t.From, Subject: t.ID, Since: addDays(due, 1),
				Detail: fmt.Sprintf("%s has not confirmed receiving %s from %s (transfer %s of %s)", t.ToOrg, yuan(t.AmountFen), t.FromOrg, t.ID, dateOf(t.Time))})
		}
	}
	slices.SortStableFunc(out, func(a, b charityapi.Alert) int {
		if c := strings.Compare(a.Project, b.Project); c != 0 {
			return c
		}
		if c := strings.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	return out, nil
}

// projectAlerts are a project's own alerts on date today.
func projectAlerts(p *charityapi.Project, today string) []charityapi.Alert {
	if p.Kind != charityapi.ProjectKindProject || p.Status == charityapi.StatusFiled {
		return nil
	}
	var out []charityapi.Alert
	add := func(code, since, detail string) {
		out = append(out, charityapi.Alert{Code: code, Project: p.ID, Since: since, Detail: detail})
	}
	if p.Status == charityapi.StatusOpen && today > p.EndDate {
		add(charityapi.AlertPastPeriod, addDays(p.EndDate, 1), fmt.Sprintf("the project's period ended on %s and it is still open, holding %s", p.EndDate, yuan(p.BalanceFen())))
	}
	if due := NextReportDue(p); due != "" && today > due {
		code, what := charityapi.AlertReportOverdue, "progress report"
		if p.Status == charityapi.StatusClosed || due > p.EndDate {
			code, what = charityapi.AlertFinalReportOverdue, "final report"
		}
		add(code, addDays(due, 1), fmt.Sprintf("the %s was due on %s", what, due))
	}
	if bp := ManagementBP(p); bp > charityapi.ManagementLimitBP {
		add(charityapi.AlertManagementShare, today, fmt.Sprintf("management lines spent %d.%02d%% of the spending, above %d%%", bp/100, bp%100, charityapi.ManagementLimitBP/100))
	}
	return out
}

// Oversight is the regulator's view on date today.
func Oversight(r module.Reader, today string) (*charityapi.Oversight, error) {
	out := &charityapi.Oversight{Height: heightOf(r), Date: today, Orgs: []charityapi.Org{}, Projects: []charityapi.ProjectFigures{}}
	if err := module.EachJSON(r, []byte(orgPrefix), func(_ []byte, o *charityapi.Org) { out.Orgs = append(out.Orgs, *o) }); err != nil {
		return nil, err
	}
	alerts, err := Alerts(r, today, "")
	if err != nil {
		return nil, err
	}
	out.Alerts = alerts
	count := map[string]int{}
	for _, a := range alerts {
		count[a.Project]++
	}
	err = module.EachJSON(r, []byte(projectPrefix), func(_ []byte, p *charityapi.Project) {
		out.Projects = append(out.Projects, charityapi.ProjectFigures{ProjectSummary: Summary(p), ManagementBP: ManagementBP(p),
			NextReportDue: NextReportDue(p), Alerts: count[p.ID]})
		out.DonatedFen += p.DonatedFen
		out.RefundedFen += p.RefundedFen
		out.DisbursedFen += p.DisbursedFen
		out.BalanceFen += p.BalanceFen()
	})
	return out, err
}

// page reads a list index (<prefix><seq> -> id) from after, and loads each
// id with load.
func page[T any](r module.Reader, prefix, after string, load func(id string) (*T, error)) (*api.Page[T], error) {
	out := &api.Page[T]{Height: heightOf(r), Items: []T{}}
	var start []byte
	if after != "" {
		start = append([]byte(prefix+after), 0)
	}
	var ids, seqs []string
	err := r.Iterate([]byte(prefix), start, func(k, v []byte) bool {
		if len(ids) == PageSize {
			out.Next = seqs[len(seqs)-1]
			return false
		}
		ids = append(ids, string(v))
		seqs = append(seqs, string(bytes.TrimPrefix(k, []byte(prefix))))
		return true
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		x, err := load(id)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *x)
	}
	return out, nil
}

// DonationsPage lists a project's donations in order.
func DonationsPage(r module.Reader, project, after string) (*api.Page[charityapi.Donation], error) {
	if _, err := GetProject(r, project); err != nil {
		return nil, err
	}
	return page(r, donsPrefix+project+"/", after, func(id string) (*charityapi.Donation, error) { return GetDonation(r, id) })
}

// RecentDonations lists a project's donations newest first, a page at a
// time: before is the cursor of the page (a sequence number as
// DonationsPage's cursors spell it; its donations are those recorded
// before it, "" for the newest), and the answer's Next that of the page
// after it ("" when it is the last). The index numbers a project's
// donations 1 to Project.Donations without gaps, so a page is PageSize
// reads whatever the project's size.
func RecentDonations(r module.Reader, project, before string) (*api.Page[charityapi.Donation], error) {
	p, err := GetProject(r, project)
	if err != nil {
		return nil, err
	}
	top := p.Donations
	if before != "" {
		n, err := strconv.ParseUint(before, 16, 63)
		if err != nil || len(before) != len(seq(0)) || int64(n) < 1 || int64(n) > p.Donations+1 {
			return nil, errcode.New(errcode.BadRequest, "cursor %q is not a position in this project's donations: use the next value of the previous page, or nothing for the newest", before)
		}
		top = int64(n) - 1
	}
	out := &api.Page[charityapi.Donation]{Height: heightOf(r), Items: []charityapi.Donation{}}
	for n := top; n >= 1 && n > top-PageSize; n-- {
		receipt, err := r.Get(donsKey(project, n))
		if err != nil {
			return nil, err
		}
		if receipt == nil {
			return nil, fmt.Errorf("project %s lacks its donation %d", project, n)
		}
		d, err := GetDonation(r, string(receipt))
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *d)
		if n > 1 && len(out.Items) == PageSize {
			out.Next = seq(n)
		}
	}
	return out, nil
}

// DisbursementsPage lists a project's disbursements and distributions in
// order, with their acceptance.
func DisbursementsPage(r module.Reader, project, after string) (*api.Page[charityapi.DisbursementView], error) {
	if _, err := GetProject(r, project); err != nil {
		return nil, err
	}
	return page(r, disbsPrefix+project+"/", after, func(id string) (*charityapi.DisbursementView, error) { return DisbursementView(r, id) })
}

// DisbursementView returns a disbursement with its acceptance.
func DisbursementView(r module.Getter, id string) (*charityapi.DisbursementView, error) {
	d, err := GetDisbursement(r, id)
	if err != nil {
		return nil, err
	}
	a, err := getAcceptance(r, id)
	if err != nil {
		return nil, err
	}
	return &charityapi.DisbursementView{Disbursement: *d, Status: AcceptanceStatus(d, a), Acceptance: a}, nil
}

// AcceptanceStatus says where a disbursement's signature stands.
func AcceptanceStatus(d *charityapi.Disbursement, a *charityapi.Acceptance) string {
	switch {
	case d.Beneficiary == "":
		return charityapi.AcceptanceNotNeeded
	case a == nil:
		return charityapi.AcceptancePending
	}
	return a.Status
}

// TransferView returns a transfer with its confirmation.
func TransferView(r module.Getter, id string) (*charityapi.TransferView, error) {
	t, err := GetTransfer(r, id)
	if err != nil {
		return nil, err
	}
	c, err := getConfirmation(r, id)
	if err != nil {
		return nil, err
	}
	return &charityapi.TransferView{Transfer: *t, Confirmation: c}, nil
}

// TransfersOf lists a project's transfers in and out, in order.
func TransfersOf(r module.Reader, project string) (*charityapi.TransfersView, error) {
	if _, err := GetProject(r, project); err != nil {
		return nil, err
	}
	out := &charityapi.TransfersView{Height: heightOf(r), In: []charityapi.TransferView{}, Out: []charityapi.TransferView{}}
	for _, l := range []struct {
		prefix string
		into   *[]charityapi.TransferView
	}{{tinPrefix, &out.In}, {toutPrefix, &out.Out}} {
		var ids []string
		if err := r.Iterate([]byte(l.prefix+project+"/"), nil, func(_, v []byte) bool { ids = append(ids, string(v)); return true }); err != nil {
			return nil, err
		}
		for _, id := range ids {
			t, err := TransferView(r, id)
			if err != nil {
				return nil, err
			}
			*l.into = append(*l.into, *t)
		}
	}
	return out, nil
}

// ReportsOf lists a project's reports and budget revisions, in order.
func ReportsOf(r module.Reader, project string) (*charityapi.ReportsView, error) {
	if _, err := GetProject(r, project); err != nil {
		return nil, err
	}
	out := &charityapi.ReportsView{Height: heightOf(r), Reports: []charityapi.Report{}, Revisions: []charityapi.Revision{}}
	if err := module.EachJSON(r, []byte(reportPrefix+project+"/"), func(_ []byte, x *charityapi.Report) { out.Reports = append(out.Reports, *x) }); err != nil {
		return nil, err
	}
	err := module.EachJSON(r, []byte(revisionPrefix+project+"/"), func(_ []byte, x *charityapi.Revision) { out.Revisions = append(out.Revisions, *x) })
	return out, err
}

// FundersPage lists the sources that paid for a disbursement or transfer,
// by the allocation rule: for each of its ranges, the donations and
// incoming transfers whose ranges meet it. after is "<range>:<end>" of
// the last item of the previous page.
func FundersPage(r module.Reader, id, after string) (*api.Page[charityapi.Funding], error) {
	var ranges []charityapi.Range
	switch {
	case strings.HasPrefix(id, "DB"):
		d, err := GetDisbursement(r, id)
		if err != nil {
			return nil, err
		}
		ranges = d.Ranges
	case strings.HasPrefix(id, "GT"):
		t, err := GetTransfer(r, id)
		if err != nil {
			return nil, err
		}
		ranges = t.Ranges
	default:
		return nil, errcode.New(errcode.NotFound, "no disbursement or transfer %q", id)
	}
	out := &api.Page[charityapi.Funding]{Height: heightOf(r), Items: []charityapi.Funding{}}
	from, fromEnd := 0, int64(-1)
	if after != "" {
		if _, err := fmt.Sscanf(after, "%d:%d", &from, &fromEnd); err != nil || from < 0 {
			return nil, errcode.New(errcode.BadRequest, "after %q is not a page position (range:end) this list gave", after)
		}
	}
	for i := from; i < len(ranges); i++ {
		rg := ranges[i]
		start := rg.Start
		if i == from && fromEnd >= 0 {
			start = max(start, fromEnd)
		}
		var ferr error
		full := false
		err := r.Iterate([]byte(srcPrefix+rg.Queue+"/"), srcKey(rg.Queue, start+1), func(_, v []byte) bool {
			var s charityapi.Source
			if ferr = json.Unmarshal(v, &s); ferr != nil {
				return false
			}
			if s.Start >= rg.End {
				return false
			}
			if len(out.Items) == PageSize {
				full = true
				return false
			}
			a, b := max(s.Start, rg.Start), min(s.End, rg.End)
			f := charityapi.Funding{Kind: s.Kind, ID: s.ID, Queue: rg.Queue, Start: a, End: b, AmountFen: b - a}
			if s.Kind == charityapi.SourceDonation {
				if d, err := GetDonation(r, s.ID); err == nil {
					f.DonorName = d.DonorName
				}
			}
			out.Items = append(out.Items, f)
			return true
		})
		if err == nil {
			err = ferr
		}
		if err != nil {
			return nil, err
		}
		if full {
			last := out.Items[len(out.Items)-1]
			out.Next = fmt.Sprintf("%d:%d", i, last.End)
			return out, nil
		}
	}
	return out, nil
}

// PendingFor lists what waits for an organisation, and the latest
// disbursements that paid it.
func PendingFor(r module.Reader, org string) (*charityapi.PendingView, error) {
	out := &charityapi.PendingView{Height: heightOf(r), Org: org, Disbursements: []charityapi.DisbursementView{},
		Transfers: []charityapi.TransferView{}, Paid: []charityapi.DisbursementView{}}
	ids, err := module.List(r, []byte(awaitingPrefix+org+"/"))
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		d, err := DisbursementView(r, id)
		if err != nil {
			return nil, err
		}
		out.Disbursements = append(out.Disbursements, *d)
	}
	if ids, err = module.List(r, []byte(unconfirmedPrefix+org+"/")); err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, err := TransferView(r, id)
		if err != nil {
			return nil, err
		}
		out.Transfers = append(out.Transfers, *t)
	}
	if ids, err = module.List(r, []byte(paidPrefix+org+"/")); err != nil {
		return nil, err
	}
	if len(ids) > PageSize {
		ids = ids[len(ids)-PageSize:]
	}
	for i := len(ids) - 1; i >= 0; i-- {
		d, err := DisbursementView(r, ids[i])
		if err != nil {
			return nil, err
		}
		out.Paid = append(out.Paid, *d)
	}
	return out, nil
}

// TrailOf returns a donation's trail in the committed state r.
func TrailOf(r module.Reader, receipt string) (*charityapi.Trail, error) {
	t, _, err := ComputeTrail(StateRecords(r), receipt)
	if err != nil {
		return nil, err
	}
	t.Height = heightOf(r)
	return t, nil
}
