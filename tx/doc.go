// Package tx defines who may sign Dengta transactions and what a
// transaction looks like on the wire.
//
// It owns four things:
//
//   - key algorithms: Ed25519, SM2 with SM3 (GB/T 32918, default user
//     id "1234567812345678"), and secp256k1 with Keccak-256 for Ethereum
//     tooling, chosen per key (see [Algo]);
//   - key ids: the first 20 bytes of SHA-256(algo byte || public key), or
//     for a secp256k1 key its Ethereum address, the name by which state,
//     transactions and people refer to a key (see [KeyID]);
//   - key files: the file in which a member keeps one private key,
//     encrypted under a passphrase in the format of package keyfile
//     (docs/adr/0008-keys-at-rest.md), and the legacy plain files still
//     read (see [WriteKeyFile] and [OpenKeyFile]);
//   - the transaction envelope: a fixed-layout binary encoding that is
//     canonical by construction, its sign bytes, hash and size limit
//     (see [Tx], [Decode] and docs/adr/0002-transaction-format.md).
//
// Envelope failures are *errcode.Error values with the codes Malformed,
// TooLarge and BadSignature, and a message written for a person. Parsing
// of keys and key ids from text (ParseAlgo, ParseKeyID, ParsePublicKey,
// NewPublicKey) returns plain errors with a readable message: the caller
// knows whether the text came from an API request (errcode.BadRequest) or
// from a transaction body (errcode.MalformedBody) and wraps accordingly.
//
// The package does no I/O except in the key file functions, keeps no
// global state, and its encoding and verification are deterministic, so it
// is safe to use from the ABCI application.
package tx
