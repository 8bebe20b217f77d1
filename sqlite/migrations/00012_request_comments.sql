-- +goose Up
CREATE TABLE request_comments (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    at         TEXT NOT NULL,
    entry      INTEGER NOT NULL
);
CREATE INDEX request_comments_request ON request_comments (request_id);

-- +goose Down
DROP TABLE request_comments;
