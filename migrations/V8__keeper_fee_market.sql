-- The keeper signs EIP-1559 transactions and replaces one the chain does not mine in time: a step (one row of
-- keeper_transaction, one nonce) gets one or more signed versions, each recorded here before it is broadcast. Any of
-- them may be the one mined, so every version's hash is checked until the nonce is used.
CREATE SEQUENCE keeper_transaction_version_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE keeper_transaction_version (
    id                       BIGINT PRIMARY KEY,
    transaction_id           BIGINT      NOT NULL REFERENCES keeper_transaction (id),
    version                  INT         NOT NULL,
    tx_hash                  TEXT        NOT NULL UNIQUE,
    raw                      TEXT        NOT NULL,
    -- NULL for a legacy (type 0) transaction signed before this migration.
    max_fee_per_gas          NUMERIC(78),
    max_priority_fee_per_gas NUMERIC(78),
    created_at               TIMESTAMPTZ NOT NULL,
    -- The chain's head when it was first broadcast (tried): replacement counts blocks from here.
    sent_block               BIGINT,
    -- When a node first accepted it: only then can it be mined, so a later fee must outbid it.
    sent_at                  TIMESTAMPTZ,
    error                    TEXT,
    UNIQUE (transaction_id, version)
);
INSERT INTO keeper_transaction_version (id, transaction_id, version, tx_hash, raw, created_at, sent_at, error)
SELECT nextval('keeper_transaction_version_seq'), id, 1, tx_hash, raw, created_at, sent_at, error FROM keeper_transaction;

-- What a replacement re-signs (same nonce, to, data and gas, higher fees); NULL on rows from before.
ALTER TABLE keeper_transaction ADD COLUMN to_address TEXT;
ALTER TABLE keeper_transaction ADD COLUMN data TEXT;
ALTER TABLE keeper_transaction ADD COLUMN gas_limit NUMERIC(78);
-- A nonce filler (a 0-value transfer to itself) belongs to no bounty.
ALTER TABLE keeper_transaction ALTER COLUMN bounty_id DROP NOT NULL;

-- A nonce can be mined once: a step refused for good (REFUSED) waits for its nonce to be filled by another row, so
-- only transactions that may still be broadcast or were mined are unique per nonce.
DROP INDEX keeper_transaction_nonce_once;
CREATE UNIQUE INDEX keeper_transaction_nonce_once ON keeper_transaction (chain_id, sender, nonce)
    WHERE status NOT IN ('DROPPED', 'REFUSED');
DROP INDEX keeper_transaction_pending;
CREATE INDEX keeper_transaction_pending ON keeper_transaction (status) WHERE status IN ('PREPARED', 'SENT', 'REFUSED');
