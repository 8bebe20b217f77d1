-- +goose Up
-- Management's disclosures of the deviations it knows of to the service
-- auditor: one per deviation of the register, by its stable identifier.
CREATE TABLE disclosures (
    engagement_id TEXT NOT NULL REFERENCES engagements (id),
    deviation     TEXT NOT NULL,
    summary       TEXT NOT NULL,
    to_name       TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    note          TEXT NOT NULL,
    by_name       TEXT NOT NULL,
    at            TEXT NOT NULL,
    entry         BIGINT NOT NULL,
    PRIMARY KEY (engagement_id, deviation)
);

-- +goose Down
DROP TABLE disclosures;
