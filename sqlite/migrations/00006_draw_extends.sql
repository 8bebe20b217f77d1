-- +goose Up
-- An extension adds items to an earlier draw after a deviation, without
-- changing those already drawn.
ALTER TABLE draws ADD COLUMN extends INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE draws DROP COLUMN extends;
