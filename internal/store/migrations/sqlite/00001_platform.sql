-- +goose Up
-- Platform: organizer, school forms, areas, units, people, sessions, tokens,
-- throttling, password resets, mail outbox and the append-only audit log.

CREATE TABLE organizer (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,
    org_type      TEXT NOT NULL CHECK (org_type IN ('kommunal', 'enskild')),
    org_number    TEXT NOT NULL DEFAULT '',
    reg_prefix    TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE school_forms (
    code      TEXT PRIMARY KEY,
    name_sv   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    min_year  INTEGER,
    max_year  INTEGER,
    sort      INTEGER NOT NULL DEFAULT 0,
    CHECK ((min_year IS NULL) = (max_year IS NULL)),
    CHECK (min_year IS NULL OR min_year <= max_year)
);

CREATE TABLE areas (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

CREATE TABLE units (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    unit_code      TEXT NOT NULL UNIQUE,
    area_id        INTEGER REFERENCES areas(id) ON DELETE SET NULL,
    street_address TEXT NOT NULL DEFAULT '',
    postal_code    TEXT NOT NULL DEFAULT '',
    city           TEXT NOT NULL DEFAULT '',
    lat            REAL,
    lon            REAL,
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE unit_school_forms (
    unit_id     INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    form_code   TEXT NOT NULL REFERENCES school_forms(code),
    year_from   INTEGER,
    year_to     INTEGER,
    PRIMARY KEY (unit_id, form_code)
);

-- Places per school form and grade year; year 0 is förskoleklass or, for
-- forms without grade years (förskola, fritidshem), the whole form.
CREATE TABLE unit_capacity (
    unit_id    INTEGER NOT NULL,
    form_code  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    places     INTEGER NOT NULL CHECK (places >= 0),
    PRIMARY KEY (unit_id, form_code, year),
    FOREIGN KEY (unit_id, form_code) REFERENCES unit_school_forms(unit_id, form_code) ON DELETE CASCADE
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'principal', 'specialist', 'analyst', 'board')),
    title          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    password_hash  TEXT,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    last_login_at  TIMESTAMP
);

-- The units a user leads or works at; for principals this is their scope.
CREATE TABLE user_units (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, unit_id)
);
CREATE INDEX user_units_unit ON user_units(unit_id);

-- Complaint categories, organizer-configurable; specialists are scoped to them.
CREATE TABLE complaint_categories (
    code     TEXT PRIMARY KEY,
    name_sv  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    sort     INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 1
);

-- The complaint categories a specialist handles (e.g. meals); their scope.
CREATE TABLE user_categories (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category_code  TEXT NOT NULL REFERENCES complaint_categories(code),
    PRIMARY KEY (user_id, category_code)
);

-- Server-side web sessions (alexedwards/scs).
CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    label         TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    email    TEXT NOT NULL,
    ip       TEXT NOT NULL,
    at       TIMESTAMP NOT NULL,
    success  INTEGER NOT NULL
);
CREATE INDEX login_attempts_email_at ON login_attempts(email, at);
CREATE INDEX login_attempts_ip_at ON login_attempts(ip, at);

CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);

-- Mail is written here in the same transaction as the change that causes it
-- and sent by a background sender that retries; it survives restarts.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    sent_at          TIMESTAMP,
    failed_at        TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER,
    actor        TEXT NOT NULL,
    role         TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

INSERT INTO school_forms (code, name_sv, name_en, min_year, max_year, sort) VALUES
    ('forskola',   'Förskola',              'Preschool',                        NULL, NULL, 10),
    ('forskoleklass', 'Förskoleklass',      'Preschool class',                  0, 0, 20),
    ('grundskola', 'Grundskola',            'Compulsory school',                1, 9, 30),
    ('anpassad_grundskola', 'Anpassad grundskola', 'Adapted compulsory school', 1, 9, 40),
    ('fritidshem', 'Fritidshem',            'School-age educare',               NULL, NULL, 50),
    ('gymnasieskola', 'Gymnasieskola',      'Upper secondary school',           1, 3, 60);

INSERT INTO complaint_categories (code, name_sv, name_en, sort) VALUES
    ('treatment',           'Bemötande',                    'Treatment by staff',             10),
    ('teaching',            'Undervisning',                 'Teaching',                       20),
    ('special_support',     'Särskilt stöd',                'Special support',                30),
    ('offensive_treatment', 'Kränkande behandling',         'Offensive treatment',            40),
    ('safety',              'Trygghet och studiero',        'Safety and study peace',         50),
    ('meals',               'Måltider',                     'Meals',                          60),
    ('school_transport',    'Skolskjuts',                   'School transport',               70),
    ('school_placement',    'Skolplacering',                'School placement',               80),
    ('premises',            'Lokaler',                      'Premises',                       90),
    ('information',         'Information',                  'Information',                   100),
    ('other',               'Övrigt',                       'Other',                         110);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE password_resets;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_categories;
DROP TABLE complaint_categories;
DROP TABLE user_units;
DROP TABLE users;
DROP TABLE unit_capacity;
DROP TABLE unit_school_forms;
DROP TABLE units;
DROP TABLE areas;
DROP TABLE school_forms;
DROP TABLE organizer;
