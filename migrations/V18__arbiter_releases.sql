-- What the marketplace handed a bounty's arbiter during a dispute that nobody else may read (a confidential bounty's
-- test set and its salt, the models not yet published): one row per download, shown on the bounty's timeline so the
-- sponsor and the contributors see who got their files and when.
CREATE SEQUENCE arbiter_release_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE arbiter_release (
    id            BIGINT PRIMARY KEY,
    bounty_id     BIGINT      NOT NULL REFERENCES bounty (id) ON DELETE CASCADE,
    recipient     TEXT        NOT NULL,
    what          TEXT        NOT NULL,
    submission_id BIGINT      REFERENCES submission (id) ON DELETE CASCADE,
    released_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX arbiter_release_bounty ON arbiter_release (bounty_id, released_at);

-- The corrected results document the arbiter's overturnResults transaction was prepared with: it becomes the bounty's
-- results document once the indexer sees a ResultsOverturned whose reportHash is its keccak256.
ALTER TABLE bounty ADD COLUMN overturn_results_json TEXT;
