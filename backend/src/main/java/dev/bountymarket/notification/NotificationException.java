package dev.bountymarket.notification;

/** A notification or webhook request that cannot be served; the message says why and what to do. */
public class NotificationException extends RuntimeException {

    public enum Code {
        INVALID_WEBHOOK_URL(400),
        NOTIFICATION_NOT_FOUND(404),
        WEBHOOK_NOT_FOUND(404),
        TOO_MANY_WEBHOOKS(409);

        public final int status;

        Code(int status) {
            this.status = status;
        }
    }

    public final Code code;

    public NotificationException(Code code, String message) {
        super(message);
        this.code = code;
    }
}
