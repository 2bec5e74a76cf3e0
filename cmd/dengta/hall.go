package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dengta-chain/dengta/internal/accounts"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/tx"
)

// devPassword is the password of the dev chain's hall users. The dev chain
// listens on loopback only; never use it anywhere else.
const devPassword = "dengta-dev"

func runHall(_ context.Context, args []string, out, errOut io.Writer) error {
	const example = "dengta hall add-user --home HOME --org ORG --name NAME --role admin --key KEYFILE"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintf(out, "Usage: dengta hall add-user --home HOME --org ORG --name NAME --role admin|staff --key KEYFILE [--display NAME] [--key-passphrase-file FILE]\n\n"+
			"Adds a service hall user to a stopped node: the user signs in with a password and acts with the key's organisation.\n"+
			"The home's passphrase (--passphrase-file, $DENGTA_PASSPHRASE or the terminal) opens the hall master key, and the user's\n"+
			"key file too unless --key-passphrase-file gives the key file's own.\n"+
			"'dengta hall add-user -h' lists the flags.\n")
		return nil
	}
	if len(args) == 0 || args[0] != "add-user" {
		return userError("hall needs the subcommand add-user", example)
	}
	fs := newFlags("hall add-user", "--home HOME --org ORG --name NAME --role admin|staff --key KEYFILE [--display NAME] [--key-passphrase-file FILE]", errOut)
	home := fs.String("home", "", "home directory of the node (stop the node first)")
	org := fs.String("org", "", "organisation of the user")
	name := fs.String("name", "", "user name (3-32 lowercase letters, digits, . _ -)")
	display := fs.String("display", "", "full name")
	role := fs.String("role", "staff", "admin (manages users) or staff")
	keyFile := fs.String("key", "", "key file of a key registered on chain for the organisation (an admin key for an admin)")
	passFile := cli.PassphraseFlag(fs)
	keyPassFile := fs.String("key-passphrase-file", "", "file holding the passphrase of the user's key file, when it is not the home's")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *home == "" || *org == "" || *name == "" || *keyFile == "" {
		return userError("--home, --org, --name and --key are required", "dengta hall add-user --home ./net/coop --org coop --name coop-admin --role admin --key ./net/keys/coop-admin.json")
	}
	// The home's passphrase opens its hall master key, and the user's key
	// file unless that has its own (a dev chain's need none).
	src := cli.Passphrase(*passFile)
	keySrc := src
	if *keyPassFile != "" {
		keySrc = &keyfile.Sources{File: *keyPassFile, FileFlag: "--key-passphrase-file"}
	}
	k, _, err := tx.OpenKeyFile(*keyFile, keySrc)
	if err != nil {
		if *keyPassFile == "" && errors.Is(err, keyfile.ErrWrongPassphrase) {
			return userError(err.Error(), "the home's passphrase does not open the key file: give the key file's own with --key-passphrase-file FILE")
		}
		return cli.KeyError(err, "check the --key path")
	}
	master, err := node.HallMasterKey(*home, src)
	if err != nil {
		return cli.KeyError(err, "check --home")
	}
	fmt.Fprint(errOut, "password for the new user (8 characters or more): ")
	password, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && password == "" {
		return userError("no password given", "type the password and press Enter, or pipe it in")
	}
	password = strings.TrimRight(password, "\r\n")
	store, err := accounts.Open(node.HallDir(*home), master.Key, nil)
	if err != nil {
		return userError(err.Error(), "stop the node first: the hall database can be open in one process only")
	}
	defer store.Close()
	u := accounts.User{Name: *name, Display: *display, Org: *org, Role: accounts.Role(*role)}
	if err := store.AddUser(u, password, k); err != nil {
		return userError(err.Error(), "choose another name or a longer password")
	}
	fmt.Fprintf(out, "added hall user %s (%s of %s) with key %s\n", *name, *role, *org, k.ID())
	return nil
}
