package dev.bountymarket.web;

import jakarta.ws.rs.core.Response.Status;

/** A page that cannot be shown to this viewer; rendered as a friendly error page with this status. */
public class PageException extends RuntimeException {

    public final Status status;
    public final String title;

    public PageException(Status status, String title, String message) {
        super(message);
        this.status = status;
        this.title = title;
    }

    public static PageException notFound(String what) {
        return new PageException(Status.NOT_FOUND, "Not found", what);
    }

    public static PageException forbidden(String why) {
        return new PageException(Status.FORBIDDEN, "Not for your eyes (yet)", why);
    }
}
