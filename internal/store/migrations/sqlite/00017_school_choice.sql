-- +goose Up
-- Issue 15: school choice as a process. A round now runs from the
-- population-register extract to the last appeal: the children of the year
-- group and their guardians (register import), the guardians' applications,
-- the decisions sent and answered (accept/decline), the passes of the
-- round (the first run, then moves from the waiting lists) and appeals.
-- The round's applicants_csv stays the engine's input; with a register it
-- is built from placement_children and placement_applications.

-- The round's process settings: the application window (civil dates,
-- YYYY-MM-DD, Europe/Stockholm), how many choices a guardian may rank, how
-- many days a guardian has to accept a place, and the placement office's
-- named contact that every decision shows.
ALTER TABLE placement_rounds ADD COLUMN apply_opens TEXT NOT NULL DEFAULT '';
ALTER TABLE placement_rounds ADD COLUMN apply_closes TEXT NOT NULL DEFAULT '';
ALTER TABLE placement_rounds ADD COLUMN choices_allowed INTEGER NOT NULL DEFAULT 3;
ALTER TABLE placement_rounds ADD COLUMN accept_days INTEGER NOT NULL DEFAULT 14;
ALTER TABLE placement_rounds ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE placement_rounds ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE placement_rounds ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

-- A child of the round's year group, from the register extract. child_key
-- is the applicant ID the engine and placement_results use. lat/lon are
-- WGS84 (converted from SWEREF 99 TM, or geocoded from the network's OSM
-- addr:* tags); NULL while the home is not located, with locate_problem
-- saying why (no match, several matches) for an officer to fix.
-- access_m: the straight-line distance from the home to the nearest
-- walkable way when it is far from any (a long private drive), counted in
-- the child's distances and flagged for an officer.
CREATE TABLE placement_children (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES placement_rounds(id) ON DELETE CASCADE,
    child_key       TEXT NOT NULL,
    name            TEXT NOT NULL,
    birth_date      TEXT NOT NULL DEFAULT '',
    year            INTEGER NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    postal_code     TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    current_school  TEXT NOT NULL DEFAULT '',
    lat             REAL,
    lon             REAL,
    located_by      TEXT NOT NULL DEFAULT '' CHECK (located_by IN ('', 'wgs84', 'sweref99tm', 'geocoded', 'officer')),
    locate_problem  TEXT NOT NULL DEFAULT '',
    access_m        REAL,
    flags           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (round_id, child_key)
);

-- A child's guardians from the register. custody: shares custody, so must
-- agree to the application. pin_mac: HMAC-SHA-256 of the guardian's
-- personal identity number under STYRKEDJAN_GUARDIAN_KEY, as in
-- guardians.pin_mac, so a guardian signed in with e-identification finds
-- their children; never the number itself. language: the language the
-- guardian reads (sv, en, ar, so, fa, sv-x-easy), from the register or
-- chosen by the guardian.
CREATE TABLE placement_guardians (
    id          INTEGER PRIMARY KEY,
    child_id    INTEGER NOT NULL REFERENCES placement_children(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT 'sv',
    custody     BOOLEAN NOT NULL DEFAULT TRUE,
    pin_mac     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX placement_guardians_child ON placement_guardians (child_id);
CREATE INDEX placement_guardians_pin ON placement_guardians (pin_mac);

-- One-time sign-in codes mailed to a guardian's address on file (where the
-- organizer has no e-identification): SHA-256 digest only, short-lived,
-- used once, with a count of wrong tries.
CREATE TABLE placement_codes (
    code_hash    TEXT PRIMARY KEY,
    guardian_id  INTEGER NOT NULL REFERENCES placement_guardians(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    used_at      TIMESTAMP,
    tries        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX placement_codes_guardian ON placement_codes (guardian_id);

-- A child's application: the ranked school IDs (comma-separated, as in
-- applicants.csv), who submitted it and, with joint custody, the other
-- guardian's answer. status: 'waiting' (the other guardian has not
-- answered), 'agreed' (complete: both agreed, or one guardian has sole
-- custody), 'disputed' (the other guardian disagreed; an officer decides).
CREATE TABLE placement_applications (
    id              INTEGER PRIMARY KEY,
    child_id        INTEGER NOT NULL UNIQUE REFERENCES placement_children(id) ON DELETE CASCADE,
    choices         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'agreed', 'disputed')),
    submitted_by    INTEGER REFERENCES placement_guardians(id) ON DELETE SET NULL,
    submitted_at    TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    answered_by     INTEGER REFERENCES placement_guardians(id) ON DELETE SET NULL,
    answered_at     TIMESTAMP
);

-- A pass of a round: pass 1 is the main run's result; each later pass moves
-- pupils up from the waiting lists without taking a place from anyone who
-- holds one. runs.pass says which pass a run belongs to.
ALTER TABLE placement_runs ADD COLUMN pass INTEGER NOT NULL DEFAULT 1;

-- A decision sent to a child's guardians: the run and pass it comes from,
-- the school, how it was sent (e-mail to at least one guardian, or a
-- printed letter for those without e-mail), by when the place must be
-- accepted (civil date), and the answer. superseded_at: a later pass gave
-- the child a new decision.
CREATE TABLE placement_decisions (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES placement_rounds(id) ON DELETE CASCADE,
    run_id         INTEGER NOT NULL REFERENCES placement_runs(id) ON DELETE CASCADE,
    pass           INTEGER NOT NULL DEFAULT 1,
    applicant_id   TEXT NOT NULL,
    school_id      TEXT NOT NULL,
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'letter')),
    language       TEXT NOT NULL DEFAULT 'sv',
    sent_at        TIMESTAMP NOT NULL,
    respond_by     TEXT NOT NULL DEFAULT '',
    answer         TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'accepted', 'declined')),
    answered_at    TIMESTAMP,
    answered_by    INTEGER REFERENCES placement_guardians(id) ON DELETE SET NULL,
    superseded_at  TIMESTAMP
);
CREATE INDEX placement_decisions_round ON placement_decisions (round_id, applicant_id);

-- Appeals per round: received (date), the route (legality review under
-- kommunallagen 13 kap., or Skolväsendets överklagandenämnd), the deadline,
-- when it was forwarded, and the outcome.
CREATE TABLE placement_appeals (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES placement_rounds(id) ON DELETE CASCADE,
    applicant_id   TEXT NOT NULL,
    school_id      TEXT NOT NULL DEFAULT '',
    route          TEXT NOT NULL CHECK (route IN ('legality', 'board')),
    received_on    TEXT NOT NULL,
    deadline       TEXT NOT NULL DEFAULT '',
    forwarded_on   TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'upheld', 'rejected', 'dismissed', 'withdrawn')),
    outcome_on     TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX placement_appeals_round ON placement_appeals (round_id, outcome);

-- +goose Down
DROP TABLE placement_appeals;
DROP TABLE placement_decisions;
ALTER TABLE placement_runs DROP COLUMN pass;
DROP TABLE placement_applications;
DROP TABLE placement_codes;
DROP TABLE placement_guardians;
DROP TABLE placement_children;
ALTER TABLE placement_rounds DROP COLUMN contact_email;
ALTER TABLE placement_rounds DROP COLUMN contact_phone;
ALTER TABLE placement_rounds DROP COLUMN contact_name;
ALTER TABLE placement_rounds DROP COLUMN accept_days;
ALTER TABLE placement_rounds DROP COLUMN choices_allowed;
ALTER TABLE placement_rounds DROP COLUMN apply_closes;
ALTER TABLE placement_rounds DROP COLUMN apply_opens;
