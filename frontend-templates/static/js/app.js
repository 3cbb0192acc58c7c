// Page behaviour on top of server-rendered HTML: the wallet panel, wallet transactions with their progress,
// live countdowns against the chain's clock, and uploads with progress bars.
import { api, etherToWei, shortAddress, site, wallet } from './wallet.js';

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
        code.textContent = ' ' + hash;
        code.dataset.txHash = hash;
        item.append(code);
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

/** Asks the server for the transaction at endpoint, sends it with the wallet, and reloads the page once indexed. */
export async function transact(endpoint, payload, { reload = true } = {}) {
  const box = progress('Preparing the transaction…');
  try {
    const tx = await api(endpoint, { method: 'POST', body: payload });
    panel.querySelector('h2').textContent = tx.description || 'Transaction';
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
  guarded(button, () => transact(button.dataset.txAction).catch(() => {}));
});

document.addEventListener('submit', (event) => {
  const form = event.target.closest('[data-tx-form]');
  if (!form) return;
  event.preventDefault();
  const input = form.querySelector('[name="amount"]');
  let amount;
  try {
    amount = input.hasAttribute('data-ether') ? etherToWei(input.value).toString() : input.value.trim();
  } catch (error) {
    showError(error);
    return;
  }
  const button = form.querySelector('[type="submit"]');
  guarded(button, () => transact(form.dataset.txForm, { amount }).catch(() => {}));
});

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
