// What every browser test needs: Debian's Chromium through playwright-core, a wallet injected into the page that
// forwards to the test chain, the chain's own controls (time travel), axe-core, console-error tracking, screenshots.
import { createRequire } from 'node:module';
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE = require.resolve('axe-core/axe.min.js');

export const env = {
  baseUrl: required('BASE_URL'),
  rpcUrl: required('RPC_URL'),
  screenshots: process.env.SCREENSHOTS || path.resolve('screenshots'),
};

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** One JSON-RPC call to the test chain. */
export async function rpc(method, params = []) {
  const response = await fetch(env.rpcUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json();
}

/** Moves the chain's clock forward and mines a block, as time passing would. */
export async function travel(seconds) {
  await rpc('evm_increaseTime', [seconds]);
  await rpc('evm_mine');
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** The signing requests a wallet answers with the account's own key, never by the chain. */
const SIGNING = new Set(['personal_sign', 'eth_signTypedData_v4']);

/**
 * A browser context whose pages have window.ethereum: an EIP-1193 provider for `account` that forwards to the test
 * chain, whose accounts anvil unlocks (so personal_sign and eth_sendTransaction are signed by the chain). An account
 * the chain does not hold (a fresh key) gives `signer`: the URL of BrowserIT's signer, which holds that key and
 * answers personal_sign and eth_signTypedData_v4 as a wallet would; everything else still goes to the chain. The test
 * can make it reject the next request (code 4001, as a user clicking "Reject") or hold the next transaction until
 * released (as a user who takes their time to confirm).
 */
export async function walletContext(browser, account, { signer } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const controls = { rejectNext: false, hold: null, account: account.toLowerCase(), requests: [] };
  await context.exposeBinding('__testWalletRpc', async (_source, method, params) => {
    controls.requests.push(method);
    if (controls.rejectNext && (method === 'eth_sendTransaction' || method === 'personal_sign')) {
      controls.rejectNext = false;
      return { error: { code: 4001, message: 'User rejected the request.' } };
    }
    if (method === 'eth_requestAccounts' || method === 'eth_accounts') return { result: [controls.account] };
    if (method === 'wallet_switchEthereumChain') return { result: null };
    if (method === 'eth_sendTransaction' && controls.hold) await controls.hold;
    if (signer && SIGNING.has(method)) {
      const response = await fetch(signer, { method: 'POST', body: JSON.stringify({ method, params }) });
      return response.json();
    }
    return rpc(method, params);
  });
  await context.addInitScript(() => {
    const listeners = {};
    window.ethereum = {
      isTestWallet: true,
      async request({ method, params = [] }) {
        const answer = await window.__testWalletRpc(method, params);
        if (answer.error) {
          const error = new Error(answer.error.message);
          error.code = answer.error.code;
          error.data = answer.error.data;
          throw error;
        }
        return answer.result;
      },
      on(event, listener) { (listeners[event] ||= []).push(listener); },
      removeListener() {},
    };
  });
  return { context, controls };
}

/** A page that records console errors and uncaught exceptions, for assertNoConsoleErrors. */
export async function trackedPage(context) {
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.consoleErrors.push(`${page.url()}: uncaught ${error.message}`));
  return page;
}

export function assertNoConsoleErrors(page) {
  assert.deepEqual(page.consoleErrors, [], 'console errors');
}

/** axe-core on the page: no serious or critical violation. */
export async function assertAccessible(page, name) {
  // Evaluated rather than added as a <script>: the pages' Content-Security-Policy forbids inline scripts.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(', ')}`), [],
    `accessibility of ${name}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(env.screenshots, `${name}.png`), fullPage: true });
}

export const short = (address) => `${address.slice(0, 6)}…${address.slice(-4)}`;
export const url = (p) => env.baseUrl + p;

/** Connects the page's wallet and signs in with Ethereum, as the header's buttons do. */
export async function signIn(page, address) {
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByText(`Wallet: ${short(address)}`).waitFor();
  await page.getByRole('button', { name: /^Sign in/ }).click();
  await page.getByText(`Signed in as ${short(address)}`).waitFor();
}

/** Waits until the transaction panel reports the transaction confirmed and indexed, and the page has reloaded. */
export async function txDone(page) {
  // The page reloads itself a moment (600 ms) after saying so: wait for that navigation, not the current page.
  const reloaded = page.waitForEvent('load', { timeout: 75_000 }).catch(() => {});
  await page.locator('#tx-panel').getByText('Done: the page shows the new state.').waitFor({ timeout: 60_000 });
  await reloaded;
}

/** Reloads the page until check() holds (the indexer, the keeper and the evaluators work in the background). */
export async function reloadUntil(page, what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`after ${timeoutMs / 1000} s still waiting for ${what} on ${page.url()}`);
    await page.waitForTimeout(1000);
    await page.reload();
  }
}

/** Runs the named steps in order; a failed step stops the run (later steps build on it). Prints the tally. */
export async function run(steps) {
  let passed = 0;
  let failed = 0;
  for (const [name, step] of steps) {
    const started = Date.now();
    try {
      await step();
      passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name}\n${error.stack || error}`);
      break;
    }
  }
  const skipped = steps.length - passed - failed;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed === 0 && skipped === 0;
}
