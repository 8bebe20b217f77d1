-- +goose Up
CREATE TABLE completeness (
    id            BIGINT PRIMARY KEY,
    population_id BIGINT NOT NULL REFERENCES populations (id),
    method        TEXT NOT NULL,
    against_id    BIGINT NOT NULL DEFAULT 0,
    control_total BIGINT NOT NULL DEFAULT 0,
    matched       BIGINT NOT NULL,
    missing       TEXT NOT NULL,
    extra         TEXT NOT NULL,
    missing_count BIGINT NOT NULL,
    extra_count   BIGINT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    by_name       TEXT NOT NULL,
    at            TEXT NOT NULL,
    entry         BIGINT NOT NULL
);

-- +goose Down
DROP TABLE completeness;
