-- +goose Up
CREATE TABLE tests (
    id            INTEGER PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    control_id    TEXT NOT NULL,
    internal      INTEGER NOT NULL,
    procedures    TEXT NOT NULL,
    draw_id       INTEGER NOT NULL DEFAULT 0,
    items         TEXT NOT NULL,
    conclusion    TEXT NOT NULL,
    deviations    TEXT NOT NULL DEFAULT '',
    wording       TEXT NOT NULL,
    tested_by     TEXT NOT NULL,
    tested_at     TEXT NOT NULL,
    entry         INTEGER NOT NULL
);

CREATE TABLE responses (
    test_id INTEGER NOT NULL REFERENCES tests (id),
    text    TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at      TEXT NOT NULL,
    entry   INTEGER NOT NULL PRIMARY KEY
);

CREATE TABLE requests (
    id            INTEGER PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    control_id    TEXT NOT NULL,
    text          TEXT NOT NULL,
    items         TEXT NOT NULL,
    due           TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- +goose Down
DROP TABLE requests;
DROP TABLE responses;
DROP TABLE tests;
