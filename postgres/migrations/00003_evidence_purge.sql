-- +goose Up
-- When a retention rule allowed the bytes of retracted evidence to be
-- removed; the record itself stays.
ALTER TABLE evidence ADD COLUMN purged_at TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE evidence DROP COLUMN purged_at;
