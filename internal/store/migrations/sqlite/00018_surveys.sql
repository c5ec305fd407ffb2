-- +goose Up
-- Pulse surveys (issue 16): a question bank, surveys built from it, rounds
-- with their target groups, personal links (digests, "used" only) and the
-- anonymous responses. A response row names no link, person or time; its
-- ID is random, and the tables holding answers are stored in the order of
-- those random IDs (WITHOUT ROWID), not in the order they were written.

CREATE TABLE survey_questions (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    idx         TEXT NOT NULL DEFAULT '',     -- the index: safety, study_peace, influence, support, ...; '' for free text
    audience    TEXT NOT NULL CHECK (audience IN ('pupil', 'guardian', 'staff')),
    kind        TEXT NOT NULL DEFAULT 'scale' CHECK (kind IN ('scale', 'text')),
    text_sv     TEXT NOT NULL,
    text_en     TEXT NOT NULL DEFAULT '',
    text_ar     TEXT NOT NULL DEFAULT '',
    text_so     TEXT NOT NULL DEFAULT '',
    text_fa     TEXT NOT NULL DEFAULT '',
    text_easy   TEXT NOT NULL DEFAULT '',     -- easy-to-read Swedish
    builtin     INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    audience    TEXT NOT NULL CHECK (audience IN ('pupil', 'guardian', 'staff')),
    created_at  TIMESTAMP NOT NULL
);

-- The statements (5-12 on the 1-5 scale) and the one free-text question.
CREATE TABLE survey_items (
    survey_id    INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES survey_questions(id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (survey_id, question_id)
);

CREATE TABLE survey_rounds (
    id           INTEGER PRIMARY KEY,
    survey_id    INTEGER NOT NULL REFERENCES surveys(id),
    name         TEXT NOT NULL,
    opens_on     TEXT NOT NULL,              -- civil dates YYYY-MM-DD, both days included
    closes_on    TEXT NOT NULL,
    school_year  TEXT NOT NULL,              -- 2025/26, from opens_on
    year_start   INTEGER NOT NULL,
    min_group    INTEGER NOT NULL DEFAULT 10 CHECK (min_group >= 1),
    created_at   TIMESTAMP NOT NULL
);

-- A target group of a round: a class (pupils, with its class code), or the
-- guardians or staff of a unit (personal links). invited is the group's size
-- for the response rate.
CREATE TABLE survey_groups (
    id        INTEGER PRIMARY KEY,
    round_id  INTEGER NOT NULL REFERENCES survey_rounds(id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    kind      TEXT NOT NULL CHECK (kind IN ('class', 'guardians', 'staff')),
    year      INTEGER NOT NULL DEFAULT 0,    -- the year group of a class (or of the guardians' children); 0 none
    label     TEXT NOT NULL DEFAULT '',      -- 5A
    invited   INTEGER NOT NULL DEFAULT 0 CHECK (invited >= 0),
    code      TEXT UNIQUE                    -- a class's code (shared by the class, shown in the classroom)
);

-- Personal links: the SHA-256 digest of the token and whether it was used.
-- No address, no person, no time.
CREATE TABLE survey_links (
    digest    TEXT NOT NULL PRIMARY KEY,
    group_id  INTEGER NOT NULL REFERENCES survey_groups(id) ON DELETE CASCADE,
    used      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE survey_responses (
    id        TEXT NOT NULL PRIMARY KEY,     -- 128 random bits, hex
    group_id  INTEGER NOT NULL REFERENCES survey_groups(id) ON DELETE CASCADE
) WITHOUT ROWID;

-- value 1-5, NULL for "don't know".
CREATE TABLE survey_answers (
    response_id  TEXT NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES survey_questions(id),
    value        INTEGER CHECK (value IS NULL OR value BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, question_id)
) WITHOUT ROWID;

-- Free-text answers, apart from the scale answers (no response ID) so a
-- text cannot be joined to its writer's other answers. status: flagged (a
-- name, address or number found: shown masked), clear, released, removed.
CREATE TABLE survey_texts (
    id        TEXT NOT NULL PRIMARY KEY,     -- 128 random bits, hex
    group_id  INTEGER NOT NULL REFERENCES survey_groups(id) ON DELETE CASCADE,
    body      TEXT NOT NULL,
    flags     TEXT NOT NULL DEFAULT '',      -- what the check found: name, email, phone (space-separated)
    status    TEXT NOT NULL DEFAULT 'clear' CHECK (status IN ('flagged', 'clear', 'released', 'removed'))
) WITHOUT ROWID;

CREATE INDEX survey_responses_group ON survey_responses(group_id);
CREATE INDEX survey_texts_group ON survey_texts(group_id);

-- +goose Down
DROP TABLE survey_texts;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_links;
DROP TABLE survey_groups;
DROP TABLE survey_rounds;
DROP TABLE survey_items;
DROP TABLE surveys;
DROP TABLE survey_questions;
