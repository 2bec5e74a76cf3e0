// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Gas: exercises what the state must get right: storage set and
/// cleared (refunds), transient storage, nested calls that revert,
/// self-destruction in the constructor's transaction, and loops that run
/// out of gas.
contract Gas {
    mapping(uint256 => uint256) public slots;
    uint256 public counter;

    event Stored(uint256 indexed key, uint256 value);

    function store(uint256 key, uint256 value) external {
        slots[key] = value;
        counter += 1;
        emit Stored(key, value);
    }

    function storeMany(uint256 from, uint256 n, uint256 value) external {
        for (uint256 i = from; i < from + n; i++) {
            slots[i] = value;
        }
        counter += n;
    }

    /// Reads n slots from `from` on, each cold the first time: the most
    /// storage reads a gas budget buys (2,100 gas each, EIP-2929).
    function readMany(uint256 from, uint256 n) external view returns (uint256 sum) {
        for (uint256 i = from; i < from + n; i++) {
            sum += slots[i];
        }
    }

    function clear(uint256 key) external {
        delete slots[key];
    }

    function transientRoundTrip(uint256 v) external returns (uint256 out) {
        assembly {
            tstore(7, v)
            out := tload(7)
        }
        counter += 1;
    }

    /// Stores, then calls itself to store again and revert: the inner
    /// write and its event are undone, the outer ones stay.
    function nested(uint256 key, uint256 value) external {
        slots[key] = value;
        emit Stored(key, value);
        try this.storeAndRevert(key, value + 1) {} catch {}
    }

    function storeAndRevert(uint256 key, uint256 value) external {
        slots[key] = value;
        emit Stored(key, value);
        revert("Gas: inner call reverted");
    }

    /// Reads a slot in a call that reverts, then again: the revert undoes
    /// the slot's warming too (EIP-2929), so the second read is cold.
    function coldAfterRevert(uint256 key) external returns (uint256 v) {
        try this.readAndRevert(key) {} catch {}
        v = slots[key];
        counter += 1;
    }

    function readAndRevert(uint256 key) external view {
        require(slots[key] == type(uint256).max, "Gas: read, then reverted");
    }

    function burn(uint256 rounds) external {
        for (uint256 i = 0; i < rounds; i++) {
            counter = uint256(keccak256(abi.encode(counter, i)));
        }
    }

    function fail(uint256 code) external pure {
        if (code == 1) revert("Gas: failed on purpose");
        if (code == 2) assert(false);
        if (code == 3) revert();
        uint256 zero = code - code;
        code / zero;
    }
}

/// @title Ephemeral: destroys itself in the transaction that created it;
/// since Cancun (EIP-6780) it then leaves nothing behind.
contract Ephemeral {
    constructor() {
        selfdestruct(payable(msg.sender));
    }
}
