// A Hardhat project against a Dengta node: `hardhat test --network dengta`.
// Everything runs offline: the compiler is the solc-js npm package (the
// subtask below hands it to Hardhat instead of downloading a compiler),
// and the network is the node's Ethereum JSON-RPC.
const path = require("path");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
require("@nomicfoundation/hardhat-ethers");

const solcVersion = require("solc/package.json").version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, hre, runSuper) => {
  if (args.solcVersion !== solcVersion) {
    throw new Error(`this project compiles with the local solc-js ${solcVersion}, not ${args.solcVersion}`);
  }
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: solcVersion,
    longVersion: require("solc").version(),
  };
});

module.exports = {
  // Hardhat 2 compiles for "paris" unless told: the chain runs Osaka
  // rules (ADR 0011), what solc 0.8.31 and later target by default.
  solidity: { version: solcVersion, settings: { evmVersion: "osaka", optimizer: { enabled: true, runs: 200 } } },
  defaultNetwork: "dengta",
  networks: {
    dengta: {
      url: process.env.DENGTA_RPC || "http://127.0.0.1:26658/eth",
      accounts: [process.env.DEPLOYER_KEY, process.env.HOLDER_KEY].filter(Boolean),
      timeout: 60000,
    },
  },
  paths: {
    sources: "./contracts",
    artifacts: process.env.HARDHAT_OUT ? path.join(process.env.HARDHAT_OUT, "artifacts") : "./artifacts",
    cache: process.env.HARDHAT_OUT ? path.join(process.env.HARDHAT_OUT, "cache") : "./cache",
  },
  mocha: { timeout: 120000 },
};
