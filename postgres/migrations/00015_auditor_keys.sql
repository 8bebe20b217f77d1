-- +goose Up
-- The service auditor's own keys and signed statements: each key is
-- enrolled on an engagement for an auditor's account and confirmed by a
-- statement signed with it; each statement is canonical JSON with its
-- ed25519 signature, chained per key and engagement (seq, and the previous
-- statement's hash inside the signed text), stored with the ledger entry
-- of the record it signs.
CREATE TABLE auditor_keys (
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    fingerprint   TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    user_id       BIGINT NOT NULL,
    name          TEXT NOT NULL,
    holder        TEXT NOT NULL,
    enrolled_by   TEXT NOT NULL,
    enrolled_at   TEXT NOT NULL,
    confirmed_at  TEXT NOT NULL DEFAULT '',
    retired_at    TEXT NOT NULL DEFAULT '',
    entry         BIGINT NOT NULL,
    PRIMARY KEY (engagement_id, fingerprint)
);

CREATE TABLE auditor_statements (
    id            BIGINT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    key_fp        TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    body          TEXT NOT NULL,
    signature     TEXT NOT NULL,
    entry         BIGINT NOT NULL,
    added_at      TEXT NOT NULL,
    UNIQUE (engagement_id, key_fp, seq)
);
CREATE INDEX auditor_statements_entry ON auditor_statements (entry);

-- A test covers the whole period or a part of it (interim testing rolled
-- forward), and may serve other engagements over the same period.
ALTER TABLE tests ADD COLUMN covers_from TEXT NOT NULL DEFAULT '';
ALTER TABLE tests ADD COLUMN covers_to TEXT NOT NULL DEFAULT '';
ALTER TABLE tests ADD COLUMN applies_to TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE tests DROP COLUMN applies_to;
ALTER TABLE tests DROP COLUMN covers_to;
ALTER TABLE tests DROP COLUMN covers_from;
DROP TABLE auditor_statements;
DROP TABLE auditor_keys;
