// The account page's notifications (mark read) and webhooks (add, delete); loaded only by that page.
import { api } from './wallet.js';
import { showError } from './app.js';

document.addEventListener('click', async (event) => {
  const one = event.target.closest('[data-notification-read]');
  const all = event.target.closest('[data-notifications-read-all]');
  const remove = event.target.closest('[data-webhook-delete]');
  const button = one || all || remove;
  if (!button) return;
  button.disabled = true;
  try {
    if (one) {
      await api(`/api/account/notifications/${one.dataset.notificationRead}/read`, { method: 'POST' });
      const item = one.closest('[data-notification]');
      item.classList.remove('unread');
      item.querySelector('.visually-hidden')?.remove();
      one.remove();
      return;
    }
    if (all) await api('/api/account/notifications/read', { method: 'POST' });
    if (remove) await api(`/api/account/webhooks/${remove.dataset.webhookDelete}`, { method: 'DELETE' });
    location.reload();
  } catch (error) {
    button.disabled = false;
    showError(error);
  }
});

document.querySelector('[data-webhook-form]')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const secret = document.querySelector('[data-webhook-secret]');
  try {
    const created = await api('/api/account/webhooks', { method: 'POST', body: { url: form.url.value } });
    secret.hidden = false;
    secret.textContent = `Webhook added. Its signing secret, shown only now: ${created.secret}`;
    form.reset();
  } catch (error) {
    showError(error);
  }
});
