-- +goose Up
-- Issue 15: an appeal's deadline counted from a known date. deadline_from is
-- the date the law counts the three weeks from (the day the guardian got the
-- decision, for Skolväsendets överklagandenämnd, förvaltningslagen 44 §; the
-- day the justified minutes were announced on the notice board, for legality
-- review, kommunallagen 13 kap. 5 §); empty when the deadline was entered.
ALTER TABLE placement_appeals ADD COLUMN deadline_from TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE placement_appeals DROP COLUMN deadline_from;
