package dev.bountymarket.web;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every API error: a stable code for programs and a message that says what to do; a form's errors also
 * come one per field ({@code fields}, keyed by the request's field names), all at once.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String code, String message, Map<String, String> fields) {

    public ApiError(String code, String message) {
        this(code, message, null);
    }
}
