-- +goose Up
-- Access reviews: a campaign over one system's listing of accounts, each
-- account an item with its reviewer, decision and, for a revoke, how its
-- removal was confirmed; the reviewers' sign-offs. Bulk acts (start,
-- assign, a batch of decisions) are one ledger entry each, carrying the
-- SHA-256 of their rows (listing_digest, and the entries' own data).
CREATE TABLE review_campaigns (
    id              BIGINT PRIMARY KEY,
    system          TEXT NOT NULL,
    due             TEXT NOT NULL,
    status          TEXT NOT NULL,
    source          TEXT NOT NULL,
    source_file     TEXT NOT NULL,
    collection_id   BIGINT NOT NULL,
    extracted_at    TEXT NOT NULL,
    extracted_by    TEXT NOT NULL,
    completeness    TEXT NOT NULL,
    left_out        INTEGER NOT NULL,
    roster          TEXT NOT NULL,
    listing_digest  TEXT NOT NULL,
    accounts        INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    entry           BIGINT NOT NULL,
    completed_by    TEXT NOT NULL,
    completed_at    TEXT NOT NULL,
    completed_entry BIGINT NOT NULL,
    evidence_id     BIGINT NOT NULL
);

CREATE TABLE review_items (
    campaign_id    BIGINT NOT NULL REFERENCES review_campaigns (id),
    seq            INTEGER NOT NULL,
    account        TEXT NOT NULL,
    person         TEXT NOT NULL,
    name           TEXT NOT NULL,
    manager        TEXT NOT NULL,
    roles          TEXT NOT NULL,
    entitlements   TEXT NOT NULL,
    privileged     INTEGER NOT NULL,
    flags          TEXT NOT NULL,
    reviewer_id    BIGINT NOT NULL,
    reviewer       TEXT NOT NULL,
    decision       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    decided_by     TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    decision_entry BIGINT NOT NULL,
    ticket         TEXT NOT NULL,
    removed        TEXT NOT NULL,
    resolved_at    TEXT NOT NULL,
    resolved_entry BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, seq)
);
-- No secondary index: every read and update is by campaign, scanned or
-- looked up by its key (an account named twice is refused before the
-- insert), and each index would double the cost of the bulk acts.

CREATE TABLE review_signoffs (
    campaign_id BIGINT NOT NULL REFERENCES review_campaigns (id),
    reviewer_id BIGINT NOT NULL,
    reviewer    TEXT NOT NULL,
    note        TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          TEXT NOT NULL,
    entry       BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, reviewer_id)
);

-- +goose Down
DROP TABLE review_signoffs;
DROP TABLE review_items;
DROP TABLE review_campaigns;
