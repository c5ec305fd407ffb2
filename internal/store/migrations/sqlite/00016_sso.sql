-- +goose Up
-- Issue 13: single sign-on. A person signed in through an identity
-- provider is known by the provider's issuer and subject (the stable
-- "sub" claim), not by e-mail: the first sign-in matches or creates the
-- person by e-mail, later ones by (issuer, subject).
CREATE TABLE sso_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);
-- Guardians signed in with e-identification through the guardian broker.
-- Only a keyed digest (HMAC-SHA-256) of the personal identity number is
-- stored, never the number: the same person gets the same row whichever
-- broker or session they come from.
CREATE TABLE guardians (
    id         INTEGER PRIMARY KEY,
    pin_mac    TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL
);
-- The guardian who filed a case while signed in ("Mina ärenden").
ALTER TABLE complaints ADD COLUMN guardian_id INTEGER REFERENCES guardians(id) ON DELETE SET NULL;
CREATE INDEX complaints_guardian ON complaints (guardian_id);

-- +goose Down
DROP INDEX complaints_guardian;
ALTER TABLE complaints DROP COLUMN guardian_id;
DROP TABLE guardians;
DROP TABLE sso_identities;
