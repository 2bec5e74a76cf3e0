// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data) external returns (bytes4);
}

/// @title Collectible: ERC-721 digital collectibles (数字藏品).
/// @notice The issuer mints each piece with its metadata URI and the
/// SHA-256 of the work's file; pieces change hands as ERC-721 says.
contract Collectible {
    string public name;
    string public symbol;
    address public issuer;
    uint256 public totalSupply;

    mapping(uint256 => address) private _owners;
    mapping(address => uint256) private _balances;
    mapping(uint256 => address) private _approved;
    mapping(address => mapping(address => bool)) private _operators;
    mapping(uint256 => string) private _uris;
    mapping(uint256 => bytes32) public fileHash;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    constructor(string memory name_, string memory symbol_) {
        name = name_;
        symbol = symbol_;
        issuer = msg.sender;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x80ac58cd || id == 0x5b5e139f; // ERC-165, ERC-721, metadata
    }

    function mint(address to, uint256 tokenId, string calldata uri, bytes32 sha256OfFile) external {
        require(msg.sender == issuer, "Collectible: only the issuer mints");
        require(to != address(0), "Collectible: mint to the zero address");
        require(_owners[tokenId] == address(0), "Collectible: token already minted");
        _owners[tokenId] = to;
        _balances[to] += 1;
        _uris[tokenId] = uri;
        fileHash[tokenId] = sha256OfFile;
        totalSupply += 1;
        emit Transfer(address(0), to, tokenId);
    }

    function balanceOf(address owner) external view returns (uint256) {
        require(owner != address(0), "Collectible: the zero address owns nothing");
        return _balances[owner];
    }

    function ownerOf(uint256 tokenId) public view returns (address) {
        address o = _owners[tokenId];
        require(o != address(0), "Collectible: no such token");
        return o;
    }

    function tokenURI(uint256 tokenId) external view returns (string memory) {
        ownerOf(tokenId);
        return _uris[tokenId];
    }

    function approve(address to, uint256 tokenId) external {
        address o = ownerOf(tokenId);
        require(msg.sender == o || _operators[o][msg.sender], "Collectible: not the owner nor its operator");
        _approved[tokenId] = to;
        emit Approval(o, to, tokenId);
    }

    function getApproved(uint256 tokenId) external view returns (address) {
        ownerOf(tokenId);
        return _approved[tokenId];
    }

    function setApprovalForAll(address operator, bool approved) external {
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function isApprovedForAll(address owner, address operator) external view returns (bool) {
        return _operators[owner][operator];
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        address o = ownerOf(tokenId);
        require(o == from, "Collectible: from is not the owner");
        require(to != address(0), "Collectible: transfer to the zero address");
        require(msg.sender == o || _approved[tokenId] == msg.sender || _operators[o][msg.sender], "Collectible: caller may not transfer this token");
        delete _approved[tokenId];
        _balances[from] -= 1;
        _balances[to] += 1;
        _owners[tokenId] = to;
        emit Transfer(from, to, tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        if (to.code.length > 0) {
            bytes4 r = IERC721Receiver(to).onERC721Received(msg.sender, from, tokenId, data);
            require(r == IERC721Receiver.onERC721Received.selector, "Collectible: receiver refused the token");
        }
    }
}
