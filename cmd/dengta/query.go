package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
)

const queryUsage = `WHAT [ARG]

WHAT is one of:
  status                 chain and node status
  orgs                   organisations
  org ID                 one organisation
  keys ORG               an organisation's keys
  key KEYID              one key
  nonce KEYID            the key's next nonce
  validators             the validator set and its hash (a --trust anchor for verify)
  proposals              governance proposals
  proposal ID            one proposal
  actions                every action and the roles allowed to take it
  tx HASH                a committed transaction
  block HEIGHT|latest    a block
  state KEY              the value under a state key
  proof KEY              a proof bundle for a state key (use --out FILE)`

func runQuery(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("query", queryUsage, errOut)
	node := nodeFlag(fs)
	height := fs.Int64("height", 0, "state height to read (default: latest)")
	outFile := fs.String("out", "", "with proof: write the bundle to this file")
	keyFile := cli.KeyFlag(fs, "read as this key's organisation (members' records: proposals, business state); public reads need none")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return userError("query needs to know what to read", "dengta query status, dengta query orgs, ... ('dengta query -h' lists them)")
	}
	if *height < 0 {
		return userError(fmt.Sprintf("--height %d is not a height", *height), "give a block height (1 or more), or leave --height out for the latest")
	}
	q := url.Values{}
	if *height > 0 {
		q.Set("height", fmt.Sprint(*height))
	}
	arg := func() (string, error) {
		if len(pos) != 2 {
			return "", userError(fmt.Sprintf("query %s takes one argument", pos[0]), "dengta query -h")
		}
		return url.PathEscape(pos[1]), nil
	}
	var path string
	switch pos[0] {
	case "status":
		path = "/v1/status"
	case "orgs":
		path = "/v1/orgs"
	case "validators":
		path = "/v1/validators"
	case "proposals":
		path = "/v1/proposals"
	case "actions":
		path = "/v1/actions"
	case "org", "keys", "key", "nonce", "proposal", "tx", "block":
		a, err := arg()
		if err != nil {
			return err
		}
		path = map[string]string{
			"org": "/v1/orgs/" + a, "keys": "/v1/orgs/" + a + "/keys", "key": "/v1/keys/" + a,
			"nonce": "/v1/keys/" + a + "/nonce", "proposal": "/v1/proposals/" + a, "tx": "/v1/txs/" + a, "block": "/v1/blocks/" + a,
		}[pos[0]]
	case "state", "proof":
		if len(pos) != 2 {
			return userError(fmt.Sprintf("query %s takes one state key", pos[0]), "dengta query "+pos[0]+" identity/org/coop")
		}
		q.Set("key", pos[1])
		path = "/v1/" + pos[0]
	default:
		return userError(fmt.Sprintf("unknown query %q", pos[0]), "dengta query -h lists what can be read")
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	c := client.New(trimURL(*node))
	if *keyFile != "" {
		if c, _, err = cli.Signer(*node, *keyFile); err != nil {
			return err
		}
	}
	var raw []byte
	if err := c.Get(ctx, path, &raw); err != nil {
		var ce *client.Error
		if errors.As(err, &ce) && ce.Status == http.StatusUnauthorized && *keyFile == "" {
			return userError(ce.Message, "this is members' data: add --key with one of your organisation's keys, e.g. dengta query --key ~/.dengta/dev/keys/coop-admin.json "+pos[0])
		}
		return err
	}
	if pos[0] == "proof" && *outFile != "" {
		if err := os.WriteFile(*outFile, raw, 0o644); err != nil {
			return userError("write bundle: "+err.Error(), "choose another --out path")
		}
		fmt.Fprintf(out, "wrote proof bundle to %s\ncheck it offline: dengta verify %s --trust <genesis.json or validator-set hash>\n", *outFile, *outFile)
		return nil
	}
	if pos[0] != "proof" {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			raw, _ = json.MarshalIndent(v, "", "  ")
			raw = append(raw, '\n')
		}
	}
	_, err = out.Write(raw)
	return err
}
