// Hardhat tests of the module's contracts on a Dengta node.
const assert = require("node:assert/strict");
const { ethers } = require("hardhat");

describe("Token (ERC-20) on Dengta", function () {
  let token, deployer, holder;

  before(async function () {
    [deployer, holder] = await ethers.getSigners();
    token = await ethers.deployContract("Token", ["积分", "PTS", 1000000n]);
    await token.waitForDeployment();
  });

  it("has the supply with its deployer", async function () {
    assert.equal(await token.totalSupply(), 1000000n);
    assert.equal(await token.balanceOf(deployer.address), 1000000n);
  });

  it("transfers and emits Transfer", async function () {
    const tx = await token.transfer(holder.address, 1234n);
    const rc = await tx.wait();
    assert.equal(rc.status, 1);
    const ev = rc.logs.map((l) => token.interface.parseLog(l)).find((e) => e && e.name === "Transfer");
    assert.equal(ev.args.to, holder.address);
    assert.equal(ev.args.value, 1234n);
    assert.equal(await token.balanceOf(holder.address), 1234n);
  });

  it("reverts with the contract's reason", async function () {
    await assert.rejects(token.connect(holder).transfer(deployer.address, 10n ** 12n), (e) => {
      assert.match(e.message, /Token: transfer amount exceeds balance/);
      return true;
    });
  });

  it("finds its events with getLogs", async function () {
    const events = await token.queryFilter(token.filters.Transfer(deployer.address, holder.address));
    assert.equal(events.length, 1);
    assert.equal(events[0].args.value, 1234n);
  });
});

describe("Collectible (ERC-721, 数字藏品) on Dengta", function () {
  it("mints to a member and moves with safeTransferFrom", async function () {
    const [issuer, collector] = await ethers.getSigners();
    const nft = await ethers.deployContract("Collectible", ["梨花", "PEAR"]);
    await nft.waitForDeployment();
    await (await nft.mint(issuer.address, 7n, "ipfs://pear/7.json", ethers.id("pear 7"))).wait();
    await (await nft["safeTransferFrom(address,address,uint256)"](issuer.address, collector.address, 7n)).wait();
    assert.equal(await nft.ownerOf(7n), collector.address);
    assert.equal(await nft.tokenURI(7n), "ipfs://pear/7.json");
    await assert.rejects(nft.connect(collector).mint(collector.address, 8n, "x", ethers.ZeroHash), /only the issuer mints/);
  });
});

describe("The chain's precompiles", function () {
  it("hashes with SM3", async function () {
    const n = await ethers.deployContract("Notarized");
    await n.waitForDeployment();
    // GB/T 32905 appendix A, example 1: SM3("abc").
    assert.equal(await n.sm3Of(ethers.toUtf8Bytes("abc")), "0x66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  });
});
