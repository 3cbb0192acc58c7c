-- The live leaderboard scores a hidden part of the sponsor's test set (LIVE jobs), no longer the public sample, whose
-- labels are published: a PUBLIC job is now only the uploader's check. The private ranking (PRIVATE jobs) scores the
-- rest of the test set, disjoint from the live part (docs/protocol.md, "The live split").
ALTER TABLE evaluation_job DROP CONSTRAINT evaluation_job_kind_check;
ALTER TABLE evaluation_job ADD CONSTRAINT evaluation_job_kind_check CHECK (kind IN ('PUBLIC', 'LIVE', 'PRIVATE'));
-- The UTC day whose live-board scorings a LIVE job counts against (the bounty's scoringsPerDay per contributor); a
-- scoring over the day's limit is queued for the first day with room, and runs from that day's start.
ALTER TABLE evaluation_job ADD COLUMN quota_day DATE;
ALTER TABLE evaluation_job ADD CONSTRAINT evaluation_job_quota_day CHECK ((kind = 'LIVE') = (quota_day IS NOT NULL));
CREATE INDEX evaluation_job_live_quota ON evaluation_job (quota_day, submission_id) WHERE kind = 'LIVE';

-- The live score (fixed point 1e6) on the test set's live part; the board is ordered by it.
ALTER TABLE submission ADD COLUMN live_score BIGINT;
CREATE INDEX submission_live_board_desc ON submission (bounty_id, live_score DESC, chain_index, id)
    WHERE live_score IS NOT NULL AND chain_index IS NOT NULL;
CREATE INDEX submission_live_board_asc ON submission (bounty_id, live_score, chain_index, id)
    WHERE live_score IS NOT NULL AND chain_index IS NOT NULL;
DROP INDEX submission_public_board_desc;
DROP INDEX submission_public_board_asc;
-- Committed models ranked on the public sample before this change are scored again, on the live part.
INSERT INTO evaluation_job (id, submission_id, kind, status, attempts, run_after, created_at, quota_day)
SELECT nextval('evaluation_job_seq'), s.id, 'LIVE', 'QUEUED', 0, now(), now(), (now() AT TIME ZONE 'UTC')::date
  FROM submission s JOIN bounty b ON b.id = s.bounty_id
 WHERE s.chain_index IS NOT NULL AND s.model_key IS NOT NULL AND b.test_set_key IS NOT NULL AND b.spec_json IS NOT NULL
   AND b.results_json IS NULL;
