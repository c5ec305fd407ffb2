-- +goose Up
-- Issue 14: API clients (e-service platforms) that are not people. A
-- client's bearer token is stored as a SHA-256 digest only; scopes is a
-- space-separated list (complaints:submit); per_minute is its own limit
-- on the intake, instead of the per-address one.
CREATE TABLE api_clients (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    token_hash    TEXT NOT NULL UNIQUE,
    scopes        TEXT NOT NULL,
    per_minute    INTEGER NOT NULL CHECK (per_minute > 0),
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);

-- +goose Down
DROP TABLE api_clients;
