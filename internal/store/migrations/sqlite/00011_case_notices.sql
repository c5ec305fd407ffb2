-- +goose Up
-- Issue 14: nobody misses a case. Each person chooses immediate notices
-- or one morning digest, in a staff language of their own.
ALTER TABLE users ADD COLUMN notices TEXT NOT NULL DEFAULT 'immediate';
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'sv';

-- Cases that came to a person (registered to them, assigned or handed
-- over): mailed at once to those who want immediate notices, listed in
-- the next digest for those who want the digest (mailed false).
CREATE TABLE case_notices (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    complaint_id  INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    mailed        BOOLEAN NOT NULL,
    at            TIMESTAMP NOT NULL
);
CREATE INDEX case_notices_user ON case_notices(user_id, at);

-- One row per person and civil day the morning digest was made for, inserted
-- in the same transaction as the digest's mail (mailed false: there was
-- nothing to list), so a digest goes out at most once a day whatever
-- the number of processes or restarts.
CREATE TABLE case_digests (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    made_at  TIMESTAMP NOT NULL,
    mailed   BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- +goose Down
DROP TABLE case_digests;
DROP TABLE case_notices;
ALTER TABLE users DROP COLUMN language;
ALTER TABLE users DROP COLUMN notices;
