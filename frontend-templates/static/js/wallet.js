// The wallet: any EIP-1193 provider (window.ethereum), or on the local dev chain the built-in dev wallet, whose
// accounts the server's chain signs for. Connects, checks the network, signs in with Ethereum, and sends the
// transactions the server prepares, reporting each one's progress.

const body = document.body.dataset;

/** What the page says about the marketplace: chain, viewer, CSRF token. */
export const site = {
  chainId: body.chainId ? BigInt(body.chainId) : null,
  chainName: body.chainName,
  rpcUrl: body.rpcUrl,
  chainNow: Number(body.chainNow),
  confirmations: Number(body.confirmations || 0),
  viewer: body.viewer || null,
  csrf: body.csrf || null,
  devWallet: body.devWallet === 'true',
  explorerUrl: body.explorerUrl || null,
  currency: {
    name: body.currencyName || 'Ether',
    symbol: body.currencySymbol || 'ETH',
    decimals: Number(body.currencyDecimals || 18),
  },
};

/** The network's explorer page of a transaction, or null when the network has no explorer. */
export function explorerTxUrl(hash) {
  return site.explorerUrl ? `${site.explorerUrl}/tx/${hash}` : null;
}

/** An API error: the server's {code, message}. */
export class ApiError extends Error {
  /** fields: for a form, each wrong field's message keyed by the request's field name (all of them at once). */
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || null;
  }
}

/** A JSON request to the server's API, with the session's CSRF token; throws ApiError with the server's message. */
export async function api(path, { method = 'GET', body: payload, form } = {}) {
  const headers = { Accept: 'application/json' };
  if (site.csrf) headers['X-CSRF-Token'] = site.csrf;
  let requestBody;
  if (form) {
    requestBody = form;
  } else if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    requestBody = JSON.stringify(payload);
  }
  const response = await fetch(path, { method, headers, body: requestBody, credentials: 'same-origin' });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (!response.ok) {
    throw new ApiError(response.status, json?.code || 'HTTP_' + response.status,
      json?.message || `The server answered ${response.status} ${response.statusText}`, json?.fields);
  }
  return json;
}

const toHex = (n) => '0x' + BigInt(n).toString(16);

function utf8Hex(text) {
  return '0x' + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function shortAddress(address) {
  return address ? address.slice(0, 6) + '…' + address.slice(-4) : '';
}

/** A decimal amount ("1.5") of a token with the given decimals to its smallest units, exactly. */
export function toUnits(text, decimals, symbol) {
  const match = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(text || '');
  if (!match || (match[1] === '' && !match[2])) throw new Error(`"${text}" is not an amount of ${symbol}`);
  const fraction = (match[2] || '');
  if (fraction.length > decimals) throw new Error(`${symbol} has at most ${decimals} decimals`);
  const scale = 10n ** BigInt(decimals);
  return BigInt(match[1] || '0') * scale + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/** The built-in wallet of the local dev chain: the server forwards to the chain, which signs for its dev accounts. */
class DevProvider {
  constructor(accounts, account) {
    this.accounts = accounts;
    this.account = account;
    this.listeners = {};
  }

  on(event, listener) {
    (this.listeners[event] ||= []).push(listener);
  }

  use(account) {
    this.account = account;
    (this.listeners.accountsChanged || []).forEach((l) => l([account]));
  }

  async request({ method, params = [] }) {
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return [this.account];
      case 'wallet_switchEthereumChain':
      case 'wallet_addEthereumChain':
        return null;
      default: {
        const answer = await api('/api/dev-wallet/rpc', { method: 'POST', body: { method, params } });
        if (answer.error) {
          const error = new Error(answer.error.message);
          error.code = answer.error.code;
          error.data = answer.error.data;
          throw error;
        }
        return answer.result;
      }
    }
  }
}

const MODE_KEY = 'bm.wallet';
const DEV_ACCOUNT_KEY = 'bm.devAccount';

class Wallet extends EventTarget {
  constructor() {
    super();
    this.provider = null;
    this.kind = null; // 'injected' or 'dev'
    this.account = null;
    this.chainId = null;
    this.devAccounts = [];
  }

  /** Restores the last connection without prompting. */
  async restore() {
    if (site.devWallet) {
      try {
        this.devAccounts = (await api('/api/dev-wallet/accounts')).accounts;
      } catch { this.devAccounts = []; }
    }
    const mode = localStorage.getItem(MODE_KEY);
    if (mode === 'dev' && this.devAccounts.length) {
      this.useDev(localStorage.getItem(DEV_ACCOUNT_KEY));
    } else if (mode === 'injected' && window.ethereum) {
      this.attach(window.ethereum, 'injected');
      const accounts = await window.ethereum.request({ method: 'eth_accounts' });
      await this.update(accounts);
    } else {
      this.changed();
    }
  }

  attach(provider, kind) {
    this.provider = provider;
    this.kind = kind;
    if (provider.on && !provider.bmListening) {
      provider.bmListening = true;
      provider.on('accountsChanged', (accounts) => { if (this.provider === provider) this.update(accounts); });
      provider.on('chainChanged', (chainId) => {
        if (this.provider === provider) { this.chainId = BigInt(chainId); this.changed(); }
      });
    }
  }

  /** Asks the browser's wallet to connect; falls back to the dev wallet where there is one. */
  async connect() {
    if (window.ethereum) {
      this.attach(window.ethereum, 'injected');
      const accounts = await window.ethereum.request({ method: 'eth_requestAccounts' });
      localStorage.setItem(MODE_KEY, 'injected');
      await this.update(accounts);
    } else if (this.devAccounts.length) {
      this.useDev(this.devAccounts[0]);
    } else {
      throw new Error('No wallet found: install a browser wallet (an EIP-1193 provider such as MetaMask) and reload.');
    }
    return this.account;
  }

  useDev(account) {
    const chosen = this.devAccounts.includes(account) ? account : this.devAccounts[0];
    if (this.kind === 'dev' && this.provider) {
      this.provider.use(chosen);
    } else {
      this.attach(new DevProvider(this.devAccounts, chosen), 'dev');
    }
    localStorage.setItem(MODE_KEY, 'dev');
    localStorage.setItem(DEV_ACCOUNT_KEY, chosen);
    this.update([chosen]);
  }

  async update(accounts) {
    this.account = accounts && accounts.length ? accounts[0].toLowerCase() : null;
    if (this.provider && this.account) {
      try {
        this.chainId = BigInt(await this.provider.request({ method: 'eth_chainId' }));
      } catch { this.chainId = null; }
    }
    this.changed();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  get onRightChain() {
    return this.chainId !== null && site.chainId !== null && this.chainId === site.chainId;
  }

  /** Puts the wallet on the marketplace's chain, adding the chain to the wallet if it does not know it. */
  async switchChain() {
    const chainId = toHex(site.chainId);
    try {
      await this.provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
    } catch (error) {
      if (error.code !== 4902) throw error;
      if (!site.rpcUrl) {
        throw new Error(`Your wallet does not know chain ${site.chainId} (${site.chainName}): add it in your wallet`
          + ' with an RPC URL of that chain, then switch again.');
      }
      // EIP-3085, from the network profile the server put on the page.
      const chain = { chainId, chainName: site.chainName, rpcUrls: [site.rpcUrl], nativeCurrency: site.currency };
      if (site.explorerUrl) chain.blockExplorerUrls = [site.explorerUrl];
      await this.provider.request({ method: 'wallet_addEthereumChain', params: [chain] });
    }
    this.chainId = BigInt(await this.provider.request({ method: 'eth_chainId' }));
    this.changed();
  }

  /** Sign-in with Ethereum: the server's EIP-4361 message, signed with personal_sign. */
  async signIn() {
    const address = this.account || await this.connect();
    const { message } = await api('/api/auth/message', { method: 'POST', body: { address } });
    const signature = await this.provider.request({ method: 'personal_sign', params: [utf8Hex(message), address] });
    await api('/api/auth/sign-in', { method: 'POST', body: { message, signature } });
  }

  /**
   * Signs EIP-712 typed data (a JSON string) with eth_signTypedData_v4 from the connected account, on the marketplace's
   * chain (wallets refuse typed data whose domain names another chain). No transaction: no gas.
   */
  async signTypedData(typedData) {
    if (!this.account) await this.connect();
    if (!this.onRightChain) await this.switchChain();
    try {
      return await this.provider.request({ method: 'eth_signTypedData_v4', params: [this.account, typedData] });
    } catch (error) {
      if (error.code === 4001) throw new Error('You rejected the request in your wallet.');
      throw error;
    }
  }

  async signOut() {
    await api('/api/auth/sign-out', { method: 'POST' });
  }

  /**
   * Sends a transaction the server prepared ({chainId, to, data, value, description}) from the connected account and
   * follows it: sent, included, confirmed, and shown by the pages (indexed). Resolves with the receipt.
   */
  async send(tx, progress) {
    if (!this.account) await this.connect();
    if (site.chainId !== null && BigInt(tx.chainId) !== site.chainId) {
      throw new Error(`The server prepared this transaction for chain ${tx.chainId}, not ${site.chainId}.`);
    }
    if (!this.onRightChain) {
      progress.step(`Switching your wallet to chain ${site.chainId}…`);
      await this.switchChain();
    }
    const params = { from: this.account, to: tx.to, data: tx.data, value: toHex(tx.value || '0') };
    progress.step('Confirm the transaction in your wallet…');
    let hash;
    try {
      hash = await this.provider.request({ method: 'eth_sendTransaction', params: [params] });
    } catch (error) {
      throw await this.explain(error, params);
    }
    progress.step('Sent', hash);
    const receipt = await this.receipt(hash);
    const block = BigInt(receipt.blockNumber);
    if (receipt.status !== '0x1') {
      const reason = await this.reasonFromCall(params, toHex(block));
      throw new Error(reason ? `The transaction reverted: ${reason}` : 'The transaction reverted.');
    }
    progress.step(`Included in block ${block}`);
    while (site.confirmations > 0) {
      const head = BigInt(await this.provider.request({ method: 'eth_blockNumber' }));
      if (head - block >= BigInt(site.confirmations)) break;
      progress.step(`Included in block ${block}; ${head - block} of ${site.confirmations} confirmations`);
      await sleep(2000);
    }
    progress.step('Confirmed');
    await this.indexed(block);
    return receipt;
  }

  async receipt(hash) {
    for (let i = 0; i < 600; i++) {
      const receipt = await this.provider.request({ method: 'eth_getTransactionReceipt', params: [hash] });
      if (receipt) return receipt;
      await sleep(1000);
    }
    throw new Error(`No receipt for ${hash} after 10 minutes; it may still be mined later.`);
  }

  /** Waits until the server's indexer has read the block, so that the pages show the transaction's effect. */
  async indexed(block) {
    for (let i = 0; i < 120; i++) {
      const { indexedBlock } = await api('/api/chain/indexed');
      if (BigInt(indexedBlock) >= block) return;
      await sleep(500);
    }
  }

  /** A readable reason for a failed send: rejected in the wallet, or the contract's custom error. */
  async explain(error, params) {
    if (error.code === 4001) return new Error('You rejected the request in your wallet.');
    const data = revertData(error);
    const reason = data ? await decodeRevert(data) : await this.reasonFromCall(params, 'latest');
    return new Error(reason ? `The contract would refuse this: ${reason}` : error.message || String(error));
  }

  /** Replays a call with eth_call to learn the contract's revert reason. */
  async reasonFromCall(params, block) {
    try {
      await this.provider.request({ method: 'eth_call', params: [params, block] });
      return null;
    } catch (error) {
      const data = revertData(error);
      return data ? decodeRevert(data) : error.message;
    }
  }
}

function revertData(error) {
  for (const candidate of [error?.data, error?.data?.data, error?.error?.data, error?.data?.originalError?.data]) {
    if (typeof candidate === 'string' && /^0x[0-9a-fA-F]{8}/.test(candidate)) return candidate;
  }
  return null;
}

async function decodeRevert(data) {
  try {
    return (await api('/api/chain/revert-reason', { method: 'POST', body: { data } })).reason;
  } catch {
    return `unknown error ${data.slice(0, 10)}`;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const wallet = new Wallet();
