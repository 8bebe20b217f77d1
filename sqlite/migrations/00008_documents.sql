-- +goose Up
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES engagements (id),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    ref           TEXT NOT NULL,
    size          INTEGER NOT NULL,
    media_type    TEXT NOT NULL,
    meta          TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    entry         INTEGER NOT NULL
);
CREATE INDEX documents_engagement_kind ON documents (engagement_id, kind);

-- +goose Down
DROP TABLE documents;
