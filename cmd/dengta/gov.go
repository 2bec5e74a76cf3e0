package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/dengta-chain/dengta/api"
	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/internal/role"
)

const govUsage = `SUBCOMMAND ...

Subcommands:
  possession  --home DIR --org ID [--power N]     print the node's validator key with its proof of possession,
                                                  to put in an add_org or set_validator proposal
  preview     --key FILE BODY                     what a proposal would do to the validator set; nothing is sent
  propose     --key FILE BODY [--yes]             preview, then propose (BODY is an identity propose body)
  vote        --key FILE --proposal N --approve|--reject [--yes]
                                                  preview the proposal's effect, then vote
  upgrade     [--node URL]                        the software upgrade scheduled, if any, whether this
                                                  node's software is ready for it, and the upgrades done

BODY is JSON text, @file.json or - for standard input. A software upgrade
(docs/operations.md) is proposed with
  {"kind":"upgrade","upgrade":{"name":"v1.4.0","version":2,"height":250000,"info":"URL, SHA-256"},"reason":"..."}
and cancelled before its height with {"kind":"cancel_upgrade","reason":"..."}. A proposal the
chain's validator rules refuse is not sent; one this node warns about
(validators not signing now would hold a third of the power, or fewer
than four validators) is sent only with --yes.`

func runGov(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "gov", govUsage, []cli.Sub{
		{Name: "possession", Run: govPossession},
		{Name: "preview", Run: govPreview},
		{Name: "propose", Run: govPropose},
		{Name: "vote", Run: govVote},
		{Name: "upgrade", Run: govUpgrade},
	}, args, out, errOut)
}

func govPossession(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("gov possession", "--home DIR --org ID [--power N]", errOut)
	home := fs.String("home", "", "the validator node's home directory")
	passFile := cli.PassphraseFlag(fs)
	org := fs.String("org", "", "the organisation the validator will validate for")
	power := fs.Int64("power", identity.DefaultValidatorPower, "the voting power to ask for ('dengta gov preview' shows what the rules allow)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *home == "" || *org == "" {
		return userError("--home and --org are required", "dengta gov possession --home ~/.dengta/node --org market")
	}
	doc, err := cmttypes.GenesisDocFromFile(node.GenesisFile(*home))
	if err != nil {
		return userError("read the node's genesis: "+err.Error(), "--home is the node's home directory (with config/genesis.json)")
	}
	priv, err := node.ValidatorKey(*home, cli.Passphrase(*passFile))
	if err != nil {
		return cli.KeyError(err, "--home is the node's home directory (with config/priv_validator_key.json)")
	}
	v := identity.Validator{PubKey: identity.Ed25519Key(priv.Public().(ed25519.PublicKey)), Power: *power, Proof: identity.ProvePossession(doc.ChainID, *org, priv)}
	return cli.PrintJSON(out, v)
}

// preview asks the node what body would do and prints it.
func preview(ctx context.Context, c *client.Client, body json.RawMessage, out io.Writer) (*gateway.GovernancePreview, error) {
	return previewAt(ctx, c, "/v1/governance/preview", body, out)
}

// previewAt is preview of path: a new proposal's body, or an open
// proposal's effect (?proposal=N with the body {}).
func previewAt(ctx context.Context, c *client.Client, path string, body json.RawMessage, out io.Writer) (*gateway.GovernancePreview, error) {
	var p gateway.GovernancePreview
	if err := c.PostJSON(ctx, path, body, &p); err != nil {
		return nil, err
	}
	show := func(label string, vs []gateway.PreviewValidator) {
		fmt.Fprintf(out, "%s:\n", label)
		for _, v := range vs {
			signing := "signing"
			if !v.Signing {
				signing = "NOT signing"
			}
			fmt.Fprintf(out, "  %-20s power %4d  %5.1f%%  %s\n", v.Org, v.Power, float64(v.SharePermille)/10, signing)
		}
	}
	if ch := p.Roles; ch != nil {
		list := func(rs []role.Role) string {
			if len(rs) == 0 {
				return "none"
			}
			parts := make([]string, len(rs))
			for i, r := range rs {
				parts[i] = string(r)
			}
			return strings.Join(parts, ", ")
		}
		fmt.Fprintf(out, "roles of %s: added %s; removed %s\n", ch.Org, list(ch.Added), list(ch.Removed))
	}
	// The validator sets only for a proposal that can change them.
	var kind struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal(body, &kind)
	validators := !slices.Contains([]string{identity.KindUpgrade, identity.KindCancelUpgrade, identity.KindAuthorizeAction, identity.KindSetRoles}, kind.Kind)
	if validators {
		show("validators now", p.Before)
	}
	if p.Refusal != nil {
		fmt.Fprintf(out, "refused by the chain's rules: %s\n", p.Refusal.Message)
		return &p, nil
	}
	if validators {
		show(fmt.Sprintf("validators if it passes at height %d", p.Height), p.After)
		fmt.Fprintf(out, "power moved: %d\n", p.MovedPower)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(out, "WARNING (%s): %s\n", w.Code, w.Message)
	}
	return &p, nil
}

func govPreview(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("gov preview", "--key FILE BODY", errOut)
	node := nodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "a member key file (previews are for members)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	arg, err := cli.OneArg(pos, "propose body", `dengta gov preview --key keys/coop-admin.json '{"kind":"set_validator","org_id":"coop","validator":{"power":5}}'`)
	if err != nil {
		return err
	}
	body, err := readBody(arg)
	if err != nil {
		return err
	}
	c, _, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	p, err := preview(ctx, c, body, out)
	if err != nil {
		return err
	}
	if p.Refusal != nil {
		return userError("the chain would refuse this proposal: "+p.Refusal.Message, "fix the proposal; nothing was sent")
	}
	return nil
}

// safeToSend returns an error unless the preview allows the change and
// every warning was accepted with --yes.
func safeToSend(p *gateway.GovernancePreview, yes bool) error {
	if p.Refusal != nil {
		return userError("the chain would refuse this proposal: "+p.Refusal.Message, "fix the proposal (a validator change moves power in steps within the rules, ADR 0006); nothing was sent")
	}
	if len(p.Warnings) > 0 && !yes {
		hint := "start the new validator's node and let it catch up first, or add --yes to go ahead anyway"
		if slices.ContainsFunc(p.Warnings, func(w gateway.Warning) bool { return w.Code == gateway.WarnRoleInUse }) {
			hint = "settle or move the organisation's open records first, or add --yes to go ahead anyway"
		}
		return userError("this node warns about the change (see above); nothing was sent", hint)
	}
	return nil
}

func govPropose(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("gov propose", "--key FILE BODY [--yes]", errOut)
	node := nodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "an admin key file of the proposing organisation")
	yes := fs.Bool("yes", false, "send even if this node warns about the change")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	arg, err := cli.OneArg(pos, "propose body", `dengta gov propose --key keys/regulator-admin.json @proposal.json`)
	if err != nil {
		return err
	}
	body, err := readBody(arg)
	if err != nil {
		return err
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	p, err := preview(ctx, c, body, out)
	if err != nil {
		return err
	}
	if err := safeToSend(p, *yes); err != nil {
		return err
	}
	var b identity.ProposeBody
	if err := json.Unmarshal(body, &b); err != nil {
		return userError("the body is not a propose body: "+err.Error(), "see 'dengta query actions' for the identity propose body")
	}
	_, rec, err := client.Send(ctx, c, key, identity.Propose, b)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "proposed in tx %s at height %d\n", rec.Hash, rec.Height)
	id, err := proposalAt(ctx, c, rec.Height, rec.Signer, b.Kind)
	if err != nil {
		return fmt.Errorf("find the new proposal: %w", err)
	}
	fmt.Fprintf(out, "proposal %d; the members vote with: dengta gov vote --key KEY --proposal %d --approve\n", id, id)
	return nil
}

// proposalAt finds the number of the proposal of kind that org made at
// height: the transaction's result does not carry it, the proposal list
// does (created_height, proposer: the signing key's organisation).
func proposalAt(ctx context.Context, c *client.Client, height int64, keyID, kind string) (uint64, error) {
	var k identity.Key
	if err := c.Get(ctx, "/v1/keys/"+url.PathEscape(keyID), &k); err != nil {
		return 0, err
	}
	org := k.Org
	var found uint64
	after := ""
	for {
		var page api.Page[identity.Proposal]
		path := "/v1/proposals?limit=1000"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		if err := c.Get(ctx, path, &page); err != nil {
			return 0, err
		}
		for _, p := range page.Items {
			if p.Created == height && p.Proposer == org && p.Kind == kind && p.ID > found {
				found = p.ID
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if found == 0 {
		return 0, fmt.Errorf("no %s proposal by %s at height %d", kind, org, height)
	}
	return found, nil
}

func govVote(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("gov vote", "--key FILE --proposal N --approve|--reject [--yes]", errOut)
	node := nodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "an admin key file of the voting organisation")
	id := fs.Uint64("proposal", 0, "the proposal's number")
	approve := fs.Bool("approve", false, "vote for")
	reject := fs.Bool("reject", false, "vote against")
	yes := fs.Bool("yes", false, "approve even if this node warns about the change")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *id == 0 || *approve == *reject {
		return userError("give --proposal N and one of --approve or --reject", "dengta gov vote --key keys/bank-admin.json --proposal 3 --approve")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	if *approve {
		p, err := previewAt(ctx, c, "/v1/governance/preview?proposal="+strconv.FormatUint(*id, 10), json.RawMessage(`{}`), out)
		if err != nil {
			return err
		}
		if err := safeToSend(p, *yes); err != nil {
			return err
		}
	}
	_, rec, err := client.Send(ctx, c, key, identity.CastVote, identity.VoteBody{ProposalID: *id, Approve: *approve})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "voted in tx %s at height %d\n", rec.Hash, rec.Height)
	return nil
}

func govUpgrade(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("gov upgrade", "[--node URL]", errOut)
	node := nodeFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	var st gateway.UpgradeStatus
	if err := cli.Client(*node).Get(ctx, "/v1/upgrade", &st); err != nil {
		return err
	}
	printUpgrade(out, &st)
	return nil
}

// printUpgrade shows the upgrade status for an operator.
func printUpgrade(out io.Writer, st *gateway.UpgradeStatus) {
	fmt.Fprintf(out, "chain runs application version %d at height %d; this node's software runs up to %d\n", st.ChainAppVersion, st.Height, st.SoftwareAppVersion)
	if p := st.Scheduled; p != nil {
		fmt.Fprintf(out, "scheduled: release %s (application version %d) at height %d, %d blocks from now (proposal %d)\n", p.Name, p.Version, p.Height, p.BlocksLeft, p.Proposal)
		if p.Info != "" {
			fmt.Fprintf(out, "  release info: %s\n", p.Info)
		}
		if p.SoftwareReady {
			fmt.Fprintln(out, "  this node's software runs it: the node carries on at the height")
		} else {
			fmt.Fprintf(out, "  this node's software does NOT run it: install release %s before height %d, or the node stops there\n", p.Name, p.Height)
		}
	} else {
		fmt.Fprintln(out, "no upgrade scheduled")
	}
	for _, u := range st.Done {
		fmt.Fprintf(out, "done: release %s (application version %d) at height %d (proposal %d)\n", u.Name, u.Version, u.Height, u.Proposal)
	}
}
