// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Escrow: a small contract a factory makes for each deal.
contract Escrow {
    address public buyer;
    address public seller;
    bool public released;

    event Released(address indexed by);

    constructor(address buyer_, address seller_) {
        buyer = buyer_;
        seller = seller_;
    }

    function release() external {
        require(msg.sender == buyer, "Escrow: only the buyer releases");
        require(!released, "Escrow: already released");
        released = true;
        emit Released(msg.sender);
    }
}

/// @title Factory: any member calls it to open a deal; the factory
/// deploys the deal's contract (CREATE and CREATE2), whoever calls.
contract Factory {
    address[] public deals;

    event DealOpened(address indexed deal, address indexed buyer, address indexed seller);

    function open(address seller) external returns (address deal) {
        deal = address(new Escrow(msg.sender, seller));
        deals.push(deal);
        emit DealOpened(deal, msg.sender, seller);
    }

    function openAt(address seller, bytes32 salt) external returns (address deal) {
        deal = address(new Escrow{salt: salt}(msg.sender, seller));
        deals.push(deal);
        emit DealOpened(deal, msg.sender, seller);
    }

    function count() external view returns (uint256) {
        return deals.length;
    }
}
