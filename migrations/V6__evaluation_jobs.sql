-- Evaluations to run, leased by workers (in the server, or evaluator processes on other machines) with
-- FOR UPDATE SKIP LOCKED. A lease that expires (a worker died) makes the job available again; only the holder
-- of the current lease can record a result, so a submission gets exactly one score per kind.
CREATE SEQUENCE evaluation_job_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE evaluation_job (
    id               BIGINT PRIMARY KEY,
    submission_id    BIGINT      NOT NULL REFERENCES submission (id),
    kind             TEXT        NOT NULL CHECK (kind IN ('PUBLIC', 'PRIVATE')),
    status           TEXT        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    run_after        TIMESTAMPTZ NOT NULL,
    lease_owner      TEXT,
    lease_expires_at TIMESTAMPTZ,
    score            BIGINT,
    report_json      TEXT,
    report_hash      TEXT,
    device           TEXT,
    error_code       TEXT,
    error_message    TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    CONSTRAINT evaluation_job_once UNIQUE (submission_id, kind)
);
CREATE INDEX evaluation_job_ready ON evaluation_job (run_after) WHERE status = 'QUEUED';
CREATE INDEX evaluation_job_leased ON evaluation_job (lease_expires_at) WHERE status = 'RUNNING';

-- The results document the keeper proposes: its keccak256 is the reportHash posted on-chain. Written once, before
-- the transaction is signed, so that a retry proposes the same bytes.
ALTER TABLE bounty ADD COLUMN results_json TEXT;

-- Why an uploaded model failed its check on the public sample, as the evaluator's error code (the message is in
-- validation_error).
ALTER TABLE submission ADD COLUMN validation_error_code TEXT;
