// Package accounts keeps the service hall's users on one node: their
// passwords (Argon2id, memory-hard), their sign-in sessions with CSRF
// tokens, and their custodial signing keys, encrypted at rest with SM4-GCM
// under the node's hall master key (which the node keeps encrypted under
// its passphrase, like its other keys: docs/adr/0008-keys-at-rest.md). A user belongs to one organisation; the
// hall signs the user's transactions with the user's key, which the
// organisation registers on chain like any member key.
package accounts

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/emmansun/gmsm/sm4"
	"golang.org/x/crypto/argon2"

	"github.com/dengta-chain/dengta/tx"
)

// Errors callers tell apart.
var (
	ErrBadLogin    = errors.New("wrong user name or password")
	ErrNoSession   = errors.New("no such session, or it expired")
	ErrUserExists  = errors.New("user name is taken")
	ErrNoUser      = errors.New("no such user")
	ErrWeakPass    = errors.New("password must have at least 8 characters")
	ErrBadUserName = errors.New("user name: use 3-32 lowercase letters, digits, '.', '_' or '-'")
)

// Role is what a user may do in the hall.
type Role string

// Roles.
const (
	RoleAdmin Role = "admin" // manages the organisation's users and keys
	RoleStaff Role = "staff" // works with the scenario pages
)

// User is a hall user.
type User struct {
	Name     string    `json:"name"`
	Display  string    `json:"display"`
	Org      string    `json:"org"`
	Role     Role      `json:"role"`
	KeyID    tx.KeyID  `json:"key_id"`
	Algo     tx.Algo   `json:"algo"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
	Password string    `json:"password"` // PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash
	// PasswordSet is when the password last changed; sessions begun
	// before it have ended.
	PasswordSet time.Time `json:"password_set,omitzero"`
}

// Session is a signed-in browser.
type Session struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
	Created time.Time `json:"created,omitzero"`
}

// Argon2id parameters: 64 MiB, 2 passes, 2 lanes (about 0.1-0.2 s here).
const (
	argonMemory  = 64 * 1024
	argonTime    = 2
	argonThreads = 2
	argonKeyLen  = 32
)

// SessionTTL is how long a session lasts without use.
const SessionTTL = 8 * time.Hour

var userNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// Store is the account database.
type Store struct {
	db    *pebble.DB
	aead  cipher.AEAD
	now   func() time.Time
	guard *guard // sign-in limits (signin.go)
}

// Open opens the database in dir, creating it when missing, with the
// hall's 16-byte SM4 master key (the node keeps it encrypted at rest:
// node.HallMasterKey). now may be nil.
func Open(dir string, master []byte, now func() time.Time) (*Store, error) {
	if len(master) != 16 {
		return nil, fmt.Errorf("hall master key: %d bytes; an SM4 key is 16", len(master))
	}
	block, err := sm4.NewCipher(master)
	if err != nil {
		return nil, fmt.Errorf("hall master key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("hall master key: %w", err)
	}
	db, err := pebble.Open(dir, &pebble.Options{Logger: quiet{}})
	if err != nil {
		return nil, fmt.Errorf("open accounts: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	secret, err := deviceSecret(db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open accounts: %w", err)
	}
	return &Store{db: db, aead: aead, now: now, guard: newGuard(secret, now)}, nil
}

type quiet struct{}

func (quiet) Infof(string, ...any)  {}
func (quiet) Errorf(string, ...any) {}
func (quiet) Fatalf(f string, a ...any) {
	panic(fmt.Sprintf(f, a...))
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Checkpoint writes a consistent copy of the store to dir, which must not
// exist (a backup of a running node; hard links where the filesystem
// allows).
func (s *Store) Checkpoint(dir string) error {
	if err := s.db.Checkpoint(dir, pebble.WithFlushedWAL()); err != nil {
		return fmt.Errorf("accounts checkpoint: %w", err)
	}
	return nil
}

func (s *Store) getJSON(key []byte, v any) (bool, error) {
	b, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read accounts: %w", err)
	}
	defer closer.Close()
	return true, json.Unmarshal(b, v)
}

func (s *Store) putJSON(b *pebble.Batch, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Set(key, raw, nil)
}

// hashPassword returns the PHC string of an Argon2id hash.
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	h := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return (&PHC{Memory: argonMemory, Time: argonTime, Threads: argonThreads, Salt: salt, Hash: h}).String(), nil
}

// PHC is a parsed Argon2id password hash.
type PHC struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	Salt    []byte
	Hash    []byte
}

// Bounds of a stored hash's parameters: they cap the time and memory a
// sign-in can cost, whatever the database holds.
const (
	maxArgonMemory  = 1 << 20 // 1 GiB
	maxArgonTime    = 16
	maxArgonThreads = 64
)

// ParsePHC parses a PHC string "$argon2id$v=19$m=M,t=T,p=P$salt$hash"
// (salt and hash in unpadded standard base64) strictly: version 19, the
// parameters in that order within bounds, salt of 8 to 64 bytes, hash of
// 16 to 64 bytes.
func ParsePHC(phc string) (*PHC, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errors.New("password hash: not a $argon2id$ PHC string")
	}
	if parts[2] != "v=19" {
		return nil, fmt.Errorf("password hash: version %q is not v=19", parts[2])
	}
	var h PHC
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return nil, errors.New("password hash: want m=,t=,p= parameters")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(params[i], name)
		if !ok {
			return nil, fmt.Errorf("password hash: parameter %d is not %s", i+1, name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || (len(v) > 1 && v[0] == '0') {
			return nil, fmt.Errorf("password hash: %s%q is not a number", name, v)
		}
		vals[i] = n
	}
	h.Memory, h.Time = uint32(vals[0]), uint32(vals[1])
	if vals[2] < 1 || vals[2] > maxArgonThreads {
		return nil, fmt.Errorf("password hash: p=%d: 1 to %d", vals[2], maxArgonThreads)
	}
	h.Threads = uint8(vals[2])
	if h.Time < 1 || h.Time > maxArgonTime {
		return nil, fmt.Errorf("password hash: t=%d: 1 to %d", h.Time, maxArgonTime)
	}
	if h.Memory < 8*uint32(h.Threads) || h.Memory > maxArgonMemory {
		return nil, fmt.Errorf("password hash: m=%d: %d KiB to 1 GiB", h.Memory, 8*uint32(h.Threads))
	}
	enc := base64.RawStdEncoding.Strict()
	var err error
	if h.Salt, err = enc.DecodeString(parts[4]); err != nil || len(h.Salt) < 8 || len(h.Salt) > 64 {
		return nil, errors.New("password hash: salt: 8 to 64 bytes of unpadded base64")
	}
	if h.Hash, err = enc.DecodeString(parts[5]); err != nil || len(h.Hash) < 16 || len(h.Hash) > 64 {
		return nil, errors.New("password hash: hash: 16 to 64 bytes of unpadded base64")
	}
	return &h, nil
}

// String encodes h as its PHC string.
func (h *PHC) String() string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", h.Memory, h.Time, h.Threads, enc.EncodeToString(h.Salt), enc.EncodeToString(h.Hash))
}

// idKey is argon2.IDKey followed by a garbage collection. Each hash
// allocates its memory cost (64 MiB) and drops it at once; left to the
// collector's pacing, a few sign-ins in a row grow the heap by that much
// each before it runs, and a sign-in flood takes the node's resident
// memory towards twice its working set. Collected at once, the next hash
// reuses the same memory. Sign-ins are few and rate-limited, so the
// collection's cost (milliseconds) is small beside the hash's own.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	k := argon2.IDKey(password, salt, time, memory, threads, keyLen)
	runtime.GC()
	return k
}

// checkPassword compares a password with a PHC Argon2id string in
// constant time. A hash that does not parse matches no password.
func checkPassword(phc, password string) bool {
	h, err := ParsePHC(phc)
	if err != nil {
		return false
	}
	got := idKey([]byte(password), h.Salt, h.Time, h.Memory, h.Threads, uint32(len(h.Hash)))
	return subtle.ConstantTimeCompare(got, h.Hash) == 1
}

// dummyHash is what an unknown user's password is checked against, so
// that a sign-in costs the same whether the user exists or not.
const dummyHash = "$argon2id$v=19$m=65536,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// CheckNew reports whether AddUser would accept the user and password,
// without writing anything.
func (s *Store) CheckNew(u User, password string) error {
	if !userNamePattern.MatchString(u.Name) {
		return ErrBadUserName
	}
	if len([]rune(password)) < 8 {
		return ErrWeakPass
	}
	if u.Role != RoleAdmin && u.Role != RoleStaff {
		return fmt.Errorf("role %q is not admin or staff", u.Role)
	}
	var existing User
	if ok, err := s.getJSON(userKey(u.Name), &existing); err != nil {
		return err
	} else if ok {
		return ErrUserExists
	}
	return nil
}

// AddUser creates a user with a password and a custodial key, which is
// sealed before it is stored.
func (s *Store) AddUser(u User, password string, key *tx.PrivateKey) error {
	if err := s.CheckNew(u, password); err != nil {
		return err
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	u.Password = hash
	u.KeyID, u.Algo = key.ID(), key.Algo()
	u.Created = s.now().UTC()
	b := s.db.NewBatch()
	defer b.Close()
	if err := s.putJSON(b, userKey(u.Name), u); err != nil {
		return err
	}
	if err := b.Set(sealedKey(u.Name), s.seal(u.Name, key), nil); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

// seal encrypts a private key; the user name and key id are bound as
// additional data, so a sealed key cannot be moved to another user.
func (s *Store) seal(name string, k *tx.PrivateKey) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("accounts: no randomness: " + err.Error())
	}
	plain := append([]byte{byte(k.Algo())}, k.Bytes()...)
	return s.aead.Seal(nonce, nonce, plain, []byte(name+"\x00"+k.ID().String()))
}

// SigningKey decrypts the user's custodial key.
func (s *Store) SigningKey(u *User) (*tx.PrivateKey, error) {
	b, closer, err := s.db.Get(sealedKey(u.Name))
	if err != nil {
		return nil, fmt.Errorf("signing key of %s: %w", u.Name, err)
	}
	defer closer.Close()
	n := s.aead.NonceSize()
	if len(b) < n {
		return nil, fmt.Errorf("signing key of %s: sealed key too short", u.Name)
	}
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(u.Name+"\x00"+u.KeyID.String()))
	if err != nil {
		return nil, fmt.Errorf("signing key of %s: cannot decrypt (wrong master key?)", u.Name)
	}
	k, err := tx.PrivateKeyFromBytes(tx.Algo(plain[0]), plain[1:])
	if err != nil {
		return nil, fmt.Errorf("signing key of %s: %w", u.Name, err)
	}
	if k.ID() != u.KeyID {
		return nil, fmt.Errorf("signing key of %s does not match its key id", u.Name)
	}
	return k, nil
}

// User returns a user.
func (s *Store) User(name string) (*User, error) {
	var u User
	ok, err := s.getJSON(userKey(name), &u)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoUser
	}
	return &u, nil
}

// Users returns the users of an organisation ("" for all), by name.
func (s *Store) Users(org string) ([]User, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte(userPrefix), UpperBound: []byte("u0")})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []User
	for it.First(); it.Valid(); it.Next() {
		var u User
		if err := json.Unmarshal(it.Value(), &u); err != nil {
			return nil, err
		}
		if org == "" || u.Org == org {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return out, it.Error()
}

// SetDisabled enables or disables a user; disabling ends their sessions at
// their next use.
func (s *Store) SetDisabled(name string, disabled bool) error {
	u, err := s.User(name)
	if err != nil {
		return err
	}
	u.Disabled = disabled
	b := s.db.NewBatch()
	defer b.Close()
	if err := s.putJSON(b, userKey(name), u); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

// SetPassword changes a user's password and ends the user's sessions.
func (s *Store) SetPassword(name, password string) error {
	if len([]rune(password)) < 8 {
		return ErrWeakPass
	}
	u, err := s.User(name)
	if err != nil {
		return err
	}
	if u.Password, err = s.hash(password); err != nil {
		return err
	}
	u.PasswordSet = s.now().UTC()
	b := s.db.NewBatch()
	defer b.Close()
	if err := s.putJSON(b, userKey(name), u); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

func (s *Store) fails(name string) (uint64, time.Time) {
	b, closer, err := s.db.Get(failKey(name))
	if err != nil {
		return 0, time.Time{}
	}
	defer closer.Close()
	if len(b) != 16 {
		return 0, time.Time{}
	}
	return binary.BigEndian.Uint64(b), time.Unix(int64(binary.BigEndian.Uint64(b[8:])), 0)
}

func (s *Store) recordFail(name string, n uint64) {
	v := binary.BigEndian.AppendUint64(nil, n)
	v = binary.BigEndian.AppendUint64(v, uint64(s.now().Unix()))
	s.db.Set(failKey(name), v, pebble.Sync)
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("accounts: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewSession starts a session for a signed-in user and returns its token
// (for the cookie) and the session.
func (s *Store) NewSession(u *User) (string, *Session, error) {
	token := randomToken()
	sess := &Session{User: u.Name, CSRF: randomToken(), Expires: s.now().Add(SessionTTL).UTC(), Created: s.now().UTC()}
	b := s.db.NewBatch()
	defer b.Close()
	if err := s.putJSON(b, sessionKey(tokenHash(token)), sess); err != nil {
		return "", nil, err
	}
	return token, sess, b.Commit(pebble.Sync)
}

// Session returns the live session of a token and its user, extending it.
func (s *Store) Session(token string) (*Session, *User, error) {
	if token == "" {
		return nil, nil, ErrNoSession
	}
	var sess Session
	ok, err := s.getJSON(sessionKey(tokenHash(token)), &sess)
	if err != nil {
		return nil, nil, err
	}
	if !ok || s.now().After(sess.Expires) {
		return nil, nil, ErrNoSession
	}
	u, err := s.User(sess.User)
	if err != nil || u.Disabled || sess.Created.Before(u.PasswordSet) {
		return nil, nil, ErrNoSession
	}
	if until := s.now().Add(SessionTTL).UTC(); until.Sub(sess.Expires) > time.Minute {
		sess.Expires = until
		b := s.db.NewBatch()
		defer b.Close()
		if err := s.putJSON(b, sessionKey(tokenHash(token)), sess); err == nil {
			b.Commit(pebble.NoSync)
		}
	}
	return &sess, u, nil
}

// EndSession signs a browser out.
func (s *Store) EndSession(token string) error {
	return s.db.Delete(sessionKey(tokenHash(token)), pebble.Sync)
}

// CheckCSRF compares a form's token with the session's in constant time.
func CheckCSRF(sess *Session, token string) bool {
	return sess != nil && token != "" && subtle.ConstantTimeCompare([]byte(sess.CSRF), []byte(token)) == 1
}
