-- +goose Up
-- Quality dialogues (issue 6): dialogue types with question templates,
-- dialogues with their units, participants and minutes, actions with
-- linked indicators (baseline and target) and comments, development
-- initiatives across units, Skolinspektionen's findings and good examples.

CREATE TABLE dialogue_types (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,        -- principal, staff, guardian, national, or the organizer's own
    kind        TEXT NOT NULL CHECK (kind IN ('principal', 'staff', 'guardian', 'national')),
    name_sv     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    questions   TEXT NOT NULL DEFAULT '',    -- one question per line
    themes      TEXT NOT NULL DEFAULT '',    -- one theme per line (guardian series)
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE dialogues (
    id                 INTEGER PRIMARY KEY,
    type_id            INTEGER NOT NULL REFERENCES dialogue_types(id),
    title              TEXT NOT NULL,
    held_on            TEXT NOT NULL,        -- civil date YYYY-MM-DD; the term follows from it
    theme              TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held')),
    notes_strengths    TEXT NOT NULL DEFAULT '',  -- the minutes, in the fixed agenda order
    notes_challenges   TEXT NOT NULL DEFAULT '',
    notes_questions    TEXT NOT NULL DEFAULT '',
    notes_actions      TEXT NOT NULL DEFAULT '',
    wins               TEXT NOT NULL DEFAULT '',
    decisions          TEXT NOT NULL DEFAULT '',
    analysis_pack      TEXT NOT NULL DEFAULT '',  -- national dialogue: the agencies' analysis pack
    development_areas  TEXT NOT NULL DEFAULT '',  -- national dialogue: agreed development areas
    created_by         INTEGER REFERENCES users(id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX dialogues_held_on ON dialogues(held_on);

CREATE TABLE dialogue_units (
    dialogue_id  INTEGER NOT NULL REFERENCES dialogues(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (dialogue_id, unit_id)
);
CREATE INDEX dialogue_units_unit ON dialogue_units(unit_id);

CREATE TABLE dialogue_participants (
    id           INTEGER PRIMARY KEY,
    dialogue_id  INTEGER NOT NULL REFERENCES dialogues(id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users(id),   -- set when the person has an account: they then see the dialogue
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('politician', 'official', 'principal', 'staff', 'guardian', 'agency')),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX dialogue_participants_dialogue ON dialogue_participants(dialogue_id);
CREATE INDEX dialogue_participants_user ON dialogue_participants(user_id);

CREATE TABLE inspection_findings (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER REFERENCES units(id),    -- NULL: the organizer as a whole
    kind        TEXT NOT NULL CHECK (kind IN ('decision', 'injunction')),
    reference   TEXT NOT NULL DEFAULT '',        -- Skolinspektionen's case number
    decided_on  TEXT NOT NULL,
    deadline    TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL,
    resolved_on TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE initiatives (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    start_year     INTEGER NOT NULL,             -- the first school year (its start) the initiative ran
    indicator_key  TEXT NOT NULL DEFAULT '',     -- the indicator the effect view compares
    created_by     INTEGER REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE initiative_units (
    initiative_id  INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (initiative_id, unit_id)
);

CREATE TABLE dialogue_actions (
    id             INTEGER PRIMARY KEY,
    dialogue_id    INTEGER NOT NULL REFERENCES dialogues(id) ON DELETE CASCADE,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    title          TEXT NOT NULL,
    owner          TEXT NOT NULL DEFAULT '',
    due            TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'started', 'done', 'dropped')),
    finding_id     INTEGER REFERENCES inspection_findings(id),
    initiative_id  INTEGER REFERENCES initiatives(id),
    done_at        TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX dialogue_actions_dialogue ON dialogue_actions(dialogue_id);
CREATE INDEX dialogue_actions_unit ON dialogue_actions(unit_id);

CREATE TABLE action_indicators (
    action_id        INTEGER NOT NULL REFERENCES dialogue_actions(id) ON DELETE CASCADE,
    indicator_key    TEXT NOT NULL,
    baseline_year    TEXT NOT NULL,              -- school year, e.g. 2023/24
    baseline_value   REAL,
    baseline_pupils  INTEGER,
    target           REAL,
    PRIMARY KEY (action_id, indicator_key)
);

CREATE TABLE action_comments (
    id          INTEGER PRIMARY KEY,
    action_id   INTEGER NOT NULL REFERENCES dialogue_actions(id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users(id),
    text        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- Good examples: published without personal data, exportable as JSON.
CREATE TABLE good_examples (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    approach     TEXT NOT NULL DEFAULT '',
    results      TEXT NOT NULL DEFAULT '',
    school_form  TEXT NOT NULL DEFAULT '',
    indicators   TEXT NOT NULL DEFAULT '',       -- indicator keys, comma-separated
    organizer    TEXT NOT NULL DEFAULT '',       -- who published it (an organizer, not a person)
    imported     INTEGER NOT NULL DEFAULT 0,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (organizer, title)
);

-- +goose Down
DROP TABLE good_examples;
DROP TABLE action_comments;
DROP TABLE action_indicators;
DROP TABLE dialogue_actions;
DROP TABLE initiative_units;
DROP TABLE initiatives;
DROP TABLE inspection_findings;
DROP TABLE dialogue_participants;
DROP TABLE dialogue_units;
DROP TABLE dialogues;
DROP TABLE dialogue_types;
