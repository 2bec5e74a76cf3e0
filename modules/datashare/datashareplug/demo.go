package datashareplug

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/datakey"
	"github.com/dengta-chain/dengta/internal/plug"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/modules/datashare/pdm"
	"github.com/dengta-chain/dengta/tx"
)

// The demo story's patient and device. The access code is printed in the
// dev chain's log, so that the patient's page can be opened; a real
// hospital draws one per patient and hands it over on paper.
const (
	DemoPatientName = "张秀兰"
	DemoAccessCode  = "DEMO-2026-ZXL0-0315"
	demoPatientIDNo = "340104195803150027"
	DemoDevice      = "JUICER-PRESS-07"
)

// The demo patient's records: what hospa keeps encrypted in its node.
var demoRecords = []struct{ typ, name, content string }{
	{datashareapi.TypeOutpatient, "门诊病历.txt", "门诊病历 2026-03-02 心内科：活动后胸闷两周。心电图：ST段压低。建议冠脉造影，转诊省立医院心内科。"},
	{datashareapi.TypeLab, "检验报告.txt", "检验报告 2026-03-02 肌钙蛋白I 0.02 ng/mL（参考<0.04）；低密度脂蛋白胆固醇 4.1 mmol/L（偏高）。"},
}

// seedDemo records the demo story. Medical: the city hospital (hospa)
// admits a patient, registers her outpatient record and lab result
// (sealed in its node), and refers her to the provincial hospital
// (hospb); she consents on her page; hospb's staff open the records,
// which hospa's node serves and audits. Industrial: the juice factory
// (juicery) registers its cold press, built by the food-machinery maker
// (machinery), shares its telemetry with the maker for maintenance; the
// press's windows run through the model on juicery's node, whose bearing
// starts to run hot and shake; the maker's engineer records the repair
// that resolves the alerts.
func (n *node) seedDemo(ctx context.Context, d *plug.DemoEnv) error {
	nd, err := n.running()
	if err != nil {
		return err
	}
	keys := map[string]*client.Key{}
	for _, org := range []string{"hospa", "hospb", "machinery", "juicery"} {
		k, err := d.Admin(org)
		if err != nil {
			return err
		}
		keys[org] = k
		ids := []tx.KeyID{}
		held, _ := n.keysOf(org)
		for _, h := range held {
			ids = append(ids, h.ID())
		}
		id, err := tx.ParseKeyID(k.ID())
		if err != nil {
			return err
		}
		ids = append(ids, id)
		if _, _, err := client.Send(ctx, d.Client, k, datashareapi.SetExchange, datashareapi.ExchangeBody{Keys: ids, Endpoint: strings.TrimRight(d.PublicURL, "/")}); err != nil {
			return fmt.Errorf("datashare demo: exchange keys of %s: %w", org, err)
		}
	}
	// The referral.
	body, _ := json.Marshal(datashareapi.PatientBody{Name: DemoPatientName, IDNumber: demoPatientIDNo, AccessCode: DemoAccessCode})
	pat, err := client.Post(ctx, d.Client.As(keys["hospa"]), datashareapi.RegisterPatient, api.None{}, bytes.NewReader(body), "application/json")
	if err != nil {
		return fmt.Errorf("datashare demo: admit the patient: %w", err)
	}
	var recs []string
	for _, r := range demoRecords {
		res, err := Register(ctx, d.Client, keys["hospa"], datashareapi.RecordBody{Domain: datashareapi.Medical, Type: r.typ, Class: datashareapi.ClassRestricted, Subject: pat.ID},
			datakey.Meta{Name: r.name, MediaType: "text/plain; charset=utf-8"}, []byte(r.content))
		if err != nil {
			return fmt.Errorf("datashare demo: register %s: %w", r.name, err)
		}
		recs = append(recs, res.ID)
	}
	g, err := Share(ctx, d.Client, keys["hospa"], keys["hospa"], datashareapi.GrantBody{Grantee: "hospb", Purpose: datashareapi.PurposeTreat, Records: recs,
		MaxClass: datashareapi.ClassRestricted, End: nd.Now().AddDate(0, 0, 90).UTC().Format(time.RFC3339)})
	if err != nil {
		return fmt.Errorf("datashare demo: referral: %w", err)
	}
	pk, err := n.custody.Open(pat.ID, DemoAccessCode, nd.Now())
	if err != nil {
		return err
	}
	st, err := SignStatement(nd.ChainID, pk, datashareapi.ActApprove, g.ID, pat.ID, nd.Now())
	if err != nil {
		return err
	}
	if _, err := RelayStatement(ctx, d.Client, st); err != nil {
		return fmt.Errorf("datashare demo: the patient's consent: %w", err)
	}
	if _, err := Retrieve(ctx, d.Client, keys["hospb"], recs[0], g.ID, "", keys["hospb"]); err != nil {
		return fmt.Errorf("datashare demo: hospb opens the outpatient record: %w", err)
	}

	// The cold press and its telemetry.
	dk, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		return err
	}
	if _, _, err := client.Send(ctx, d.Client, keys["juicery"], datashareapi.RegisterDevice, datashareapi.DeviceBody{ID: DemoDevice, Maker: "machinery",
		Model: "HP-500 液压冷榨机", Serial: "HP500-2024-0317", PublicKey: dk.Public()}); err != nil {
		return fmt.Errorf("datashare demo: register the press: %w", err)
	}
	if _, _, err := client.Send(ctx, d.Client, keys["juicery"], datashareapi.Grant, datashareapi.GrantBody{Grantee: "machinery", Purpose: datashareapi.PurposeMaintain,
		Device: DemoDevice, Types: []string{datashareapi.TypeTelemetry, datashareapi.TypeMaintReport}, MaxClass: datashareapi.ClassRestricted,
		End: nd.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}); err != nil {
		return fmt.Errorf("datashare demo: maintenance grant: %w", err)
	}
	var alerts []string
	t0 := nd.Now().Add(-30 * 10 * time.Minute).Truncate(time.Minute)
	for w := range 30 {
		vib, temp := int64(1800+(w%5)*40), int64(52_000+(w%3)*300)
		if w >= 26 { // the bearing wears: hotter, shakier
			vib, temp = 1800+int64(w-25)*700, 52_000+int64(w-25)*5_000
		}
		var rs []pdm.Reading
		for s := range 60 {
			rs = append(rs, pdm.Reading{Time: t0.Add(time.Duration(w)*10*time.Minute + time.Duration(s)*time.Second), Vibration: vib + int64(s%7)*10, Temperature: temp + int64(s%5)*20})
		}
		up, err := SignWindow(nd.ChainID, DemoDevice, dk, uint64(w+1), pdm.FormatReadings(rs))
		if err != nil {
			return err
		}
		res, err := PushWindow(ctx, d.Client.As(keys["juicery"]), DemoDevice, up)
		if err != nil {
			return fmt.Errorf("datashare demo: telemetry window %d: %w", w+1, err)
		}
		alerts = append(alerts, res.Alerts...)
	}
	if _, _, err := client.Send(ctx, d.Client, keys["machinery"], datashareapi.Maintain, datashareapi.MaintenanceBody{Device: DemoDevice, Kind: "replacement",
		Performed: nd.Now().UTC().Format(time.RFC3339), Summary: "更换主轴承（6312-2RS）并重新润滑，振动与温度恢复正常", Parts: []string{"6312-2RS"}, Resolves: alerts,
		NextDue: nd.Now().AddDate(0, 3, 0).Format(time.DateOnly)}); err != nil {
		return fmt.Errorf("datashare demo: the repair: %w", err)
	}
	d.Logger.Info("datashare demo recorded", "patient", pat.ID, "access_code", DemoAccessCode, "referral", g.ID, "device", DemoDevice, "alerts", len(alerts))
	return nil
}
