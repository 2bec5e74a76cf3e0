package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"

	"github.com/dengta-chain/dengta/internal/tx"
)

func runKeys(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return userError("keys needs a subcommand", "dengta keys new --algo sm2 --out my-key.json, or dengta keys show my-key.json")
	}
	switch args[0] {
	case "new":
		return keysNew(args[1:], out, errOut)
	case "show":
		return keysShow(args[1:], out, errOut)
	}
	return userError(fmt.Sprintf("unknown keys subcommand %q", args[0]), "use 'dengta keys new' or 'dengta keys show'")
}

func keysNew(args []string, out, errOut io.Writer) error {
	fs := newFlags("keys new", "--algo sm2|ed25519 --out FILE [--name NAME]", errOut)
	algo := fs.String("algo", "sm2", "signature algorithm: sm2 (SM2 with SM3, GB/T 32918) or ed25519")
	file := fs.String("out", "", "key file to create (mode 0600); it must not exist")
	name := fs.String("name", "", "a name to remember the key by")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return userError("--out is required", "dengta keys new --algo "+*algo+" --out my-key.json")
	}
	a, err := tx.ParseAlgo(*algo)
	if err != nil {
		return userError(err.Error(), "--algo sm2 or --algo ed25519")
	}
	k, err := tx.GenerateKey(a, rand.Reader)
	if err != nil {
		return err
	}
	if err := tx.WriteKeyFile(*file, k, *name); err != nil {
		return userError(err.Error(), "choose another --out path")
	}
	return printKey(out, k, *name, *file)
}

func keysShow(args []string, out, errOut io.Writer) error {
	fs := newFlags("keys show", "FILE", errOut)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return userError("keys show takes one key file", "dengta keys show my-key.json")
	}
	k, name, err := tx.ReadKeyFile(pos[0])
	if err != nil {
		return userError(err.Error(), "check the path; key files are written by 'dengta keys new'")
	}
	return printKey(out, k, name, pos[0])
}

func printKey(out io.Writer, k *tx.PrivateKey, name, file string) error {
	pub, _ := json.Marshal(k.Public())
	fmt.Fprintf(out, "key id:     %s\nalgorithm:  %s\npublic key: %s\n", k.ID(), k.Algo(), pub)
	if name != "" {
		fmt.Fprintf(out, "name:       %s\n", name)
	}
	fmt.Fprintf(out, "file:       %s\n", file)
	return nil
}
