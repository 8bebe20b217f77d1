-- +goose Up
-- The same tables and version numbers as the SQLite migrations. Dates are
-- ISO 8601 text, lists JSON arrays in text, as there.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE engagements (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('SOC 1', 'SOC 2', 'SOC 3')),
    type         TEXT NOT NULL DEFAULT '' CHECK (type IN ('', 'Type 1', 'Type 2')),
    also_soc3    BOOLEAN NOT NULL DEFAULT FALSE,
    categories   TEXT NOT NULL DEFAULT '[]',
    templates    TEXT NOT NULL DEFAULT '[]',
    as_of        TEXT NOT NULL DEFAULT '',
    period_start TEXT NOT NULL DEFAULT '',
    period_end   TEXT NOT NULL DEFAULT '',
    report_date  TEXT NOT NULL DEFAULT '',
    firm         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    ord          BIGINT GENERATED ALWAYS AS IDENTITY
);

CREATE TABLE controls (
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    type          TEXT NOT NULL,
    nature        TEXT NOT NULL,
    frequency     TEXT NOT NULL,
    due_days      INTEGER NOT NULL DEFAULT 0,
    owner         TEXT NOT NULL DEFAULT '',
    owner_role    TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'not-started',
    status_reason TEXT NOT NULL DEFAULT '',
    criteria      TEXT NOT NULL DEFAULT '[]',
    objectives    TEXT NOT NULL DEFAULT '[]',
    position      INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (engagement_id, id)
);

CREATE TABLE exclusions (
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    criterion_id  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (engagement_id, criterion_id)
);

-- +goose Down
DROP TABLE exclusions;
DROP TABLE controls;
DROP TABLE engagements;
DROP TABLE settings;
