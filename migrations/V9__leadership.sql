-- Which server process runs each singleton role (the chain indexer, the keeper). A process leads a role while it
-- holds the role's lease, renewing it on a heartbeat; a lease not renewed by expires_at (timed by the database's
-- clock) may be taken by another process, which raises the term. Every write a role makes checks, in its own
-- transaction, that its holder and term still hold the row (fencing), so a leader that lost its lease during a
-- pause can record nothing more.
CREATE TABLE leader_lease (
    role        TEXT PRIMARY KEY,
    holder      TEXT        NOT NULL,
    term        BIGINT      NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    renewed_at  TIMESTAMPTZ NOT NULL
);
