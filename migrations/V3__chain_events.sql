-- The indexer's copy of the contract's event log. Everything the marketplace shows about on-chain state is
-- derived from these rows; a reorg deletes the rows of orphaned blocks and the state is derived again.
CREATE SEQUENCE chain_event_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE chain_event (
    id           BIGINT PRIMARY KEY,
    chain_id     BIGINT      NOT NULL,
    contract     TEXT        NOT NULL,
    block_number BIGINT      NOT NULL,
    block_hash   TEXT        NOT NULL,
    tx_hash      TEXT        NOT NULL,
    log_index    INTEGER     NOT NULL,
    name         TEXT        NOT NULL,
    bounty_id    NUMERIC(78, 0),
    topics       TEXT[]      NOT NULL,
    data         TEXT        NOT NULL,
    indexed_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT chain_event_once UNIQUE (tx_hash, log_index)
);
CREATE INDEX chain_event_order ON chain_event (contract, block_number, log_index);
CREATE INDEX chain_event_bounty ON chain_event (bounty_id, block_number, log_index);

-- Where the indexer is for each contract: the next block to read.
CREATE TABLE indexer_cursor (
    contract   TEXT PRIMARY KEY,
    chain_id   BIGINT      NOT NULL,
    next_block BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Hashes of the recent blocks the indexer read, to notice when the chain replaced them (a reorg).
CREATE TABLE indexed_block (
    contract     TEXT   NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   TEXT   NOT NULL,
    PRIMARY KEY (contract, block_number)
);
