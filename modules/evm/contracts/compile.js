// Compiles Solidity sources with solc-js (offline: the compiler is the npm
// package itself). Reads {"sources": {"File.sol": "..."}} on stdin and
// writes {"solc": version, "settings": ..., "contracts": {"Name": {"abi",
// "bytecode", "deployedBytecode"}}} on stdout. Errors go to stderr with a
// non-zero exit.
const solc = require('solc');

let input = '';
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const { sources } = JSON.parse(input);
  const settings = {
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  };
  const req = { language: 'Solidity', sources: {}, settings };
  for (const [name, content] of Object.entries(sources)) req.sources[name] = { content };
  const out = JSON.parse(solc.compile(JSON.stringify(req)));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    process.stderr.write(errors.map((e) => e.formattedMessage).join('\n'));
    process.exit(1);
  }
  const contracts = {};
  for (const file of Object.keys(out.contracts).sort()) {
    for (const name of Object.keys(out.contracts[file]).sort()) {
      const c = out.contracts[file][name];
      if (!c.evm.bytecode.object) continue; // interfaces and libraries without code
      contracts[name] = { source: file, abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, deployedBytecode: '0x' + c.evm.deployedBytecode.object };
    }
  }
  process.stdout.write(JSON.stringify({ solc: solc.version(), settings: { optimizer: settings.optimizer, evmVersion: 'default (osaka)' }, contracts }, null, 1) + '\n');
});
