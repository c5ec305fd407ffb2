-- +goose Up
-- Issue 19: the complaint statistics (trends, board report) are cached in
-- each server process, keyed by this counter. Every change to a column the
-- figures count moves it, by trigger, in the transaction of the change, so
-- a cached result is never read after a change has committed, whichever
-- server made it, and a crash rolls the counter back with the change. New
-- columns the figures count must be added to the UPDATE trigger's list.
CREATE TABLE complaint_stats_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO complaint_stats_version (id, version) VALUES (1, 0);
-- +goose StatementBegin
CREATE TRIGGER complaint_stats_insert AFTER INSERT ON complaints
BEGIN
    UPDATE complaint_stats_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER complaint_stats_delete AFTER DELETE ON complaints
BEGIN
    UPDATE complaint_stats_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER complaint_stats_update AFTER UPDATE OF submitted_at, kind, category_code, unit_id, unit_scope, status,
    outcome, ack_due, answer_due, acknowledged_at, answered_at, closed_at ON complaints
BEGIN
    UPDATE complaint_stats_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- The board report's summaries (closed with measures taken, with a
-- summary, newest first, for the officer): counted and listed from these
-- without reading the cases, with and without the kind filter.
CREATE INDEX complaints_summaries ON complaints (closed_at)
    WHERE status = 'closed' AND outcome = 'measures_taken' AND summary <> '';
CREATE INDEX complaints_summaries_kind ON complaints (kind, closed_at)
    WHERE status = 'closed' AND outcome = 'measures_taken' AND summary <> '';

-- +goose Down
DROP INDEX complaints_summaries_kind;
DROP INDEX complaints_summaries;
DROP TRIGGER complaint_stats_update;
DROP TRIGGER complaint_stats_delete;
DROP TRIGGER complaint_stats_insert;
DROP TABLE complaint_stats_version;
