package dev.bountymarket.notification;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;

/** An account's webhooks: add (the secret is returned this once), list, delete, and each one's deliveries. */
@ApplicationScoped
@Named("webhooks")
@Transactional
public class Webhooks {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    WebhookAddresses addresses;

    @Inject
    NotificationConfig config;

    /** A new webhook and its secret, which is never shown again. */
    public record Created(Webhook webhook, String secret) {
    }

    public Created add(String owner, String url) {
        try {
            addresses.check(url);
        } catch (WebhookAddresses.Refused e) {
            throw new NotificationException(NotificationException.Code.INVALID_WEBHOOK_URL, e.getMessage());
        }
        if (Webhook.count("owner", owner) >= config.maxWebhooks()) {
            throw new NotificationException(NotificationException.Code.TOO_MANY_WEBHOOKS, "You have " + config.maxWebhooks()
                    + " webhooks, the most an account may have; delete one first.");
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        Webhook webhook = new Webhook();
        webhook.owner = owner;
        webhook.url = url.strip();
        webhook.secret = "whsec_" + HexFormat.of().formatHex(key);
        webhook.createdAt = Instant.now();
        webhook.persist();
        return new Created(webhook, webhook.secret);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Webhook> of(String owner) {
        return Webhook.ofOwner(owner);
    }

    /** The owner's webhook; empty for anyone else's, so others cannot even tell it exists. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Webhook> find(String owner, long id) {
        return Webhook.<Webhook>find("id = ?1 and owner = ?2", id, owner).firstResultOptional();
    }

    public boolean delete(String owner, long id) {
        return Webhook.delete("id = ?1 and owner = ?2", id, owner) == 1;
    }

    /** The webhook's latest deliveries with what they carried. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<WebhookDelivery> deliveries(long webhookId, int limit) {
        return WebhookDelivery.ofWebhook(webhookId, limit);
    }
}
