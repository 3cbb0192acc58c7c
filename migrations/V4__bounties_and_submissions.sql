-- Bounties: what the sponsor drafted off-chain (spec, test sets, title) plus what the chain says (state, terms),
-- the latter derived only from indexed events, so it can be derived again after a reorg.
CREATE SEQUENCE bounty_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE bounty (
    id                       BIGINT PRIMARY KEY,
    chain_id                 BIGINT      NOT NULL,
    contract                 TEXT        NOT NULL,
    sponsor                  TEXT        NOT NULL,
    title                    TEXT        NOT NULL,
    description              TEXT        NOT NULL,
    spec_json                TEXT,
    spec_hash                TEXT        NOT NULL,
    task                     TEXT,
    metric                   TEXT,
    test_set_commitment      TEXT        NOT NULL,
    -- hidden test set: encrypted at rest; the salt opens the on-chain commitment
    test_set_key             TEXT,
    test_set_sha256          TEXT,
    test_set_size            BIGINT,
    test_set_salt            TEXT,
    public_sample_key        TEXT,
    public_sample_sha256     TEXT,
    public_sample_size       BIGINT,
    -- from the chain
    onchain_id               NUMERIC(78, 0),
    status                   TEXT        NOT NULL,
    token                    TEXT,
    reward                   NUMERIC(78, 0),
    higher_is_better         BOOLEAN,
    threshold                BIGINT,
    reveal_policy            TEXT,
    shares                   INTEGER[],
    submission_deadline      TIMESTAMPTZ,
    evaluation_deadline      TIMESTAMPTZ,
    challenge_window_seconds BIGINT,
    evaluator                TEXT,
    arbiter                  TEXT,
    max_submissions          INTEGER,
    challenge_bond           NUMERIC(78, 0),
    submission_count         INTEGER     NOT NULL DEFAULT 0,
    report_hash              TEXT,
    challenge_deadline       TIMESTAMPTZ,
    challenger               TEXT,
    test_set_revealed        BOOLEAN     NOT NULL DEFAULT FALSE,
    results_overturned       BOOLEAN     NOT NULL DEFAULT FALSE,
    created_tx               TEXT,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    CONSTRAINT bounty_onchain_once UNIQUE (contract, onchain_id)
);
CREATE INDEX bounty_status ON bounty (status, submission_deadline);
CREATE INDEX bounty_sponsor ON bounty (sponsor);
CREATE INDEX bounty_commitment ON bounty (contract, test_set_commitment);

-- Submissions: the uploaded model (off-chain) and its commitment (on-chain, from the Submitted event).
CREATE SEQUENCE submission_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE submission (
    id             BIGINT PRIMARY KEY,
    bounty_id      BIGINT      NOT NULL REFERENCES bounty (id),
    contributor    TEXT        NOT NULL,
    model_key      TEXT,
    model_sha256   TEXT,
    model_size     BIGINT,
    commitment     TEXT        NOT NULL,
    -- from the chain
    chain_index    INTEGER,
    committed_tx   TEXT,
    committed_at   TIMESTAMPTZ,
    rank           INTEGER,
    private_score  BIGINT,
    qualified      BOOLEAN,
    paid           BOOLEAN,
    -- from evaluations
    public_score   BIGINT,
    public_report  TEXT,
    validation_error TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    -- not unique: nothing stops a contributor from committing the same model twice
    CONSTRAINT submission_has_commitment CHECK (commitment ~ '^0x[0-9a-f]{64}$')
);
CREATE INDEX submission_bounty_index ON submission (bounty_id, chain_index);
CREATE INDEX submission_contributor ON submission (contributor);
CREATE INDEX submission_commitment ON submission (bounty_id, commitment);
CREATE INDEX submission_public_board ON submission (bounty_id, public_score) WHERE public_score IS NOT NULL;
CREATE INDEX submission_private_board ON submission (bounty_id, rank) WHERE rank IS NOT NULL;

-- Money out of the escrow, one row per Payout event.
CREATE SEQUENCE payout_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE payout (
    id         BIGINT PRIMARY KEY,
    bounty_id  BIGINT         NOT NULL REFERENCES bounty (id),
    recipient  TEXT           NOT NULL,
    token      TEXT           NOT NULL,
    kind       TEXT           NOT NULL,
    amount     NUMERIC(78, 0) NOT NULL,
    credited   BOOLEAN        NOT NULL,
    tx_hash    TEXT           NOT NULL,
    log_index  INTEGER        NOT NULL,
    CONSTRAINT payout_once UNIQUE (tx_hash, log_index)
);
CREATE INDEX payout_recipient ON payout (recipient);
