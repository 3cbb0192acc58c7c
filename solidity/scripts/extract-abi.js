// Reads Foundry's build output (out/<Name>.sol/<Name>.json) and writes <Name>.abi and <Name>.bin,
// the two files web3j's wrapper generator takes. Usage: node scripts/extract-abi.js <outDir> <Name>...
const fs = require('fs');
const path = require('path');

const [outDir, ...names] = process.argv.slice(2);
if (!outDir || names.length === 0) {
  console.error('usage: node scripts/extract-abi.js <outDir> <ContractName>...');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
for (const name of names) {
  const artifact = path.join(__dirname, '..', 'out', `${name}.sol`, `${name}.json`);
  if (!fs.existsSync(artifact)) {
    console.error(`${artifact} not found: did forge build compile ${name}?`);
    process.exit(1);
  }
  const json = JSON.parse(fs.readFileSync(artifact, 'utf8'));
  const bytecode = json.bytecode.object.replace(/^0x/, '');
  if (bytecode.length === 0) {
    console.error(`${name} has no bytecode (an interface or abstract contract?)`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(json.abi));
  fs.writeFileSync(path.join(outDir, `${name}.bin`), bytecode);
}
