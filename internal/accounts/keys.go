package accounts

// Key layout of the hall's account database (<home>/data/hall, pebble).
// It is this node's own data, never on chain.
//
//	u/<user name>          -> User JSON (password hash included)
//	k/<user name>          -> the user's custodial signing key, sealed: SM4-GCM nonce (12 bytes) || ciphertext
//	s/<hex sha256(token)>  -> Session JSON; the cookie carries the token, the database only its hash
//	f/<user name>          -> failed sign-in attempts since the last success: 8-byte count || 8-byte unix seconds of the last one
//	meta/device-secret     -> 32 random bytes, the HMAC key of device cookies (signin.go)
//	t/<hex sha256(token)>  -> Token JSON: an API token's user, organisation and name (tokens.go)
//	tu/<user>/<hex sha256(token)> -> empty; index of a user's tokens
const (
	userPrefix      = "u/"
	keyPrefix       = "k/"
	sessionPrefix   = "s/"
	failPrefix      = "f/"
	deviceSecretKey = "meta/device-secret"
	apiTokenPrefix  = "t/"
	userTokenPrefix = "tu/"
)

func userKey(name string) []byte   { return []byte(userPrefix + name) }
func sealedKey(name string) []byte { return []byte(keyPrefix + name) }
func sessionKey(h string) []byte   { return []byte(sessionPrefix + h) }
func failKey(name string) []byte   { return []byte(failPrefix + name) }

func apiTokenKey(h string) []byte        { return []byte(apiTokenPrefix + h) }
func userTokenKey(user, h string) []byte { return []byte(userTokenPrefix + user + "/" + h) }
