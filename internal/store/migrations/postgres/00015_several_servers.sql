-- +goose Up
-- Issue 13: several serving processes on one database.
-- A lease per background job (the case sweep, the digest, the auth sweep,
-- the placement-run watchdog): one process at a time holds it until
-- until_at and runs that job's round; a killed holder's lease runs out.
CREATE TABLE job_leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    until_at TIMESTAMPTZ NOT NULL
);
-- Rate limits shared by the processes: hits per key (an address key, an
-- API client) and fixed one-minute window; the limit weighs the previous
-- window's count by how much of it the sliding minute still covers.
CREATE TABLE rate_windows (
    key      TEXT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    hits     INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_windows_start ON rate_windows (window_start);
-- A placement run is leased by the process that executes it, which renews
-- lease_until while it works; a run whose lease ran out was left by a
-- process that died and is failed by the others (never run twice).
ALTER TABLE placement_runs ADD COLUMN lease_until TIMESTAMPTZ;
-- At most one run of a round is running, whichever process starts it.
UPDATE placement_runs SET status = 'failed', error = 'interrupted: the server stopped during the run'
    WHERE status = 'running' AND id NOT IN (SELECT MAX(id) FROM placement_runs WHERE status = 'running' GROUP BY round_id);
CREATE UNIQUE INDEX placement_runs_one_running ON placement_runs (round_id) WHERE status = 'running';

-- +goose Down
DROP INDEX placement_runs_one_running;
ALTER TABLE placement_runs DROP COLUMN lease_until;
DROP TABLE rate_windows;
DROP TABLE job_leases;
