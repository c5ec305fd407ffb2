-- +goose Up
-- Issue 14: staff mark that a case needs an interpreter or a translation;
-- the case page and the work list then show it.
ALTER TABLE complaints ADD COLUMN interpreter BOOLEAN NOT NULL DEFAULT FALSE;
-- Link recovery (/f/lost): one row per request, so that requests are
-- limited per e-mail address (a SHA-256 digest, never the address) and
-- per client network (auth.AddressKey).
CREATE TABLE complaint_link_requests (
    id INTEGER PRIMARY KEY,
    email_hash TEXT NOT NULL,
    address TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_link_requests_email ON complaint_link_requests (email_hash, requested_at);
CREATE INDEX complaint_link_requests_address ON complaint_link_requests (address, requested_at);

-- +goose Down
DROP TABLE complaint_link_requests;
ALTER TABLE complaints DROP COLUMN interpreter;
