-- +goose Up
CREATE TABLE ledger_entries (
    seq        BIGINT PRIMARY KEY,
    type       TEXT NOT NULL,
    record     BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE ledger_hashes (
    idx  BIGINT PRIMARY KEY,
    hash BYTEA NOT NULL
);

CREATE TABLE ledger_checkpoints (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size       BIGINT NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE evidence (
    id             BIGINT PRIMARY KEY,
    ref            TEXT NOT NULL,
    size           BIGINT NOT NULL,
    media_type     TEXT NOT NULL,
    name           TEXT NOT NULL,
    date           TEXT NOT NULL DEFAULT '',
    covers_start   TEXT NOT NULL DEFAULT '',
    covers_end     TEXT NOT NULL DEFAULT '',
    added_by       TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    method         TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    entry          BIGINT NOT NULL,
    retracted_by   TEXT NOT NULL DEFAULT '',
    retracted_at   TEXT NOT NULL DEFAULT '',
    retract_reason TEXT NOT NULL DEFAULT '',
    retract_entry  BIGINT NOT NULL DEFAULT -1
);
CREATE INDEX evidence_ref ON evidence (ref);

CREATE TABLE evidence_controls (
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    control_id  TEXT NOT NULL,
    PRIMARY KEY (control_id, evidence_id)
);

CREATE TABLE events (
    control_id  TEXT NOT NULL,
    key         TEXT NOT NULL,
    date        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    entry       BIGINT NOT NULL,
    PRIMARY KEY (control_id, key)
);

CREATE TABLE not_required (
    id          BIGINT PRIMARY KEY,
    control_id  TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    evidence_id BIGINT REFERENCES evidence (id),
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    entry       BIGINT NOT NULL
);

-- +goose Down
DROP TABLE not_required;
DROP TABLE events;
DROP TABLE evidence_controls;
DROP TABLE evidence;
DROP TABLE ledger_checkpoints;
DROP TABLE ledger_hashes;
DROP TABLE ledger_entries;
