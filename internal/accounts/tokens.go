package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/pebble"
)

// API tokens let a member's system call the node's API as a hall user's
// organisation (ADR 0007): "dgt_" and 43 base64url characters of 32 random
// bytes. The database keeps only the token's SHA-256; the user sees the
// token once, when it is made.
const (
	tokenPrefix = "dgt_"
	// MaxTokens bounds a user's tokens.
	MaxTokens = 20
)

// Errors of tokens.
var (
	ErrNoToken    = errors.New("no such API token, or it was revoked")
	ErrTokenName  = errors.New("a token's name has 1-64 characters")
	ErrManyTokens = fmt.Errorf("a user has at most %d API tokens; revoke one first", MaxTokens)
)

// Token describes an API token (never the token itself).
type Token struct {
	ID      string    `json:"id"` // the first 12 hex digits of its SHA-256: how the user tells tokens apart
	User    string    `json:"user"`
	Org     string    `json:"org"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// CreateToken makes an API token for a user and returns it; only its hash
// is kept.
func (s *Store) CreateToken(user, name string) (string, *Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 64 || !utf8.ValidString(name) {
		return "", nil, ErrTokenName
	}
	u, err := s.User(user)
	if err != nil {
		return "", nil, err
	}
	list, err := s.Tokens(user)
	if err != nil {
		return "", nil, err
	}
	if len(list) >= MaxTokens {
		return "", nil, ErrManyTokens
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h := tokenHash(token)
	t := &Token{ID: h[:12], User: u.Name, Org: u.Org, Name: name, Created: s.now().UTC()}
	batch := s.db.NewBatch()
	defer batch.Close()
	if err := s.putJSON(batch, apiTokenKey(h), t); err != nil {
		return "", nil, err
	}
	if err := batch.Set(userTokenKey(u.Name, h), nil, nil); err != nil {
		return "", nil, err
	}
	return token, t, batch.Commit(pebble.Sync)
}

// Tokens lists a user's tokens, oldest first.
func (s *Store) Tokens(user string) ([]Token, error) {
	prefix := []byte(userTokenPrefix + user + "/")
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: append(append([]byte{}, prefix[:len(prefix)-1]...), '0')})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := []Token{}
	for it.First(); it.Valid(); it.Next() {
		h := strings.TrimPrefix(string(it.Key()), string(prefix))
		var t Token
		if ok, err := s.getJSON(apiTokenKey(h), &t); err != nil {
			return nil, err
		} else if ok {
			out = append(out, t)
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	// Creation order; equal times keep key order.
	slices.SortStableFunc(out, func(a, b Token) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// RevokeToken removes one of a user's tokens, named by its id.
func (s *Store) RevokeToken(user, id string) error {
	prefix := []byte(userTokenPrefix + user + "/")
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: append(append([]byte{}, prefix[:len(prefix)-1]...), '0')})
	if err != nil {
		return err
	}
	var hash string
	for it.First(); it.Valid(); it.Next() {
		if h := strings.TrimPrefix(string(it.Key()), string(prefix)); len(id) == 12 && strings.HasPrefix(h, id) {
			hash = h
		}
	}
	if err := it.Close(); err != nil {
		return err
	}
	if hash == "" {
		return ErrNoToken
	}
	batch := s.db.NewBatch()
	defer batch.Close()
	if err := batch.Delete(apiTokenKey(hash), nil); err != nil {
		return err
	}
	if err := batch.Delete(userTokenKey(user, hash), nil); err != nil {
		return err
	}
	return batch.Commit(pebble.Sync)
}

// TokenUser returns the organisation and user of a token. A revoked
// token, or one whose user is disabled, is ErrNoToken.
func (s *Store) TokenUser(token string) (string, string, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) != len(tokenPrefix)+43 {
		return "", "", ErrNoToken
	}
	var t Token
	ok, err := s.getJSON(apiTokenKey(tokenHash(token)), &t)
	if err != nil {
		return "", "", err
	}
	if !ok {
		return "", "", ErrNoToken
	}
	u, err := s.User(t.User)
	if err != nil || u.Disabled || u.Org != t.Org {
		return "", "", ErrNoToken
	}
	return t.Org, t.User, nil
}
