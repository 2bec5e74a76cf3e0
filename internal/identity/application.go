package identity

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/module/field"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

// Applications to join (ADR 0020). An organisation that is not a member
// applies from a member node's public hall; the node checks the form and
// relays it on chain with its operator key (identity/apply), which is the
// only way a non-member's words reach the chain. The application carries
// the applicant's first admin key and that key's signature of
// ApplicationMessage (proof of possession), so nobody applies with a key
// they do not hold. Members then vote an admit proposal naming the
// application; when it passes the organisation is created with the roles
// voted and the application is approved. An application nobody admitted
// within the application period (block time) is expired; one whose
// proposal was rejected is rejected.

// Application statuses. Expired is never stored: a pending application is
// expired once block time passes its Expires.
const (
	AppPending  = "pending"
	AppApproved = "approved"
	AppRejected = "rejected"
	AppExpired  = "expired"
)

// KindAdmit is the proposal kind that admits the organisation of a
// pending application, with the roles voted.
const KindAdmit = "admit"

// DefaultApplicationPeriod is how long an application waits for an admit
// proposal to pass, in block time, when the genesis sets no period.
const DefaultApplicationPeriod = 30 * 24 * time.Hour

// MaxApplicationsPerDay bounds the applications one member's node relays
// in a day of block time (China Standard Time), so that a flood through
// one public hall cannot crowd the chain; the gateway limits each client
// address long before.
const MaxApplicationsPerDay = 50

// ApplyBody is the body of identity/apply, which a member node's operator
// key signs for an applicant.
type ApplyBody struct {
	OrgID  string      `json:"org_id" doc:"the organisation id asked for (2-32 lowercase letters, digits or '-'); never reused"`
	Name   string      `json:"name" doc:"the organisation's registered name in Chinese"`
	NameEN string      `json:"name_en,omitempty" doc:"its name in English"`
	USCC   string      `json:"uscc" doc:"unified social credit code (统一社会信用代码, GB 32100-2015, 18 characters with its check character)"`
	Roles  []role.Role `json:"roles" doc:"the roles the organisation asks for, from the chain's declared roles"`
	// AdminKey becomes the organisation's first admin key; Possession is
	// its signature of ApplicationMessage.
	AdminKey   tx.PublicKey `json:"admin_key" doc:"the organisation's first admin key"`
	Possession []byte       `json:"possession" doc:"the admin key's signature of the application message (dengta apply possession), standard base64"`
	// WantsValidator records that the organisation will ask to run a
	// validator; its key comes later by a set_validator proposal.
	WantsValidator bool `json:"wants_validator,omitempty" doc:"the organisation will ask to run a validator once its node has joined (set_validator)"`
	// ContactDigest is the SHA-256 of the salted contact details, which
	// stay off chain in the relaying node's file store.
	ContactDigest string `json:"contact_digest" doc:"SHA-256 (hex) of the salted contact details the relaying node keeps off chain"`
}

// Application is an application to join, identity/application/<ref>.
type Application struct {
	Ref            string       `json:"ref"`
	OrgID          string       `json:"org_id"`
	Name           string       `json:"name"`
	NameEN         string       `json:"name_en,omitempty"`
	USCC           string       `json:"uscc"`
	Roles          []role.Role  `json:"roles"`
	AdminKey       tx.PublicKey `json:"admin_key"`
	Possession     []byte       `json:"possession"`
	WantsValidator bool         `json:"wants_validator,omitempty"`
	ContactDigest  string       `json:"contact_digest"`
	// Relayer is the member whose node relayed the application.
	Relayer string `json:"relayer"`
	Status  string `json:"status"`
	// Proposal is the latest admit proposal naming the application.
	Proposal  uint64 `json:"proposal,omitempty"`
	Submitted int64  `json:"submitted_height"`
	// SubmittedUnix and ExpiresUnix are block times.
	SubmittedUnix int64 `json:"submitted_unix"`
	ExpiresUnix   int64 `json:"expires_unix"`
	Closed        int64 `json:"closed_height,omitempty"`
	// Roles granted when approved, and why it was rejected.
	Granted []role.Role `json:"granted_roles,omitempty"`
	Reason  string      `json:"reason,omitempty"`
}

// StatusAt is the application's status at block time unix: a pending
// application past its expiry is expired.
func (a *Application) StatusAt(unix int64) string {
	if a.Status == AppPending && unix > a.ExpiresUnix {
		return AppExpired
	}
	return a.Status
}

// Apply is the identity/apply action.
var Apply = api.Action[ApplyBody, ApplyResult]{Module: Name, Name: "apply", Doc: "relay a non-member organisation's application to join, signed by the relaying member's node operator key"}

// ApplyResult is what identity/apply answers.
type ApplyResult struct {
	Ref string `json:"ref" doc:"the application's reference number"`
}

// ApplicationRef is the reference number of the application a
// transaction with hash txHash records: "SQ" and the hash's first five
// bytes in capital hex. The relaying node knows it before submitting.
func ApplicationRef(txHash [32]byte) string {
	return "SQ" + strings.ToUpper(hex.EncodeToString(txHash[:5]))
}

// ValidRef reports whether ref has the form of a reference number.
func ValidRef(ref string) bool {
	if len(ref) != 12 || !strings.HasPrefix(ref, "SQ") {
		return false
	}
	for _, c := range ref[2:] {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// ApplicationMessage is what the applicant's admin key signs to show
// that its holder applies for the organisation: the bytes of
// "dengta application\nchain <id>\norg <id>\nuscc <code>\nkey <algo:hex>".
func ApplicationMessage(chainID, org, uscc string, key tx.PublicKey) []byte {
	return fmt.Appendf(nil, "dengta application\nchain %s\norg %s\nuscc %s\nkey %s", chainID, org, uscc, key)
}

// Check validates an application's fields on their own (the gateway runs
// it before relaying, the chain again): ids, names, code, roles, key and
// its proof of possession.
func (b *ApplyBody) Check(chainID string, roles *role.Set) error {
	if err := field.OrgID("org_id", b.OrgID); err != nil {
		return err
	}
	if !orgIDPattern.MatchString(b.OrgID) {
		return errcode.New(errcode.MalformedBody, "organisation id %q: use 2-32 lowercase letters, digits or '-', starting with a letter or digit", b.OrgID)
	}
	if err := field.Text("name", b.Name, 2, 100); err != nil {
		return err
	}
	if err := field.Text("English name", b.NameEN, 0, 100); err != nil {
		return err
	}
	if err := ValidUSCC(b.USCC); err != nil {
		return errcode.New(errcode.MalformedBody, "%v", err)
	}
	if len(b.Roles) == 0 {
		return errcode.New(errcode.MalformedBody, "an application asks for at least one role")
	}
	norm, err := roles.Normalize(b.Roles)
	if err != nil {
		return errcode.New(errcode.MalformedBody, "%v", err)
	}
	b.Roles = norm
	if _, err := tx.NewPublicKey(b.AdminKey.Algo, b.AdminKey.Key); err != nil {
		return errcode.New(errcode.MalformedBody, "admin key: %v", err)
	}
	if b.AdminKey.Algo == tx.AlgoSecp256k1 {
		return errcode.New(errcode.MalformedBody, "the admin key of an application is an SM2 or Ed25519 key")
	}
	if len(b.Possession) == 0 || !b.AdminKey.Verify(ApplicationMessage(chainID, b.OrgID, b.USCC, b.AdminKey), b.Possession) {
		return errcode.New(errcode.BadSignature, "the admin key's proof of possession does not verify: sign the application message for chain %s, organisation %s and code %s with that key (dengta apply possession)", chainID, b.OrgID, b.USCC)
	}
	if d, err := hex.DecodeString(b.ContactDigest); err != nil || len(d) != 32 || strings.ToLower(b.ContactDigest) != b.ContactDigest {
		return errcode.New(errcode.MalformedBody, "contact_digest must be 64 lowercase hex digits (SHA-256)")
	}
	return nil
}

func (m Module) apply(ctx *module.Context, b *ApplyBody) error {
	if err := b.Check(ctx.ChainID, m.roles()); err != nil {
		return err
	}
	taken := func(key []byte, what string) error {
		v, err := ctx.Store.Get(key)
		if err != nil {
			return err
		}
		if v != nil {
			return errcode.New(errcode.Conflict, "%s already belongs to organisation %s", what, v)
		}
		return nil
	}
	if o, err := ctx.Store.Get(orgKey(b.OrgID)); err != nil {
		return err
	} else if o != nil {
		return errcode.New(errcode.Conflict, "organisation id %q is taken (organisation ids are never reused)", b.OrgID)
	}
	if err := taken(usccKey(b.USCC), "unified social credit code "+b.USCC); err != nil {
		return err
	}
	if k, err := ctx.Store.Get(keyKey(b.AdminKey.ID())); err != nil {
		return err
	} else if k != nil {
		return errcode.New(errcode.Conflict, "key %s is already registered; apply with a new key", b.AdminKey.ID())
	}
	// One open application per code and per organisation id.
	for _, idx := range [][]byte{appUSCCKey(b.USCC), appOrgKey(b.OrgID)} {
		ref, err := ctx.Store.Get(idx)
		if err != nil {
			return err
		}
		if ref == nil {
			continue
		}
		open, err := GetApplication(ctx.Store, string(ref))
		if err != nil {
			return err
		}
		if open.StatusAt(ctx.Time.Unix()) == AppPending {
			return errcode.New(errcode.Conflict, "application %s for %s (%s) is still open; follow it on its status page", open.Ref, open.Name, open.USCC)
		}
	}
	day := ctx.Time.In(chinaTime).Format("20060102")
	n, err := getCount(ctx.Store, appDayKey(ctx.Signer.Org, day))
	if err != nil {
		return err
	}
	if n >= MaxApplicationsPerDay {
		return errcode.New(errcode.RateLimited, "the node of %s relayed %d applications today, the most a member's node relays in a day; apply through another member's hall or tomorrow", ctx.Signer.Org, n)
	}
	params, err := GetParams(ctx.Store)
	if err != nil {
		return err
	}
	ref := ApplicationRef(ctx.TxHash)
	if v, err := ctx.Store.Get(applicationKey(ref)); err != nil {
		return err
	} else if v != nil {
		return errcode.New(errcode.Conflict, "reference %s is taken; sign the application again", ref)
	}
	a := &Application{Ref: ref, OrgID: b.OrgID, Name: b.Name, NameEN: b.NameEN, USCC: b.USCC, Roles: b.Roles,
		AdminKey: b.AdminKey, Possession: b.Possession, WantsValidator: b.WantsValidator, ContactDigest: b.ContactDigest,
		Relayer: ctx.Signer.Org, Status: AppPending, Submitted: ctx.Height, SubmittedUnix: ctx.Time.Unix(),
		ExpiresUnix: ctx.Time.Unix() + params.ApplicationPeriod()}
	if err := module.PutJSON(ctx.Store, applicationKey(ref), a); err != nil {
		return err
	}
	for _, idx := range [][]byte{appUSCCKey(b.USCC), appOrgKey(b.OrgID)} {
		if err := ctx.Store.Set(idx, []byte(ref)); err != nil {
			return err
		}
	}
	if err := ctx.Store.Set(appDayKey(ctx.Signer.Org, day), []byte(strconv.FormatInt(n+1, 10))); err != nil {
		return err
	}
	ctx.Emit("identity.application", "ref", ref, "org_id", b.OrgID, "uscc", b.USCC, "relayer", ctx.Signer.Org)
	return ctx.SetResult(ApplyResult{Ref: ref})
}

// chinaTime is UTC+8, the time zone of the relaying limit's days.
var chinaTime = time.FixedZone("CST", 8*3600)

// GetApplication returns an application, or a NotFound error.
func GetApplication(r Reader, ref string) (*Application, error) {
	var a Application
	ok, err := module.GetJSON(r, applicationKey(ref), &a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errcode.New(errcode.NotFound, "no application %s", ref)
	}
	return &a, nil
}

// proposeAdmit checks an admit proposal and fills p: the organisation to
// create from the application, with the roles voted (the roles asked for
// when b gives none).
func (m Module) proposeAdmit(ctx *module.Context, b *ProposeBody, p *Proposal) error {
	if b.Application == "" || b.Org != nil || b.OrgID != "" || b.Validator != nil || b.Action != nil {
		return errcode.New(errcode.MalformedBody, "an admit proposal needs \"application\" (its reference number) and, if the members grant other roles than those asked for, \"roles\"")
	}
	a, err := GetApplication(ctx.Store, b.Application)
	if err != nil {
		return err
	}
	if st := a.StatusAt(ctx.Time.Unix()); st != AppPending {
		return errcode.New(errcode.Conflict, "application %s is %s", a.Ref, st)
	}
	if a.Proposal != 0 {
		prev, err := GetProposal(ctx.Store, a.Proposal)
		if err != nil {
			return err
		}
		if prev.Status == StatusVoting && ctx.Time.Unix() <= prev.Deadline {
			return errcode.New(errcode.Conflict, "proposal %d to admit application %s is still open; vote on it", prev.ID, a.Ref)
		}
	}
	roles := a.Roles
	if b.Roles != nil {
		if roles, err = m.roles().Normalize(b.Roles); err != nil {
			return errcode.New(errcode.MalformedBody, "%v", err)
		}
		if len(roles) == 0 {
			return errcode.New(errcode.MalformedBody, "an admitted organisation needs at least one role")
		}
	}
	spec := &OrgSpec{ID: a.OrgID, Name: a.Name, NameEN: a.NameEN, USCC: a.USCC, Roles: roles, AdminKeys: []tx.PublicKey{a.AdminKey}}
	if err := spec.Validate(m.roles()); err != nil {
		return errcode.New(errcode.MalformedBody, "%v", err)
	}
	p.Org, p.Application = spec, a.Ref
	return nil
}

// linkAdmit records the proposal's id in its application.
func linkAdmit(ctx *module.Context, p *Proposal) error {
	a, err := GetApplication(ctx.Store, p.Application)
	if err != nil {
		return err
	}
	a.Proposal = p.ID
	return module.PutJSON(ctx.Store, applicationKey(a.Ref), a)
}

// executeAdmit creates the organisation of a passed admit proposal.
func executeAdmit(ctx *module.Context, p *Proposal, roles *role.Set) error {
	a, err := GetApplication(ctx.Store, p.Application)
	if err != nil {
		return err
	}
	if st := a.StatusAt(ctx.Time.Unix()); st != AppPending {
		return errcode.New(errcode.Conflict, "application %s is %s", a.Ref, st)
	}
	spec := *p.Org
	if err := createOrg(ctx, &spec, roles); err != nil {
		return err
	}
	ctx.Emit("identity.org_added", "org", spec.ID, "application", a.Ref)
	return nil
}

// closeApplication records the outcome of an admit proposal that closed:
// approved with the roles granted, or rejected with the reason.
func closeApplication(ctx *module.Context, p *Proposal) error {
	a, err := GetApplication(ctx.Store, p.Application)
	if err != nil {
		return err
	}
	if a.Status != AppPending {
		return nil
	}
	a.Closed = ctx.Height
	if p.Status == StatusPassed {
		a.Status, a.Granted = AppApproved, p.Org.Roles
	} else {
		a.Status = AppRejected
		a.Reason = p.Error
		if a.Reason == "" {
			a.Reason = fmt.Sprintf("the members voted against admitting it (proposal %d)", p.ID)
		}
	}
	ctx.Emit("identity.application_closed", "ref", a.Ref, "status", a.Status)
	return module.PutJSON(ctx.Store, applicationKey(a.Ref), a)
}
