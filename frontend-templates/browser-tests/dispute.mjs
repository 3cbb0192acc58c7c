// The dispute of a confidential bounty at the arbiter's desk: the arbiter, signed in with the wallet, downloads the test
// set (nobody else may) and sees the download on the bounty's timeline; the challenger's page says what happens next
// and when; the arbiter overturns with the corrected results document that `bountymarket audit` wrote. The Java side
// (CliIT) made the dispute and the document, and checks afterwards that the corrected winner is paid.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  assertAccessible, assertNoConsoleErrors, launch, reloadUntil, required, run, screenshot, signIn, trackedPage, txDone,
  url, walletContext,
} from './harness.mjs';

const bounty = required('BOUNTY_ID');
const arbiter = required('ARBITER');
const challenger = required('CHALLENGER');
const contributor = required('CONTRIBUTOR');
const testSet = required('TEST_SET');
const corrected = required('CORRECTED_RESULTS');

const browser = await launch();
const desk = await trackedPage((await walletContext(browser, arbiter)).context);

const ok = await run([
  ['the arbiter signs in and finds the challenge on the desk', async () => {
    await desk.goto(url('/arbiter'));
    await signIn(desk, arbiter);
    const card = desk.locator('.card', { hasText: 'Confidential churn' });
    await card.waitFor();
    assert.match(await card.innerText(), /Rule before/);
    await assertAccessible(desk, 'arbiter desk with a challenge');
    await screenshot(desk, 'arbiter-desk');
  }],

  ['the arbiter downloads the confidential test set, and the download shows on the timeline', async () => {
    const answer = await desk.request.get(url(`/api/bounties/${bounty}/test-set`));
    assert.equal(answer.status(), 200, await answer.text());
    assert.equal(await answer.text(), readFileSync(testSet, 'utf8'));
    await desk.goto(url(`/bounties/${bounty}`));
    await desk.getByText('Test set handed to the arbiter').first().waitFor();
  }],

  ['a contributor is refused the test set', async () => {
    const page = await trackedPage((await walletContext(browser, contributor)).context);
    await page.goto(url(`/bounties/${bounty}`));
    await signIn(page, contributor);
    const answer = await page.request.get(url(`/api/bounties/${bounty}/test-set`));
    assert.equal(answer.status(), 403);
    assert.match((await answer.json()).message, /only its arbiter/);
    await page.close();
  }],

  ['the challenger\'s page says what happens next and when', async () => {
    const page = await trackedPage((await walletContext(browser, challenger)).context);
    await page.goto(url(`/bounties/${bounty}`));
    const ruling = page.locator('.step', { hasText: 'Arbiter\'s ruling' });
    const text = await ruling.innerText();
    assert.match(text, /rules before this deadline/);
    assert.match(text, /dispute lapses: the proposed results stand and every bond is forfeited/);
    assert.ok(await ruling.locator('time').count() > 0, 'the ruling step shows its deadline');
    await screenshot(page, 'challenged-bounty');
    assertNoConsoleErrors(page);
    await page.close();
  }],

  ['the arbiter overturns with the corrected document from the wallet', async () => {
    await desk.goto(url('/arbiter'));
    const card = desk.locator('.card', { hasText: 'Confidential churn' });
    await card.getByLabel('Corrected results document').setInputFiles(corrected);
    await card.getByRole('button', { name: 'Overturn with these results' }).click();
    await txDone(desk);
    await desk.goto(url(`/bounties/${bounty}`));
    await reloadUntil(desk, 'the overturn on the timeline',
      async () => (await desk.getByText('Results overturned').count()) > 0);
    assertNoConsoleErrors(desk);
  }],
]);

await browser.close();
process.exit(ok ? 0 : 1);
