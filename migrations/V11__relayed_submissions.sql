-- Relayed submissions (docs/protocol.md, "Relayed submissions"): a contributor signs an EIP-712 submission of an
-- uploaded model instead of sending `submit`; the keeper, the market's relayer, posts the signed submissions of a
-- bounty in batches, one Merkle root each. A batch row holds its leaves from the moment it is built, so a retried
-- `postBatch` carries the same root; the BatchPosted event gives it its first submission index and time.
CREATE SEQUENCE relay_batch_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE relay_batch (
    id                     BIGINT PRIMARY KEY,
    bounty_id              BIGINT      NOT NULL REFERENCES bounty (id),
    root                   TEXT        NOT NULL,
    leaf_count             INT         NOT NULL CHECK (leaf_count BETWEEN 1 AND 4096),
    -- the postBatch transaction; null until the keeper recorded one (a crash in between retries the same batch)
    keeper_transaction_id  BIGINT REFERENCES keeper_transaction (id),
    -- from the BatchPosted event
    first_index            INT,
    posted_at              TIMESTAMPTZ,
    posted_tx              TEXT,
    created_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX relay_batch_bounty ON relay_batch (bounty_id);

ALTER TABLE submission
    ADD COLUMN relay_sequence  INT,
    ADD COLUMN relay_deadline  TIMESTAMPTZ,
    ADD COLUMN relay_signature TEXT,
    ADD COLUMN relay_signed_at TIMESTAMPTZ,
    ADD COLUMN relay_batch_id  BIGINT REFERENCES relay_batch (id),
    ADD COLUMN relay_leaf      INT;
-- One signed submission per (bounty, contributor, sequence number): the contract lists a number once.
CREATE UNIQUE INDEX submission_relay_sequence_once ON submission (bounty_id, contributor, relay_sequence)
    WHERE relay_sequence IS NOT NULL;
-- The relayer's queue: signed, not yet in a batch.
CREATE INDEX submission_relay_waiting ON submission (bounty_id) WHERE relay_signature IS NOT NULL AND relay_batch_id IS NULL;
