package dev.bountymarket.bounty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A bounty request that cannot be served; the message says why and what to do. */
public class BountyException extends RuntimeException {

    public enum Code {
        INVALID_REQUEST(400),
        FORBIDDEN(403),
        BOUNTY_NOT_FOUND(404),
        SUBMISSION_NOT_FOUND(404),
        TOKEN_NOT_FOUND(404),
        /** The sender judges the bounty (sponsor, evaluator or arbiter): the contract never pays its entry. */
        JUDGE_CANNOT_ENTER(403),
        /** The contributor used up today's live-board scorings on this bounty (a term of its spec). */
        LIVE_SCORING_LIMIT(429),
        /** The action is not possible in the bounty's current state (the contract would revert). */
        NOT_NOW(409);

        public final int status;

        Code(int status) {
            this.status = status;
        }
    }

    public final Code code;

    /** For a form: each wrong field's message, keyed by the request's field name, in the form's order; else empty. */
    public final Map<String, String> fields;

    public BountyException(Code code, String message) {
        this(code, message, Map.of());
    }

    public BountyException(Code code, String message, Map<String, String> fields) {
        super(message);
        this.code = code;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
