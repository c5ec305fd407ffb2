-- +goose Up
-- Issue 16: the accessibility self-assessment and the staff groups'
-- answers to a staff dialogue.
--
-- Statement sets: the organizer's statements about the learning
-- environment, each in one of four areas and assessed on five levels (one
-- short description per level, one line each, level 1 first).
CREATE TABLE access_sets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    example     INTEGER NOT NULL DEFAULT 0,       -- the example set shipped with Styrkedjan
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE access_statements (
    id         INTEGER PRIMARY KEY,
    set_id     INTEGER NOT NULL REFERENCES access_sets(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    area       TEXT NOT NULL CHECK (area IN ('social', 'pedagogical', 'physical', 'preconditions')),
    position   INTEGER NOT NULL,
    text_sv    TEXT NOT NULL,
    text_en    TEXT NOT NULL DEFAULT '',
    levels_sv  TEXT NOT NULL,                     -- five lines: level 1 to 5
    levels_en  TEXT NOT NULL DEFAULT '',
    UNIQUE (set_id, key)
);

-- A round: the staff of one unit assess a set's statements individually,
-- then the unit gathers one level per statement. code_hash is the SHA-256
-- of the unit code handed to the staff (NULL: personal links only).
CREATE TABLE access_rounds (
    id           INTEGER PRIMARY KEY,
    set_id       INTEGER NOT NULL REFERENCES access_sets(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    school_year  TEXT NOT NULL,                   -- 2025/26
    year_start   INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    code_hash    TEXT UNIQUE,
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    closed_at    TIMESTAMP,
    gathered_at  TIMESTAMP
);
CREATE INDEX access_rounds_unit ON access_rounds(unit_id);

-- Personal links: only the digest and whether it was used (no time), so
-- an answer cannot be matched to a link.
CREATE TABLE access_links (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES access_rounds(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    used        INTEGER NOT NULL DEFAULT 0
);

-- One individual assessment: no person, no link, no time.
CREATE TABLE access_responses (
    id        INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL REFERENCES access_rounds(id) ON DELETE CASCADE
);

CREATE TABLE access_answers (
    response_id   INTEGER NOT NULL REFERENCES access_responses(id) ON DELETE CASCADE,
    statement_id  INTEGER NOT NULL REFERENCES access_statements(id),
    level         INTEGER CHECK (level IS NULL OR level BETWEEN 1 AND 5),  -- NULL: don't know
    PRIMARY KEY (response_id, statement_id)
);

-- The unit's gathered level per statement, recorded after the discussion.
CREATE TABLE access_gathered (
    round_id      INTEGER NOT NULL REFERENCES access_rounds(id) ON DELETE CASCADE,
    statement_id  INTEGER NOT NULL REFERENCES access_statements(id),
    level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (round_id, statement_id)
);

-- A dialogue action made from a weak statement: its follow-up is the
-- gathered level of the same statement key in the unit's next round.
CREATE TABLE access_action_links (
    action_id       INTEGER PRIMARY KEY REFERENCES dialogue_actions(id) ON DELETE CASCADE,
    round_id        INTEGER NOT NULL REFERENCES access_rounds(id),
    statement_id    INTEGER NOT NULL REFERENCES access_statements(id),
    baseline_level  INTEGER NOT NULL
);

-- Staff groups of 2-5 answer a staff dialogue's two questions through a
-- group link (digest only).
CREATE TABLE dialogue_staff_groups (
    id           INTEGER PRIMARY KEY,
    dialogue_id  INTEGER NOT NULL REFERENCES dialogues(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    members      INTEGER CHECK (members IS NULL OR members BETWEEN 2 AND 5),
    succeed      TEXT NOT NULL DEFAULT '',
    prevent      TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX dialogue_staff_groups_dialogue ON dialogue_staff_groups(dialogue_id);

-- +goose Down
DROP TABLE dialogue_staff_groups;
DROP TABLE access_action_links;
DROP TABLE access_gathered;
DROP TABLE access_answers;
DROP TABLE access_responses;
DROP TABLE access_links;
DROP TABLE access_rounds;
DROP TABLE access_statements;
DROP TABLE access_sets;
