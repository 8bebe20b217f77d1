-- +goose Up
-- When the control an evidence item speaks for was performed (a date, or
-- an RFC 3339 time when the evidence records one), and where that came
-- from: "entered", or what in the evidence's content records it. Empty for
-- evidence added before, whose timeliness falls back to its date and the
-- time it was added.
ALTER TABLE evidence ADD COLUMN performed_on TEXT NOT NULL DEFAULT '';
ALTER TABLE evidence ADD COLUMN performed_from TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE evidence DROP COLUMN performed_from;
ALTER TABLE evidence DROP COLUMN performed_on;
