package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/node"
	"github.com/dengta-chain/dengta/tx"
)

const keysUsage = "new --algo sm2|ed25519|secp256k1 --out FILE | show FILE | encrypt FILE...|--home HOME | passphrase FILE...|--home HOME"

func runKeys(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "keys", keysUsage, []cli.Sub{
		{Name: "new", Run: func(_ context.Context, a []string, out, errOut io.Writer) error { return keysNew(a, out, errOut) }},
		{Name: "show", Run: func(_ context.Context, a []string, out, errOut io.Writer) error { return keysShow(a, out, errOut) }},
		{Name: "encrypt", Run: func(_ context.Context, a []string, out, errOut io.Writer) error { return keysEncrypt(a, out, errOut) }},
		{Name: "passphrase", Run: func(_ context.Context, a []string, out, errOut io.Writer) error {
			return keysPassphrase(a, out, errOut)
		}},
	}, args, out, errOut)
}

// protectionFlags adds --kdf and --cipher; the function returns the
// protection they choose (cost and cipher, no passphrase).
func protectionFlags(fs *flag.FlagSet) func() (keyfile.Protection, error) {
	kdf := fs.String("kdf", "", "key derivation: argon2id (default: t=3, 64 MiB, p=4), scrypt (n=2^17, r=8, p=1), or dev (argon2id with 1 MiB: tests only)")
	cipher := fs.String("cipher", "", "cipher: sm4-gcm (default) or aes-256-gcm")
	return func() (keyfile.Protection, error) {
		var p keyfile.Protection
		switch *kdf {
		case "":
		case keyfile.Argon2id:
			p.Cost = keyfile.Default
		case keyfile.Scrypt:
			p.Cost = keyfile.DefaultScrypt
		case "dev":
			p.Cost = keyfile.DevCost
		default:
			return p, userError(fmt.Sprintf("unknown --kdf %q", *kdf), "--kdf argon2id, scrypt or dev")
		}
		switch *cipher {
		case "", keyfile.SM4GCM, keyfile.AES256GCM:
			p.Cipher = *cipher
		default:
			return p, userError(fmt.Sprintf("unknown --cipher %q", *cipher), "--cipher sm4-gcm or aes-256-gcm")
		}
		return p, nil
	}
}

func keysNew(args []string, out, errOut io.Writer) error {
	fs := newFlags("keys new", "--algo sm2|ed25519|secp256k1 --out FILE [--name NAME] [--import FILE] [--passphrase-file FILE]", errOut)
	algo := fs.String("algo", "sm2", "signature algorithm: sm2 (SM2 with SM3, GB/T 32918), ed25519, or secp256k1 (an Ethereum account: its key id is its address)")
	importFile := fs.String("import", "", "encrypt this existing private key (hex, as a wallet exports it) instead of making a new one")
	file := fs.String("out", "", "key file to create (mode 0600, encrypted); it must not exist")
	name := fs.String("name", "", "a name to remember the key by")
	passFile := cli.PassphraseFlag(fs)
	prot := protectionFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return userError("--out is required", "dengta keys new --algo "+*algo+" --out my-key.json")
	}
	a, err := tx.ParseAlgo(*algo)
	if err != nil {
		return userError(err.Error(), "--algo sm2, --algo ed25519 or --algo secp256k1")
	}
	p, err := prot()
	if err != nil {
		return err
	}
	src := cli.Passphrase(*passFile)
	src.Confirm = true
	if p.Passphrase, err = src.Passphrase(*file); err != nil {
		return cli.KeyError(err, keyfile.Hint)
	}
	var k *tx.PrivateKey
	if *importFile != "" {
		b, err := os.ReadFile(*importFile)
		if err != nil {
			return userError(err.Error(), "check the --import path")
		}
		raw, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
		if err != nil {
			return userError(*importFile+" is not a private key in hex", "put the key's 64 hex digits (0x allowed) in the file")
		}
		if k, err = tx.PrivateKeyFromBytes(a, raw); err != nil {
			return userError(err.Error(), "check --algo and the key")
		}
	} else if k, err = tx.GenerateKey(a, rand.Reader); err != nil {
		return err
	}
	if err := tx.WriteKeyFile(*file, k, *name, p); err != nil {
		hint := "check the --out path"
		switch {
		case errors.Is(err, os.ErrExist):
			hint = "choose another --out path: a key file is never overwritten"
		case strings.Contains(err.Error(), "passphrase"):
			hint = "choose a passphrase of 8 characters or more, not the published dev passphrase"
		}
		return userError(err.Error(), hint)
	}
	return printKey(out, k, *name, *file, "encrypted, "+describe(p))
}

func describe(p keyfile.Protection) string {
	c := p.Cost
	if c == (keyfile.Cost{}) {
		c = keyfile.Default
	}
	cipher := p.Cipher
	if cipher == "" {
		cipher = keyfile.SM4GCM
	}
	return c.String() + ", " + cipher
}

func keysShow(args []string, out, errOut io.Writer) error {
	fs := newFlags("keys show", "FILE [--passphrase-file FILE]", errOut)
	passFile := cli.PassphraseFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return userError("keys show takes one key file", "dengta keys show my-key.json")
	}
	src := cli.Passphrase(*passFile)
	if f, _, err := keyfile.Read(pos[0]); err == nil && f.Kind != keyfile.Member {
		return showOther(out, pos[0], src)
	}
	k, info, err := tx.OpenKeyFile(pos[0], src)
	if err != nil && !errors.Is(err, os.ErrNotExist) && !isKeyError(err) {
		// Perhaps a legacy CometBFT or hall key.
		if serr := showOther(out, pos[0], src); serr == nil {
			return nil
		}
	}
	if errors.Is(err, keyfile.ErrNoPassphrase) {
		// The public part is stored in clear: show it without asking for
		// the passphrase, said to be as the file states it.
		if f, _, rerr := keyfile.Read(pos[0]); rerr == nil && f.Kind == keyfile.Member {
			algo, aerr := tx.ParseAlgo(f.Algo)
			if pub, perr := tx.NewPublicKey(algo, f.PublicKey); aerr == nil && perr == nil && pub.ID().String() == f.KeyID {
				b, _ := json.Marshal(pub)
				fmt.Fprintf(out, "key id:     %s\nalgorithm:  %s\npublic key: %s\n", pub.ID(), pub.Algo, b)
				if f.Name != "" {
					fmt.Fprintf(out, "name:       %s\n", f.Name)
				}
				fmt.Fprintf(out, "file:       %s\nat rest:    encrypted, %s (not opened: the public key is as the file states it; give the passphrase to check it against the private key)\n", pos[0], f.Describe())
				return nil
			}
		}
	}
	if err != nil {
		return cli.KeyError(err, "check the path; key files are written by 'dengta keys new'")
	}
	how := "PLAIN (the private key is not encrypted: run 'dengta keys encrypt " + pos[0] + "')"
	if info.File != nil {
		how = "encrypted, " + info.File.Describe()
	}
	return printKey(out, k, info.Name, pos[0], how)
}

func isKeyError(err error) bool {
	return errors.Is(err, keyfile.ErrNoPassphrase) || errors.Is(err, keyfile.ErrWrongPassphrase) || errors.Is(err, keyfile.ErrCorrupt)
}

// showOther shows a validator, node or hall master key file, after
// opening it (so that what it shows is authenticated).
func showOther(out io.Writer, path string, src keyfile.Source) error {
	k, err := node.OpenAnyKey(path, src)
	if err != nil {
		return cli.KeyError(err, "check the path")
	}
	how := "PLAIN (the private key is not encrypted: run 'dengta keys encrypt " + path + "')"
	if k.File != nil {
		how = "encrypted, " + k.File.Describe()
	}
	fmt.Fprintf(out, "kind:       %s\nkey id:     %s\nalgorithm:  %s\n", k.Public.Kind, k.Public.KeyID, k.Public.Algo)
	if len(k.Public.PublicKey) > 0 {
		fmt.Fprintf(out, "public key: %x\n", k.Public.PublicKey)
	}
	fmt.Fprintf(out, "file:       %s\nat rest:    %s\n", path, how)
	return nil
}

func printKey(out io.Writer, k *tx.PrivateKey, name, file, how string) error {
	pub, _ := json.Marshal(k.Public())
	fmt.Fprintf(out, "key id:     %s\nalgorithm:  %s\npublic key: %s\n", k.ID(), k.Algo(), pub)
	if k.Algo() == tx.AlgoSecp256k1 {
		fmt.Fprintf(out, "address:    %s\n", common.Address(k.ID()).Hex())
	}
	if name != "" {
		fmt.Fprintf(out, "name:       %s\n", name)
	}
	fmt.Fprintf(out, "file:       %s\nat rest:    %s\n", file, how)
	return nil
}

// keyFiles returns the files named, or the key files of --home.
func keyFiles(pos []string, home, cmd string) ([]string, error) {
	if (len(pos) == 0) == (home == "") {
		return nil, userError("give key files or --home, not both", "dengta keys "+cmd+" my-key.json, or dengta keys "+cmd+" --home ./net/coop (stop the node first)")
	}
	if home == "" {
		return pos, nil
	}
	files, err := node.HomeKeyFiles(home)
	if err != nil {
		return nil, userError(err.Error(), "pass a node home (it has config/node_key.json)")
	}
	// A running node keeps its keys open and would not restart with keys
	// it cannot open; nothing is rewritten under it.
	if err := node.CheckStopped(home); err != nil {
		return nil, userError(err.Error(), "stop the node first (Ctrl-C, or stop its service), then run this again; nothing was changed")
	}
	return files, nil
}

// what names the key files of a command in a prompt.
func what(home, file string) string {
	if home != "" {
		return "the keys of " + home
	}
	return file
}

// keysEncrypt upgrades legacy plain key files to the encrypted format.
func keysEncrypt(args []string, out, errOut io.Writer) error {
	fs := newFlags("keys encrypt", "FILE... | --home HOME [--passphrase-file FILE]", errOut)
	home := fs.String("home", "", "encrypt every plain key of this node home (node, validator, hall master, operator, keys/*.json); stop the node first")
	passFile := cli.PassphraseFlag(fs)
	prot := protectionFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	files, err := keyFiles(pos, *home, "encrypt")
	if err != nil {
		return err
	}
	p, err := prot()
	if err != nil {
		return err
	}
	// Read everything first: a file that does not open stops the command
	// before anything is written.
	var plain []*node.AnyKey
	var encrypted []*keyfile.File
	for _, f := range files {
		k, err := node.OpenAnyKey(f, nil)
		switch {
		case err == nil && k.Legacy:
			plain = append(plain, k)
		case err == nil:
			fmt.Fprintf(out, "already encrypted: %s\n", f)
		case errors.Is(err, keyfile.ErrNoPassphrase):
			ef, _, rerr := keyfile.Read(f)
			if rerr != nil {
				return rerr
			}
			encrypted = append(encrypted, ef)
			fmt.Fprintf(out, "already encrypted: %s\n", f)
		default:
			return cli.KeyError(err, "check the file")
		}
	}
	if len(plain) == 0 {
		fmt.Fprintln(out, "no plain key files: nothing to do")
		return nil
	}
	src := cli.Passphrase(*passFile)
	src.Confirm = true
	if p.Passphrase, err = src.Passphrase("the key files"); err != nil {
		return cli.KeyError(err, keyfile.Hint)
	}
	if err := p.Validate(); err != nil {
		return userError(err.Error(), "choose a passphrase of 8 characters or more")
	}
	// A home keeps one passphrase: the new files must open with the same
	// one as those already encrypted.
	for _, ef := range encrypted {
		if _, err := ef.DecryptWith(p.Passphrase); err != nil {
			return userError("the home's encrypted keys use another passphrase: "+err.Error(), "give the passphrase the home already uses")
		}
	}
	for _, k := range plain {
		path, err := k.Protect(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "encrypted: %s\n", path)
	}
	fmt.Fprintln(errOut, "The plain files were replaced; their old bytes may remain on the disk until overwritten (see the operator notes in README.md).")
	return nil
}

// keysPassphrase changes the passphrase of key files or of a whole home.
// Every file is opened with the old passphrase before any is written; each
// is then replaced atomically. A run that stopped half way is finished by
// running it again: files that already open with the new passphrase are
// left alone.
func keysPassphrase(args []string, out, errOut io.Writer) error {
	fs := newFlags("keys passphrase", "FILE... | --home HOME [--passphrase-file OLD] [--new-passphrase-file NEW]", errOut)
	home := fs.String("home", "", "change the passphrase of every key of this node home; stop the node first")
	passFile := cli.PassphraseFlag(fs)
	newFile := fs.String("new-passphrase-file", "", "file holding the new passphrase (else $"+keyfile.EnvNewPassphraseFile+", $"+keyfile.EnvNewPassphrase+" or the terminal, asked twice)")
	prot := protectionFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	files, err := keyFiles(pos, *home, "passphrase")
	if err != nil {
		return err
	}
	p, err := prot()
	if err != nil {
		return err
	}
	oldSrc := cli.Passphrase(*passFile)
	// Ask for the old passphrase before the new one, when a file needs it.
	for _, f := range files {
		if ef, _, err := keyfile.Read(f); err == nil && !ef.Dev {
			if _, err := oldSrc.Passphrase(what(*home, f)); err != nil {
				return cli.KeyError(err, keyfile.Hint)
			}
			break
		}
	}
	newSrc := cli.NewPassphrase(*newFile)
	newPass, err := newSrc.Passphrase("the key files")
	if err != nil {
		hint := "give the new passphrase with --new-passphrase-file FILE, $" + keyfile.EnvNewPassphraseFile + ", $" + keyfile.EnvNewPassphrase + " or the terminal"
		if errors.Is(err, keyfile.ErrNoPassphrase) {
			return cli.Fail("no new passphrase given", hint)
		}
		return cli.KeyError(err, hint)
	}
	type job struct {
		key  *node.AnyKey
		prot keyfile.Protection
	}
	var jobs []job
	for _, f := range files {
		k, err := node.OpenAnyKey(f, oldSrc)
		if errors.Is(err, keyfile.ErrWrongPassphrase) {
			if _, nerr := node.OpenAnyKey(f, keyfile.Fixed(newPass)); nerr == nil {
				fmt.Fprintf(out, "already under the new passphrase: %s\n", f)
				continue
			}
		}
		if err != nil {
			return cli.KeyError(err, "check the file")
		}
		q := p
		q.Passphrase = newPass
		if k.File != nil && !k.File.Dev {
			// Keep the file's own cost and cipher unless flags say otherwise.
			if q.Cost == (keyfile.Cost{}) {
				q.Cost = k.File.Sealed.KDF.Cost
			}
			if q.Cipher == "" {
				q.Cipher = k.File.Sealed.Cipher
			}
		}
		if err := q.Validate(); err != nil {
			return userError(err.Error(), "choose a new passphrase of 8 characters or more")
		}
		jobs = append(jobs, job{k, q})
	}
	for _, j := range jobs {
		path, err := j.key.Protect(j.prot)
		if err != nil {
			return fmt.Errorf("%w (the files listed above are done; run the command again to finish)", err)
		}
		fmt.Fprintf(out, "new passphrase: %s\n", path)
	}
	return nil
}
