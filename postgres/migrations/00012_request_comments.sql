-- +goose Up
CREATE TABLE request_comments (
    id         BIGINT PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    at         TEXT NOT NULL,
    entry      BIGINT NOT NULL
);
CREATE INDEX request_comments_request ON request_comments (request_id);

-- +goose Down
DROP TABLE request_comments;
