-- +goose Up
-- Accounts are referred to by their immutable ID, never by display name:
-- service accounts (for CI and collectors), the account behind each named
-- auditor, and the account that owns a control. 0 means not linked yet
-- (attest user unresolved lists those).
ALTER TABLE users ADD COLUMN service BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE auditors ADD COLUMN user_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE controls ADD COLUMN owner_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE controls DROP COLUMN owner_id;
ALTER TABLE auditors DROP COLUMN user_id;
ALTER TABLE users DROP COLUMN service;
