-- +goose Up
-- Sign-in hardening (issue 12).
--
-- Sessions know their user, so a password change or reset can end the
-- person's other sessions. An ended session stays as a tombstone (ended_at,
-- no data) until it expires, so a request still in flight cannot commit it
-- back. Sessions from before knew no user and are dropped: everyone signs
-- in once more after the upgrade.
DROP TABLE sessions;
CREATE TABLE sessions (
    token     TEXT PRIMARY KEY,
    data      BLOB NOT NULL,
    expiry    TIMESTAMP NOT NULL,
    user_id   INTEGER REFERENCES users(id) ON DELETE CASCADE,
    ended_at  TIMESTAMP
);
CREATE INDEX sessions_expiry ON sessions(expiry);
CREATE INDEX sessions_user ON sessions(user_id);

-- Login throttling counts failures per (account, address), per address and
-- per account from unknown devices; addr is auth.AddressKey (an IPv6 /64
-- counts as one address), device the digest of a known device of the
-- account ('' for any other client).
ALTER TABLE login_attempts ADD COLUMN addr TEXT NOT NULL DEFAULT '';
ALTER TABLE login_attempts ADD COLUMN device TEXT NOT NULL DEFAULT '';
UPDATE login_attempts SET addr = ip;
DROP INDEX login_attempts_ip_at;
CREATE INDEX login_attempts_addr_at ON login_attempts(addr, at);

-- Devices where a person has signed in: a long-lived cookie holds a random
-- secret, only its SHA-256 digest is stored. Failures from a known device
-- count only against that device, so strangers cannot lock its owner out.
CREATE TABLE known_devices (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP NOT NULL
);
CREATE INDEX known_devices_user ON known_devices(user_id);

-- Requests for a password link on the forgot page, to limit mails per
-- account (sent) and requests per address.
CREATE TABLE password_requests (
    id     INTEGER PRIMARY KEY,
    email  TEXT NOT NULL,
    addr   TEXT NOT NULL,
    at     TIMESTAMP NOT NULL,
    sent   INTEGER NOT NULL
);
CREATE INDEX password_requests_email_at ON password_requests(email, at);
CREATE INDEX password_requests_addr_at ON password_requests(addr, at);

-- +goose Down
DROP TABLE password_requests;
DROP TABLE known_devices;
DROP INDEX login_attempts_addr_at;
CREATE INDEX login_attempts_ip_at ON login_attempts(ip, at);
ALTER TABLE login_attempts DROP COLUMN device;
ALTER TABLE login_attempts DROP COLUMN addr;
DROP TABLE sessions;
CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);
