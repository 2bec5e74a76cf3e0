package credential

import (
	"fmt"
	"slices"

	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
)

func (Module) recognize(ctx *module.Context, b *credentialapi.RecognizeBody) error {
	if !typeIDPattern.MatchString(b.Type) {
		return malformed("type %q is not a credential type id", b.Type)
	}
	if len(b.Issuers) > credentialapi.MaxRecognized {
		return malformed("issuers: at most %d, got %d", credentialapi.MaxRecognized, len(b.Issuers))
	}
	org := ctx.Signer.Org
	if b.Remove {
		if len(b.Issuers) > 0 {
			return malformed("remove takes no issuers")
		}
		if _, err := GetRecognition(ctx.Store, org, b.Type); err != nil {
			return err
		}
		if err := ctx.Store.Delete(recogKey(org, b.Type)); err != nil {
			return err
		}
		ctx.Emit("credential.recognition_removed", "org", org, "type", b.Type)
		return ctx.SetResult(credentialapi.RecognitionResult{Type: b.Type, Issuers: []string{}, Removed: true})
	}
	issuers := slices.Clone(b.Issuers)
	slices.Sort(issuers)
	for i, is := range issuers {
		if i > 0 && issuers[i-1] == is {
			return malformed("issuers names %s twice", is)
		}
		if _, err := activeOrg(ctx.Store, fmt.Sprintf("issuers[%d]", i), is); err != nil {
			return err
		}
	}
	if _, err := GetType(ctx.Store, b.Type); err != nil {
		return err
	}
	if issuers == nil {
		issuers = []string{}
	}
	r := credentialapi.Recognition{Org: org, Type: b.Type, Issuers: issuers, Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, recogKey(org, b.Type), &r); err != nil {
		return err
	}
	ctx.Emit("credential.recognized", "org", org, "type", b.Type)
	return ctx.SetResult(credentialapi.RecognitionResult{Type: b.Type, Issuers: issuers})
}

// GetRecognition returns an organisation's recognition of a type, or a
// not_found error.
func GetRecognition(r module.Getter, org, typ string) (*credentialapi.Recognition, error) {
	var rec credentialapi.Recognition
	if err := module.GetRecord(r, recogKey(org, typ), &rec, "%s does not recognise %s credentials", org, typ); err != nil {
		return nil, err
	}
	return &rec, nil
}

// Recognizes reports whether a recognition entry covers an issuer.
func Recognizes(rec *credentialapi.Recognition, issuer string) bool {
	return len(rec.Issuers) == 0 || slices.Contains(rec.Issuers, issuer)
}

func (Module) recordUse(ctx *module.Context, b *credentialapi.UseBody) error {
	if err := field.Hex64("ref", b.Ref); err != nil {
		return err
	}
	if !typeIDPattern.MatchString(b.Type) {
		return malformed("type %q is not a credential type id", b.Type)
	}
	if err := field.OrgID("issuer", b.Issuer); err != nil {
		return err
	}
	if b.OK && b.Failed != "" {
		return malformed("failed names a check, but ok is true")
	}
	if !b.OK {
		if err := field.OneOf("failed", b.Failed, credentialapi.Checks); err != nil {
			return err
		}
	}
	if err := field.Text("purpose", b.Purpose, 0, 60); err != nil {
		return err
	}
	org := ctx.Signer.Org
	n, err := getCount(ctx.Store, usesKey(org))
	if err != nil {
		return err
	}
	n++
	u := credentialapi.Use{Org: org, Seq: n, Ref: b.Ref, Type: b.Type, Issuer: b.Issuer, OK: b.OK, Failed: b.Failed, Purpose: b.Purpose,
		By: ctx.Party(), Height: ctx.Height, Time: field.BlockTime(ctx.Time)}
	if err := module.PutJSON(ctx.Store, useKey(org, n), &u); err != nil {
		return err
	}
	if err := setCount(ctx.Store, usesKey(org), n); err != nil {
		return err
	}
	ctx.Emit("credential.use_recorded", "org", org, "seq", fmt.Sprint(n), "ok", fmt.Sprint(b.OK))
	return ctx.SetResult(credentialapi.UseResult{Seq: n})
}
