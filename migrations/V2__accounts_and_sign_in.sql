-- Accounts are Ethereum addresses (lower-case hex); they sign in with EIP-4361 messages.
CREATE TABLE account (
    address    TEXT PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
    created_at TIMESTAMPTZ NOT NULL
);

-- A sign-in nonce is issued once and consumed once (used_at), within its validity.
CREATE TABLE sign_in_nonce (
    nonce      TEXT PRIMARY KEY,
    issued_at  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX sign_in_nonce_expires ON sign_in_nonce (expires_at);

-- Browser sessions: the cookie holds a random token, the table only its SHA-256.
CREATE SEQUENCE session_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE session (
    id          BIGINT PRIMARY KEY,
    token_hash  TEXT        NOT NULL UNIQUE,
    address     TEXT        NOT NULL REFERENCES account (address),
    csrf_token  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);

-- API tokens for scripts and the command line: shown once at creation, stored as SHA-256.
CREATE SEQUENCE api_token_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE api_token (
    id           BIGINT PRIMARY KEY,
    token_hash   TEXT        NOT NULL UNIQUE,
    address      TEXT        NOT NULL REFERENCES account (address),
    name         TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_token_address ON api_token (address);
