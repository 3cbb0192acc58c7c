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
  // After the reload, focus goes to the page's content rather than back to the top of the header.
  sessionStorage.setItem('focus-main', '1');
  location.reload();
}));
if (sessionStorage.getItem('focus-main')) {
  sessionStorage.removeItem('focus-main');
  document.getElementById('main')?.focus();
}
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
export async function transact(endpoint, payload, { reload = true, prepared = null } = {}) {
  const box = progress(prepared ? prepared.description || 'Transaction' : 'Preparing the transaction…');
  try {
    const tx = prepared || await api(endpoint, { method: 'POST', body: payload });
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
  // An action that cannot be undone (cancelling a bounty) asks first.
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
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

// The arbiter's desk: overturn with the corrected results document that `bountymarket audit` wrote.
document.addEventListener('submit', (event) => {
  const form = event.target.closest('[data-overturn-form]');
  if (!form) return;
  event.preventDefault();
  const input = form.querySelector('[name="results"]');
  const button = form.querySelector('[type="submit"]');
  guarded(button, async () => {
    const file = input.files && input.files[0];
    if (!file) throw new Error('Choose the corrected results document (the JSON file bountymarket audit wrote)');
    let document_;
    try {
      document_ = JSON.parse(await file.text());
    } catch (error) {
      throw new Error(`${file.name} is not JSON: ${error.message}`);
    }
    await transact(form.dataset.overturnForm, document_).catch(() => {}); // transact shows its own errors
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
        error.fields = json?.fields || null;
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

/**
 * Shows each message beside its field ({field: message}, in the form's names) and focuses the first wrong field.
 * A message whose field the form lacks goes to fallbackField's slot.
 */
function fieldErrors(form, errors, fallbackField) {
  for (const [field, message] of Object.entries(errors)) {
    const slot = form.querySelector(`[data-error-for="${field}"]`) || form.querySelector(`[data-error-for="${fallbackField}"]`);
    if (!slot) continue;
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    const input = form.querySelector(`[name="${slot.dataset.errorFor}"]`);
    input?.setAttribute('aria-invalid', 'true');
    // a field inside a closed <details> (the spec's JSON) is opened so its error can be fixed
    const details = input?.closest('details');
    if (details) details.open = true;
  }
  // the first wrong field in the form's own order, whichever was checked first
  form.querySelector('[aria-invalid="true"]')?.focus();
}

/** Puts the server's message next to the field it names (or fallbackField), and focuses that field. */
function fieldError(form, message, fallbackField) {
  const named = Array.from(form.querySelectorAll('[data-error-for]'))
    .find((p) => new RegExp(`\\b${p.dataset.errorFor}\\b`, 'i').test(message));
  fieldErrors(form, { [named ? named.dataset.errorFor : fallbackField]: message }, fallbackField);
}

function stepTo(n) {
  document.querySelectorAll('[data-step-nav]').forEach((li) => {
    if (li.dataset.stepNav === String(n)) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  });
}

const draftForm = document.querySelector('[data-draft-form]');
const termsForm = document.querySelector('[data-terms-form]');
// A draft resumed from the account page or its own page comes with the page; a new one comes from the upload.
let draft = termsForm?.dataset.draftId ? { id: termsForm.dataset.draftId } : null;

// The title's limit, and how much of it is used.
document.querySelectorAll('[data-count-chars]').forEach((input) => {
  const count = input.closest('.field').querySelector('[data-char-count]');
  const update = () => { count.textContent = String(input.value.length); };
  input.addEventListener('input', update);
  update();
});

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

// ---- the spec builder: the JSON written from a few choices, the sample's header offering the columns ----

const METRICS = {
  binary_classification: [['roc_auc', 'ROC AUC: ranks positives above negatives (higher is better)'],
    ['accuracy', 'accuracy: share of rows right (higher is better)'], ['balanced_accuracy', 'balanced accuracy: mean of per-class accuracy (higher is better)'],
    ['macro_f1', 'macro F1: mean of per-class F1 (higher is better)'], ['log_loss', 'log loss: penalises confident mistakes (lower is better)']],
  multiclass_classification: [['accuracy', 'accuracy: share of rows right (higher is better)'],
    ['balanced_accuracy', 'balanced accuracy: mean of per-class accuracy (higher is better)'], ['macro_f1', 'macro F1: mean of per-class F1 (higher is better)'],
    ['log_loss', 'log loss: penalises confident mistakes (lower is better)']],
  regression: [['rmse', 'RMSE: root mean squared error (lower is better)'], ['mae', 'MAE: mean absolute error (lower is better)'],
    ['r2', 'R²: share of variance explained (higher is better)']],
};

const builder = document.querySelector('[data-spec-builder]');
if (builder && draftForm) {
  const b = (name) => builder.querySelector(`[data-b="${name}"]`);
  const features = builder.querySelector('[data-b-features]');
  let header = ['f00', 'f01', 'f02', 'label'];
  const fillMetrics = () => {
    const current = b('metric').value;
    b('metric').replaceChildren(...METRICS[b('task').value].map(([value, text]) => new Option(text, value)));
    if ([...b('metric').options].some((o) => o.value === current)) b('metric').value = current;
  };
  const fillColumns = () => {
    const label = b('label').value || 'label';
    const checked = new Set([...features.querySelectorAll('input:checked')].map((i) => i.value));
    b('label').replaceChildren(...header.map((c) => new Option(c, c)));
    b('label').value = header.includes(label) ? label : header[header.length - 1];
    features.replaceChildren(...header.filter((c) => c !== b('label').value).map((c, i) => {
      const id = `b-feature-${i}`;
      const wrap = document.createElement('span');
      wrap.className = 'check';
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', id, value: c });
      box.checked = checked.size === 0 || checked.has(c);
      box.dataset.bFeature = '';
      const text = Object.assign(document.createElement('label'), { htmlFor: id, textContent: c });
      wrap.append(box, text);
      return wrap;
    }));
  };
  const write = () => {
    const task = b('task').value;
    const image = b('input').value === 'image';
    builder.querySelector('[data-b-tabular]').hidden = image;
    builder.querySelector('[data-b-image]').hidden = !image;
    b('classes').closest('.field').hidden = task === 'regression';
    b('metric').closest('.field').querySelector('[data-metric-help]').textContent =
      'Its direction (higher or lower is better) comes with the metric.';
    const list = (text) => text.split(/[,\s]+/).filter(Boolean);
    const spec = { version: 1, task, metric: b('metric').value };
    if (task !== 'regression') spec.classes = list(b('classes').value);
    if (image) {
      const size = Number(b('size').value) || 32;
      const channels = Number(b('channels').value);
      const per = (text) => { const v = list(text).map(Number); return Array.from({ length: channels }, (_, i) => v[i] ?? v[0] ?? 0); };
      spec.input = { kind: 'image', height: size, width: size, channels, mean: per(b('mean').value), std: per(b('std').value) };
      spec.label = { file: 'labels.csv', imageColumn: 'file', column: b('label').value };
    } else {
      spec.input = { kind: 'tabular', features: [...features.querySelectorAll('input:checked')].map((i) => i.value) };
      spec.label = { column: b('label').value };
    }
    spec.output = task === 'regression' ? { kind: 'values', shape: '[N,1]' } : { kind: 'probabilities', shape: '[N,C]' };
    draftForm.spec.value = JSON.stringify(spec, null, 2);
  };
  // Start from the example in the JSON, then let the builder rewrite it from its choices.
  try {
    const example = JSON.parse(draftForm.spec.value);
    b('task').value = example.task;
    fillMetrics();
    b('metric').value = example.metric;
    header = [...(example.input.features || []), example.label.column];
    fillColumns();
  } catch { fillMetrics(); fillColumns(); }
  builder.addEventListener('change', (event) => {
    if (event.target === b('task')) fillMetrics();
    if (event.target === b('label')) fillColumns();
    write();
  });
  builder.addEventListener('input', (event) => { if (event.target.matches('input[type="text"], input:not([type])')) write(); });
  // The sample's header offers the columns: read in the browser, only its first line.
  draftForm.publicSample.addEventListener('change', async () => {
    const file = draftForm.publicSample.files[0];
    const help = builder.querySelector('[data-header-help]');
    if (!file) return;
    if (/\.zip$/i.test(file.name)) {
      b('input').value = 'image';
      help.textContent = `${file.name}: images; the label column is read from labels.csv inside it.`;
      write();
      return;
    }
    const first = (await file.slice(0, 65536).text()).replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    const columns = first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
    if (columns.length < 2) {
      help.textContent = `${file.name} has no header row with at least two columns.`;
      help.classList.add('problem');
      return;
    }
    help.classList.remove('problem');
    help.textContent = `Columns of ${file.name}. Pick the label; the others are features unless unticked.`;
    header = columns;
    b('input').value = 'tabular';
    features.replaceChildren();
    fillColumns();
    write();
  });
}

draftForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(draftForm);
  const errors = {};
  if (!draftForm.title.value.trim()) errors.title = 'A title is required.';
  try { JSON.parse(draftForm.spec.value); } catch (error) { errors.spec = `The spec is not valid JSON: ${error.message}`; }
  if (!draftForm.testSet.files.length) errors.testSet = 'Choose the hidden test set file.';
  if (Object.keys(errors).length) return fieldErrors(draftForm, errors, 'spec');
  const data = new FormData(draftForm);
  if (!draftForm.publicSample.files.length) data.delete('publicSample');
  const button = draftForm.querySelector('[type="submit"]');
  button.disabled = true;
  const status = draftForm.querySelector('[data-upload-status]');
  try {
    draft = await upload('/api/drafts', data, draftForm.querySelector('[data-upload-progress]'), status);
    status.textContent = 'Uploaded and checked.';
    draftForm.querySelectorAll('input, textarea, select, button').forEach((e) => { e.disabled = true; });
    termsForm.hidden = false;
    termsForm.querySelector('[data-draft-summary]').textContent =
      `Draft #${draft.id} "${draft.title}" is ready. Spec hash ${draft.specHash}; test set commitment ${draft.testSetCommitment}.`;
    // A reload now resumes this draft at the terms rather than uploading it again.
    history.replaceState(null, '', `/bounties/new?draft=${draft.id}`);
    stepTo(2);
    termsForm.reward.focus();
  } catch (error) {
    status.textContent = '';
    if (error.fields) fieldErrors(draftForm, error.fields, 'spec');
    else fieldError(draftForm, error.message, /public sample/i.test(error.message) ? 'publicSample' : /test set/i.test(error.message) ? 'testSet' : 'spec');
    button.disabled = false;
  }
});

/** The server's names for the terms (the createBounty request's fields) and the form's. */
const TERM_FIELDS = { amount: 'reward', challengeWindowSeconds: 'challengeHours', maxSubmissionsPerContributor: 'maxSubmissions' };

termsForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const errorSlot = termsForm.querySelector('[data-terms-error]');
  errorSlot.textContent = '';
  clearErrors(termsForm);
  const f = termsForm;
  // Every term is checked, and every problem shown beside its field, before anything is sent.
  const errors = {};
  const check = (field, compute) => {
    try { return compute(); } catch (error) { errors[field] = error.message; return undefined; }
  };
  const seconds = (input) => {
    const t = Date.parse(input.value);
    if (Number.isNaN(t)) throw new Error('Choose a date and time.');
    return Math.floor(t / 1000);
  };
  const percents = check('shares', () => {
    const p = f.shares.value.split(/[,\s]+/).filter(Boolean).map(Number);
    if (p.length === 0 || p.some((x) => !(x > 0)) || Math.abs(p.reduce((a, x) => a + x, 0) - 100) > 1e-9) {
      throw new Error('Percentages must be positive and add up to 100.');
    }
    return p;
  });
  const threshold = check('threshold', () => {
    const t = Number(f.threshold.value);
    if (f.threshold.value.trim() === '' || !Number.isFinite(t)) throw new Error('A number, such as 0.8.');
    return t;
  });
  const token = await rewardToken(f.token.value).catch((error) => { errors.token = error.message; return null; });
  const amount = token && check('reward', () => unitsOf(f.reward, token));
  const bond = token && check('challengeBond', () => unitsOf(f.challengeBond, token));
  const submissionDeadline = check('submissionDeadline', () => seconds(f.submissionDeadline));
  const evaluationDeadline = check('evaluationDeadline', () => seconds(f.evaluationDeadline));
  const hours = Number(f.challengeHours.value);
  if (!(hours >= 1 && hours <= 720)) errors.challengeHours = 'Between 1 and 720 hours.';
  const maxSubmissions = Number(f.maxSubmissions.value);
  if (!Number.isInteger(maxSubmissions) || maxSubmissions < 1) errors.maxSubmissions = 'A whole number, 1 or more.';
  if (!/^0x[0-9a-fA-F]{40}$/.test(f.arbiter.value.trim())) errors.arbiter = 'An address: 0x and 40 hex digits.';
  const terms = {
    token: token?.address ?? f.token.value.trim(),
    amount,
    threshold: threshold === undefined ? undefined : Math.round(threshold * 1e6),
    shares: percents?.map((p) => Math.round(p * 100)),
    submissionDeadline,
    evaluationDeadline,
    challengeWindowSeconds: Math.round(hours * 3600),
    arbiter: f.arbiter.value.trim(),
    maxSubmissionsPerContributor: maxSubmissions,
    challengeBond: bond,
    revealPolicy: f.revealPolicy.value,
  };
  const button = f.querySelector('[type="submit"]');
  button.disabled = true;
  // The server checks the terms as the contract would; its problems, all at once, join the form's own.
  let prepared = null;
  if (Object.keys(errors).length === 0) {
    try {
      prepared = await api(`/api/bounties/${draft.id}/transactions/create`, { method: 'POST', body: terms });
    } catch (error) {
      if (error.fields) {
        for (const [field, message] of Object.entries(error.fields)) errors[TERM_FIELDS[field] || field] = message;
      } else {
        errorSlot.textContent = error.message;
      }
    }
  }
  if (!prepared) {
    fieldErrors(f, errors, 'token');
    if (Object.keys(errors).length > 1) errorSlot.textContent = `${Object.keys(errors).length} terms need a change: see the messages beside them.`;
    button.disabled = false;
    return;
  }
  stepTo(3);
  try {
    await transact(null, undefined, { reload: false, prepared });
    location.assign(`/bounties/${draft.id}`);
  } catch (error) {
    errorSlot.textContent = error.message;
    stepTo(2);
    button.disabled = false;
  }
});

// ---- deleting a draft or an upload that was never committed (the account page, a draft's page) ----

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-delete], [data-delete-draft]');
  if (!button) return;
  const endpoint = button.dataset.delete || `/api/drafts/${button.dataset.deleteDraft}`;
  if (!window.confirm(button.dataset.confirm || 'Delete this draft? Its files are no longer offered to you.')) return;
  guarded(button, async () => {
    await api(endpoint, { method: 'DELETE' });
    if (button.dataset.deleteDraft) location.assign('/account?show=unfinished');
    else if (button.dataset.then) location.assign(button.dataset.then);
    else location.reload();
  });
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
      box.append(' It stays uploaded: you can also commit it later from ');
      const later = Object.assign(document.createElement('a'), { href: `/submissions/${created.id}`, textContent: 'its page' });
      box.append(later, '.');
      document.querySelector('[data-commit-choices]').hidden = false;
      const commit = document.querySelector('[data-commit]');
      commit.onclick = () => guarded(commit, async () => {
        await transact(`/api/submissions/${created.id}/transactions/submit`, undefined, { reload: false });
        location.assign(`/submissions/${created.id}`);
      });
      const sign = document.querySelector('[data-relay-sign]');
      if (sign) sign.onclick = () => guarded(sign, () => relaySign(created.id));
      result.append(box);
      (sign || commit).focus(); // the next step, once the check says the model runs
    } else {
      box.className = 'result bad';
      box.setAttribute('role', 'alert');
      box.tabIndex = -1;
      box.textContent = `The model cannot run on this bounty's data (${v.code}): ${v.message}`;
      result.append(box);
      box.focus();
    }
  } catch (error) {
    status.textContent = '';
    fieldError(modelForm, error.message, 'model');
  } finally {
    button.disabled = false;
  }
});

// ---- signing a submission for the relayer: no gas, posted in its next batch ----

/**
 * Asks the server for the submission's EIP-712 typed data, has the wallet sign it, and hands the signature to the
 * relayer; then shows the submission's page, which follows it into a batch (or says it was left out).
 */
async function relaySign(submissionId) {
  const box = progress('Sign the submission (no gas)');
  try {
    box.step('Preparing the submission to sign…');
    const request = await api(`/api/submissions/${submissionId}/relay`);
    box.step(`Sign it in your wallet (sequence ${request.sequence}; no transaction, no gas)…`);
    const signature = await wallet.signTypedData(request.typedData);
    const status = await api(`/api/submissions/${submissionId}/relay`, {
      method: 'POST', body: { sequence: request.sequence, deadline: request.deadline, signature },
    });
    box.done(`Signed: the relayer posts it in its next batch${status.expectedBy
      ? `, by ${new Date(status.expectedBy * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}.`);
    location.assign(`/submissions/${submissionId}`);
  } catch (error) {
    box.fail(error);
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-relay-sign]');
  if (!button || !button.dataset.relaySign) return; // the submit page's button is wired to its upload above
  guarded(button, () => relaySign(button.dataset.relaySign));
});

// ---- committing an upload later, from its own page ----

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-commit-upload]');
  if (!button) return;
  guarded(button, () => transact(`/api/submissions/${button.dataset.commitUpload}/transactions/submit`).catch(() => {}));
});

// The script snippet on the submit page names this site's own address.
document.querySelectorAll('[data-site-origin]').forEach((span) => { span.textContent = location.origin; });
