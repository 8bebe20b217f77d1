-- +goose Up
CREATE TABLE auditors (
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    firm          TEXT NOT NULL DEFAULT '',
    added_by      TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    PRIMARY KEY (engagement_id, name)
);

CREATE TABLE populations (
    id           BIGINT PRIMARY KEY,
    control_id   TEXT NOT NULL,
    ref          TEXT NOT NULL,
    name         TEXT NOT NULL,
    format       TEXT NOT NULL,
    rows         BIGINT NOT NULL,
    key_column   TEXT NOT NULL,
    date_column  TEXT NOT NULL DEFAULT '',
    first_date   TEXT NOT NULL DEFAULT '',
    last_date    TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    query        TEXT NOT NULL DEFAULT '',
    extracted_by TEXT NOT NULL DEFAULT '',
    extracted_at TEXT NOT NULL DEFAULT '',
    imported_by  TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    entry        BIGINT NOT NULL
);
CREATE INDEX populations_control ON populations (control_id);

CREATE TABLE draws (
    id            BIGINT PRIMARY KEY,
    engagement_id TEXT NOT NULL REFERENCES engagements (id) ON DELETE CASCADE,
    control_id    TEXT NOT NULL,
    population_id BIGINT NOT NULL REFERENCES populations (id),
    seed          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    rule          TEXT NOT NULL,
    stratify      TEXT NOT NULL DEFAULT '',
    items         TEXT NOT NULL,
    binding       BOOLEAN NOT NULL,
    redraw_reason TEXT NOT NULL DEFAULT '',
    drawn_by      TEXT NOT NULL,
    drawn_at      TEXT NOT NULL,
    entry         BIGINT NOT NULL
);

-- +goose Down
DROP TABLE draws;
DROP TABLE populations;
DROP TABLE auditors;
