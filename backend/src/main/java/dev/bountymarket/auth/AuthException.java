package dev.bountymarket.auth;

/** A sign-in or access failure; the code is stable for clients, the message is for people. */
public class AuthException extends RuntimeException {

    public enum Code {
        /** 400: the message is not a valid EIP-4361 message for this marketplace. */
        INVALID_MESSAGE(400),
        /** 401: the signature does not match the message's address, or the nonce is spent or expired. */
        SIGN_IN_REJECTED(401),
        /** 401: no session or token, or it expired or was revoked. */
        NOT_SIGNED_IN(401),
        /** 403: a state-changing browser request without the session's CSRF token. */
        CSRF_TOKEN_MISSING(403),
        /** 403: signed in, but not allowed to do this. */
        FORBIDDEN(403),
        /** 404: no such token of this account. */
        TOKEN_NOT_FOUND(404);

        public final int status;

        Code(int status) {
            this.status = status;
        }
    }

    public final Code code;

    public AuthException(Code code, String message) {
        super(message);
        this.code = code;
    }
}
