// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

// The chain's precompiled contracts (ADR 0011), beside Ethereum's.
//
// SM3 (GB/T 32905) at 0x...5301 takes raw bytes and returns the 32-byte
// digest, like SHA-256's precompile at 0x02; DengtaCrypto.sm3 wraps it.
address constant SM3_PRECOMPILE = 0x0000000000000000000000000000000000005301;

// SM2 signature verification (GB/T 32918 with SM3 and the default user
// id "1234567812345678") at 0x...5302. The public key is X||Y (64 bytes)
// or 04||X||Y (65); the signature R||S (64 bytes) or ASN.1 DER, as
// Dengta's SM2 keys sign.
interface ISM2 {
    function verify(bytes calldata publicKey, bytes calldata message, bytes calldata signature) external view returns (bool ok);
    function verifyDigest(bytes calldata publicKey, bytes32 digest, bytes calldata signature) external view returns (bool ok);
}

ISM2 constant SM2 = ISM2(0x0000000000000000000000000000000000005302);

// A read-only view of Dengta records at 0x...5303: the value of a state
// key that contracts may read (records public to begin with: members,
// evidence by id, batches, copyright registrations), a top-level field of
// its JSON as text, or a field that is 32 bytes of hex (a SHA-256 or SM3
// digest). Example: hashField("notary/ev/EV20260301-1A2B3C4D", "sha256").
interface IDengtaRecords {
    function get(string calldata key) external view returns (bool found, bytes memory value);
    function field(string calldata key, string calldata name) external view returns (bool found, string memory value);
    function hashField(string calldata key, string calldata name) external view returns (bool found, bytes32 value);
}

IDengtaRecords constant RECORDS = IDengtaRecords(0x0000000000000000000000000000000000005303);

library DengtaCrypto {
    function sm3(bytes memory data) internal view returns (bytes32 digest) {
        (bool ok, bytes memory out) = SM3_PRECOMPILE.staticcall(data);
        require(ok && out.length == 32, "SM3 precompile failed");
        digest = abi.decode(out, (bytes32));
    }
}

// @title Notarized: checks evidence and signatures with the chain's
// precompiles, for contracts that settle on proven facts.
contract Notarized {
    event Checked(string evidenceId, bytes32 sha256OfFile);

    function sm3Of(bytes calldata data) external view returns (bytes32) {
        return DengtaCrypto.sm3(data);
    }

    function sm2Signed(bytes calldata publicKey, bytes calldata message, bytes calldata signature) external view returns (bool) {
        return SM2.verify(publicKey, message, signature);
    }

    /// The SHA-256 the chain records for an evidence id; reverts when
    /// there is no such evidence.
    function evidenceSHA256(string calldata evidenceId) public view returns (bytes32) {
        (bool found, bytes32 h) = RECORDS.hashField(string.concat("notary/ev/", evidenceId), "sha256");
        require(found, "Notarized: no such evidence on chain");
        return h;
    }

    /// Records that a file is the evidence an id names: the transaction
    /// reverts unless the chain's record has this SHA-256.
    function check(string calldata evidenceId, bytes32 sha256OfFile) external {
        require(evidenceSHA256(evidenceId) == sha256OfFile, "Notarized: the file is not this evidence");
        emit Checked(evidenceId, sha256OfFile);
    }

    function orgName(string calldata orgId) external view returns (string memory) {
        (bool found, string memory name) = RECORDS.field(string.concat("identity/org/", orgId), "name");
        require(found, "Notarized: no such organisation");
        return name;
    }
}
