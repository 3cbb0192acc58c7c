-- Every transaction the keeper sends: signed and recorded here before it is broadcast, so that after a crash it
-- is re-broadcast (same hash, same nonce) or found mined, never signed twice for the same step.
CREATE SEQUENCE keeper_transaction_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE keeper_transaction (
    id           BIGINT PRIMARY KEY,
    chain_id     BIGINT      NOT NULL,
    bounty_id    BIGINT      NOT NULL REFERENCES bounty (id),
    action       TEXT        NOT NULL,
    sender       TEXT        NOT NULL,
    nonce        BIGINT      NOT NULL,
    tx_hash      TEXT        NOT NULL UNIQUE,
    raw          TEXT        NOT NULL,
    status       TEXT        NOT NULL,
    error        TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ,
    settled_at   TIMESTAMPTZ
);
-- A nonce can be mined once: only dropped transactions may share one.
CREATE UNIQUE INDEX keeper_transaction_nonce_once ON keeper_transaction (chain_id, sender, nonce)
    WHERE status <> 'DROPPED';
CREATE INDEX keeper_transaction_pending ON keeper_transaction (status) WHERE status IN ('PREPARED', 'SENT');
CREATE INDEX keeper_transaction_bounty ON keeper_transaction (bounty_id);
