package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/gateway"
	"github.com/dengta-chain/dengta/internal/identity"
	"github.com/dengta-chain/dengta/internal/role"
	"github.com/dengta-chain/dengta/tx"
)

const applyUsage = `dengta apply: join a consortium from outside (ADR 0020)

  possession --key FILE --org ID --uscc CODE [--chain ID | --node URL]
                  print the admin key and its proof of possession for the hall's form
  submit     --node URL --key FILE --org ID --name NAME [--name-en NAME] --uscc CODE
             --roles R1,R2 --contact NAME --phone TEL --email ADDR [--validator]
                  apply through the member node at --node; prints the reference number
  status     --node URL --ref REF [--bundle FILE]
                  the application's status; once approved, --bundle writes the join bundle
                  for 'dengta join --bundle FILE'

The key is the organisation's first admin key ('dengta keys new --algo sm2');
it never leaves this machine: only its public key and a signature are sent.`

func runApply(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "apply", applyUsage, []cli.Sub{
		{Name: "possession", Run: applyPossession},
		{Name: "submit", Run: applySubmit},
		{Name: "status", Run: applyStatus},
	}, args, out, errOut)
}

// possessionOf signs the application message with the key file's key.
func possessionOf(keyFile, chain, org, uscc string) (string, []byte, error) {
	if err := identity.ValidUSCC(uscc); err != nil {
		return "", nil, userError(err.Error(), "copy the 18 characters from the business licence")
	}
	k, err := cli.LoadKey(keyFile, cli.KeyPassphrase())
	if err != nil {
		return "", nil, err
	}
	sig, err := k.Sign(identity.ApplicationMessage(chain, org, uscc, k.Public()))
	if err != nil {
		return "", nil, err
	}
	return k.Public().String(), sig, nil
}

// chainOf asks the node at url for its chain id.
func chainOf(ctx context.Context, node string) (string, error) {
	st, err := cli.Client(node).Status(ctx)
	if err != nil {
		return "", cli.Fail("ask the node for its chain: "+err.Error(), "check --node, or give --chain")
	}
	return st.ChainID, nil
}

func applyPossession(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("apply possession", "--key FILE --org ID --uscc CODE [--chain ID | --node URL]", errOut)
	key := cli.KeyFlag(fs, "the organisation's admin key file")
	org := fs.String("org", "", "the organisation id applied for")
	uscc := fs.String("uscc", "", "unified social credit code")
	chain := fs.String("chain", "", "chain id (the application form shows it)")
	node := cli.NodeFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" || *org == "" || *uscc == "" {
		return userError("--key, --org and --uscc are required", "dengta apply possession --key admin.json --org pearcoop --uscc 91340000MA2T00001X --chain dengta-dev")
	}
	if *chain == "" {
		var err error
		if *chain, err = chainOf(ctx, *node); err != nil {
			return err
		}
	}
	pub, sig, err := possessionOf(*key, *chain, *org, strings.ToUpper(*uscc))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "admin key:   %s\npossession:  %s\n", pub, base64.StdEncoding.EncodeToString(sig))
	return nil
}

func applySubmit(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("apply submit", "--node URL --key FILE --org ID --name NAME --uscc CODE --roles R1,R2 --contact NAME --phone TEL --email ADDR", errOut)
	node := cli.NodeFlag(fs)
	key := cli.KeyFlag(fs, "the organisation's admin key file")
	org := fs.String("org", "", "the organisation id asked for")
	name := fs.String("name", "", "registered name in Chinese")
	nameEN := fs.String("name-en", "", "name in English")
	uscc := fs.String("uscc", "", "unified social credit code")
	roles := fs.String("roles", "", "roles asked for, comma-separated")
	person := fs.String("contact", "", "contact person")
	phone := fs.String("phone", "", "contact telephone")
	email := fs.String("email", "", "contact e-mail")
	validator := fs.Bool("validator", false, "the organisation will ask to run a validator once its node has joined")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" || *org == "" || *name == "" || *uscc == "" || *roles == "" {
		return userError("--key, --org, --name, --uscc and --roles are required", "dengta apply submit --node http://member:8480 --key admin.json --org pearcoop --name 砀山梨业合作社 --uscc ... --roles producer --contact 张三 --phone 0557-1234567 --email ops@pear.cn")
	}
	chain, err := chainOf(ctx, *node)
	if err != nil {
		return err
	}
	code := strings.ToUpper(*uscc)
	pub, sig, err := possessionOf(*key, chain, *org, code)
	if err != nil {
		return err
	}
	f := gateway.ApplicationForm{OrgID: *org, Name: *name, NameEN: *nameEN, USCC: code, Possession: sig, WantsValidator: *validator,
		Contact: gateway.Contact{Person: *person, Phone: *phone, Email: *email}}
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			f.Roles = append(f.Roles, role.Role(r))
		}
	}
	if f.AdminKey, err = tx.ParsePublicKey(pub); err != nil {
		return err
	}
	var res gateway.ApplyResponse
	if err := cli.Client(*node).PostJSON(ctx, "/v1/applications", f, &res); err != nil {
		return err
	}
	fmt.Fprintf(out, "application %s is on chain (height %d)\n  status page: %s/apply/%s\n  follow it:   dengta apply status --node %s --ref %s\n",
		res.Ref, res.Height, strings.TrimRight(*node, "/"), res.Ref, *node, res.Ref)
	return nil
}

func applyStatus(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("apply status", "--node URL --ref REF [--bundle FILE]", errOut)
	node := cli.NodeFlag(fs)
	ref := fs.String("ref", "", "the application's reference number")
	bundle := fs.String("bundle", "", "once approved, write the join bundle to this file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *ref == "" {
		return userError("--ref is required", "dengta apply status --ref SQ0123456789")
	}
	c := cli.Client(*node)
	var a gateway.ApplicationView
	if err := c.Get(ctx, "/v1/applications/"+strings.ToUpper(*ref), &a); err != nil {
		return err
	}
	fmt.Fprintf(out, "application %s: %s\n  organisation %s (%s), code %s\n", a.Ref, a.Status, a.OrgID, a.Name, a.USCC)
	if a.Proposal != 0 {
		fmt.Fprintf(out, "  proposal     %d\n", a.Proposal)
	}
	if len(a.Granted) > 0 {
		fmt.Fprintf(out, "  roles        %v\n", a.Granted)
	}
	if a.Reason != "" {
		fmt.Fprintf(out, "  reason       %s\n", a.Reason)
	}
	if *bundle == "" {
		return nil
	}
	if a.Status != identity.AppApproved {
		return userError(fmt.Sprintf("application %s is %s: the join bundle comes once it is approved", a.Ref, a.Status), "ask the members to vote, then run this again")
	}
	var raw json.RawMessage
	if err := c.Get(ctx, a.Bundle, &raw); err != nil {
		return err
	}
	if err := os.WriteFile(*bundle, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	fmt.Fprintf(out, "wrote the join bundle to %s\n  next: dengta join --bundle %s --home ./%s --moniker %s --org %s\n", *bundle, *bundle, a.OrgID, a.OrgID, a.OrgID)
	return nil
}
