#!/usr/bin/env bash
# Cross-checks the gas benchmark (test/Gas.t.sol) on a real node: starts a throw-away anvil on
# 127.0.0.1, deploys the market, creates a top-3 ETH bounty, submits 10 models, proposes 10 ranked
# entries, reveals the test set, finalizes, and prints the gasUsed of each receipt.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${ANVIL_PORT:-8599}"
RPC="http://127.0.0.1:${PORT}"
FORGE=node_modules/.bin/forge

node_modules/.bin/anvil --host 127.0.0.1 --port "$PORT" --accounts 16 --silent &
ANVIL_PID=$!
trap 'kill "$ANVIL_PID" 2>/dev/null || true' EXIT

rpc() { # method, params-json
  node -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({jsonrpc: "2.0", id: 1, method: process.argv[2], params: JSON.parse(process.argv[3])})})
    .then(r => r.json()).then(j => { if (j.error) { console.error(j.error); process.exit(1); } })
    .catch(e => { console.error(e.message); process.exit(1); })' "$RPC" "$1" "$2"
}
for _ in $(seq 1 50); do rpc eth_chainId '[]' 2>/dev/null && break; sleep 0.2; done

stage() { "$FORGE" script script/GasOnAnvil.s.sol --rpc-url "$RPC" --broadcast --slow --sig "$@" >/dev/null; }
stage "deployAndSubmit()"
MARKET=$(node -e 'const r=require("./broadcast/GasOnAnvil.s.sol/31337/deployAndSubmit-latest.json");
  console.log(r.transactions.find(t => t.transactionType === "CREATE").contractAddress)')
rpc evm_increaseTime '[3601]'; rpc evm_mine '[]'
stage "propose(address)" "$MARKET"
rpc evm_increaseTime '[3601]'; rpc evm_mine '[]'
stage "finalize(address)" "$MARKET"

node -e '
const dir = "./broadcast/GasOnAnvil.s.sol/31337/";
for (const stage of ["deployAndSubmit", "propose", "finalize"]) {
  const run = require(dir + stage + "-latest.json");
  run.transactions.forEach((tx, i) => {
    const name = tx.transactionType === "CREATE" ? "deploy" : tx.function.split("(")[0];
    console.log(name.padEnd(16) + String(parseInt(run.receipts[i].gasUsed, 16)).padStart(10));
  });
}'
