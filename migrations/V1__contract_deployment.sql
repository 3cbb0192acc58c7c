-- Where each contract lives on each chain, so that a restart reuses it instead of deploying again.
CREATE SEQUENCE contract_deployment_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE contract_deployment (
    id           BIGINT PRIMARY KEY,
    chain_id     BIGINT      NOT NULL,
    name         TEXT        NOT NULL,
    address      TEXT        NOT NULL CHECK (address ~ '^0x[0-9a-f]{40}$'),
    tx_hash      TEXT,
    block_number BIGINT      NOT NULL DEFAULT 0,
    recorded_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT contract_deployment_chain_name UNIQUE (chain_id, name)
);
