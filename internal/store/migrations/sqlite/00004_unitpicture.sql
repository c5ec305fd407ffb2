-- +goose Up
-- The unit picture (issue 5): indicators, their values per unit, school year
-- and group, import runs and saved column mappings.

-- Indicators: Skolverket's built-in catalogue (synced by unitpicture.SyncCatalogue
-- on every import and on demo load) and the organizer's own.
CREATE TABLE indicators (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    builtin        INTEGER NOT NULL DEFAULT 0,
    name_sv        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    unit           TEXT NOT NULL DEFAULT '',      -- percent, points, ratio, count, index
    direction      INTEGER NOT NULL DEFAULT 0 CHECK (direction IN (-1, 0, 1)),
    kind           TEXT NOT NULL DEFAULT '',      -- share, mean, ratio, count, index
    pupil_sd       REAL,
    background     INTEGER NOT NULL DEFAULT 0,
    school_form    TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    definition_sv  TEXT NOT NULL DEFAULT '',
    definition_en  TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- Units as Skolverket describes them, the organizer's and everybody else's
-- (national data for comparisons and the regression).
CREATE TABLE national_units (
    unit_code          TEXT PRIMARY KEY,
    name               TEXT NOT NULL DEFAULT '',
    municipality       TEXT NOT NULL DEFAULT '',
    municipality_code  TEXT NOT NULL DEFAULT '',
    organizer_type     TEXT NOT NULL DEFAULT '',
    organizer          TEXT NOT NULL DEFAULT '',
    org_number         TEXT NOT NULL DEFAULT '',
    lat                REAL,
    lon                REAL,
    updated_at         TIMESTAMP NOT NULL
);

CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    actor       TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL,               -- skolverket-csv, skolverket-api, own:<mapping>
    file_name   TEXT NOT NULL DEFAULT '',
    report      TEXT NOT NULL DEFAULT '{}'   -- JSON: unitpicture.Report
);

-- One value per indicator, unit, school year and group. unit_code is always
-- set (8 digits, or 'riket' for a national reference value); unit_id only
-- when the unit is the organizer's. A missing value has value NULL and a
-- status saying why; it is never stored as 0.
CREATE TABLE indicator_values (
    id             INTEGER PRIMARY KEY,
    indicator_id   INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    unit_code      TEXT NOT NULL,
    unit_id        INTEGER REFERENCES units(id) ON DELETE SET NULL,
    unit_name      TEXT NOT NULL DEFAULT '',
    school_year    TEXT NOT NULL,              -- 2024/25
    year_start     INTEGER NOT NULL,           -- 2024
    grp            TEXT NOT NULL DEFAULT 'all' CHECK (grp IN ('all', 'girls', 'boys')),
    value          REAL,
    status         TEXT NOT NULL DEFAULT '',
    raw            TEXT NOT NULL DEFAULT '',
    pupils         INTEGER CHECK (pupils IS NULL OR pupils >= 0),
    source         TEXT NOT NULL,
    imported_at    TIMESTAMP NOT NULL,
    import_run_id  INTEGER REFERENCES import_runs(id) ON DELETE SET NULL,
    -- In this order a new school year's values are appended, not scattered.
    UNIQUE (indicator_id, school_year, grp, unit_code)
);
-- Covering for the views and the regression (one indicator and year, all units).
CREATE INDEX indicator_values_indicator_year ON indicator_values(indicator_id, year_start, grp, unit_code, value, pupils);
-- By unit and indicator (unit_code: also for units that are not, or not yet, the organizer's).
CREATE INDEX indicator_values_code ON indicator_values(unit_code, indicator_id, year_start);

-- Saved column mappings for the organizer's own CSV/XLSX files.
CREATE TABLE import_mappings (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    mapping     TEXT NOT NULL,                 -- JSON: unitpicture.Mapping
    updated_by  INTEGER REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE import_mappings;
DROP TABLE indicator_values;
DROP TABLE import_runs;
DROP TABLE national_units;
DROP TABLE indicators;
