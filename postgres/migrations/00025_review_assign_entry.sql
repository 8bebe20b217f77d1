-- +goose Up
-- Each access-review item names the ledger entry that last assigned its
-- reviewer, as it names the entries that decided it and closed its
-- revoke, so attest verify can recompute each assignment's SHA-256 from
-- the rows. Items assigned before this migration name none (0).
ALTER TABLE review_items ADD COLUMN assign_entry BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE review_items DROP COLUMN assign_entry;
