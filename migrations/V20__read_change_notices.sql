-- Every web server keeps the bounty list and the leaderboards it served in memory (dev.bountymarket.bounty.ReadChanges)
-- and drops what a change makes stale. The database itself tells of each change, whoever made it (the indexer, an
-- evaluation worker, another server, an operator's SQL): at commit, every server listening on the channel
-- bountymarket_reads hears 'bounty:<id>' (the bounty's row changed: the list and its boards), 'board:<id>' (a
-- submission of that bounty changed in a way a board shows) or 'events' (the chain's event log changed: the challenges
-- the list shows). PostgreSQL sends a payload once per transaction however many rows repeat it.
CREATE FUNCTION notify_bounty_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bountymarket_reads', 'bounty:' || (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
    RETURN NULL;
END $$;

CREATE FUNCTION notify_board_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('bountymarket_reads', 'board:' || OLD.bounty_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('bountymarket_reads', 'board:' || NEW.bounty_id);
    END IF;
    RETURN NULL;
END $$;

-- Inserts and deletes come in runs (the indexer writes a thousand submissions in one step): once per statement and
-- bounty, not per row.
CREATE FUNCTION notify_boards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bountymarket_reads', 'board:' || bounty_id) FROM (SELECT DISTINCT bounty_id FROM changed) b;
    RETURN NULL;
END $$;

CREATE FUNCTION notify_events_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bountymarket_reads', 'events');
    RETURN NULL;
END $$;

CREATE TRIGGER bounty_read_change AFTER INSERT OR UPDATE OR DELETE ON bounty
    FOR EACH ROW EXECUTE FUNCTION notify_bounty_change();

-- Only what a board shows or ranks by: a model's check or its report changes no board.
CREATE TRIGGER submission_read_change_insert AFTER INSERT ON submission
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_boards_changed();
CREATE TRIGGER submission_read_change_delete AFTER DELETE ON submission
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_boards_changed();
CREATE TRIGGER submission_read_change_update AFTER UPDATE ON submission
    FOR EACH ROW WHEN (OLD.bounty_id IS DISTINCT FROM NEW.bounty_id
                       OR OLD.contributor IS DISTINCT FROM NEW.contributor
                       OR OLD.model_sha256 IS DISTINCT FROM NEW.model_sha256
                       OR OLD.chain_index IS DISTINCT FROM NEW.chain_index
                       OR OLD.committed_at IS DISTINCT FROM NEW.committed_at
                       OR OLD.live_score IS DISTINCT FROM NEW.live_score
                       OR OLD.rank IS DISTINCT FROM NEW.rank
                       OR OLD.private_score IS DISTINCT FROM NEW.private_score
                       OR OLD.qualified IS DISTINCT FROM NEW.qualified
                       OR OLD.paid IS DISTINCT FROM NEW.paid)
    EXECUTE FUNCTION notify_board_change();

CREATE TRIGGER chain_event_read_change AFTER INSERT OR UPDATE OR DELETE ON chain_event
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_change();
