package charity

import (
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// Page sizes of the hall's lists.
const (
	FindPage    = 20
	FindMaxPage = 100
)

// FindLimit checks a list's page size: FindPage when 0, at most
// FindMaxPage.
func FindLimit(limit int) (int, error) { return module.PageLimit(limit, FindPage, FindMaxPage) }

// matchProject reports whether search names project p: by id, title,
// filing number, region, sector, status or kind.
func matchProject(s *module.Search, p *charityapi.Project) bool {
	return s.Text(p.ID, p.Title, p.FilingNo, p.Region, p.Sector) || s.Enum("charity.project_status", p.Status) || s.Enum("charity.project_kind", p.Kind)
}

// OwnProjects pages through the projects and general fund of charity
// owner, newest first (project ids start with their filing date; the
// general fund leads): at most limit of those after the cursor after (a
// project id, the next of the previous page; "" for the first) that
// search matches, and the cursor of the following page.
func OwnProjects(r module.Reader, owner string, search *module.Search, after string, limit int) ([]charityapi.ProjectSummary, string, error) {
	if after != "" && projectID("after", after) != nil {
		return nil, "", errcode.New(errcode.BadRequest, "cursor %q is not a project id: use the next value of the previous page, or nothing for the first page", after)
	}
	limit, err := FindLimit(limit)
	if err != nil {
		return nil, "", err
	}
	ids, err := module.ListUnder(r, []byte(ownerPrefix+owner+"/"))
	if err != nil {
		return nil, "", err
	}
	byID := map[string]charityapi.ProjectSummary{}
	page, next, err := module.PageDesc(ids, after, limit, func(id string) (bool, error) {
		p, err := GetProject(r, id)
		if err != nil {
			return false, err
		}
		if !matchProject(search, p) {
			return false, nil
		}
		byID[id] = Summary(p)
		return true, nil
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]charityapi.ProjectSummary, 0, len(page))
	for _, id := range page {
		out = append(out, byID[id])
	}
	return out, next, nil
}

// PaidTo pages through the disbursements that paid org, newest first
// (disbursement ids start with their date): at most limit of those after
// the cursor after that search matches (by id, purpose, the paying
// charity's id or name, the project's title, or the acceptance status),
// and the cursor of the following page.
func PaidTo(r module.Reader, org string, search *module.Search, after string, limit int) ([]charityapi.DisbursementView, string, error) {
	if after != "" && !field.IsRecordID("DB", after) {
		return nil, "", errcode.New(errcode.BadRequest, "cursor %q is not a disbursement id: use the next value of the previous page, or nothing for the first page", after)
	}
	limit, err := FindLimit(limit)
	if err != nil {
		return nil, "", err
	}
	ids, err := module.ListUnder(r, []byte(paidPrefix+org+"/"))
	if err != nil {
		return nil, "", err
	}
	titles := map[string]bool{}
	byID := map[string]charityapi.DisbursementView{}
	page, next, err := module.PageDesc(ids, after, limit, func(id string) (bool, error) {
		d, err := DisbursementView(r, id)
		if err != nil {
			return false, err
		}
		x := &d.Disbursement
		ok := search.Text(x.ID, x.Purpose, x.Line) || search.Enum("charity.acceptance", d.Status) || search.Enum("charity.category", x.Category) || search.Org(x.Org)
		if !ok {
			m, seen := titles[x.Project]
			if !seen {
				if p, err := GetProject(r, x.Project); err == nil {
					m = matchProject(search, p)
				}
				titles[x.Project] = m
			}
			ok = m
		}
		if ok {
			byID[id] = *d
		}
		return ok, nil
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]charityapi.DisbursementView, 0, len(page))
	for _, id := range page {
		out = append(out, byID[id])
	}
	return out, next, nil
}
