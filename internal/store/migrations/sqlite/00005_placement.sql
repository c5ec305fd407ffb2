-- +goose Up
-- School placement in the web application (issue 7): walking networks,
-- placement rounds, their runs with persisted progress, results per
-- applicant, and the guardians' private links.

-- An OpenStreetMap file (.osm.pbf, .osm, .osm.gz) kept in the database, so
-- an upload is all or nothing and backups hold it.
CREATE TABLE placement_networks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('pbf', 'osm', 'osm.gz')),
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    data        BLOB NOT NULL,
    -- generated: a made-up example network (the demo), not map data; its
    -- explanations say so and carry no OpenStreetMap attribution.
    generated   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL
);

-- A round: one admission (e.g. förskoleklass HT 2027) with its inputs.
-- result_run_id is the run whose result stands; published_at freezes it.
CREATE TABLE placement_rounds (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    years           TEXT NOT NULL,
    rules_toml      TEXT NOT NULL,
    network_id      INTEGER NOT NULL REFERENCES placement_networks(id),
    schools_source  TEXT NOT NULL CHECK (schools_source IN ('units', 'file')),
    schools_csv     TEXT NOT NULL,
    applicants_csv  TEXT NOT NULL,
    result_run_id   INTEGER,
    published_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- A run of a round: the main run or a what-if with changed capacities,
-- compared with base_run_id (the result when it started).
-- Progress (stage, done, total) is written while it runs; instance names
-- the server process, so a run left 'running' by a crash is found.
CREATE TABLE placement_runs (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES placement_rounds(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('main', 'whatif')),
    capacities    TEXT NOT NULL DEFAULT '',
    base_run_id   INTEGER,
    status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'discarded')),
    stage         TEXT NOT NULL DEFAULT '',
    done          INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    instance      TEXT NOT NULL DEFAULT '',
    summary_json  TEXT NOT NULL DEFAULT '',
    cutoffs_json  TEXT NOT NULL DEFAULT '',
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);
CREATE INDEX placement_runs_round ON placement_runs(round_id);

-- One decision per applicant and run, with its explanation (JSON).
CREATE TABLE placement_results (
    run_id       INTEGER NOT NULL REFERENCES placement_runs(id) ON DELETE CASCADE,
    applicant_id TEXT NOT NULL,
    year         INTEGER NOT NULL,
    school_id    TEXT NOT NULL,
    choice_rank  INTEGER NOT NULL,
    meters       REAL NOT NULL,
    fallback     INTEGER NOT NULL,
    explanation  TEXT NOT NULL,
    PRIMARY KEY (run_id, applicant_id)
);

-- Guardians' private links: SHA-256 digests of 192-bit random tokens.
CREATE TABLE placement_links (
    token_hash    TEXT PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES placement_rounds(id) ON DELETE CASCADE,
    applicant_id  TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX placement_links_round ON placement_links(round_id, applicant_id);

-- +goose Down
DROP TABLE placement_links;
DROP TABLE placement_results;
DROP TABLE placement_runs;
DROP TABLE placement_rounds;
DROP TABLE placement_networks;
