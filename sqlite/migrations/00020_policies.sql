-- +goose Up
-- The organization's policies: one row per policy as its latest ledger
-- entry left it; every version of its text, never changed; and the acts
-- on its versions (submitted, approved by one named approver, published).
CREATE TABLE policies (
    id           TEXT PRIMARY KEY,
    template     TEXT NOT NULL,
    title        TEXT NOT NULL,
    owner_role   TEXT NOT NULL,
    owner        INTEGER NOT NULL,
    review       TEXT NOT NULL,
    approvers    TEXT NOT NULL,
    controls     TEXT NOT NULL,
    criteria     TEXT NOT NULL,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    published    INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    entry        INTEGER NOT NULL
);

CREATE TABLE policy_versions (
    policy_id TEXT NOT NULL REFERENCES policies (id),
    version   INTEGER NOT NULL,
    body      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    note      TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    at        TEXT NOT NULL,
    entry     INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE policy_events (
    entry     INTEGER PRIMARY KEY,
    policy_id TEXT NOT NULL REFERENCES policies (id),
    version   INTEGER NOT NULL,
    action    TEXT NOT NULL,
    account   INTEGER NOT NULL,
    name      TEXT NOT NULL,
    note      TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX policy_events_policy ON policy_events (policy_id, entry);

-- +goose Down
DROP TABLE policy_events;
DROP TABLE policy_versions;
DROP TABLE policies;
