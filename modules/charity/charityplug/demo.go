package charityplug

import (
	"context"
	"fmt"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/charity/charityapi"
)

// seed records the charity story of the dev chain: the civil-affairs
// bureau registers a provincial foundation and the county charity
// federation and approves their projects; the bank records donations for
// the foundation's rural schools fund; the foundation passes part of it
// to the county project, which buys school supplies from the supermarket
// for the town's primary school; the school signs for them; a publisher's
// books in kind go to the same school; the foundation files a progress
// report.
func seed(ctx context.Context, d *plug.DemoEnv) error {
	keys := map[string]*client.Key{}
	for _, org := range []string{"regulator", "foundation", "charity", "bank", "school"} {
		k, err := d.Admin(org)
		if err != nil {
			return err
		}
		keys[org] = k
	}
	c := d.Client
	fdnUSCC, err := usccOf(ctx, c, "foundation")
	if err != nil {
		return err
	}
	chUSCC, err := usccOf(ctx, c, "charity")
	if err != nil {
		return err
	}
	for _, r := range []charityapi.RegisterOrgBody{
		{Org: "foundation", Kind: charityapi.KindFoundation, RegistrationNo: fdnUSCC, PublicFundraising: true},
		{Org: "charity", Kind: charityapi.KindSocialOrg, RegistrationNo: chUSCC},
	} {
		if _, _, err := client.Send(ctx, c, keys["regulator"], charityapi.RegisterOrg, r); err != nil {
			return fmt.Errorf("register %s: %w", r.Org, err)
		}
	}
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	today := st.BlockTime.In(time.FixedZone("CST", 8*3600))
	start, end := today.Format(time.DateOnly), today.AddDate(1, 0, 0).Format(time.DateOnly)
	fund, _, err := client.Send(ctx, c, keys["foundation"], charityapi.FileProject, charityapi.ProjectBody{
		Title: "皖北乡村学校图书文具计划", Summary: "为皖北乡村小学配备图书、文具和书包，并资助县级慈善组织开展到校发放。",
		Sector: "11220", Region: "安徽省宿州市", StartDate: start, EndDate: end, ReportEveryDays: 90,
		Lines: []charityapi.LineBody{
			{Code: "grants", Name: "资助县级项目", Category: charityapi.CategoryProgram, BudgetFen: 20_000_000},
			{Code: "books", Name: "图书采购", Category: charityapi.CategoryProgram, BudgetFen: 10_000_000},
			{Code: "admin", Name: "管理费用", Category: charityapi.CategoryManagement, BudgetFen: 2_000_000},
		}})
	if err != nil {
		return fmt.Errorf("file the foundation's project: %w", err)
	}
	county, _, err := client.Send(ctx, c, keys["charity"], charityapi.FileProject, charityapi.ProjectBody{
		Title: "良梨镇中心小学文具项目", Summary: "为砀山县良梨镇中心小学 400 名学生采购文具套装。",
		Sector: "11220", Region: "安徽省宿州市砀山县良梨镇", StartDate: start, EndDate: end,
		Lines: []charityapi.LineBody{
			{Code: "supplies", Name: "文具套装", Category: charityapi.CategoryProgram, BudgetFen: 5_000_000},
			{Code: "delivery", Name: "运输发放", Category: charityapi.CategoryProgram, BudgetFen: 500_000},
		}})
	if err != nil {
		return fmt.Errorf("file the county project: %w", err)
	}
	for i, p := range []string{fund.ID, county.ID} {
		if _, _, err := client.Send(ctx, c, keys["regulator"], charityapi.Approve, charityapi.ApproveBody{Project: p, FilingNo: fmt.Sprintf("皖民慈备〔%d〕%03d号", today.Year(), i+1)}); err != nil {
			return fmt.Errorf("approve %s: %w", p, err)
		}
	}
	// Donations through the bank: small gifts, one restricted to grants.
	gifts := []struct {
		amount       int64
		line, name   string
		donor, refer string
	}{
		{10_000, "", "爱心人士", "13800138001", "WX20260301001"},
		{50_000, "", "张**", "13800138002", "WX20260301002"},
		{200_000, "grants", "皖北商会", "91341300MA2N00099", "UP20260301003"},
		{20_000, "", "", "13800138004", "AL20260301004"},
	}
	for _, g := range gifts {
		if _, err := Donate(ctx, c, keys["bank"], charityapi.DonateBody{Project: fund.ID, Line: g.line, AmountFen: g.amount, Channel: "wechat_pay",
			ChannelRef: g.refer, DonorName: g.name, Message: "愿孩子们好好学习"}, g.donor, d.PublicURL); err != nil {
			return fmt.Errorf("donate: %w", err)
		}
	}
	grant, _, err := client.Send(ctx, c, keys["foundation"], charityapi.Grant, charityapi.GrantBody{From: fund.ID, Line: "grants", To: county.ID,
		ToLine: "supplies", AmountFen: 220_000, Purpose: "资助良梨镇中心小学文具项目"})
	if err != nil {
		return fmt.Errorf("grant: %w", err)
	}
	if _, _, err := client.Send(ctx, c, keys["charity"], charityapi.ConfirmGrant, charityapi.IDBody{ID: grant.ID}); err != nil {
		return fmt.Errorf("confirm: %w", err)
	}
	docs, err := Upload(ctx, c.As(keys["charity"]), []byte("增值税普通发票 合肥惠民超市 文具套装 100 套 ¥1,800.00"), []byte("送货单：文具套装 100 套，良梨镇中心小学签收"))
	if err != nil {
		return err
	}
	disb, _, err := client.Send(ctx, c, keys["charity"], charityapi.Disburse, charityapi.DisburseBody{Project: county.ID, Line: "supplies", AmountFen: 180_000,
		Payee: "market", Beneficiary: "school", Purpose: "文具套装 100 套", InvoiceSHA256: docs[0], DocHashes: docs[1:]})
	if err != nil {
		return fmt.Errorf("disburse: %w", err)
	}
	acc, err := Upload(ctx, c.As(keys["school"]), []byte("验收单：文具套装 100 套，数量质量无误。良梨镇中心小学（盖章）"))
	if err != nil {
		return err
	}
	if _, _, err := client.Send(ctx, c, keys["school"], charityapi.Accept, charityapi.AcceptBody{Disbursement: disb.ID, DocSHA256: acc[0], Note: "已清点入库"}); err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	books, _, err := client.Send(ctx, c, keys["bank"], charityapi.DonateInKind, charityapi.InKindBody{Project: fund.ID, DonorName: "安徽少年儿童出版社",
		DonorHash: charityapi.DonorHash([]byte("demo publisher k"), "91340000MA2N00100"),
		Items:     []charityapi.ItemBody{{Name: "儿童绘本", Quantity: 200, Unit: "册", ValueFen: 500_000}}})
	if err != nil {
		return fmt.Errorf("in kind: %w", err)
	}
	dist, _, err := client.Send(ctx, c, keys["foundation"], charityapi.Distribute, charityapi.DistributeBody{Receipt: books.Receipt, Quantity: 120,
		Beneficiary: "school", Purpose: "良梨镇中心小学图书角"})
	if err != nil {
		return fmt.Errorf("distribute: %w", err)
	}
	if _, _, err := client.Send(ctx, c, keys["school"], charityapi.Accept, charityapi.AcceptBody{Disbursement: dist.ID, DocSHA256: acc[0]}); err != nil {
		return fmt.Errorf("accept the books: %w", err)
	}
	rep, err := Upload(ctx, c.As(keys["foundation"]), []byte("项目进展报告：已资助良梨镇中心小学文具项目 ¥2,200.00，发放绘本 120 册。"))
	if err != nil {
		return err
	}
	if _, _, err := client.Send(ctx, c, keys["foundation"], charityapi.FileReport, charityapi.ReportBody{Project: fund.ID, Kind: charityapi.ReportProgress,
		PeriodFrom: start, PeriodTo: start, Summary: "首批资助与图书发放完成", Files: []charityapi.FileBody{{Name: "进展报告.pdf", SHA256: rep[0]}}}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	d.Logger.Info("charity demo recorded", "foundation_project", fund.ID, "county_project", county.ID, "receipt_page", d.PublicURL+"/charity/projects/"+fund.ID)
	return nil
}

// usccOf reads an organisation's unified social credit code from the
// consortium's records: its registration number as a charity. A node that
// just started answers not_found until its first block commits the
// genesis state; usccOf waits for it, up to 30 s.
func usccOf(ctx context.Context, c *client.Client, org string) (string, error) {
	var o struct {
		USCC string `json:"uscc"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := c.Get(ctx, "/v1/orgs/"+org, &o)
		if err == nil {
			return o.USCC, nil
		}
		if !client.IsCode(err, "not_found") || time.Now().After(deadline) {
			return "", fmt.Errorf("organisation %s: %w", org, err)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
