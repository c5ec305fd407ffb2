-- +goose Up
-- Issue 20: which version of the placement decision arithmetic
-- (placement.Engine) made a run, and rechecks of a standing (usually
-- published) result with the current version. Runs from before this
-- migration were made by engine 1, which compared distances as computed.
ALTER TABLE placement_runs ADD COLUMN engine INTEGER NOT NULL DEFAULT 1;
-- A recheck is stored as kind 'whatif' with recheck set (the kind's CHECK
-- constraint cannot change in SQLite without rebuilding the table): it
-- reruns the standing result's inputs and capacities for an officer to
-- review, and is never accepted as the result.
ALTER TABLE placement_runs ADD COLUMN recheck BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE placement_runs DROP COLUMN recheck;
ALTER TABLE placement_runs DROP COLUMN engine;
