// Package keyfile is how Dengta keeps private keys at rest: one
// passphrase-encrypted file format for every private key the project
// writes (member and operator keys, the validator key, the node's p2p key,
// the service hall's master key), the key derivation (Argon2id or scrypt)
// and ciphers (SM4-GCM or AES-256-GCM) behind it, and where a passphrase
// comes from (a file, the environment, the terminal).
//
// The format is documented byte by byte in docs/adr/0008-keys-at-rest.md.
// A file is JSON: its public fields (kind, algorithm, key id, public key,
// name) are in the clear, so a person or a tool can see which key a file
// holds without the passphrase, and they are authenticated as the cipher's
// associated data, so a swapped public key or name is detected when the
// file is opened. A wrong passphrase ([ErrWrongPassphrase]) is told apart
// from a damaged or altered file ([ErrCorrupt]) by a check value derived
// from the passphrase beside the encryption key.
//
// The package knows nothing of key algorithms: callers (tx for
// member keys, internal/node for CometBFT's keys, the hall) put their own
// key bytes in and check what comes out against the public fields.
package keyfile
