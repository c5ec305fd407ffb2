-- +goose Up
-- Issue 14: the public pages carry the organizer's own face: telephone,
-- website, its privacy notice and a logo (PNG, JPEG or WebP, at most
-- org.MaxLogoBytes), instead of "Styrkedjan".
ALTER TABLE organizer ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organizer ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE organizer ADD COLUMN privacy_url TEXT NOT NULL DEFAULT '';
ALTER TABLE organizer ADD COLUMN logo BYTEA;
ALTER TABLE organizer ADD COLUMN logo_type TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organizer DROP COLUMN logo_type;
ALTER TABLE organizer DROP COLUMN logo;
ALTER TABLE organizer DROP COLUMN privacy_url;
ALTER TABLE organizer DROP COLUMN website;
ALTER TABLE organizer DROP COLUMN phone;
