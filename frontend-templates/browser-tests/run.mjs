// The marketplace in a real browser, step by step, each step asserting what the page shows. Run by BrowserIT
// (backend), which starts the server, the database and the chain and posts three bounties straight to the contract:
// an open one in ETH, an open one in an ERC-20 token, and one whose results another evaluator proposed and whose
// challenge window is over. A webhook receiver runs here, on 127.0.0.1: it refuses the first delivery and takes the rest.
import { strict as assert } from 'node:assert';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import {
  assertAccessible, assertNoConsoleErrors, launch, reloadUntil, run, screenshot, short, signIn, trackedPage, travel,
  txDone, url, walletContext,
} from './harness.mjs';

const sponsor = process.env.SPONSOR.toLowerCase();
const contributor = process.env.CONTRIBUTOR.toLowerCase();

const browser = await launch();
const sponsorWallet = await walletContext(browser, sponsor);
const page = await trackedPage(sponsorWallet.context);
let bountyPath;

/** Every POST the receiver got, with the status it answered: 500 for the first, as a receiver briefly down. */
const received = [];
const receiver = http.createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    const status = received.length === 0 ? 500 : 204;
    received.push({ headers: request.headers, body, status });
    response.writeHead(status).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks/sponsor`;
let webhookSecret;

const ok = await run([
  ['browse shows the open bounty with its reward, metric, deadline and submissions', async () => {
    // The indexer picks the bounties BrowserIT posted up within a second or two; the newest comes first.
    await page.goto(url('/'));
    await reloadUntil(page, 'all three bounties', async () => (await page.locator('.bounty-card').count()) === 3, 15_000);
    const card = page.locator('.bounty-card').first();
    await assert.doesNotReject(card.getByText('1 ETH').waitFor());
    assert.equal(await card.locator('.status').innerText(), 'Open');
    assert.match(await card.locator('[data-countdown]').innerText(), /^in /);
    assert.equal(await card.locator('dt:text("Submissions") + dd').innerText(), '0');
    bountyPath = await card.locator('h2 a').getAttribute('href');
    await screenshot(page, 'browse');
    await assertAccessible(page, 'browse');
    assertNoConsoleErrors(page);
  }],

  ['on a 390x844 phone the header is compact: the first bounty shows without scrolling; a bounty\'s action is near the top', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await trackedPage(context);
    await phone.goto(url('/'));
    const title = await phone.locator('.bounty-card h2').first().boundingBox();
    assert.ok(title.y + title.height <= 844, `the first bounty's title ends ${Math.round(title.y + title.height)} px down, below the fold`);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing wider than the phone');
    await screenshot(phone, 'phone-browse');
    await assertAccessible(phone, 'browse on a phone');
    await phone.goto(url(bountyPath));
    const action = await phone.locator('[data-head-action]').boundingBox();
    assert.ok(action && action.y + action.height <= 844, 'the bounty\'s main action is on the first screen');
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing wider than the phone');
    await screenshot(phone, 'phone-bounty');
    await assertAccessible(phone, 'bounty on a phone');
    assertNoConsoleErrors(phone);
    await context.close();
  }],

  ['search and filters refresh the results in place and keep the URL', async () => {
    await page.getByLabel('Search').fill('no bounty has this title');
    await page.getByText('No bounty matches these filters.').waitFor();
    assert.match(page.url(), /q=no\+bounty/);
    await page.getByRole('link', { name: 'Show all bounties' }).click();
    await page.locator('.bounty-card').first().waitFor();
    await page.getByLabel('Status').selectOption('finalized');
    await page.getByText('No bounty matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('open');
    await page.locator('.bounty-card').first().waitFor();
    assertNoConsoleErrors(page);
  }],

  ['the sponsor connects the wallet and signs in with Ethereum', async () => {
    await page.goto(url('/'));
    await signIn(page, sponsor);
    await page.getByText(/^Network: .*\(31337\)$/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'after sign-in, focus is on the content');
    // the focus ring: a dark ring around a white one, 3:1 or better against any background
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return { outline: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor };
    });
    assert.deepEqual(ring, { outline: 'solid', width: '3px', color: 'rgb(10, 61, 143)' });
    assertNoConsoleErrors(page);
  }],

  ['the bounty page shows terms, timeline with the creating transaction, and the actions', async () => {
    await page.goto(url(bountyPath));
    assert.equal(await page.locator('[data-bounty-status]').innerText(), 'Open');
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    const created = page.locator('.step').first();
    assert.match(await created.innerText(), /Created and funded[\s\S]*tx 0x/);
    // protocol v2: a bounty's sponsor, evaluator and arbiter are never paid, so the page offers them no entry
    assert.ok(await page.getByRole('link', { name: 'Submit a model', exact: true }).isHidden(),
      'the sponsor cannot enter their own bounty');
    assert.ok(await page.getByRole('button', { name: 'Cancel and refund' }).isVisible(), 'the sponsor may cancel');
    await page.getByText('No scored submissions yet.').waitFor();
    await screenshot(page, 'bounty');
    await assertAccessible(page, 'bounty');
    assertNoConsoleErrors(page);
  }],

  ['a top-up is sent by the wallet, followed to confirmation, and shows in the reward', async () => {
    await page.getByLabel('Add to the reward (ETH)').fill('0.5');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.locator('#tx-panel').getByText('Sent').waitFor();
    await page.locator('#tx-panel').getByText(/Included in block \d+/).waitFor();
    await page.locator('#tx-panel').getByText('Confirmed').waitFor();
    await txDone(page);
    await page.locator('.reward-big').getByText('1.5 ETH').waitFor();
    assert.match(await page.locator('table').last().innerText(), /ToppedUp/);
    assertNoConsoleErrors(page);
  }],

  ['a request rejected in the wallet says so', async () => {
    sponsorWallet.controls.rejectNext = true;
    await page.getByLabel('Add to the reward (ETH)').fill('0.1');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.getByRole('alert').getByText('You rejected the request in your wallet.').waitFor();
    await page.locator('#tx-panel').getByRole('button', { name: 'Close' }).click();
    assertNoConsoleErrors(page);
  }],

  ['a reward in an ERC-20 token is topped up once the wallet has allowed the market to take the tokens', async () => {
    await page.goto(url('/'));
    await page.getByRole('link', { name: process.env.TOKEN_BOUNTY, exact: true }).click();
    await page.getByRole('heading', { name: process.env.TOKEN_BOUNTY }).waitFor();
    await page.locator('.reward-big').getByText('250 USDX', { exact: true }).waitFor();
    await page.getByLabel('Add to the reward (USDX)').fill('25.5'); // 6 decimals: 25500000 units
    await page.getByRole('button', { name: 'Top up' }).click();
    const panel = page.locator('#tx-panel');
    await panel.getByText(/^Step 1 of 2: Allow the market to take 25.5 USDX from your wallet$/).waitFor();
    await panel.getByText(/^Step 2 of 2: Add 25.5 USDX to bounty #\d+$/).waitFor();
    await txDone(page);
    await page.locator('.reward-big').getByText('275.5 USDX', { exact: true }).waitFor();
    assertNoConsoleErrors(page);
  }],

  ['the account page creates and revokes an API token', async () => {
    await page.goto(url('/account'));
    await page.getByText(`Signed in as ${sponsor}`).waitFor();
    await page.getByRole('link', { name: /Bounty #/ }).first().waitFor();
    await page.getByLabel('Token name').fill('training server');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('[data-token-secret]', { hasText: 'bm_' }).waitFor();
    const secret = await page.locator('[data-token-secret]').innerText();
    assert.match(secret, /bm_[A-Za-z0-9]+/);
    await page.reload();
    const row = page.locator('[data-tokens] tr', { hasText: 'training server' });
    assert.match(await row.innerText(), /active/);
    await screenshot(page, 'account');
    await assertAccessible(page, 'account');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('[data-tokens] tr', { hasText: 'revoked' }).waitFor();
    assertNoConsoleErrors(page);
  }],

  ['the header counts unread notifications; the account page lists them, marks them read and manages webhooks', async () => {
    await page.goto(url('/account'));
    const indicator = page.locator('[data-notifications-indicator]');
    const unread = Number(await indicator.locator('.badge').innerText().then((t) => t.replace(/\D/g, '')));
    assert.ok(unread >= 1, 'the sponsor was told their bounties opened');
    await page.locator('[data-notification]', { hasText: 'Bounty open: ' }).first().waitFor();
    const first = page.locator('[data-notification].unread').first();
    const id = await first.getAttribute('data-notification');
    await first.getByRole('button', { name: 'Mark read' }).click();
    await page.locator(`[data-notification="${id}"]:not(.unread)`).waitFor();
    await page.reload();
    assert.equal(await page.locator(`[data-notification="${id}"].unread`).count(), 0, 'still read after a reload');
    await page.getByLabel('Webhook URL').fill('http://169.254.169.254/latest/meta-data/');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.locator('#tx-panel').getByText(/private, loopback or otherwise internal/).waitFor();
    page.consoleErrors.length = 0; // the browser logs the 400 answer itself
    await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hooks/bounties');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.locator('[data-webhook-secret]', { hasText: 'whsec_' }).waitFor();
    await page.reload();
    const hook = page.locator('[data-webhook]', { hasText: 'http://127.0.0.1:9/hooks/bounties' });
    await hook.waitFor();
    // a second one, to the receiver here, stays: the pay-out below (at least) notifies the sponsor through it
    await page.getByLabel('Webhook URL').fill(receiverUrl);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const shown = page.locator('[data-webhook-secret]', { hasText: 'whsec_' });
    await shown.waitFor();
    webhookSecret = /whsec_\S+/.exec(await shown.innerText())[0];
    await page.reload();
    await assertAccessible(page, 'account notifications');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.waitForLoadState('load');
    await reloadUntil(page, 'no unread notification', async () => (await indicator.locator('.badge').count()) === 0, 10_000);
    await hook.getByRole('button', { name: 'Delete' }).click();
    await page.waitForLoadState('load');
    await reloadUntil(page, 'the webhook deleted', async () => (await hook.count()) === 0, 10_000);
    assert.equal(await page.locator('[data-webhook]', { hasText: receiverUrl }).count(), 1);
    assertNoConsoleErrors(page);
  }],

  ['anyone can pay out a bounty whose challenge window is over from its page; the sponsor gets the refund', async () => {
    await page.goto(url('/'));
    await page.getByRole('link', { name: process.env.UNATTENDED_BOUNTY, exact: true }).click();
    await page.getByRole('heading', { name: process.env.UNATTENDED_BOUNTY }).waitFor();
    assert.equal(await page.locator('[data-bounty-status]').innerText(), 'Proposed');
    await page.getByRole('button', { name: 'Pay out now' }).click();
    await page.locator('#tx-panel').getByText('Sent').waitFor();
    await page.locator('#tx-panel').getByText('Confirmed').waitFor();
    await txDone(page);
    await page.locator('[data-bounty-status]', { hasText: 'Finalized' }).waitFor();
    const refund = page.locator('section[aria-labelledby="payouts-h"] tr', { hasText: 'Refund' });
    assert.match(await refund.innerText(), new RegExp(`^${short(sponsor)} you\\s+Refund\\s+2 ETH\\s+paid`, 'i'));
    assert.equal(await page.getByRole('button', { name: 'Pay out now' }).count(), 0);
    assertNoConsoleErrors(page);
  }],

  ['the sponsor\'s webhook delivers, signed, and retries after the receiver refused the first try', async () => {
    await page.goto(url('/account'));
    const deliveries = page.locator('[data-webhook]', { hasText: receiverUrl }).locator('[data-deliveries] tbody tr');
    const rows = () => deliveries.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
    // the delivery log: the refused delivery is delivered at its second attempt (notifications.retry-backoff)
    await reloadUntil(page, 'a delivery delivered at its second attempt',
      async () => (await rows()).some(([, status, attempts]) => status === 'delivered' && attempts === '2'), 60_000);
    const first = received[0];
    assert.equal(first.status, 500);
    const again = received.slice(1).find((r) => r.headers['x-bountymarket-delivery'] === first.headers['x-bountymarket-delivery']);
    assert.ok(again, 'the refused delivery came again, with the same delivery id');
    assert.equal(again.status, 204);
    for (const { headers, body } of received) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(headers['x-bountymarket-signature']);
      assert.equal(v1, createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex'),
        `the signature of delivery ${headers['x-bountymarket-delivery']}`);
    }
    assertNoConsoleErrors(page);
  }],

  ['without a wallet extension, the dev wallet signs in with a chosen dev account', async () => {
    const context = await browser.newContext();
    const devPage = await trackedPage(context);
    await devPage.goto(url('/'));
    await devPage.getByLabel('Dev wallet account').selectOption(contributor);
    await devPage.getByRole('button', { name: 'Use dev wallet' }).click();
    await devPage.getByText(`Wallet: ${short(contributor)} (dev wallet)`).waitFor();
    await devPage.getByRole('button', { name: 'Sign in' }).click();
    await devPage.getByText(`Signed in as ${short(contributor)}`).waitFor();
    await devPage.getByLabel('Dev wallet account').selectOption(sponsor);
    await devPage.getByRole('button', { name: `Sign in as ${short(sponsor)}` }).waitFor();
    assertNoConsoleErrors(devPage);
    await context.close();
  }],

  ['posting a bounty starts with the task and data, and says inline what is missing', async () => {
    await page.goto(url('/bounties/new'));
    await page.getByRole('heading', { name: 'Post a bounty' }).waitFor();
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.locator('#title-error').getByText('A title is required.').waitFor();
    assert.equal(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Title').fill('Fraud detection');
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.locator('#testSet-error').getByText('Choose the hidden test set file.').waitFor();
    await screenshot(page, 'create');
    await assertAccessible(page, 'create');
    assertNoConsoleErrors(page);
  }],

  ['a 200-character unbroken title wraps everywhere, and its limit is shown', async () => {
    await page.goto(url('/bounties/new'));
    const long = 'W'.repeat(200);
    await page.getByLabel('Title').fill(long + 'more');
    assert.equal(await page.getByLabel('Title').inputValue(), long, 'the input stops at the limit');
    assert.equal(await page.locator('[data-char-count]').innerText(), '200');
    assert.match(await page.locator('#title-help').innerText(), /^At most 200 characters; 200 used\.$/);
    // a draft with that title, as the API takes it, then its terms step and its page on a phone
    const csv = 'f00,f01,f02,label\n' + Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 5},${i % 2}`).join('\n') + '\n';
    const spec = await page.locator('#spec').inputValue();
    const answer = await page.request.post(url('/api/drafts'), {
      headers: { 'X-CSRF-Token': await page.evaluate(() => document.body.dataset.csrf) },
      multipart: { title: long, spec, testSet: { name: 'test.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
        publicSample: { name: 'sample.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) } },
    });
    assert.equal(answer.status(), 201, await answer.text());
    const id = (await answer.json()).id;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [`/bounties/new?draft=${id}`, `/bounties/${id}`]) {
      await page.goto(url(path));
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, `${path} is no wider than the phone`);
    }
    await screenshot(page, 'phone-long-title');
    await page.setViewportSize({ width: 1280, height: 900 });
    // the draft's own page deletes it, after asking
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete the draft' }).click();
    await page.waitForURL(/\/account\?show=unfinished$/);
    assert.equal(await page.getByText(long).count(), 0, 'the deleted draft is gone from the account page');
    await assertAccessible(page, 'account, unfinished');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    assertNoConsoleErrors(page);
  }],

  ['the arbiter\'s desk passes axe', async () => {
    await page.goto(url('/arbiter'));
    await assertAccessible(page, 'arbiter');
    assertNoConsoleErrors(page);
  }],

  ['the dev wallet refuses accounts it does not hold', async () => {
    const answer = await page.evaluate(async (keeper) => {
      const response = await fetch('/api/dev-wallet/rpc', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ method: 'eth_sendTransaction', params: [{ from: keeper, to: keeper, value: '0x1' }] }),
      });
      return { status: response.status, body: await response.json() };
    }, process.env.KEEPER);
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, /signs only for its accounts/);
  }],

  ['missing pages are friendly 404 pages; the API answers JSON', async () => {
    const missing = await page.goto(url('/bounties/999999'));
    assert.equal(missing.status(), 404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.getByText('There is no bounty 999999.').waitFor();
    await screenshot(page, 'not-found');
    await assertAccessible(page, 'not found');
    const nowhere = await page.goto(url('/no/such/page'));
    assert.equal(nowhere.status(), 404);
    await page.getByText('There is nothing at /no/such/page.').waitFor();
    const api = await page.request.get(url('/api/no-such-thing'));
    assert.equal(api.status(), 404);
    assert.equal((await api.json()).code, 'NOT_FOUND');
    page.consoleErrors.length = 0; // the 404 responses themselves are logged by the browser
  }],

  ['when the deadline passes while the wallet is open, the contract\'s refusal is shown in words', async () => {
    await page.goto(url(bountyPath));
    let release;
    sponsorWallet.controls.hold = new Promise((resolve) => { release = resolve; });
    await page.getByLabel('Add to the reward (ETH)').fill('0.1');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.locator('#tx-panel').getByText('Confirm the transaction in your wallet…').waitFor();
    await travel(5400); // past the submission deadline, before the evaluation deadline
    sponsorWallet.controls.hold = null;
    release();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /SubmissionsClosed\(bountyId: \d+, submissionDeadline: /);
    // The server reads the chain's clock at most once a second. The keeper may already have proposed
    // (empty) results by the time the page reloads, so the bounty is Closed or, a moment later, Proposed.
    const status = () => page.locator('[data-bounty-status]').innerText();
    for (let i = 0; i < 10 && (await status()) === 'Open'; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    assert.match(await status(), /^(Closed|Proposed)$/);
    assert.equal(await page.getByRole('button', { name: 'Top up' }).count(), 0, 'no top-up after the deadline');
    assertNoConsoleErrors(page);
  }],
]);

await browser.close();
receiver.close();
process.exit(ok ? 0 : 1);
