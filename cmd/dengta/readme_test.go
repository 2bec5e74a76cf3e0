package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dengta-chain/dengta/internal/devnet"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/internal/nettest"
	"github.com/dengta-chain/dengta/internal/node"
)

// A README command: one logical line of a ```sh block.
type readmeCommand struct {
	line int // where it starts in README.md
	text string
}

// readmeCommands returns the commands of every ```sh block of the README,
// continuation lines joined, in order.
func readmeCommands(t *testing.T, path string) []readmeCommand {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []readmeCommand
	in := false
	var cur *readmeCommand
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case !in && strings.TrimSpace(l) == "```sh":
			in = true
			continue
		case in && strings.TrimSpace(l) == "```":
			in = false
			if cur != nil {
				t.Fatalf("README.md:%d: a command continues past the end of its block", cur.line)
			}
			continue
		case !in:
			continue
		}
		if cur == nil {
			if s := strings.TrimSpace(l); s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			cur = &readmeCommand{line: n}
		}
		if body, ok := strings.CutSuffix(l, `\`); ok {
			cur.text += body
			continue
		}
		cur.text += l
		cur.text = strings.TrimSpace(cur.text)
		cmds = append(cmds, *cur)
		cur = nil
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cmds
}

// The README's placeholders, each with the output, printed by an earlier
// command or by `dengta dev`, that a reader copies into it. A placeholder
// without a rule here fails the test, so that every new one is checked.
var readmePlaceholders = []struct {
	text string
	from *regexp.Regexp // last match in the output so far; group 1
}{
	{"<public key printed above>", regexp.MustCompile(`(?m)^public key: (\{.+\})$`)},
	{"EV20261122-…", regexp.MustCompile(`evidence id \(存证编号\): (EV\S+)`)},
	{"CP2026…-…", regexp.MustCompile(`foundation_project=(CP\S+)`)},
	{"DN2026…-…", regexp.MustCompile(`(?m)^receipt (DN\S+):`)},
	{"<key printed above>", regexp.MustCompile(`(?m)^receipt key ([0-9a-f]+) `)},
	{"<number printed above>", regexp.MustCompile(`(?m)^proposal (\d+);`)},
	{"<referral printed above>", regexp.MustCompile(`(?m)^(DG[0-9A-F-]+)  hospa → hospb`)},
	{"<record printed above>", regexp.MustCompile(`(?m)^  records (DR[0-9A-F-]+)`)},
	{"<patient number in the dev log>", regexp.MustCompile(`datashare demo recorded"? patient=(P[0-9A-F]{16})`)},
	{"CCB-2025-…", regexp.MustCompile(`(?m)^\s+(CCB-2025-\d+)\s`)},
	{"RT-…", regexp.MustCompile(`"id": "(RT-\d+)"`)},
	{"0x<wallet address>", regexp.MustCompile(`(?m)^address:\s+(0x[0-9a-fA-F]{40})$`)},
	{"0x<token>", regexp.MustCompile(`contract (0x[0-9a-fA-F]{40}) deployed`)},
	{"0x<tx>", regexp.MustCompile(`(?m)^tx (0x[0-9a-f]{64}): status 1`)},
	{"<slot proof printed above>", regexp.MustCompile(`(?m)^proof of evm/s/\S+: (\S+)$`)},
	{"<new member's node home>", nil}, // prepared by the test
}

var placeholderRE = regexp.MustCompile(`<[^<>]*>|…`)

// TestREADMECommands runs every command the README shows, verbatim but for
// the placeholders a reader fills in from earlier output, in the README's
// order, against a fresh `dengta dev` with its demo story, and checks that
// each succeeds. The reader's own files (contract.pdf, scans/*.pdf) are
// made here; samples the README names come from the repository. The two
// quickstart commands are this test's setup (`dengta dev`) and the test
// suite itself. `dengta start` runs until it serves and is then stopped.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a dev chain and every README command")
	}
	cmds := readmeCommands(t, "../../README.md")
	if len(cmds) < 20 {
		t.Fatalf("found %d README commands; the parser lost some", len(cmds))
	}
	bin := buildDengta(t)
	home := t.TempDir()
	work := t.TempDir()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// The reader's own files, and the repository's samples where the
	// README names them (commands run from a checkout).
	for name, body := range map[string]string{
		"contract.pdf":  "%PDF-1.4 a signed supply contract\n",
		"scans/a-1.pdf": "%PDF-1.4 delivery note 1\n",
		"scans/a-2.pdf": "%PDF-1.4 delivery note 2\n",
		"检验报告.pdf":      "%PDF-1.4 lab report\n",
	} {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(repo, "examples"), filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}

	// Quickstart: `dengta dev` on addresses no other test uses.
	base, ports := nettest.PickAddresses(t, 1)
	ip := "127.0.0." + strconv.Itoa(base)
	nodeURL := fmt.Sprintf("http://%s:%d", ip, ports.Gateway)
	env := append(cleanEnv(),
		"HOME="+home,
		"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"DENGTA_NODE="+nodeURL,
		// What a reader types at the passphrase prompts.
		keyfile.EnvPassphrase+"=readme lighthouse",
		"DENGTA_NEW_PASSPHRASE=readme lighthouse",
	)
	devLog := filepath.Join(t.TempDir(), "dev.log")
	dev := startLong(t, bin, env, work, devLog, "dev", "--ip", ip,
		"--gateway-port", strconv.Itoa(ports.Gateway), "--rpc-port", strconv.Itoa(ports.RPC), "--p2p-port", strconv.Itoa(ports.P2P))
	defer dev.stop(t)
	if !dev.waitFor(t, "Dengta dev chain", 5*time.Minute) {
		t.Fatalf("dengta dev did not start:\n%s", nettest.Tail(devLog, 40))
	}
	devOut, _ := os.ReadFile(devLog)
	output := string(devOut)
	// Every module's demo story was recorded.
	if strings.Contains(output, "the demo story was not recorded") {
		t.Fatalf("dengta dev:\n%s", nettest.Tail(devLog, 20))
	}

	// The new member's node home of the governance example: a node home
	// with the dev chain's genesis, as a member writes before it joins.
	memberHome := filepath.Join(work, "coop-node")
	if _, err := node.InitHome(memberHome, node.InitOptions{Moniker: "coop-node", Org: "coop", Ports: node.Ports{P2P: 26656, RPC: 26657, Gateway: 8480}, Protection: keyfile.DevProtection()}); err != nil {
		t.Fatal(err)
	}
	g, err := os.ReadFile(node.GenesisFile(filepath.Join(home, ".dengta", "dev")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(node.GenesisFile(memberHome), g, 0o644); err != nil {
		t.Fatal(err)
	}
	// The older home of `dengta keys encrypt`: plain key files.
	oldNet := filepath.Join(t.TempDir(), "old")
	if _, errOut, code := run(t, "testnet", "--validators", "1", "--out", oldNet, "--ip-base", "61", "--dev-passphrase"); code != 0 {
		t.Fatalf("testnet: %s", errOut)
	}
	oldHome := filepath.Join(work, "old-home")
	if err := os.Rename(filepath.Join(oldNet, devnet.OrgAt(0).ID), oldHome); err != nil {
		t.Fatal(err)
	}
	writePlain(t, oldHome, keyfile.Fixed(keyfile.DevPassphrase))

	ran := 0
	for _, c := range cmds {
		text := c.text
		switch {
		case strings.HasPrefix(text, "go run ./cmd/dengta dev"):
			continue // started above
		case strings.HasPrefix(text, "go test -timeout 45m ./..."):
			continue // this suite
		case strings.HasPrefix(text, "go "):
			t.Fatalf("README.md:%d: a go command the test does not know: %s", c.line, text)
		}
		for _, p := range readmePlaceholders {
			if !strings.Contains(text, p.text) {
				continue
			}
			var v string
			if p.from == nil {
				v = memberHome
			} else {
				m := p.from.FindAllStringSubmatch(output, -1)
				if m == nil {
					t.Fatalf("README.md:%d: %s: nothing printed so far matches %s", c.line, p.text, p.from)
				}
				v = m[len(m)-1][1]
			}
			text = strings.ReplaceAll(text, p.text, v)
		}
		if ph := placeholderRE.FindString(stripRedirects(text)); ph != "" {
			t.Fatalf("README.md:%d: placeholder %q has no rule in readmePlaceholders (readme_test.go): %s", c.line, ph, c.text)
		}
		ran++
		if strings.HasPrefix(text, "dengta start ") {
			log := filepath.Join(t.TempDir(), "start.log")
			p := startLong(t, "bash", env, work, log, "-c", "exec "+text)
			ok := p.waitFor(t, "node started", 3*time.Minute)
			code := p.stop(t)
			if !ok || code != 0 {
				t.Fatalf("README.md:%d: %s: served %v, exit %d\n%s", c.line, text, ok, code, nettest.Tail(log, 30))
			}
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-c", text)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		cancel()
		output += string(out)
		if err != nil {
			t.Fatalf("README.md:%d: %s\n%v\n%s", c.line, text, err, out)
		}
	}
	t.Logf("ran %d README commands", ran)
}

// stripRedirects drops shell redirections (`> file`, `< file`) so that
// they are not taken for placeholders.
func stripRedirects(s string) string {
	return regexp.MustCompile(`\s[<>]\s*\S+`).ReplaceAllString(s, " ")
}

// longRun is a process that runs until the test stops it.
type longRun struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func startLong(t *testing.T, name string, env []string, dir, log string, args ...string) *longRun {
	t.Helper()
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &longRun{cmd: cmd, log: log, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p
}

// waitFor waits until the log holds s; false if the process ended or the
// time ran out first.
func (p *longRun) waitFor(t *testing.T, s string, d time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(p.log); strings.Contains(string(b), s) {
			return true
		}
		select {
		case <-p.done:
			return false
		case <-time.After(250 * time.Millisecond):
		}
	}
	return false
}

// stop interrupts the process (as Ctrl-C does), kills it by its PID if it
// has not ended a minute later, and returns its exit code.
func (p *longRun) stop(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	default:
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Errorf("%s did not stop within a minute of SIGINT; killed", p.cmd.Path)
		p.cmd.Process.Kill()
		<-p.done
	}
	return p.cmd.ProcessState.ExitCode()
}
