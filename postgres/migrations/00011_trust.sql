-- +goose Up
-- The trust center: NDA versions, visitors' access requests (each also
-- the grant of a personal link once approved) and every delivered copy.
CREATE TABLE trust_ndas (
    version    BIGINT PRIMARY KEY,
    text       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    entry      BIGINT NOT NULL
);
CREATE TABLE trust_requests (
    id              BIGINT PRIMARY KEY,
    document_id     BIGINT NOT NULL REFERENCES documents (id),
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    company         TEXT NOT NULL,
    requester       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT NOT NULL DEFAULT '',
    nda_version     BIGINT NOT NULL DEFAULT 0,
    nda_sha256      TEXT NOT NULL DEFAULT '',
    nda_name        TEXT NOT NULL DEFAULT '',
    nda_accepted_at TEXT NOT NULL DEFAULT '',
    nda_ip          TEXT NOT NULL DEFAULT '',
    nda_user_agent  TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TEXT NOT NULL DEFAULT '',
    override        BOOLEAN NOT NULL DEFAULT FALSE,
    note            TEXT NOT NULL DEFAULT '',
    expires_at      TEXT NOT NULL DEFAULT '',
    revoked_at      TEXT NOT NULL DEFAULT '',
    email_hash      TEXT NOT NULL UNIQUE,
    link_hash       TEXT
);
CREATE UNIQUE INDEX trust_requests_link ON trust_requests (link_hash);
CREATE TABLE trust_downloads (
    id          BIGINT PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    request_id  BIGINT NOT NULL DEFAULT 0,
    name        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    company     TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    at          TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    watermark   BOOLEAN NOT NULL DEFAULT FALSE,
    entry       BIGINT NOT NULL
);

-- +goose Down
DROP TABLE trust_downloads;
DROP TABLE trust_requests;
DROP TABLE trust_ndas;
