-- The public leaderboard in either direction of the bounty's metric, tie-breaks included, so that a bounty's board
-- (or one page of it) is read in order from an index instead of sorting all its scored submissions. They replace
-- submission_public_board, which ordered by score only.
CREATE INDEX submission_public_board_desc ON submission (bounty_id, public_score DESC, chain_index, id)
    WHERE public_score IS NOT NULL AND chain_index IS NOT NULL;
CREATE INDEX submission_public_board_asc ON submission (bounty_id, public_score, chain_index, id)
    WHERE public_score IS NOT NULL AND chain_index IS NOT NULL;
DROP INDEX submission_public_board;
