#!/usr/bin/env node
// What an explorer needs to verify a deployed contract's source, from Forge's build output:
//   <outDir>/<Name>.standard-input.json  the compiler's standard-JSON input (Etherscan and its kin: "Standard JSON
//                                        input"), holding exactly the sources the contract is built from;
//   <outDir>/<Name>.metadata.json        the compiler's metadata, byte for byte (Sourcify, with the sources).
// Each source is read from disk and checked against the keccak256 the metadata names. With --check, the input is
// compiled again (solcjs, in process) and must give the same creation bytecode as the build, so the published input
// is known to reproduce what was deployed.
// Usage: node scripts/verification-input.js <outDir> <Name> [--check]
"use strict";

const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const { keccak256 } = require(require.resolve("js-sha3", { paths: [root] }));

const args = process.argv.slice(2);
const check = args.includes("--check");
const [outDir, name] = args.filter((a) => a !== "--check");
if (!outDir || !name) {
  process.stderr.write("usage: node scripts/verification-input.js <outDir> <Name> [--check]\n");
  process.exit(2);
}
function fail(message) {
  process.stderr.write("verification-input: " + message + "\n");
  process.exit(1);
}

const artifactPath = path.join(root, "out", `${name}.sol`, `${name}.json`);
if (!fs.existsSync(artifactPath)) fail(`${artifactPath} not found: run forge build first`);
const artifact = JSON.parse(fs.readFileSync(artifactPath, "utf8"));
const rawMetadata = artifact.rawMetadata;
if (!rawMetadata) fail(`${artifactPath} has no rawMetadata`);
const metadata = JSON.parse(rawMetadata);

const sources = {};
for (const [file, entry] of Object.entries(metadata.sources)) {
  const content = fs.readFileSync(path.join(root, file), "utf8");
  const hash = "0x" + keccak256(content);
  if (hash !== entry.keccak256) {
    fail(`${file} changed since it was compiled (keccak256 ${hash}, metadata ${entry.keccak256}): run forge build`);
  }
  sources[file] = { content };
}

// The metadata's settings are the compiler's settings, less the compilation target (input only) and with libraries
// keyed as "file:Name" (none here).
const { compilationTarget, libraries, ...settings } = metadata.settings;
if (libraries && Object.keys(libraries).length) fail("linked libraries are not supported");
const input = {
  language: metadata.language,
  sources,
  settings: {
    ...settings,
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "metadata"] } },
  },
};

fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, `${name}.standard-input.json`), JSON.stringify(input, null, 2) + "\n");
fs.writeFileSync(path.join(outDir, `${name}.metadata.json`), rawMetadata);
const [targetFile] = Object.keys(compilationTarget);
process.stdout.write(`${name}: solc ${metadata.compiler.version}, ${Object.keys(sources).length} sources, `
  + `target ${targetFile}:${name}; verification input in ${outDir}\n`);

if (check) {
  const solc = require(require.resolve("solc", { paths: [root] }));
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  if (errors.length) fail("the input does not compile: " + errors.map((e) => e.formattedMessage).join("\n"));
  const rebuilt = output.contracts[targetFile][name].evm.bytecode.object;
  const built = artifact.bytecode.object.replace(/^0x/, "");
  if (rebuilt !== built) fail(`compiling ${name}.standard-input.json gives other bytecode than the build`);
  process.stdout.write(`${name}: the standard-JSON input compiles to the built bytecode\n`);
}
