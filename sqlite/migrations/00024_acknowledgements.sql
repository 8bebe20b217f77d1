-- +goose Up
-- Acknowledgements and training (issue 18, point 3): who each published
-- policy is asked of (policy_audiences; none means every in-scope
-- person), each person's acknowledgement of one version of a policy, with
-- the version's SHA-256, training completions (an import's rows share its
-- entry, whose data names their SHA-256), the employee portal's sign-in
-- links (kept hashed, single use; a running server's state like sessions,
-- so no ledger entry) and the reminders mailed.
CREATE TABLE policy_audiences (
    policy_id   TEXT PRIMARY KEY,
    departments TEXT NOT NULL,
    roles       TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    at          TEXT NOT NULL,
    entry       INTEGER NOT NULL
);

CREATE TABLE acknowledgements (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL,
    policy_id TEXT NOT NULL,
    version   INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    at        TEXT NOT NULL,
    via       TEXT NOT NULL,
    note      TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    entry     INTEGER NOT NULL
);
CREATE UNIQUE INDEX acknowledgements_once ON acknowledgements (person_id, policy_id, version);

CREATE TABLE training_completions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL,
    email       TEXT NOT NULL,
    course      TEXT NOT NULL,
    completed   TEXT NOT NULL,
    score       TEXT NOT NULL,
    certificate TEXT NOT NULL,
    evidence_id INTEGER NOT NULL,
    source      TEXT NOT NULL,
    entry       INTEGER NOT NULL
);
CREATE INDEX training_completions_person ON training_completions (person_id);

CREATE TABLE portal_links (
    hash       TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT NOT NULL
);

CREATE TABLE reminders (
    entry     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    email     TEXT NOT NULL,
    items     TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (entry, seq)
);
CREATE INDEX reminders_person ON reminders (person_id, at);

-- +goose Down
DROP TABLE reminders;
DROP TABLE portal_links;
DROP TABLE training_completions;
DROP TABLE acknowledgements;
DROP TABLE policy_audiences;
