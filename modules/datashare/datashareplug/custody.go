package datashareplug

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dengta-chain/dengta/internal/errcode"
	"github.com/dengta-chain/dengta/internal/keyfile"
	"github.com/dengta-chain/dengta/modules/datashare/datashareapi"
	"github.com/dengta-chain/dengta/tx"
)

// custody is a hospital node's custody of its patients' keys: each
// patient's key is a key file encrypted under the patient's access code
// (Argon2id, SM4-GCM, docs/adr/0008-keys-at-rest.md), so that the
// hospital cannot sign the patient's consent without the code the
// patient holds. Beside it the hospital keeps its own index of the
// patient (name, masked ID number) for its staff; none of it goes on
// chain.
//
//	<dir>/<subject>.key.json   the patient's key, encrypted under the access code
//	<dir>/<subject>.json       the hospital's index entry (Patient)
//	<dir>/secret-<hospital>    the hospital's pseudonym secret (32 bytes, hex)
type custody struct {
	dir  string
	cost keyfile.Cost
	// unseal bounds the key derivations running at once (64 MiB each).
	unseal chan struct{}

	mu    sync.Mutex
	fails map[string]*failures
}

// Patient is a hospital's own index entry of a patient in its custody.
type Patient struct {
	ID       string   `json:"id"`
	Hospital string   `json:"hospital"`
	Name     string   `json:"name"`
	IDMasked string   `json:"id_masked"`
	KeyID    tx.KeyID `json:"key_id"`
	Created  string   `json:"created"`
}

type failures struct {
	n     int
	until time.Time
}

func openCustody(dir string) (*custody, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open patient custody: %w", err)
	}
	return &custody{dir: dir, cost: keyfile.Default, unseal: make(chan struct{}, 2), fails: map[string]*failures{}}, nil
}

// The access code's alphabet: digits and capitals without 0, 1, I, L, O.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewAccessCode draws a patient's access code: 16 characters (79 bits),
// written in groups of four.
func NewAccessCode() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return out.String(), nil
}

// normalizeCode is what the key file is encrypted under: the code without
// separators and spaces, in capitals.
func normalizeCode(code string) []byte {
	return []byte(strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code)))
}

// secret returns the hospital's pseudonym secret, drawing it the first
// time.
func (c *custody) secret(hospital string) ([]byte, error) {
	p := filepath.Join(c.dir, "secret-"+hospital)
	if b, err := os.ReadFile(p); err == nil {
		return hex.DecodeString(strings.TrimSpace(string(b)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		return nil, err
	}
	if err := keyfile.Create(p, []byte(hex.EncodeToString(s)+"\n")); err != nil {
		if _, serr := os.Stat(p); serr != nil {
			return nil, err
		}
	}
	b, err := os.ReadFile(p) // whoever created it first
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(strings.TrimSpace(string(b)))
}

// Pseudonym returns the hospital's pseudonym for a patient's local
// identifier (an ID number).
func (c *custody) Pseudonym(hospital, local string) (string, error) {
	s, err := c.secret(hospital)
	if err != nil {
		return "", err
	}
	return datashareapi.Pseudonym(s, local), nil
}

// Create makes a patient's key, encrypted under code, and the hospital's
// index entry; it refuses a patient already in custody.
func (c *custody) Create(p Patient, code string) (*tx.PrivateKey, error) {
	if len(normalizeCode(code)) < 12 {
		return nil, errcode.New(errcode.BadRequest, "an access code has at least 12 letters or digits")
	}
	k, err := tx.GenerateKey(tx.AlgoSM2, rand.Reader)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(c.keyPath(p.ID)); err == nil {
		return nil, errcode.New(errcode.Conflict, "patient %s is already in this hospital's custody", p.ID)
	}
	if err := tx.WriteKeyFile(c.keyPath(p.ID), k, "patient "+p.ID, keyfile.Protection{Passphrase: normalizeCode(code), Cost: c.cost}); err != nil {
		return nil, err
	}
	p.KeyID = k.ID()
	b, _ := json.MarshalIndent(p, "", "  ")
	if err := keyfile.Replace(filepath.Join(c.dir, p.ID+".json"), append(b, '\n')); err != nil {
		return nil, err
	}
	return k, nil
}

// Remove forgets a patient whose registration on chain failed.
func (c *custody) Remove(id string) {
	os.Remove(c.keyPath(id))
	os.Remove(filepath.Join(c.dir, id+".json"))
}

func (c *custody) keyPath(id string) string { return filepath.Join(c.dir, id+".key.json") }

// Patient reads the hospital's index entry of a patient.
func (c *custody) Patient(id string) (*Patient, error) {
	if !datashareapi.IsSubjectID(id) {
		return nil, errcode.New(errcode.NotFound, "no patient %q", id)
	}
	b, err := os.ReadFile(filepath.Join(c.dir, id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errcode.New(errcode.NotFound, "patient %s is not in this node's custody", id)
	}
	if err != nil {
		return nil, err
	}
	var p Patient
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("patient %s: %w", id, err)
	}
	return &p, nil
}

// Patients lists the patients of a hospital in custody.
func (c *custody) Patients(hospital string) ([]Patient, error) {
	names, err := filepath.Glob(filepath.Join(c.dir, "P*.json"))
	if err != nil {
		return nil, err
	}
	var out []Patient
	for _, n := range names {
		if strings.HasSuffix(n, ".key.json") {
			continue
		}
		p, err := c.Patient(strings.TrimSuffix(filepath.Base(n), ".json"))
		if err == nil && p.Hospital == hospital {
			out = append(out, *p)
		}
	}
	return out, nil
}

// ErrLocked says a patient must wait before trying the code again.
type ErrLocked struct{ Until time.Time }

func (e *ErrLocked) Error() string {
	return "too many wrong access codes; try again after " + e.Until.Format("15:04")
}

// Open decrypts a patient's key with the access code. Wrong codes count:
// after five in a row the patient waits 15 minutes, doubling each time
// after, up to a day.
func (c *custody) Open(id, code string, now time.Time) (*tx.PrivateKey, error) {
	if !datashareapi.IsSubjectID(id) { // it names a file: no other form
		return nil, errBadCode
	}
	c.mu.Lock()
	if f := c.fails[id]; f != nil && now.Before(f.until) {
		c.mu.Unlock()
		return nil, &ErrLocked{Until: f.until}
	}
	c.mu.Unlock()
	if _, err := os.Stat(c.keyPath(id)); err != nil {
		return nil, errBadCode
	}
	c.unseal <- struct{}{}
	k, _, err := tx.OpenKeyFile(c.keyPath(id), keyfile.Fixed(normalizeCode(code)))
	<-c.unseal
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		f := c.fails[id]
		if f == nil {
			f = &failures{}
			c.fails[id] = f
		}
		f.n++
		if f.n >= 5 {
			f.until = now.Add(min(15*time.Minute<<(f.n-5), 24*time.Hour))
		}
		return nil, errBadCode
	}
	delete(c.fails, id)
	return k, nil
}

var errBadCode = errcode.New(errcode.Unauthenticated, "the patient id or the access code is wrong")

// patientSessions are the patients signed in to their page: an opened
// key for a short while.
type patientSessions struct {
	mu sync.Mutex
	m  map[string]*patientSession // by SHA-256 of the cookie
}

type patientSession struct {
	Subject string
	Key     *tx.PrivateKey
	CSRF    string
	Expires time.Time
}

// PatientTTL is how long a patient's page stays signed in without use.
const PatientTTL = 15 * time.Minute

const maxPatientSessions = 10_000

func tokenHash(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("datashare: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// start signs a patient in and returns the cookie's value.
func (s *patientSessions) start(subject string, k *tx.PrivateKey, now time.Time) (string, *patientSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*patientSession{}
	}
	if len(s.m) >= maxPatientSessions {
		for h, ps := range s.m {
			if now.After(ps.Expires) {
				delete(s.m, h)
			}
		}
		if len(s.m) >= maxPatientSessions {
			return "", nil
		}
	}
	token := randomHex(24)
	ps := &patientSession{Subject: subject, Key: k, CSRF: randomHex(16), Expires: now.Add(PatientTTL)}
	s.m[tokenHash(token)] = ps
	return token, ps
}

// get returns the session of a cookie, extending it.
func (s *patientSessions) get(token string, now time.Time) *patientSession {
	if token == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.m[tokenHash(token)]
	if ps == nil || now.After(ps.Expires) {
		delete(s.m, tokenHash(token))
		return nil
	}
	ps.Expires = now.Add(PatientTTL)
	return ps
}

func (s *patientSessions) end(token string) {
	s.mu.Lock()
	delete(s.m, tokenHash(token))
	s.mu.Unlock()
}
