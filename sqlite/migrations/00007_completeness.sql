-- +goose Up
CREATE TABLE completeness (
    id            INTEGER PRIMARY KEY,
    population_id INTEGER NOT NULL REFERENCES populations (id),
    method        TEXT NOT NULL,
    against_id    INTEGER NOT NULL DEFAULT 0,
    control_total INTEGER NOT NULL DEFAULT 0,
    matched       INTEGER NOT NULL,
    missing       TEXT NOT NULL,
    extra         TEXT NOT NULL,
    missing_count INTEGER NOT NULL,
    extra_count   INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    by_name       TEXT NOT NULL,
    at            TEXT NOT NULL,
    entry         INTEGER NOT NULL
);

-- +goose Down
DROP TABLE completeness;
