package keyfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"
)

// DevPassphrase is the published passphrase of dev chains ("dengta dev",
// local test networks): it protects nothing and is printed by dengta dev.
// Never use it for a key that matters; Protection refuses it unless Dev is
// set.
const DevPassphrase = "dengta-dev"

// MinPassphrase is the shortest new passphrase accepted, in characters.
const MinPassphrase = 8

// Environment variables read by Sources, in this order after the file.
const (
	EnvPassphraseFile    = "DENGTA_PASSPHRASE_FILE"
	EnvPassphrase        = "DENGTA_PASSPHRASE"
	EnvNewPassphraseFile = "DENGTA_NEW_PASSPHRASE_FILE"
	EnvNewPassphrase     = "DENGTA_NEW_PASSPHRASE"
)

// Hint tells a person how to give the passphrase.
const Hint = "give the passphrase with --passphrase-file FILE, $" + EnvPassphraseFile + " or $" + EnvPassphrase + ", or run the command in a terminal to be asked"

// Protection is how a new key file is encrypted.
type Protection struct {
	Passphrase []byte
	Cost       Cost   // zero: Default
	Cipher     string // "": SM4GCM
	// Dev: the passphrase is DevPassphrase and the file says so (dev
	// chains and tests only).
	Dev bool
}

// DevProtection is the protection of dev chains' keys: the published
// passphrase and the cheap DevCost.
func DevProtection() Protection {
	return Protection{Passphrase: []byte(DevPassphrase), Cost: DevCost, Dev: true}
}

func (p Protection) cost() Cost {
	if p.Cost == (Cost{}) {
		return Default
	}
	return p.Cost
}

func (p Protection) cipher() string {
	if p.Cipher == "" {
		return SM4GCM
	}
	return p.Cipher
}

// Validate checks the passphrase, cost and cipher.
func (p Protection) Validate() error {
	if len(p.Passphrase) == 0 {
		return ErrNoPassphrase
	}
	if p.Dev != (string(p.Passphrase) == DevPassphrase) {
		if p.Dev {
			return errors.New("a dev key file must use the dev passphrase")
		}
		return fmt.Errorf("%q is the published dev passphrase; choose another", DevPassphrase)
	}
	if !p.Dev {
		if err := CheckNew(p.Passphrase); err != nil {
			return err
		}
	}
	if err := p.cost().Validate(); err != nil {
		return fmt.Errorf("kdf: %w", err)
	}
	_, _, err := cipherSuite(p.cipher())
	return err
}

// CheckNew checks a new passphrase: valid UTF-8 of MinPassphrase
// characters or more.
func CheckNew(pass []byte) error {
	if !utf8.Valid(pass) {
		return errors.New("the passphrase is not valid UTF-8")
	}
	if utf8.RuneCount(pass) < MinPassphrase {
		return fmt.Errorf("the passphrase is shorter than %d characters", MinPassphrase)
	}
	return nil
}

// Source gives the passphrase of encrypted key files.
type Source interface {
	// Passphrase returns the passphrase; what names the file or home it
	// opens, for a prompt.
	Passphrase(what string) ([]byte, error)
}

// Fixed is a Source that always gives the same passphrase.
type Fixed []byte

// Passphrase returns f.
func (f Fixed) Passphrase(string) ([]byte, error) { return f, nil }

// Prompter asks a person for a secret without echoing it.
type Prompter interface {
	ReadSecret(prompt string) ([]byte, error)
}

// Sources looks for the passphrase in order: File (--passphrase-file),
// the file named by $DENGTA_PASSPHRASE_FILE, $DENGTA_PASSPHRASE, then the
// Prompt. It asks once: the first passphrase found is kept for every
// later call, so one process asks a person once for a whole home.
type Sources struct {
	File string // a file holding the passphrase ("" none)
	// FileFlag names File's flag in errors ("" for --passphrase-file).
	FileFlag string
	Getenv   func(string) string // nil: os.Getenv
	Prompt   Prompter            // nil: never ask
	// New: this passphrase encrypts new files. The environment variables
	// are DENGTA_NEW_PASSPHRASE_FILE and DENGTA_NEW_PASSPHRASE, a prompt
	// asks twice, and the passphrase must pass CheckNew.
	New bool
	// Confirm: the passphrase encrypts new files (from the usual
	// variables): a prompt asks twice and it must pass CheckNew.
	Confirm bool

	mu   sync.Mutex
	pass []byte
}

// Passphrase implements Source.
func (s *Sources) Passphrase(what string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pass != nil {
		return s.pass, nil
	}
	p, err := s.find(what)
	if err != nil {
		return nil, err
	}
	if s.New || s.Confirm {
		if err := CheckNew(p); err != nil {
			return nil, err
		}
	}
	s.pass = p
	return p, nil
}

func (s *Sources) find(what string) ([]byte, error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	envFile, env := EnvPassphraseFile, EnvPassphrase
	if s.New {
		envFile, env = EnvNewPassphraseFile, EnvNewPassphrase
	}
	if s.File != "" {
		flag := s.FileFlag
		if flag == "" {
			flag = "--passphrase-file"
		}
		return readPassFile(s.File, flag)
	}
	if f := getenv(envFile); f != "" {
		return readPassFile(f, "$"+envFile)
	}
	if v := getenv(env); v != "" {
		return []byte(v), nil
	}
	if s.Prompt == nil {
		return nil, ErrNoPassphrase
	}
	if !s.New && !s.Confirm {
		return s.Prompt.ReadSecret(fmt.Sprintf("Passphrase for %s: ", what))
	}
	p, err := s.Prompt.ReadSecret(fmt.Sprintf("New passphrase for %s (%d characters or more): ", what, MinPassphrase))
	if err != nil {
		return nil, err
	}
	if err := CheckNew(p); err != nil {
		return nil, err
	}
	again, err := s.Prompt.ReadSecret("The same passphrase again: ")
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(p, again) {
		return nil, errors.New("the two passphrases differ")
	}
	return p, nil
}

// readPassFile reads a passphrase file: its content less one final line
// break ("\n" or "\r\n"). An empty passphrase is an error.
func readPassFile(path, from string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("passphrase file (%s): %w", from, err)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, fmt.Errorf("passphrase file %s (%s) is empty", path, from)
	}
	return b, nil
}

// Terminal returns a Prompter on the controlling terminal (/dev/tty), or
// nil when the process has none (a service, CI, a pipe without a tty).
func Terminal() Prompter {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if !term.IsTerminal(int(f.Fd())) {
		f.Close()
		return nil
	}
	f.Close()
	return tty{}
}

type tty struct{}

// ReadSecret writes the prompt to the terminal and reads a line without
// echo.
func (tty) ReadSecret(prompt string) ([]byte, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	defer f.Close()
	fmt.Fprint(f, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(f)
	if err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	if len(b) == 0 {
		return nil, ErrNoPassphrase
	}
	return b, nil
}
