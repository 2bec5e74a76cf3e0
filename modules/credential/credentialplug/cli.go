package credentialplug

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dengta-chain/dengta/client"
	"github.com/dengta-chain/dengta/internal/cli"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/modules/credential"
	"github.com/dengta-chain/dengta/modules/credential/credentialapi"
	"github.com/dengta-chain/dengta/modules/credential/jws"
	"github.com/dengta-chain/dengta/modules/credential/vc"
	"github.com/dengta-chain/dengta/proof"
)

const usage = `issue --key K --type T --claims JSON|@FILE --holder JWK-FILE --out FILE [--issuer-key FILE --org ORG] [--valid-until DATE] [--alg ES256]
  | holder-key --out FILE
  | present --credential FILE --holder-key FILE --disclose a,b --nonce N --aud A [--out FILE]
  | evidence --presentation FILE [--recognized-by ORG] --out FILE
  | verify --presentation FILE --nonce N --aud A --trust GENESIS|HASH [--evidence FILE] [--recognized-by ORG] [--at TIME] [--status-max-age D] [--json]
  | revoke|suspend|reinstate --key K (--hash H | --credential FILE) [--reason R]
  | did ORG [--prove DIR] | types | show HASH | do --key K --action NAME --body JSON|@FILE`

// run is `dengta credential ...`.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	return cli.Dispatch(ctx, "credential", usage, []cli.Sub{
		{Name: "issue", Run: cmdIssue},
		{Name: "holder-key", Run: cmdHolderKey},
		{Name: "present", Run: cmdPresent},
		{Name: "evidence", Run: cmdEvidence},
		{Name: "verify", Run: cmdVerify},
		{Name: "revoke", Run: statusCmd(credentialapi.StatusRevoked)},
		{Name: "suspend", Run: statusCmd(credentialapi.StatusSuspended)},
		{Name: "reinstate", Run: statusCmd(credentialapi.StatusActive)},
		{Name: "did", Run: cmdDID},
		{Name: "resolve", Run: cmdResolve},
		{Name: "types", Run: cmdTypes},
		{Name: "show", Run: cmdShow},
		{Name: "do", Run: cmdDo},
	}, args, out, errOut)
}

// readArg reads a flag's value, or the file it names with @FILE.
func readArg(v, what string) ([]byte, error) {
	if name, ok := strings.CutPrefix(v, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, cli.Fail(fmt.Sprintf("read %s: %v", what, err), "give @FILE with a readable file")
		}
		return b, nil
	}
	return []byte(v), nil
}

// readFile reads a required file flag.
func readFile(path, flag, example string) (string, error) {
	if path == "" {
		return "", cli.Fail("--"+flag+" is required", example)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", cli.Fail(fmt.Sprintf("read --%s: %v", flag, err), example)
	}
	return strings.TrimSpace(string(b)), nil
}

// writeFile writes a result file, refusing to overwrite one.
func writeFile(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return cli.Fail(fmt.Sprintf("write %s: %v", path, err), "give --out a new file")
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cmdIssue(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential issue", "--key K --type T --claims JSON|@FILE --holder FILE --out FILE", errOut)
	node := cli.NodeFlag(fs)
	keyFile := fs.String("key", "", "key file of a member of the issuing organisation (signs the anchor)")
	typ := fs.String("type", "", "the credential type, e.g. RealEstateCertificateCredential")
	claims := fs.String("claims", "", "the credentialSubject claims: a JSON object, or @FILE")
	holder := fs.String("holder", "", "the holder's key file (its public JWK, or a holder key file)")
	outFile := fs.String("out", "", "write the credential (SD-JWT) to this new file")
	until := fs.String("valid-until", "", "last day of validity (YYYY-MM-DD) or an RFC 3339 time; the type's validity when absent")
	alg := fs.String("alg", "", "signature algorithm: ES256 (default), EdDSA or SM2SM3")
	issuerKey := fs.String("issuer-key", "", "sign with this issuer key file instead of the key the node keeps for the organisation")
	org := fs.String("org", "", "with --issuer-key: the issuing organisation")
	passFile := cli.PassphraseFlag(fs)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *typ == "" || *claims == "" || *outFile == "" {
		return cli.Fail("--type, --claims and --out are required", `dengta credential issue --key keys/estate-admin.json --type RealEstateCertificateCredential --claims @claims.json --holder holder.jwk --out credential.sd-jwt`)
	}
	raw, err := readArg(*claims, "--claims")
	if err != nil {
		return err
	}
	var cm map[string]any
	if err := json.Unmarshal(raw, &cm); err != nil {
		return cli.Fail(fmt.Sprintf("--claims is not a JSON object: %v", err), `--claims '{"owner":"张三"}'`)
	}
	hb, err := readFile(*holder, "holder", "--holder holder.jwk (dengta credential holder-key writes one)")
	if err != nil {
		return err
	}
	hk, err := OpenJWK([]byte(hb), cli.Passphrase(*passFile), "the holder key")
	if err != nil && strings.Contains(err.Error(), "a private one is needed") {
		var pub jws.JWK
		json.Unmarshal([]byte(hb), &pub)
		hk, err = jws.FromJWK(jws.JWK{Kty: pub.Kty, Crv: pub.Crv, X: pub.X, Y: pub.Y})
	}
	if err != nil {
		return cli.KeyError(err, "give --holder the holder's public JWK or key file")
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	is := Issuance{Type: *typ, Claims: cm, Holder: credential.WireJWK(&hk.PublicKey), ValidUntil: *until, Alg: *alg}
	var signed *credentialapi.Signed
	var rec *client.TxRecord
	if *issuerKey != "" {
		if *org == "" {
			return cli.Fail("--issuer-key needs --org", "--issuer-key issuer.jwe --org estate")
		}
		ik, err := ReadJWK(*issuerKey, cli.Passphrase(*passFile))
		if err != nil {
			return cli.KeyError(err, "check --issuer-key")
		}
		signed, rec, err = IssueWith(ctx, c, key, ik, *org, strings.TrimRight(*node, "/"), is)
		if err != nil {
			return err
		}
	} else if signed, rec, err = Issue(ctx, c, key, is); err != nil {
		return err
	}
	if err := writeFile(*outFile, []byte(signed.Credential+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "credential %s anchored at height %d (tx %s)\nwritten to %s: give it to the holder\n", signed.Hash, rec.Height, rec.Hash, *outFile)
	return nil
}

func cmdHolderKey(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential holder-key", "--out FILE", errOut)
	outFile := fs.String("out", "", "the new key file (encrypted under a passphrase)")
	alg := fs.String("alg", jws.ES256, "ES256 or EdDSA")
	passFile := cli.PassphraseFlag(fs)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *outFile == "" {
		return cli.Fail("--out is required", "dengta credential holder-key --out holder.jwe")
	}
	k, err := jws.NewKey(*alg)
	if err != nil {
		return cli.Fail(err.Error(), "--alg ES256")
	}
	// A new key file, like 'dengta keys new': the usual passphrase
	// sources, asked twice at a terminal.
	src := cli.Passphrase(*passFile)
	src.Confirm = true
	pass, err := src.Passphrase("the holder key")
	if err != nil {
		return cli.KeyError(err, keyfile.Hint)
	}
	sealed, err := SealJWK(k, pass)
	if err != nil {
		return cli.Fail(err.Error(), "choose a passphrase of 8 characters or more")
	}
	if err := writeFile(*outFile, sealed, 0o600); err != nil {
		return err
	}
	pub, _ := json.Marshal(k.JWK())
	fmt.Fprintf(out, "holder key %s written to %s\npublic key (give it to the issuer): %s\n", k.Thumbprint(), *outFile, pub)
	return nil
}

func cmdPresent(_ context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential present", "--credential FILE --holder-key FILE --disclose a,b --nonce N --aud A", errOut)
	credFile := fs.String("credential", "", "the credential file (SD-JWT)")
	holderFile := fs.String("holder-key", "", "the holder's key file")
	disclose := fs.String("disclose", "", "the claims to disclose, comma-separated (e.g. owner,location)")
	nonce := fs.String("nonce", "", "the verifier's nonce")
	aud := fs.String("aud", "", "the verifier (its DID or URL), as it asks")
	outFile := fs.String("out", "", "write the presentation to this new file (else print it)")
	passFile := cli.PassphraseFlag(fs)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *nonce == "" || *aud == "" {
		return cli.Fail("--nonce and --aud are required: a presentation is bound to one verifier's request", "--nonce 5f3a… --aud did:dengta:dengta-dev:bank")
	}
	cred, err := readFile(*credFile, "credential", "--credential credential.sd-jwt")
	if err != nil {
		return err
	}
	if *holderFile == "" {
		return cli.Fail("--holder-key is required", "--holder-key holder.jwe")
	}
	hk, err := ReadJWK(*holderFile, cli.Passphrase(*passFile))
	if err != nil {
		return cli.KeyError(err, "check --holder-key")
	}
	var claims []string
	for _, c := range strings.Split(*disclose, ",") {
		if c = strings.TrimSpace(c); c != "" {
			claims = append(claims, c)
		}
	}
	p, err := Present(cred, claims, hk, *aud, *nonce, time.Now())
	if err != nil {
		return cli.Fail(err.Error(), "name claims the credential has (dengta credential show HASH lists its type's claims)")
	}
	if *outFile == "" {
		fmt.Fprintln(out, p)
		return nil
	}
	if err := writeFile(*outFile, []byte(p+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "presentation of %d claim(s) written to %s\n", len(claims), *outFile)
	return nil
}

func cmdEvidence(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential evidence", "--presentation FILE --out FILE", errOut)
	node := cli.NodeFlag(fs)
	pres := fs.String("presentation", "", "the presentation (or credential) file")
	by := fs.String("recognized-by", "", "add this organisation's recognition entry")
	outFile := fs.String("out", "", "write the evidence to this new file")
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	p, err := readFile(*pres, "presentation", "--presentation presentation.txt")
	if err != nil {
		return err
	}
	if *outFile == "" {
		return cli.Fail("--out is required", "--out evidence.json")
	}
	ev, err := Evidence(ctx, cli.Client(*node), p, *by)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(*outFile, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "evidence of %s at height %d (%d proof bundles) written to %s\ncheck offline: dengta credential verify --presentation P --evidence %s --trust GENESIS --nonce N --aud A\n", ev.Hash, ev.Height, len(ev.Bundles), *outFile, *outFile)
	return nil
}

func cmdVerify(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential verify", "--presentation FILE --nonce N --aud A --trust GENESIS [--evidence FILE]", errOut)
	node := cli.NodeFlag(fs)
	pres := fs.String("presentation", "", "the presentation file")
	evFile := fs.String("evidence", "", "the evidence file (dengta credential evidence); fetched from --node when absent")
	trustArg := fs.String("trust", "", "the validator set trusted: a genesis file or a 64-hex-digit validator-set hash")
	nonce := fs.String("nonce", "", "the nonce you gave the holder")
	aud := fs.String("aud", "", "the audience the holder bound it to (you)")
	by := fs.String("recognized-by", "", "check this organisation's recognition list too")
	at := fs.String("at", "", "verify as of this RFC 3339 time (now when absent)")
	maxAge := fs.Duration("status-max-age", 24*time.Hour, "fail the status check when the evidence is older than this (0: no bound)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	p, err := readFile(*pres, "presentation", "--presentation presentation.txt")
	if err != nil {
		return err
	}
	if *trustArg == "" {
		return cli.Fail("--trust is required: the validator set you trust", "--trust ~/.dengta/dev/config/genesis.json")
	}
	if *nonce == "" || *aud == "" {
		return cli.Fail("--nonce and --aud are required: they show the presentation was made for you, not replayed", "--nonce 5f3a91 --aud did:dengta:dengta-dev:bank (what you asked the holder for)")
	}
	trust, err := proof.ParseTrust(*trustArg)
	if err != nil {
		return cli.Fail(err.Error(), "give a genesis file or a validator-set hash")
	}
	var ev credentialapi.Evidence
	if *evFile != "" {
		b, err := os.ReadFile(*evFile)
		if err != nil {
			return cli.Fail(fmt.Sprintf("read --evidence: %v", err), "--evidence evidence.json")
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			return cli.Fail(fmt.Sprintf("--evidence is not evidence JSON: %v", err), "write it with dengta credential evidence")
		}
	} else {
		e, err := Evidence(ctx, cli.Client(*node), p, *by)
		if err != nil {
			return err
		}
		ev = *e
	}
	now := time.Now()
	if *at != "" {
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			return cli.Fail("--at is not an RFC 3339 time", "--at 2026-03-02T10:00:00+08:00")
		}
	}
	rep := vc.Verify(p, &ev, vc.Options{Trust: trust, Nonce: *nonce, Audience: *aud, Now: now, RecognizedBy: *by, StatusMaxAge: *maxAge})
	if *asJSON {
		if err := cli.PrintJSON(out, rep); err != nil {
			return err
		}
	} else {
		printReport(out, rep)
	}
	if !rep.OK {
		return &cli.UserError{Msg: "the presentation does not verify: " + rep.Failed + " failed", Hint: "see the checks above", Code: 1}
	}
	return nil
}

// printReport writes a report for people, one check a line.
func printReport(out io.Writer, rep *credentialapi.Report) {
	for _, c := range rep.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(out, "%s %-15s %s\n", mark, c.Name, c.Detail)
	}
	if c := rep.Credential; c != nil {
		fmt.Fprintf(out, "\n%s %s (%s), issued by %s %s\n", c.TypeName, c.Type, c.Hash, c.IssuerName, c.IssuerDID)
		for _, cl := range c.Claims {
			label := cl.ZH
			if label == "" {
				label = cl.Name
			}
			fmt.Fprintf(out, "  %s: %s\n", label, cl.Value)
		}
	}
	if rep.OK {
		fmt.Fprintln(out, "\nverified")
	}
}

func statusCmd(status string) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(ctx context.Context, args []string, out, errOut io.Writer) error {
		name := map[string]string{credentialapi.StatusRevoked: "revoke", credentialapi.StatusSuspended: "suspend", credentialapi.StatusActive: "reinstate"}[status]
		fs := cli.NewFlags("credential "+name, "--key K (--hash H | --credential FILE) [--reason R]", errOut)
		node := cli.NodeFlag(fs)
		keyFile := cli.KeyFlag(fs, "key file of a member of the issuing organisation")
		hash := fs.String("hash", "", "the credential's hash")
		credFile := fs.String("credential", "", "or the credential file")
		reason := fs.String("reason", "", "why (kept on chain; no personal data)")
		if _, err := cli.Parse(fs, args); err != nil {
			return err
		}
		h := *hash
		if h == "" && *credFile != "" {
			cred, err := readFile(*credFile, "credential", "--credential credential.sd-jwt")
			if err != nil {
				return err
			}
			if h, err = HashOf(cred); err != nil {
				return cli.Fail(err.Error(), "give the credential file the issuer wrote")
			}
		}
		if h == "" {
			return cli.Fail("give --hash or --credential", "dengta credential "+name+" --key keys/estate-admin.json --hash 3f…")
		}
		c, key, err := cli.Signer(*node, *keyFile)
		if err != nil {
			return err
		}
		res, err := SetStatus(ctx, c, key, h, status, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "credential %s is %s; revocation list %s, suspension list %s\n", res.Hash, res.Status, res.Revocation, res.Suspension)
		return nil
	}
}

func cmdDID(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential did", "ORG [--prove DIR]", errOut)
	node := cli.NodeFlag(fs)
	dir := fs.String("prove", "", "write the proof bundles of the organisation and its keys to this directory")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	org, err := cli.OneArg(pos, "organisation id", "dengta credential did estate")
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, cli.Client(*node), credentialapi.GetDID, credentialapi.OrgParams{Org: org, Prove: *dir != ""})
	if err != nil {
		return err
	}
	proofs := v.Proofs
	v.Proofs = nil
	if err := cli.PrintJSON(out, v); err != nil {
		return err
	}
	if *dir == "" {
		return nil
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return cli.Fail(err.Error(), "give --prove a directory you can write")
	}
	keys := make([]string, 0, len(proofs))
	for k := range proofs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := filepath.Join(*dir, strings.ReplaceAll(k, "/", "_")+".json")
		if err := os.WriteFile(name, []byte(proofs[k]), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "proof of %s: %s\n", k, name)
	}
	return nil
}

// cmdResolve resolves a did:dengta DID offline from the proof bundles
// that "credential did ORG --prove DIR" wrote.
func cmdResolve(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential resolve", "DID --proofs DIR --trust GENESIS", errOut)
	dir := fs.String("proofs", "", "the directory of proof bundles (dengta credential did ORG --prove DIR)")
	trustArg := fs.String("trust", "", "the validator set trusted: a genesis file or a 64-hex-digit validator-set hash")
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	did, err := cli.OneArg(pos, "DID", "dengta credential resolve did:dengta:dengta-dev:regulator --proofs did-proofs/ --trust genesis.json")
	if err != nil {
		return err
	}
	if *dir == "" || *trustArg == "" {
		return cli.Fail("--proofs and --trust are required", "dengta credential resolve DID --proofs did-proofs/ --trust ~/.dengta/dev/config/genesis.json")
	}
	trust, err := proof.ParseTrust(*trustArg)
	if err != nil {
		return cli.Fail(err.Error(), "give a genesis file or a validator-set hash")
	}
	files, err := filepath.Glob(filepath.Join(*dir, "*.json"))
	if err != nil || len(files) == 0 {
		return cli.Fail(fmt.Sprintf("no proof bundles (*.json) in %s", *dir), "write them with dengta credential did ORG --prove DIR")
	}
	var bundles [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		bundles = append(bundles, b)
	}
	res, err := vc.ResolveDID(did, bundles, trust)
	if err != nil {
		return cli.Fail(fmt.Sprintf("%s does not resolve from these bundles: %v", did, err), "fetch fresh bundles with dengta credential did ORG --prove DIR, into an empty directory")
	}
	return cli.PrintJSON(out, res)
}

func cmdTypes(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential types", "", errOut)
	node := cli.NodeFlag(fs)
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	l, err := client.Read(ctx, cli.Client(*node), credentialapi.ListTypes, credentialapi.HeightParams{})
	if err != nil {
		return err
	}
	for _, t := range l.Types {
		var issuers []string
		for _, a := range l.Issuers {
			if a.Type == t.ID && a.Active {
				issuers = append(issuers, a.Issuer)
			}
		}
		fmt.Fprintf(out, "%-34s %s / %s; issuers: %s\n", t.ID, t.Name, t.NameEN, strings.Join(issuers, ", "))
	}
	for _, d := range l.Drafts {
		fmt.Fprintf(out, "draft %-28s %s, subject %s\n", d.Type.ID, d.Type.Name, d.Subject)
	}
	return nil
}

func cmdShow(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential show", "HASH", errOut)
	node := cli.NodeFlag(fs)
	pos, err := cli.Parse(fs, args)
	if err != nil {
		return err
	}
	h, err := cli.OneArg(pos, "credential hash", "dengta credential show 3f2a…")
	if err != nil {
		return err
	}
	v, err := client.Read(ctx, cli.Client(*node), credentialapi.GetAnchor, credentialapi.HashParams{Hash: h})
	if err != nil {
		return err
	}
	return cli.PrintJSON(out, v)
}

func cmdDo(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := cli.NewFlags("credential do", "--key K --action NAME --body JSON|@FILE", errOut)
	node := cli.NodeFlag(fs)
	keyFile := cli.KeyFlag(fs, "key file of the signer")
	action := fs.String("action", "", "the action (submit_type, register_type, authorize_issuer, recognize, ...)")
	body := fs.String("body", "", "the action's JSON body, or @FILE")
	if _, err := cli.Parse(fs, args); err != nil {
		return err
	}
	raw, err := readArg(*body, "--body")
	if err != nil {
		return err
	}
	if *action == "" || !json.Valid(raw) {
		return cli.Fail("give --action and a JSON --body", `dengta credential do --key k.json --action recognize --body '{"type":"RealEstateCertificateCredential"}'`)
	}
	c, key, err := cli.Signer(*node, *keyFile)
	if err != nil {
		return err
	}
	rec, err := c.Do(ctx, key, credentialapi.Name, *action, json.RawMessage(raw))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "credential/%s committed at height %d (tx %s)\n", *action, rec.Height, rec.Hash)
	if len(rec.Result) > 0 {
		fmt.Fprintf(out, "%s\n", rec.Result)
	}
	return nil
}
