-- +goose Up
-- Issue 15: the school's own short text that guardians see beside the
-- facts when they apply (at most 600 characters, plain text), written by
-- the unit's principal or a placement officer.
ALTER TABLE units ADD COLUMN choice_text TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE units DROP COLUMN choice_text;
