-- +goose Up
-- Downloads of public documents (a SOC 3) are counted per document and
-- day, not recorded one ledger entry each: anyone may download them, and
-- nobody should be able to grow the ledger by doing so.
CREATE TABLE public_downloads (
    document_id BIGINT NOT NULL,
    day         TEXT NOT NULL,
    count       BIGINT NOT NULL,
    PRIMARY KEY (document_id, day)
);

-- +goose Down
DROP TABLE public_downloads;
