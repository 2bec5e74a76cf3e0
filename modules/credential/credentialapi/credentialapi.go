// Package credentialapi is the electronic certificates module's wire: its
// actions with their bodies and results, its records and its read
// endpoints, and the verification report.
//
// On chain are only the registry and the anchors: credential types (with
// their JSON Schema) and the organisations authorised to issue each,
// registered by governance decisions; each organisation's credential
// signing keys, which make its DID document (did:dengta:<chain>:<org>);
// status lists (their bits and their hashes); each issued credential's
// hash, type, issuer, signing key and status entry; what each relying
// organisation recognises; and the uses relying organisations record.
// Personal data never goes on chain: the credentials themselves are
// W3C VC 2.0 documents secured as SD-JWTs that their holders keep.
package credentialapi

import (
	"encoding/json"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/internal/module"
	"github.com/dengta-chain/dengta/internal/role"
)

// Name is the module name used in transactions and keys.
const Name = "credential"

// Roles: the module declares none. Who may issue a type is decided per
// type by governance; every member may publish keys, recognise and record
// uses.
var Roles []role.Spec

// Party is who signed an action.
type Party = module.Party

// Limits.
const (
	MaxSchema     = 16 << 10 // bytes of a type's JSON Schema
	MaxClaims     = 40       // claims of a type
	MaxAnchors    = 200      // credentials of one anchor transaction
	MaxKeys       = 16       // active keys of one organisation
	MaxRecognized = 50       // issuers named in one recognition
)

// Credential statuses.
const (
	StatusActive    = "active"
	StatusRevoked   = "revoked"   // for good
	StatusSuspended = "suspended" // until reinstated
)

// Statuses are the statuses set_status accepts.
var Statuses = []string{StatusActive, StatusRevoked, StatusSuspended}

// The registry's actions: types and issuers are registered by governance
// decisions (identity authorize_action, ADR 0010).
var (
	SubmitType      = api.Action[SubmitTypeBody, TypeResult]{Module: Name, Name: "submit_type", Doc: "submit a credential type (a template with the JSON Schema of its claims) for the consortium to register by a governance decision"}
	RegisterType    = api.Action[RegisterTypeBody, TypeResult]{Module: Name, Name: "register_type", Doc: "register a submitted credential type, carrying out a passed governance decision whose subject is <type>:<hash>"}
	AuthorizeIssuer = api.Action[IssuerBody, IssuerResult]{Module: Name, Name: "authorize_issuer", Doc: "authorise an organisation to issue a credential type, carrying out a passed governance decision whose subject is <type>:<org>"}
	WithdrawIssuer  = api.Action[IssuerBody, IssuerResult]{Module: Name, Name: "withdraw_issuer", Doc: "withdraw an organisation's authorisation for a credential type, carrying out a passed governance decision whose subject is <type>:<org>; what it issued before stays valid"}
)

// The issuer's actions.
var (
	AddKey       = api.Action[AddKeyBody, KeyResult]{Module: Name, Name: "add_key", Doc: "publish a credential signing key in the organisation's DID document, with a proof of possession"}
	RevokeKey    = api.Action[RevokeKeyBody, KeyResult]{Module: Name, Name: "revoke_key", Doc: "take a signing key out of the organisation's DID document; credentials anchored before keep verifying"}
	OpenList     = api.Action[OpenListBody, ListResult]{Module: Name, Name: "open_list", Doc: "open a new status list (revocation and suspension bits) of the issuing organisation"}
	AnchorIssued = api.Action[AnchorBody, AnchorResult]{Module: Name, Name: "anchor", Doc: "anchor issued credentials: each one's hash, type, signing key and status entry, never personal data"}
	SetStatus    = api.Action[StatusBody, StatusResult]{Module: Name, Name: "set_status", Doc: "revoke, suspend or reinstate a credential the organisation issued; the status list's new hash is anchored"}

	RevokeByDecision = api.Action[DecisionRevokeBody, StatusResult]{Module: Name, Name: "revoke_by_decision", Doc: "revoke a credential by a passed governance decision whose subject is its hash (a court order, an issuer that left)"}
)

// The relying organisations' actions.
var (
	Recognize = api.Action[RecognizeBody, RecognitionResult]{Module: Name, Name: "recognize", Doc: "record which issuers' credentials of a type the organisation recognises (its mutual recognition list), or remove the entry"}
	RecordUse = api.Action[UseBody, UseResult]{Module: Name, Name: "record_use", Doc: "record that the organisation checked a presented credential and the outcome (用证留痕), by a reference that only the verifier and the holder can link to it"}
)

// Claim is one claim of a credential type, with its labels.
type Claim struct {
	Name string `json:"name" doc:"the claim's name in credentialSubject, e.g. ownerName"`
	ZH   string `json:"zh" doc:"Chinese label"`
	EN   string `json:"en" doc:"English label"`
	// Fixed claims are always disclosed; the others are selectively
	// disclosable.
	Fixed bool `json:"fixed,omitempty" doc:"always disclosed; other claims are selectively disclosable"`
}

// TypeDef is a credential type: a template like WeIdentity's CPT.
type TypeDef struct {
	ID           string  `json:"id" doc:"the VC type name: 3 to 48 letters and digits, starting with a capital, e.g. RealEstateCertificateCredential"`
	Name         string  `json:"name" doc:"Chinese name, e.g. 不动产权证书"`
	NameEN       string  `json:"name_en" doc:"English name"`
	Description  string  `json:"description,omitempty"`
	Claims       []Claim `json:"claims" doc:"the claims of credentialSubject, in display order"`
	Schema       string  `json:"schema" doc:"JSON Schema (draft 2020-12) of credentialSubject, as text"`
	ValidityDays int     `json:"validity_days,omitempty" doc:"default validity in days; 0: no expiry"`
}

// SubmitTypeBody is the body of credential/submit_type.
type SubmitTypeBody struct {
	Type TypeDef `json:"type"`
}

// TypeResult answers submit_type and register_type.
type TypeResult struct {
	ID   string `json:"id"`
	Hash string `json:"hash" doc:"SHA-256 of the definition"`
	// Subject is what a governance decision registering it names.
	Subject string `json:"subject"`
}

// Draft is a submitted type awaiting a governance decision.
type Draft struct {
	Type    TypeDef `json:"type"`
	Hash    string  `json:"hash"`
	Subject string  `json:"subject" doc:"the authorize_action subject that registers it: <type>:<hash>"`
	By      Party   `json:"by"`
	Height  int64   `json:"height"`
	Time    string  `json:"time"`
}

// Type is a registered credential type. Types never change: a new schema
// is a new type.
type Type struct {
	TypeDef
	Hash       string `json:"hash"`
	ProposalID uint64 `json:"proposal_id"`
	Height     int64  `json:"height"`
	Time       string `json:"time"`
}

// RegisterTypeBody is the body of credential/register_type.
type RegisterTypeBody struct {
	ProposalID uint64 `json:"proposal_id" doc:"the passed authorize_action proposal"`
	ID         string `json:"id" doc:"the submitted type"`
	Hash       string `json:"hash" doc:"the submitted definition's hash"`
}

// IssuerBody is the body of authorize_issuer and withdraw_issuer.
type IssuerBody struct {
	ProposalID uint64 `json:"proposal_id" doc:"the passed authorize_action proposal"`
	Type       string `json:"type"`
	Issuer     string `json:"issuer" doc:"organisation id"`
}

// IssuerResult answers authorize_issuer and withdraw_issuer.
type IssuerResult struct {
	Type   string `json:"type"`
	Issuer string `json:"issuer"`
	Active bool   `json:"active"`
}

// IssuerAuth is an organisation's authorisation for a type, as periods
// of heights: a credential is issued with authority when it was anchored
// within one.
type IssuerAuth struct {
	Type    string       `json:"type"`
	Issuer  string       `json:"issuer"`
	Active  bool         `json:"active" doc:"the last period is open"`
	Periods []AuthPeriod `json:"periods"`
}

// AuthPeriod is a period of an authorisation: from the height of the
// decision that granted it to the height of the one that withdrew it.
type AuthPeriod struct {
	From             int64  `json:"from"`
	FromTime         string `json:"from_time"`
	Proposal         uint64 `json:"proposal"`
	To               int64  `json:"to,omitempty" doc:"0 while it stands"`
	ToTime           string `json:"to_time,omitempty"`
	WithdrawProposal uint64 `json:"withdraw_proposal,omitempty"`
}

// Authorized reports whether the authorisation covered height h.
func (a *IssuerAuth) Authorized(h int64) bool {
	for _, p := range a.Periods {
		if p.From <= h && (p.To == 0 || h < p.To) {
			return true
		}
	}
	return false
}

// JWK is a public JSON Web Key: EC P-256, OKP Ed25519 or EC SM2.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y,omitempty"`
}

// AddKeyBody is the body of credential/add_key.
type AddKeyBody struct {
	JWK JWK `json:"jwk" doc:"the public key"`
	// Proof is a compact JWS signed by the key over the JSON object
	// {"chain_id","org","kid","purpose":"dengta-credential-key"}.
	Proof string `json:"proof" doc:"proof of possession: a compact JWS by the key over {chain_id, org, kid, purpose: dengta-credential-key}"`
	Name  string `json:"name,omitempty" doc:"what the key is, e.g. the hall of node 1"`
}

// KeyPurpose is the purpose a key's proof of possession names.
const KeyPurpose = "dengta-credential-key"

// KeyProof is what an add_key proof of possession signs.
type KeyProof struct {
	ChainID string `json:"chain_id"`
	Org     string `json:"org"`
	Kid     string `json:"kid"`
	Purpose string `json:"purpose"`
}

// KeyResult answers add_key and revoke_key.
type KeyResult struct {
	Kid string `json:"kid"`
	DID string `json:"did"`
}

// RevokeKeyBody is the body of credential/revoke_key.
type RevokeKeyBody struct {
	Kid    string `json:"kid"`
	Reason string `json:"reason,omitempty"`
}

// Key is a credential signing key of an organisation: a verification
// method of its DID document.
type Key struct {
	Org  string `json:"org"`
	Kid  string `json:"kid" doc:"the key's RFC 7638 thumbprint"`
	Alg  string `json:"alg" doc:"ES256, EdDSA or SM2SM3"`
	JWK  JWK    `json:"jwk"`
	Name string `json:"name,omitempty"`
	By   Party  `json:"by"`
	// Added and Revoked bound the heights at which the key signs
	// credentials: anchored at Added or later, before Revoked.
	Added       int64  `json:"added"`
	AddedTime   string `json:"added_time"`
	Revoked     int64  `json:"revoked,omitempty"`
	RevokedTime string `json:"revoked_time,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// OpenListBody is the body of credential/open_list.
type OpenListBody struct {
	Size int `json:"size,omitempty" doc:"entries, a multiple of 8192 from 131072 (the default) to 1048576"`
}

// ListResult answers open_list.
type ListResult struct {
	Issuer string `json:"issuer"`
	N      int    `json:"n"`
	Size   int    `json:"size"`
}

// ListState is the anchored state of one purpose's bits.
type ListState struct {
	Hash    string `json:"hash" doc:"SHA-256 of the uncompressed bitstring"`
	Version int    `json:"version" doc:"changes since the list was opened"`
	Height  int64  `json:"height"`
	Time    string `json:"time"`
}

// List is a status list of an issuer: a revocation and a suspension
// bitstring of Size entries each.
type List struct {
	Issuer     string    `json:"issuer"`
	N          int       `json:"n"`
	Size       int       `json:"size"`
	Used       int       `json:"used" doc:"entries given to credentials"`
	Revocation ListState `json:"revocation"`
	Suspension ListState `json:"suspension"`
}

// ListChange is one change of a list's bits, kept forever.
type ListChange struct {
	Purpose    string `json:"purpose"`
	Version    int    `json:"version"`
	Index      int    `json:"index"`
	Set        bool   `json:"set"`
	Hash       string `json:"hash" doc:"the bitstring's hash after the change"`
	Credential string `json:"credential"`
	Height     int64  `json:"height"`
	Time       string `json:"time"`
}

// AnchorItem is one credential of an anchor transaction.
type AnchorItem struct {
	Hash  string `json:"hash" doc:"SHA-256 (hex) of the issuer-signed JWT"`
	Type  string `json:"type"`
	Kid   string `json:"kid" doc:"the signing key, one of the issuer's"`
	List  int    `json:"list" doc:"the issuer's status list"`
	Index int    `json:"index" doc:"the credential's entry in it"`
}

// AnchorBody is the body of credential/anchor.
type AnchorBody struct {
	Credentials []AnchorItem `json:"credentials"`
}

// AnchorResult answers credential/anchor.
type AnchorResult struct {
	Anchored int `json:"anchored"`
}

// Anchor is an issued credential as the chain knows it.
type Anchor struct {
	Hash   string `json:"hash"`
	Type   string `json:"type"`
	Issuer string `json:"issuer"`
	Kid    string `json:"kid"`
	List   int    `json:"list"`
	Index  int    `json:"index"`
	By     Party  `json:"by"`
	Height int64  `json:"height"`
	Time   string `json:"time"`
	Tx     string `json:"tx"`
	Status string `json:"status" doc:"active, revoked or suspended"`
}

// StatusBody is the body of credential/set_status.
type StatusBody struct {
	Hash   string `json:"hash"`
	Status string `json:"status" doc:"revoked, suspended or active (reinstates a suspended credential)"`
	Reason string `json:"reason,omitempty"`
}

// DecisionRevokeBody is the body of credential/revoke_by_decision.
type DecisionRevokeBody struct {
	ProposalID uint64 `json:"proposal_id"`
	Hash       string `json:"hash"`
}

// StatusResult answers set_status and revoke_by_decision.
type StatusResult struct {
	Hash       string `json:"hash"`
	Status     string `json:"status"`
	Revocation string `json:"revocation" doc:"the revocation list's new hash"`
	Suspension string `json:"suspension" doc:"the suspension list's new hash"`
}

// StatusEntry is one status change of a credential.
type StatusEntry struct {
	Seq        int    `json:"seq"`
	Status     string `json:"status"`
	Reason     string `json:"reason,omitempty"`
	ProposalID uint64 `json:"proposal_id,omitempty"`
	By         Party  `json:"by"`
	Height     int64  `json:"height"`
	Time       string `json:"time"`
}

// RecognizeBody is the body of credential/recognize.
type RecognizeBody struct {
	Type    string   `json:"type"`
	Issuers []string `json:"issuers,omitempty" doc:"the issuers recognised; empty: every issuer authorised for the type"`
	Remove  bool     `json:"remove,omitempty" doc:"take the type off the list"`
}

// RecognitionResult answers credential/recognize.
type RecognitionResult struct {
	Type    string   `json:"type"`
	Issuers []string `json:"issuers"`
	Removed bool     `json:"removed,omitempty"`
}

// Recognition is one entry of a relying organisation's list.
type Recognition struct {
	Org     string   `json:"org"`
	Type    string   `json:"type"`
	Issuers []string `json:"issuers" doc:"empty: every issuer authorised for the type"`
	Height  int64    `json:"height"`
	Time    string   `json:"time"`
}

// UseBody is the body of credential/record_use.
type UseBody struct {
	Ref     string `json:"ref" doc:"SHA-256 (hex) of the verifier's nonce followed by the credential hash: links the use to the credential only for who knows the nonce"`
	Type    string `json:"type"`
	Issuer  string `json:"issuer"`
	OK      bool   `json:"ok"`
	Failed  string `json:"failed,omitempty" doc:"the check that failed"`
	Purpose string `json:"purpose,omitempty" doc:"the matter it was checked for, e.g. 抵押贷款"`
}

// UseResult answers credential/record_use.
type UseResult struct {
	Seq int `json:"seq"`
}

// Use is a recorded check of a presented credential.
type Use struct {
	Org     string `json:"org"`
	Seq     int    `json:"seq"`
	Ref     string `json:"ref"`
	Type    string `json:"type"`
	Issuer  string `json:"issuer"`
	OK      bool   `json:"ok"`
	Failed  string `json:"failed,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	By      Party  `json:"by"`
	Height  int64  `json:"height"`
	Time    string `json:"time"`
}

// Proofs are offline proof bundles by state key, each the bundle's
// canonical bytes as a string.
type Proofs = map[string]string

// The read endpoints.
var (
	ListTypes      = api.Query[HeightParams, TypeList]{Path: "/v1/credential/types", Doc: "The credential types, their issuers and the submitted drafts", Public: true}
	GetType        = api.Query[TypeParams, TypeView]{Path: "/v1/credential/types/{id}", Doc: "One credential type with its issuers; prove=true adds proof bundles", Public: true}
	GetDID         = api.Query[OrgParams, DIDView]{Path: "/v1/credential/did/{org}", Doc: "An organisation's DID document (did:dengta) from its keys on chain; prove=true adds proof bundles", Public: true}
	GetAnchor      = api.Query[HashParams, AnchorView]{Path: "/v1/credential/anchors/{hash}", Doc: "An issued credential's anchor and status by the hash of its issuer-signed JWT; prove=true adds proof bundles", Public: true}
	GetEvidence    = api.Query[EvidenceParams, Evidence]{Path: "/v1/credential/evidence/{hash}", Doc: "Everything a verifier needs to check a credential offline: proof bundles of its anchor, type, issuer authorisation, key, status list and optionally a recognition entry, with the status lists", Public: true}
	GetList        = api.Query[ListParams, ListView]{Path: "/v1/credential/lists/{org}/{n}", Doc: "A status list: its anchored hashes and its bitstrings; prove=true adds proof bundles", Public: true}
	GetRecognition = api.Query[OrgParams, RecognitionList]{Path: "/v1/credential/recognition/{org}", Doc: "The credential types and issuers an organisation recognises", Public: true}
	ListIssued     = api.Query[PageParams, api.Page[Anchor]]{Path: "/v1/credential/issued", Doc: "The credentials an issuer anchored, newest first; for the issuer and those who oversee"}
	ListUses       = api.Query[PageParams, api.Page[Use]]{Path: "/v1/credential/uses", Doc: "The uses an organisation recorded, newest first; for the organisation and those who oversee"}
)

// HeightParams name a state version.
type HeightParams struct {
	Height int64 `query:"height" doc:"state version; latest when absent"`
}

// TypeParams name a type.
type TypeParams struct {
	ID     string `path:"id"`
	Prove  bool   `query:"prove" doc:"add proof bundles"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// OrgParams name an organisation.
type OrgParams struct {
	Org    string `path:"org"`
	Prove  bool   `query:"prove" doc:"add proof bundles"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// HashParams name a credential by its hash.
type HashParams struct {
	Hash   string `path:"hash" doc:"SHA-256 (hex) of the issuer-signed JWT"`
	Prove  bool   `query:"prove" doc:"add proof bundles"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// EvidenceParams name a credential and what it claims, for a credential
// that may not be anchored; the anchor gives the rest when it exists.
type EvidenceParams struct {
	Hash         string `path:"hash" doc:"SHA-256 (hex) of the issuer-signed JWT"`
	Issuer       string `query:"issuer" doc:"the issuer it names (an organisation id)"`
	Type         string `query:"type" doc:"the type it names"`
	Kid          string `query:"kid" doc:"the signing key it names"`
	KeyOrg       string `query:"key_org" doc:"the organisation whose DID the key URL names, when not the issuer"`
	List         int    `query:"list" doc:"the status list it names"`
	RecognizedBy string `query:"recognized_by" doc:"add the recognition entry of this organisation"`
}

// ListParams name a status list.
type ListParams struct {
	Org    string `path:"org"`
	N      int    `path:"n"`
	Prove  bool   `query:"prove" doc:"add proof bundles"`
	Height int64  `query:"height" doc:"state version; latest when absent"`
}

// PageParams page through an organisation's records.
type PageParams struct {
	Org   string `query:"org" doc:"organisation id"`
	Q     string `query:"q" doc:"search text: issued credentials by hash, type (id or name) or status (有效, revoked...); uses by reference, purpose, type, issuer (id or name, Chinese or English) or result (通过, failed...); case-insensitive"`
	After string `query:"after" doc:"the next value of the previous page; another value is refused with 400"`
	Limit int    `query:"limit" doc:"at most 200; 50 when absent"`
}

// TypeList answers ListTypes.
type TypeList struct {
	Height  int64        `json:"height"`
	Types   []Type       `json:"types"`
	Issuers []IssuerAuth `json:"issuers"`
	Drafts  []Draft      `json:"drafts"`
}

// TypeView answers GetType.
type TypeView struct {
	Height  int64        `json:"height"`
	Type    Type         `json:"type"`
	Issuers []IssuerAuth `json:"issuers"`
	Proofs  Proofs       `json:"proofs,omitempty"`
}

// DIDView answers GetDID: a DID resolution result.
type DIDView struct {
	Height   int64           `json:"height"`
	DID      string          `json:"did"`
	Name     string          `json:"name" doc:"the organisation's name"`
	Active   bool            `json:"active" doc:"false once the organisation left the consortium (the DID is deactivated)"`
	Document json.RawMessage `json:"did_document" doc:"the DID document (W3C DID v1.0)"`
	Keys     []Key           `json:"keys" doc:"every key, revoked ones too"`
	Proofs   Proofs          `json:"proofs,omitempty"`
}

// AnchorView answers GetAnchor.
type AnchorView struct {
	Height int64         `json:"height"`
	Anchor Anchor        `json:"anchor"`
	Log    []StatusEntry `json:"log"`
	Proofs Proofs        `json:"proofs,omitempty"`
}

// ListView answers GetList.
type ListView struct {
	Height     int64        `json:"height"`
	List       List         `json:"list"`
	Revocation string       `json:"revocation" doc:"encodedList of the revocation bits"`
	Suspension string       `json:"suspension" doc:"encodedList of the suspension bits"`
	Changes    []ListChange `json:"changes" doc:"the latest changes, newest first"`
	Proofs     Proofs       `json:"proofs,omitempty"`
}

// RecognitionList answers GetRecognition.
type RecognitionList struct {
	Height int64         `json:"height"`
	Org    string        `json:"org"`
	Items  []Recognition `json:"items"`
}

// EvidenceFormat names the evidence format and version.
const EvidenceFormat = "dengta-credential-evidence/1"

// Evidence is what a verifier needs besides the presentation to check it
// offline against the validator set it trusts.
type Evidence struct {
	Format  string `json:"format"`
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"`
	Time    string `json:"time" doc:"block time of the proven state"`
	Hash    string `json:"hash"`
	// Bundles are proof bundles by state key: the anchor (or its
	// absence), the type, the issuer's authorisation, the signing key,
	// the issuer's organisation, the status list and, when asked, a
	// recognition entry.
	Bundles Proofs `json:"bundles"`
	// StatusLists are the encodedList of each purpose of the credential's
	// status list, whose hashes the list's bundle proves.
	StatusLists map[string]string `json:"status_lists,omitempty"`
}

// The checks of a verification, in the order they run.
const (
	CheckFormat      = "format"
	CheckProof       = "proof"
	CheckSignature   = "signature"
	CheckDisclosures = "disclosures"
	CheckIssuer      = "issuer"
	CheckAnchor      = "anchor"
	CheckStatus      = "status"
	CheckSchema      = "schema"
	CheckExpiry      = "expiry"
	CheckHolder      = "holder binding"
	CheckRecognition = "recognition"
)

// Checks lists the checks in order.
var Checks = []string{CheckFormat, CheckProof, CheckSignature, CheckDisclosures, CheckIssuer, CheckAnchor, CheckStatus, CheckSchema, CheckExpiry, CheckHolder, CheckRecognition}

// Check is one check of a verification.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Skipped says the check could not run: an earlier one failed and
	// left nothing to check it on.
	Skipped bool `json:"skipped,omitempty"`
}

// Report is the outcome of verifying a presentation.
type Report struct {
	OK     bool    `json:"ok"`
	Checks []Check `json:"checks"`
	// Failed names the first check that failed.
	Failed     string   `json:"failed,omitempty"`
	Credential *Summary `json:"credential,omitempty"`
	// Recognized is set when the check was asked for an organisation.
	Recognized   *bool  `json:"recognized,omitempty"`
	RecognizedBy string `json:"recognized_by,omitempty"`
	// Height and Time are the chain state the evidence proves.
	Height int64  `json:"height,omitempty"`
	Time   string `json:"time,omitempty"`
}

// Summary is what a verified presentation shows.
type Summary struct {
	Hash       string `json:"hash"`
	Type       string `json:"type"`
	TypeName   string `json:"type_name,omitempty"`
	TypeNameEN string `json:"type_name_en,omitempty"`
	Issuer     string `json:"issuer" doc:"organisation id"`
	IssuerName string `json:"issuer_name,omitempty"`
	IssuerDID  string `json:"issuer_did"`
	ValidFrom  string `json:"valid_from,omitempty"`
	ValidUntil string `json:"valid_until,omitempty"`
	// Claims are the disclosed claims of credentialSubject, in the type's
	// order, with their labels.
	Claims []ShownClaim `json:"claims"`
	Status string       `json:"status,omitempty"`
}

// ShownClaim is a disclosed claim with its labels.
type ShownClaim struct {
	Name  string          `json:"name"`
	ZH    string          `json:"zh,omitempty"`
	EN    string          `json:"en,omitempty"`
	Value json.RawMessage `json:"value"`
}

// The node's services: signing with the key the node keeps for the
// caller's organisation, verifying a presentation, and the status list
// credentials an issuer's node publishes.
var (
	GetNodeKey = api.Query[AlgParams, NodeKey]{Path: "/v1/credential/node-key", Doc: "The credential signing key this node keeps for the caller's organisation, with a proof of possession to publish it (add_key)"}
	Sign       = api.Query[NoParams, Signed]{Method: "POST", Path: "/v1/credential/sign", Doc: "Sign a credential with the key this node keeps for the caller's organisation; anchor it afterwards (credential/anchor)"}
	Verify     = api.Query[NoParams, Report]{Method: "POST", Path: "/v1/credential/verify", Doc: "Verify a presentation against this node's chain and current validator set, check by check", Public: true}
	StatusList = api.Query[StatusParams, []byte]{Path: "/v1/credential/status/{org}/{n}/{purpose}", Doc: "The BitstringStatusListCredential an issuer publishes, as a JWT (application/vc+jwt) signed by its key", Public: true}
)

// NoParams are the parameters of an endpoint that takes none.
type NoParams struct{}

// AlgParams choose a signature algorithm.
type AlgParams struct {
	Alg string `query:"alg" doc:"ES256 (default), EdDSA or SM2SM3"`
}

// StatusParams name a status list and a purpose.
type StatusParams struct {
	Org     string `path:"org"`
	N       int    `path:"n"`
	Purpose string `path:"purpose" doc:"revocation or suspension"`
}

// NodeKey is the key a node keeps for an organisation.
type NodeKey struct {
	Org       string `json:"org"`
	Kid       string `json:"kid"`
	Alg       string `json:"alg"`
	JWK       JWK    `json:"jwk"`
	Proof     string `json:"proof" doc:"the proof of possession add_key takes"`
	Published bool   `json:"published" doc:"the key is in the organisation's DID document and not revoked"`
}

// SignRequest is the body of POST /v1/credential/sign.
type SignRequest struct {
	Type string `json:"type"`
	// Claims are credentialSubject's claims, which must match the type's
	// schema.
	Claims     json.RawMessage `json:"claims"`
	Holder     JWK             `json:"holder" doc:"the holder's public key, which presentations are bound with"`
	ValidFrom  string          `json:"valid_from,omitempty" doc:"RFC 3339; now when absent"`
	ValidUntil string          `json:"valid_until,omitempty" doc:"RFC 3339 or YYYY-MM-DD; the type's validity when absent"`
	Alg        string          `json:"alg,omitempty" doc:"ES256 (default), EdDSA or SM2SM3"`
}

// Signed answers POST /v1/credential/sign.
type Signed struct {
	// Credential is the SD-JWT with every Disclosure: the holder's file.
	Credential string     `json:"credential"`
	Hash       string     `json:"hash"`
	Anchor     AnchorItem `json:"anchor" doc:"the item to anchor with credential/anchor"`
}

// VerifyRequest is the body of POST /v1/credential/verify.
type VerifyRequest struct {
	Presentation string `json:"presentation" doc:"the SD-JWT+KB the holder presented"`
	Nonce        string `json:"nonce" doc:"the nonce the verifier gave the holder"`
	Audience     string `json:"audience" doc:"the audience the holder bound the presentation to"`
	RecognizedBy string `json:"recognized_by,omitempty" doc:"check this organisation's recognition list too"`
}
