package notaryplug

import (
	"context"
	"fmt"
	"strings"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/notary/notaryapi"
)

// Files of the demo story: what the cooperative preserves and registers.
const (
	demoContract = "砀山酥梨购销合同\n甲方：皖北食品集团有限公司\n乙方：砀山县梨都果品专业合作社\n供应砀山酥梨 100 吨，单价每公斤 6 元，2026 年 9 月起分批交货。\n"
	demoPhoto    = "梨都合作社果园摄影作品《梨花深处》（示例文件）\n"
)

// seedDemo records the evidence story: the cooperative preserves its
// supply contract with the food group (the file is kept on the node, so
// the verify page checks an upload of it), and registers the copyright of
// its orchard photograph, which it licenses to the supermarket for its
// shelves.
func seedDemo(ctx context.Context, d *plug.DemoEnv) error {
	coop, err := d.Admin("coop")
	if err != nil {
		return err
	}
	c := d.Client.As(coop)
	// deposit keeps the file on the node (so the verify page checks an
	// upload of it) and preserves it.
	deposit := func(body, name, evType, description string) (*client.BlobInfo, *notaryapi.DepositResult, error) {
		info, err := c.UploadBlob(ctx, strings.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("notary demo: upload %s: %w", name, err)
		}
		res, _, err := client.Send(ctx, c, coop, notaryapi.Deposit, notaryapi.DepositBody{
			SHA256: info.SHA256, SM3: info.SM3, Size: &info.Size, FileName: name, MediaType: "text/plain",
			EvidenceType: evType, Description: description,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("notary demo: deposit %s: %w", name, err)
		}
		return info, res, nil
	}
	_, ev, err := deposit(demoContract, "砀山酥梨购销合同.txt", "contract", "与皖北食品集团的 2026 年砀山酥梨购销合同")
	if err != nil {
		return err
	}
	photo, pev, err := deposit(demoPhoto, "梨花深处.txt", "image", "果园摄影作品《梨花深处》")
	if err != nil {
		return err
	}
	work, _, err := client.Send(ctx, c, coop, notaryapi.RegisterWork, notaryapi.RegisterWorkBody{
		Title: "梨花深处", Authors: []string{"砀山县梨都果品专业合作社"}, CreatedOn: "2026-04-02", License: "all-rights-reserved",
		WorkType: "photo", SHA256: photo.SHA256, SM3: photo.SM3, EvidenceID: pev.EvidenceID,
	})
	if err != nil {
		return fmt.Errorf("notary demo: register the photograph: %w", err)
	}
	if _, _, err := client.Send(ctx, c, coop, notaryapi.LicenseWork, notaryapi.LicenseWorkBody{
		WorkID: work.WorkID, Licensee: "market", Terms: "超市门店货架与宣传册使用，非独占", From: "2026-09-01",
	}); err != nil {
		return fmt.Errorf("notary demo: license the photograph: %w", err)
	}
	d.Logger.Info("notary demo recorded", "evidence", ev.EvidenceID, "certificate", d.PublicURL+"/certificates/"+ev.EvidenceID, "work", work.WorkID)
	return nil
}
