-- +goose Up
-- Issue 13: SAML 2.0 sign-in for staff.
-- A sign-in begun at GET /login/saml: the AuthnRequest's ID, waiting for
-- the identity provider's answer at POST /saml/acs. The answer is a
-- cross-site POST that does not carry the SameSite=Lax session cookie, so
-- the request is found by the SHA-256 digest of a random secret kept in a
-- short-lived cookie of its own (binding), taken out once, and refused
-- after ten minutes.
CREATE TABLE saml_requests (
    id         TEXT PRIMARY KEY,
    binding    TEXT NOT NULL UNIQUE,
    next       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saml_requests_created ON saml_requests (created_at);
-- The IDs of assertions accepted, until they would expire anyway: an
-- assertion is accepted once, on whichever server it arrives.
CREATE TABLE saml_assertions (
    id         TEXT PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires_at);

-- +goose Down
DROP TABLE saml_assertions;
DROP TABLE saml_requests;
