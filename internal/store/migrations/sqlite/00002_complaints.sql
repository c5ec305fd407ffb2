-- +goose Up
-- Complaints and feedback: the registration series, the cases, their
-- events (status changes, assignments, notes, messages) and attachments.

-- Organizer-wide norms for handling complaints.
CREATE TABLE complaint_settings (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    ack_days             INTEGER NOT NULL DEFAULT 2 CHECK (ack_days BETWEEN 0 AND 60),
    answer_days          INTEGER NOT NULL DEFAULT 10 CHECK (answer_days BETWEEN 1 AND 120),
    remind_days          INTEGER NOT NULL DEFAULT 1 CHECK (remind_days BETWEEN 0 AND 30),
    complaint_officer_id INTEGER REFERENCES users(id) ON DELETE SET NULL
);
INSERT INTO complaint_settings (id) VALUES (1);

-- One row per registration prefix and year; incremented in the same
-- transaction as the case it numbers, so numbers have no gaps.
CREATE TABLE registration_series (
    prefix       TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_number  INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE complaints (
    id                  INTEGER PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,
    submitted_at        TIMESTAMP NOT NULL,
    channel             TEXT NOT NULL CHECK (channel IN ('web', 'api', 'staff')),
    language            TEXT NOT NULL,
    filer_role          TEXT NOT NULL CHECK (filer_role IN ('guardian', 'pupil', 'staff', 'other')),
    unit_id             INTEGER REFERENCES units(id),
    unit_scope          TEXT NOT NULL CHECK (unit_scope IN ('unit', 'unknown', 'organization')),
    kind                TEXT NOT NULL CHECK (kind IN ('complaint', 'comment', 'praise', 'suggestion', 'fault')),
    category_code       TEXT NOT NULL REFERENCES complaint_categories(code),
    concerns_principal  INTEGER NOT NULL DEFAULT 0,
    what_happened       TEXT NOT NULL,
    desired_outcome     TEXT NOT NULL DEFAULT '',
    filer_name          TEXT NOT NULL DEFAULT '',
    filer_email         TEXT NOT NULL DEFAULT '',
    filer_phone         TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('registered', 'acknowledged', 'investigating', 'answered', 'closed')),
    outcome             TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'measures_taken', 'no_measures', 'forwarded')),
    handler_id          INTEGER REFERENCES users(id),
    ack_due             TEXT NOT NULL, -- civil dates YYYY-MM-DD (Europe/Stockholm)
    answer_due          TEXT NOT NULL,
    acknowledged_at     TIMESTAMP,
    answered_at         TIMESTAMP,
    closed_at           TIMESTAMP,
    reminded_at         TIMESTAMP,
    escalated_at        TIMESTAMP,
    secret              INTEGER NOT NULL DEFAULT 0,
    offensive_treatment INTEGER NOT NULL DEFAULT 0,
    reported_at         TIMESTAMP,
    submission_key      TEXT UNIQUE,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX complaints_handler ON complaints(handler_id, status, answer_due);
CREATE INDEX complaints_unit ON complaints(unit_id, status, answer_due);
CREATE INDEX complaints_category ON complaints(category_code, status, answer_due);
CREATE INDEX complaints_status_due ON complaints(status, answer_due);
CREATE INDEX complaints_submitted ON complaints(submitted_at);
-- The work list sorts overdue first, then by answer date; this covers it.
CREATE INDEX complaints_worklist ON complaints(status, kind, ack_due, answer_due, id);

-- Private follow-up links for the filer: only digests are stored. A case
-- may have several (a repeated submit gets its own); revoking ends them all.
CREATE TABLE complaint_links (
    token_hash    TEXT PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX complaint_links_case ON complaint_links(complaint_id);

-- Everything that happens to a case, in order. visibility 'filer' is shown
-- on the follow-up page; 'internal' only to staff.
CREATE TABLE complaint_events (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    at            TIMESTAMP NOT NULL,
    actor_id      INTEGER REFERENCES users(id),
    actor         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    visibility    TEXT NOT NULL CHECK (visibility IN ('internal', 'filer')),
    body          TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_case ON complaint_events(complaint_id, id);

CREATE TABLE complaint_attachments (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    event_id      INTEGER REFERENCES complaint_events(id),
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX complaint_attachments_case ON complaint_attachments(complaint_id);

-- +goose Down
DROP TABLE complaint_attachments;
DROP TABLE complaint_events;
DROP TABLE complaint_links;
DROP TABLE complaints;
DROP TABLE registration_series;
DROP TABLE complaint_settings;
