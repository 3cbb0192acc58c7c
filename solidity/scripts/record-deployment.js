#!/usr/bin/env node
// Writes the deployment record the server reads (chain.deployment-file) from what `forge script script/Deploy.s.sol
// --broadcast` left in broadcast/Deploy.s.sol/<chainId>/run-latest.json: chain id, address, block, transaction hash,
// and what an explorer needs to verify the source (constructor arguments, compiler input in target/verify/).
//
// Usage: node scripts/record-deployment.js <chainId> [output]   (output: deployments/<chainId>.json)
// The broadcast folder is $FOUNDRY_BROADCAST when set, as for forge, else broadcast/.
"use strict";

const fs = require("fs");
const path = require("path");

const CREATE2_DEPLOYER = "0x4e59b44847b379578588920ca78fbf26c0b4956c";
const SALT = "0x" + Buffer.from("BountyMarket v1").toString("hex").padEnd(64, "0");

function fail(message) {
  process.stderr.write("record-deployment: " + message + "\n");
  process.exit(1);
}

const [chainIdArg, outputArg] = process.argv.slice(2);
if (!/^[0-9]+$/.test(chainIdArg || "")) {
  fail("usage: node scripts/record-deployment.js <chainId> [output]");
}
const chainId = Number(chainIdArg);
const root = path.resolve(__dirname, "..");
const broadcastDir = path.resolve(root, process.env.FOUNDRY_BROADCAST || "broadcast");
const run = path.join(broadcastDir, "Deploy.s.sol", String(chainId), "run-latest.json");
if (!fs.existsSync(run)) {
  fail(`${run} not found: run forge script script/Deploy.s.sol --broadcast against chain ${chainId} first`);
}
const broadcast = JSON.parse(fs.readFileSync(run, "utf8"));
const tx = (broadcast.transactions || []).find((t) => t.contractName === "BountyMarket" && t.transactionType === "CREATE2");
if (!tx) {
  fail(`${run} has no BountyMarket creation: the script found the market already deployed with these terms`
    + " (its address is in the script's output; see docs/deploy.md, \"Already deployed\")");
}
const receipt = (broadcast.receipts || []).find((r) => r.transactionHash === tx.hash);
if (!receipt) {
  fail(`${run} has no receipt for ${tx.hash}: the transaction was sent but not seen mined; run forge script again with --resume`);
}
if (receipt.status !== "0x1") {
  fail(`the creation ${tx.hash} failed on chain (status ${receipt.status})`);
}
if (tx.transaction.to && tx.transaction.to.toLowerCase() !== CREATE2_DEPLOYER) {
  fail(`the creation went through ${tx.transaction.to}, not the deterministic deployment proxy ${CREATE2_DEPLOYER}`);
}
const [treasury, feeBps] = tx.arguments;
const word = (hex) => hex.replace(/^0x/, "").toLowerCase().padStart(64, "0");
const record = {
  chainId,
  contract: "BountyMarket",
  address: tx.contractAddress.toLowerCase(),
  blockNumber: Number(BigInt(receipt.blockNumber)),
  transactionHash: tx.hash,
  create2Deployer: CREATE2_DEPLOYER,
  salt: SALT,
  treasury: treasury.toLowerCase(),
  protocolFeeBps: Number(feeBps),
  constructorArguments: "0x" + word(treasury) + word(BigInt(feeBps).toString(16)),
  compilerInput: "solidity/target/verify/BountyMarket.standard-input.json",
};
const output = outputArg ? path.resolve(outputArg) : path.join(root, "deployments", `${chainId}.json`);
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, JSON.stringify(record, null, 2) + "\n");
process.stdout.write(`BountyMarket at ${record.address} on chain ${chainId}, block ${record.blockNumber}, `
  + `tx ${record.transactionHash}: recorded in ${output}\n`);
