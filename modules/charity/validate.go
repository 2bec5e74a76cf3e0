package charity

import (
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// Checks of body fields. Each returns a malformed_body error naming the
// field; none reads state.

func amount(name string, v int64) error {
	if v <= 0 {
		return malformed("%s must be a positive number of fen (1 yuan = 100 fen), got %d", name, v)
	}
	if v > charityapi.MaxFen {
		return malformed("%s %d exceeds the largest amount, %d fen", name, v, charityapi.MaxFen)
	}
	return nil
}

func optionalSHA256(name, s string) error {
	if s == "" {
		return nil
	}
	return field.SHA256(name, s)
}

// lineCode checks a budget line's code: 1 to 16 lowercase letters,
// digits, '-' or '_', starting with a letter or digit.
func lineCode(name, s string) error {
	if s == "" {
		return malformed("%s is required: a budget line's code such as supplies", name)
	}
	if len(s) > 16 {
		return malformed("%s %q is longer than 16 characters", name, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || i > 0 && (c == '-' || c == '_')
		if !ok {
			return malformed("%s %q: use lowercase letters, digits, '-' and '_', starting with a letter or digit", name, s)
		}
	}
	return nil
}

// projectID checks the form of a project or general fund id.
func projectID(name, s string) error {
	if s == "" {
		return malformed("%s is required: a project id such as CP20260301-0123456789ABCDEF0123, or a general fund GF-<org>", name)
	}
	if field.IsRecordID("CP", s) {
		return nil
	}
	if org, ok := cutGeneral(s); ok && field.IsOrgID(org) {
		return nil
	}
	return malformed("%s %q is not a project id (CP + date + 20 hex digits) nor a general fund (GF-<org>)", name, s)
}

func cutGeneral(s string) (string, bool) {
	if len(s) > len(charityapi.GeneralFundPrefix) && s[:len(charityapi.GeneralFundPrefix)] == charityapi.GeneralFundPrefix {
		return s[len(charityapi.GeneralFundPrefix):], true
	}
	return "", false
}

func checkID(name, prefix, s string) error {
	if s == "" {
		return malformed("%s is required", name)
	}
	if !field.IsRecordID(prefix, s) {
		return malformed("%s %q is not a %s id (%s + date + '-' + 20 hex digits)", name, s, prefix, prefix)
	}
	return nil
}

func checkLines(lines []charityapi.LineBody) (int64, error) {
	if len(lines) == 0 || len(lines) > charityapi.MaxLines {
		return 0, malformed("lines must list 1 to %d budget lines, got %d", charityapi.MaxLines, len(lines))
	}
	seen := map[string]bool{}
	var total int64
	for i, l := range lines {
		at := fmt.Sprintf("lines[%d]", i)
		if err := lineCode(at+".code", l.Code); err != nil {
			return 0, err
		}
		if seen[l.Code] {
			return 0, malformed("%s.code %q appears twice", at, l.Code)
		}
		seen[l.Code] = true
		if err := field.Text(at+".name", l.Name, 1, 40); err != nil {
			return 0, err
		}
		if err := field.OneOf(at+".category", l.Category, charityapi.Categories); err != nil {
			return 0, err
		}
		if err := amount(at+".budget_fen", l.BudgetFen); err != nil {
			return 0, err
		}
		total += l.BudgetFen
		if total > charityapi.MaxFen {
			return 0, malformed("the budget's total exceeds %d fen", charityapi.MaxFen)
		}
	}
	return total, nil
}

func checkProject(b *charityapi.ProjectBody) (int64, error) {
	if err := field.Text("title", b.Title, 1, 60); err != nil {
		return 0, err
	}
	if err := field.Text("summary", b.Summary, 1, 1000, field.Multiline); err != nil {
		return 0, err
	}
	if b.Sector != "" && !isDigits(b.Sector, 5) {
		return 0, malformed("sector %q is not an OECD DAC 5-digit purpose code, such as 11220 (primary education)", b.Sector)
	}
	if err := field.Text("region", b.Region, 0, 60); err != nil {
		return 0, err
	}
	if err := field.Date("start_date", b.StartDate); err != nil {
		return 0, err
	}
	if err := field.Date("end_date", b.EndDate); err != nil {
		return 0, err
	}
	start, _ := time.Parse(time.DateOnly, b.StartDate)
	end, _ := time.Parse(time.DateOnly, b.EndDate)
	if !end.After(start) {
		return 0, malformed("end_date %s must be after start_date %s", b.EndDate, b.StartDate)
	}
	if end.After(start.AddDate(5, 0, 0)) {
		return 0, malformed("the period %s to %s is longer than five years; file it as several projects", b.StartDate, b.EndDate)
	}
	if b.ReportEveryDays != 0 && (b.ReportEveryDays < charityapi.MinReportEveryDays || b.ReportEveryDays > charityapi.MaxReportEveryDays) {
		return 0, malformed("report_every_days must be %d to %d days (or absent for %d), got %d",
			charityapi.MinReportEveryDays, charityapi.MaxReportEveryDays, charityapi.DefaultReportEveryDays, b.ReportEveryDays)
	}
	total, err := checkLines(b.Lines)
	if err != nil {
		return 0, err
	}
	if b.GoalFen != 0 {
		if err := amount("goal_fen", b.GoalFen); err != nil {
			return 0, err
		}
	}
	return total, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkRegistration(b *charityapi.RegisterOrgBody) error {
	if err := field.OrgID("org", b.Org); err != nil {
		return err
	}
	if err := field.OneOf("kind", b.Kind, charityapi.OrgKinds); err != nil {
		return err
	}
	if b.RegistrationNo == "" {
		return malformed("registration_no is required: the charity's unified social credit code, 18 characters")
	}
	if err := identity.ValidUSCC(b.RegistrationNo); err != nil {
		return malformed("registration_no: %v", err)
	}
	return nil
}

// checkDonor checks the donor fields every donation carries.
func checkDonor(at, hash, name, message string) error {
	if err := field.Hex64(at+"donor_hash", hash); err != nil {
		return err
	}
	if err := field.Text(at+"donor_name", name, 0, 20); err != nil {
		return err
	}
	return field.Text(at+"message", message, 0, 200)
}

func checkDonation(at string, b *charityapi.DonateBody) error {
	if b.Project != "" {
		if err := projectID(at+"project", b.Project); err != nil {
			return err
		}
	} else if err := field.OrgID(at+"org", b.Org); err != nil {
		return malformed("%s (name the project given to, or the charity whose general fund receives the donation)", errcode.Message(err))
	}
	if b.Org != "" {
		if err := field.OrgID(at+"org", b.Org); err != nil {
			return err
		}
	}
	if b.Line != "" {
		if err := lineCode(at+"line", b.Line); err != nil {
			return err
		}
		if b.Project == "" {
			return malformed("%sline needs a project: a general fund has no budget lines", at)
		}
	}
	if err := amount(at+"amount_fen", b.AmountFen); err != nil {
		return err
	}
	if err := field.OneOf(at+"channel", b.Channel, charityapi.Channels); err != nil {
		return err
	}
	if err := field.Text(at+"channel_ref", b.ChannelRef, 0, 64); err != nil {
		return err
	}
	return checkDonor(at, b.DonorHash, b.DonorName, b.Message)
}

func checkItems(items []charityapi.ItemBody) (int64, error) {
	if len(items) == 0 || len(items) > charityapi.MaxItems {
		return 0, malformed("items must list 1 to %d items, got %d", charityapi.MaxItems, len(items))
	}
	var total int64
	for i, it := range items {
		at := fmt.Sprintf("items[%d]", i)
		if err := field.Text(at+".name", it.Name, 1, 40); err != nil {
			return 0, err
		}
		if it.Quantity <= 0 || it.Quantity > 1_000_000_000 {
			return 0, malformed("%s.quantity must be 1 to 1000000000 whole units, got %d", at, it.Quantity)
		}
		if err := field.Text(at+".unit", it.Unit, 1, 8); err != nil {
			return 0, err
		}
		if err := amount(at+".value_fen", it.ValueFen); err != nil {
			return 0, err
		}
		total += it.ValueFen
		if total > charityapi.MaxFen {
			return 0, malformed("the items' valuation exceeds %d fen in all", charityapi.MaxFen)
		}
	}
	return total, nil
}

func checkDocs(name string, docs []string) error {
	if len(docs) > charityapi.MaxDocs {
		return malformed("%s lists %d digests; at most %d", name, len(docs), charityapi.MaxDocs)
	}
	for i, d := range docs {
		if err := field.SHA256(fmt.Sprintf("%s[%d]", name, i), d); err != nil {
			return err
		}
	}
	return nil
}
