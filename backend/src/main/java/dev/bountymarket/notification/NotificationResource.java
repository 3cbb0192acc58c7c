package dev.bountymarket.notification;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.bountymarket.auth.CurrentUser;

/**
 * The signed-in account's notifications and webhooks. Every path acts only on the caller's own rows: another
 * account's notification or webhook answers 404, exactly as one that does not exist.
 */
@Path("/api/account")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    @Inject
    CurrentUser currentUser;

    @Inject
    Notifications notifications;

    @Inject
    Webhooks webhooks;

    public record NotificationView(long id, String kind, String title, String body, String link, Long bountyId,
            Instant createdAt, boolean read) {
        static NotificationView of(Notification n) {
            return new NotificationView(n.id, n.kind, n.title, n.body, n.link, n.bountyId, n.createdAt, n.readAt != null);
        }
    }

    public record NotificationList(long unread, List<NotificationView> items) {
    }

    public record WebhookView(long id, String url, Instant createdAt) {
        static WebhookView of(Webhook w) {
            return new WebhookView(w.id, w.url, w.createdAt);
        }
    }

    /** A new webhook: {@code secret} signs its deliveries and is shown only in this answer. */
    public record CreatedWebhook(long id, String url, Instant createdAt, String secret) {
    }

    public record NewWebhook(String url) {
    }

    public record DeliveryView(long id, long notificationId, String status, int attempts, Integer responseStatus,
            String lastError, Instant createdAt, Instant nextAttemptAt, Instant finishedAt) {
        static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(d.id, d.notificationId, d.status.name(), d.attempts, d.responseStatus, d.lastError,
                    d.createdAt, d.status == WebhookDelivery.Status.PENDING ? d.runAfter : null, d.finishedAt);
        }
    }

    public record Marked(int marked) {
    }

    @GET
    @Path("/notifications")
    @Transactional(Transactional.TxType.SUPPORTS)
    public NotificationList list(@QueryParam("limit") @DefaultValue("50") int limit) {
        String me = currentUser.require();
        return new NotificationList(notifications.unread(me), notifications.latest(me, Math.max(1, Math.min(limit, 200)))
                .stream().map(NotificationView::of).toList());
    }

    @POST
    @Path("/notifications/{id}/read")
    public Response markRead(@PathParam("id") long id) {
        String me = currentUser.requireForChange();
        if (!notifications.markRead(me, id)) {
            throw new NotificationException(NotificationException.Code.NOTIFICATION_NOT_FOUND,
                    "You have no notification " + id + ".");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/notifications/read")
    public Marked markAllRead() {
        return new Marked(notifications.markAllRead(currentUser.requireForChange()));
    }

    @GET
    @Path("/webhooks")
    public List<WebhookView> webhooks() {
        return webhooks.of(currentUser.require()).stream().map(WebhookView::of).toList();
    }

    @POST
    @Path("/webhooks")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addWebhook(NewWebhook body) {
        String me = currentUser.requireForChange();
        Webhooks.Created created = webhooks.add(me, body == null ? null : body.url());
        return Response.status(Response.Status.CREATED).entity(new CreatedWebhook(created.webhook().id,
                created.webhook().url, created.webhook().createdAt, created.secret())).build();
    }

    @DELETE
    @Path("/webhooks/{id}")
    public Response deleteWebhook(@PathParam("id") long id) {
        if (!webhooks.delete(currentUser.requireForChange(), id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    @GET
    @Path("/webhooks/{id}/deliveries")
    public List<DeliveryView> deliveries(@PathParam("id") long id, @QueryParam("limit") @DefaultValue("50") int limit) {
        Webhook webhook = webhooks.find(currentUser.require(), id).orElseThrow(() -> notFound(id));
        return webhooks.deliveries(webhook.id, Math.max(1, Math.min(limit, 200))).stream().map(DeliveryView::of).toList();
    }

    private static NotificationException notFound(long id) {
        return new NotificationException(NotificationException.Code.WEBHOOK_NOT_FOUND, "You have no webhook " + id + ".");
    }
}
