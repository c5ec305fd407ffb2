-- +goose Up
-- Idempotency keys scoped to the client that sent them (issue 12):
-- complaints.submission_key now holds a digest of the client and the key,
-- and submission_hash a digest of the submission's content, so that the
-- same key with other content is refused instead of returning the case.
ALTER TABLE complaints ADD COLUMN submission_hash TEXT;

-- +goose Down
ALTER TABLE complaints DROP COLUMN submission_hash;
