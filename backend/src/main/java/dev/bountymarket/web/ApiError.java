package dev.bountymarket.web;

/** The body of every API error: a stable code for programs and a message that says what to do. */
public record ApiError(String code, String message) {
}
