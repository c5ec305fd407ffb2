-- +goose Up
-- Learning from complaints: the handler's neutral summary, pupil numbers
-- for rates, retention of personal data, principals' meetings and the
-- officer's analysis in board reports.

ALTER TABLE complaints ADD COLUMN summary TEXT NOT NULL DEFAULT '';
-- Set when retention removed the case's personal data.
ALTER TABLE complaints ADD COLUMN anonymized_at TIMESTAMP;
CREATE INDEX complaints_closed ON complaints(closed_at);

-- Number of pupils (or children) at the unit, for rates per 100 pupils.
ALTER TABLE units ADD COLUMN pupils INTEGER CHECK (pupils IS NULL OR pupils >= 0);

-- Months after closing that personal data in a case is kept; NULL keeps it.
ALTER TABLE complaint_settings ADD COLUMN retention_months INTEGER CHECK (retention_months IS NULL OR retention_months BETWEEN 1 AND 600);

CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    period_from  TEXT NOT NULL, -- civil dates YYYY-MM-DD
    period_to    TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CHECK (period_from <= period_to)
);

CREATE TABLE meeting_units (
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    presented_at  TIMESTAMP,
    presented_by  INTEGER REFERENCES users(id),
    notes         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, unit_id)
);

CREATE TABLE meeting_followups (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    unit_id     INTEGER REFERENCES units(id),
    text        TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    due         TEXT NOT NULL DEFAULT '',
    done_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX meeting_followups_meeting ON meeting_followups(meeting_id);

-- The officer's analysis for a board report over a period.
CREATE TABLE board_reports (
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    analysis     TEXT NOT NULL DEFAULT '',
    updated_by   INTEGER REFERENCES users(id),
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (period_from, period_to)
);

-- +goose Down
DROP TABLE board_reports;
DROP TABLE meeting_followups;
DROP TABLE meeting_units;
DROP TABLE meetings;
ALTER TABLE complaint_settings DROP COLUMN retention_months;
ALTER TABLE units DROP COLUMN pupils;
DROP INDEX complaints_closed;
ALTER TABLE complaints DROP COLUMN anonymized_at;
ALTER TABLE complaints DROP COLUMN summary;
