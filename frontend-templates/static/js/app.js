// Page behaviour on top of server-rendered HTML: the wallet panel, wallet transactions with their progress,
// live countdowns against the chain's clock, and uploads with progress bars.
import { api, explorerTxUrl, shortAddress, site, toUnits, wallet } from './wallet.js';

// ---- wallet panel in the header ----

const controls = document.querySelector('[data-wallet-controls]');
const accountText = document.querySelector('[data-wallet-account]');
const networkText = document.querySelector('[data-wallet-network]');
const connectButton = document.querySelector('[data-wallet-connect]');
const switchButton = document.querySelector('[data-wallet-switch]');
const signInButton = document.querySelector('[data-wallet-sign-in]');
const signOutButton = document.querySelector('[data-wallet-sign-out]');
const devSelect = document.querySelector('[data-dev-account]');
const devUse = document.querySelector('[data-dev-wallet-use]');

function render() {
  controls.hidden = false;
  if (!wallet.account) {
    accountText.textContent = 'No wallet connected';
    networkText.textContent = '';
    networkText.classList.remove('problem');
  } else {
    accountText.textContent = `Wallet: ${shortAddress(wallet.account)}${wallet.kind === 'dev' ? ' (dev wallet)' : ''}`;
    accountText.title = wallet.account;
    if (wallet.onRightChain) {
      networkText.textContent = `Network: ${site.chainName} (${site.chainId})`;
      networkText.classList.remove('problem');
    } else {
      networkText.textContent = `Wrong network: chain ${wallet.chainId ?? '?'}; this marketplace runs on chain ${site.chainId}`;
      networkText.classList.add('problem');
    }
  }
  connectButton.hidden = !!wallet.account;
  switchButton.hidden = !wallet.account || wallet.onRightChain;
  signInButton.hidden = !wallet.account || wallet.account === site.viewer;
  signInButton.textContent = site.viewer ? `Sign in as ${shortAddress(wallet.account)}` : 'Sign in';
  if (devSelect) {
    if (devSelect.options.length !== wallet.devAccounts.length) {
      devSelect.replaceChildren(...wallet.devAccounts.map((a, i) => new Option(`#${i} ${shortAddress(a)}`, a)));
    }
    if (wallet.kind === 'dev') devSelect.value = wallet.account;
    devUse.hidden = wallet.kind === 'dev';
  }
}

async function guarded(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

connectButton.addEventListener('click', () => guarded(connectButton, () => wallet.connect()));
switchButton.addEventListener('click', () => guarded(switchButton, () => wallet.switchChain()));
signInButton.addEventListener('click', () => guarded(signInButton, async () => {
  await wallet.signIn();
  location.reload();
}));
signOutButton.addEventListener('click', () => guarded(signOutButton, async () => {
  await wallet.signOut();
  location.reload();
}));
devSelect?.addEventListener('change', () => { if (wallet.kind === 'dev') wallet.useDev(devSelect.value); });
devUse?.addEventListener('click', () => wallet.useDev(devSelect.value));
wallet.addEventListener('change', render);
wallet.restore().catch(showError);

// ---- transaction progress ----

const panel = document.getElementById('tx-panel');

/** The progress box of one transaction: its steps, then done or the error. */
export function progress(title) {
  panel.hidden = false;
  panel.replaceChildren();
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'button subtle close';
  close.textContent = 'Close';
  close.addEventListener('click', () => { panel.hidden = true; });
  const heading = document.createElement('h2');
  heading.textContent = title;
  const list = document.createElement('ol');
  panel.append(close, heading, list);
  return {
    step(text, hash) {
      const item = document.createElement('li');
      item.textContent = text;
      if (hash) {
        const code = document.createElement('code');
        code.textContent = hash;
        code.dataset.txHash = hash;
        const url = explorerTxUrl(hash);
        if (url) {
          const link = document.createElement('a');
          link.href = url;
          link.append(code);
          item.append(' ', link);
        } else {
          item.append(' ', code);
        }
      }
      list.append(item);
    },
    done(text) {
      const item = document.createElement('li');
      item.className = 'tx-done';
      item.textContent = text;
      list.append(item);
    },
    fail(error) {
      const item = document.createElement('p');
      item.className = 'tx-error';
      item.setAttribute('role', 'alert');
      item.textContent = error.message || String(error);
      panel.append(item);
    },
  };
}

export function showError(error) {
  progress('Something went wrong').fail(error);
}

/**
 * Asks the server for the transaction at endpoint, sends it with the wallet, and reloads the page once indexed.
 * An amount in an ERC-20 token comes with the token's approve transaction, sent and included first.
 */
export async function transact(endpoint, payload, { reload = true } = {}) {
  const box = progress('Preparing the transaction…');
  try {
    const tx = await api(endpoint, { method: 'POST', body: payload });
    const heading = panel.querySelector('h2');
    if (tx.approval) {
      heading.textContent = tx.approval.description;
      box.step(`Step 1 of 2: ${tx.approval.description}`);
      await wallet.send(tx.approval, box);
      box.step(`Step 2 of 2: ${tx.description}`);
    }
    heading.textContent = tx.description || 'Transaction';
    const receipt = await wallet.send(tx, box);
    box.done('Done: the page shows the new state.');
    if (reload) setTimeout(() => location.reload(), 600);
    return receipt;
  } catch (error) {
    box.fail(error);
    throw error;
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-tx-action]');
  if (!button) return;
  event.preventDefault();
  // A withdrawal names its token; other actions need no payload.
  const payload = button.dataset.txToken ? { token: button.dataset.txToken } : undefined;
  guarded(button, () => transact(button.dataset.txAction, payload).catch(() => {}));
});

document.addEventListener('submit', (event) => {
  const form = event.target.closest('[data-tx-form]');
  if (!form) return;
  event.preventDefault();
  const input = form.querySelector('[name="amount"]');
  const button = form.querySelector('[type="submit"]');
  guarded(button, async () => {
    const amount = unitsOf(input, await rewardToken(input.dataset.token));
    await transact(form.dataset.txForm, { amount }).catch(() => {}); // transact shows its own errors
  });
});

/** A token's name for people: its symbol, else its short address. */
function tokenName(token) {
  return token.symbol || shortAddress(token.address);
}

/** The amount typed in an input, in whole tokens, as the token's smallest units (a decimal string for the server). */
function unitsOf(input, token) {
  return toUnits(input.value, token.decimals, tokenName(token)).toString();
}

/** What a reward is paid in: ETH (empty, "ETH" or the zero address) or an ERC-20 token, as the chain describes it. */
async function rewardToken(text) {
  const value = (text || '').trim();
  if (value === '' || /^eth$/i.test(value) || /^0x0{40}$/.test(value)) return { address: 'ETH', symbol: 'ETH', decimals: 18 };
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new Error(`Reward token: ETH, or a token's address (0x and 40 hex digits), not "${value}"`);
  }
  return api(`/api/tokens/${value}`);
}

// ---- countdowns on the chain's clock (it can run ahead of the wall clock on a dev chain) ----

const chainOffset = site.chainNow ? site.chainNow - Date.now() / 1000 : 0;

function countdownText(seconds) {
  const s = Math.abs(Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = d > 0 ? [`${d}d`, `${h}h`] : h > 0 ? [`${h}h`, `${m}m`] : [`${m}m`, `${s % 60}s`];
  return seconds >= 0 ? `in ${parts.join(' ')}` : `${parts.join(' ')} ago`;
}

function tick() {
  const now = Date.now() / 1000 + chainOffset;
  for (const element of document.querySelectorAll('[data-countdown]')) {
    const deadline = Number(element.dataset.countdown);
    if (deadline) element.textContent = countdownText(deadline - now);
  }
}
tick();
setInterval(tick, 1000);

// ---- uploads with a progress bar (XMLHttpRequest reports upload progress; fetch does not) ----

/**
 * Posts a multipart form to the API, showing progress in bar (a <progress>) and status (text); resolves with the JSON
 * answer, rejects with the server's {code, message}.
 */
export function upload(url, formData, bar, status) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('Accept', 'application/json');
    if (site.csrf) request.setRequestHeader('X-CSRF-Token', site.csrf);
    bar.hidden = false;
    bar.value = 0;
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) {
        bar.max = event.total;
        bar.value = event.loaded;
        status.textContent = `Uploading: ${Math.round((100 * event.loaded) / event.total)} %`;
      }
    });
    request.upload.addEventListener('load', () => { status.textContent = 'Uploaded; checking…'; });
    request.addEventListener('load', () => {
      let json = null;
      try { json = JSON.parse(request.responseText); } catch { /* reported below */ }
      if (request.status >= 200 && request.status < 300) {
        resolve(json);
      } else {
        const error = new Error(json?.message || `The server answered ${request.status}`);
        error.code = json?.code;
        error.status = request.status;
        reject(error);
      }
    });
    request.addEventListener('error', () => reject(new Error('The upload failed: the connection broke off.')));
    request.send(formData);
  });
}

// ---- API tokens on the account page ----

document.querySelector('[data-token-form]')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const secret = document.querySelector('[data-token-secret]');
  try {
    const created = await api('/api/auth/tokens', { method: 'POST', body: { name: form.name.value } });
    secret.hidden = false;
    secret.textContent = `Token "${created.name}" created. Copy its secret now, it is not shown again: ${created.token}`;
    form.reset();
  } catch (error) {
    showError(error);
  }
});

document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-revoke-token]');
  if (!button) return;
  guarded(button, async () => {
    await api(`/api/auth/tokens/${button.dataset.revokeToken}`, { method: 'DELETE' });
    location.reload();
  });
});

// ---- posting a bounty: upload the draft, then the terms, then fund it from the wallet ----

function clearErrors(form) {
  form.querySelectorAll('[data-error-for]').forEach((p) => { p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

/** Puts the server's message next to the field it names (or the first field), and focuses that field. */
function fieldError(form, message, fallbackField) {
  const named = Array.from(form.querySelectorAll('[data-error-for]'))
    .find((p) => new RegExp(`\\b${p.dataset.errorFor}\\b`, 'i').test(message));
  const slot = named || form.querySelector(`[data-error-for="${fallbackField}"]`);
  slot.textContent = message;
  const input = form.querySelector(`[name="${slot.dataset.errorFor}"]`);
  input?.setAttribute('aria-invalid', 'true');
  input?.focus();
}

function stepTo(n) {
  document.querySelectorAll('[data-step-nav]').forEach((li) => {
    if (li.dataset.stepNav === String(n)) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  });
}

const draftForm = document.querySelector('[data-draft-form]');
const termsForm = document.querySelector('[data-terms-form]');
let draft = null;

if (termsForm) {
  const inDays = (days) => {
    const date = new Date((Math.floor(Date.now() / 1000) + chainOffset + days * 86400) * 1000);
    return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  };
  termsForm.submissionDeadline.value = inDays(7);
  termsForm.evaluationDeadline.value = inDays(14);
  // The amounts are in whole tokens: name the token (or say what is wrong with it) as soon as it is typed.
  const help = termsForm.querySelector('[data-token-help]');
  const helpText = help.textContent;
  termsForm.token.addEventListener('change', async () => {
    const units = termsForm.querySelectorAll('[data-token-unit]');
    try {
      const token = await rewardToken(termsForm.token.value);
      const name = tokenName(token);
      units.forEach((unit) => { unit.textContent = name; });
      help.textContent = token.address === 'ETH' ? helpText : `${name}: an ERC-20 token with ${token.decimals} decimals. ${helpText}`;
      help.classList.remove('problem');
    } catch (error) {
      units.forEach((unit) => { unit.textContent = '?'; });
      help.textContent = error.message;
      help.classList.add('problem');
    }
  });
}

draftForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(draftForm);
  if (!draftForm.title.value.trim()) return fieldError(draftForm, 'A title is required.', 'title');
  if (!draftForm.testSet.files.length) return fieldError(draftForm, 'Choose the hidden test set file.', 'testSet');
  try { JSON.parse(draftForm.spec.value); } catch (error) {
    return fieldError(draftForm, `The spec is not valid JSON: ${error.message}`, 'spec');
  }
  const data = new FormData(draftForm);
  if (!draftForm.publicSample.files.length) data.delete('publicSample');
  const button = draftForm.querySelector('[type="submit"]');
  button.disabled = true;
  const status = draftForm.querySelector('[data-upload-status]');
  try {
    draft = await upload('/api/drafts', data, draftForm.querySelector('[data-upload-progress]'), status);
    status.textContent = 'Uploaded and checked.';
    draftForm.querySelectorAll('input, textarea, button').forEach((e) => { e.disabled = true; });
    termsForm.hidden = false;
    termsForm.querySelector('[data-draft-summary]').textContent =
      `Draft #${draft.id} "${draft.title}" is ready. Spec hash ${draft.specHash}; test set commitment ${draft.testSetCommitment}.`;
    stepTo(2);
    termsForm.reward.focus();
  } catch (error) {
    status.textContent = '';
    fieldError(draftForm, error.message, /test set/i.test(error.message) ? 'testSet' : 'spec');
    button.disabled = false;
  }
});

termsForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const errorSlot = termsForm.querySelector('[data-terms-error]');
  errorSlot.textContent = '';
  const f = termsForm;
  let terms;
  try {
    const seconds = (input) => {
      const t = Date.parse(input.value);
      if (Number.isNaN(t)) throw new Error(`${input.labels[0].textContent}: choose a date and time`);
      return Math.floor(t / 1000);
    };
    const percents = f.shares.value.split(/[,\s]+/).filter(Boolean).map(Number);
    if (percents.some((p) => !(p > 0)) || Math.abs(percents.reduce((a, b) => a + b, 0) - 100) > 1e-9) {
      throw new Error('Payout: percentages must be positive and add up to 100');
    }
    const threshold = Number(f.threshold.value);
    if (!Number.isFinite(threshold)) throw new Error('Threshold: a number, such as 0.8');
    const token = await rewardToken(f.token.value);
    terms = {
      token: token.address,
      amount: unitsOf(f.reward, token),
      threshold: Math.round(threshold * 1e6),
      shares: percents.map((p) => Math.round(p * 100)),
      submissionDeadline: seconds(f.submissionDeadline),
      evaluationDeadline: seconds(f.evaluationDeadline),
      challengeWindowSeconds: Math.round(Number(f.challengeHours.value) * 3600),
      arbiter: f.arbiter.value.trim(),
      maxSubmissionsPerContributor: Number(f.maxSubmissions.value),
      challengeBond: unitsOf(f.challengeBond, token),
      revealPolicy: f.revealPolicy.value,
    };
  } catch (error) {
    errorSlot.textContent = error.message;
    return;
  }
  stepTo(3);
  const button = f.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    await transact(`/api/bounties/${draft.id}/transactions/create`, terms, { reload: false });
    location.assign(`/bounties/${draft.id}`);
  } catch (error) {
    errorSlot.textContent = error.message;
    stepTo(2);
    button.disabled = false;
  }
});

// ---- submitting a model: upload, see the check on the public sample, commit from the wallet ----

const modelForm = document.querySelector('[data-model-form]');
modelForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(modelForm);
  if (!modelForm.model.files.length) return fieldError(modelForm, 'Choose the model file.', 'model');
  const button = modelForm.querySelector('[type="submit"]');
  button.disabled = true;
  const status = modelForm.querySelector('[data-upload-status]');
  const result = document.querySelector('[data-validation]');
  result.replaceChildren();
  try {
    let created = await upload(`/api/bounties/${modelForm.dataset.bounty}/submissions`, new FormData(modelForm),
      modelForm.querySelector('[data-upload-progress]'), status);
    // every evaluation slot was busy: the check waits in line; follow it until it has run
    while (created.check) {
      status.textContent = created.check.status === 'queued'
        ? `Uploaded. The check on the public sample is queued${created.check.position ? ` (place ${created.check.position} in line)` : ''}…`
        : 'Uploaded. Checking the model on the public sample…';
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const response = await fetch(`/api/submissions/${created.id}`, { headers: { Accept: 'application/json' } });
      if (response.ok) created = await response.json();
    }
    status.textContent = 'Uploaded.';
    const box = document.createElement('div');
    const v = created.validation;
    if (!v || v.ok) {
      box.className = 'result ok';
      box.textContent = (created.publicScore === null
        ? 'Uploaded (this bounty has no public sample to check it on).'
        : `Check passed: the model runs on the public sample, ${created.metric} = ${created.publicScore / 1e6}`
          + ' (a check only you see: the sample\'s answers are published, so the live board scores a hidden part'
          + ' of the test set instead).')
        + ' Commit it on-chain to enter; each commit uses one of your live-board scorings for today.';
      const commit = document.querySelector('[data-commit]');
      commit.hidden = false;
      commit.onclick = () => guarded(commit, async () => {
        await transact(`/api/submissions/${created.id}/transactions/submit`, undefined, { reload: false });
        location.assign(`/submissions/${created.id}`);
      });
    } else {
      box.className = 'result bad';
      box.setAttribute('role', 'alert');
      box.textContent = `The model cannot run on this bounty's data (${v.code}): ${v.message}`;
    }
    result.append(box);
  } catch (error) {
    status.textContent = '';
    fieldError(modelForm, error.message, 'model');
  } finally {
    button.disabled = false;
  }
});
