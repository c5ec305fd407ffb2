-- +goose Up
-- Issue 15, decisions that reach people: with a register, each guardian
-- gets a private link of their own (mailed, printed on a letter), so an
-- answer to a decision (accept or decline) names the custodian who gave
-- it. NULL for the links of rounds without a register (one per applicant).
ALTER TABLE placement_links ADD COLUMN guardian_id BIGINT REFERENCES placement_guardians(id) ON DELETE CASCADE;
CREATE INDEX placement_decisions_current ON placement_decisions (round_id, superseded_at);

-- +goose Down
DROP INDEX placement_decisions_current;
ALTER TABLE placement_links DROP COLUMN guardian_id;
