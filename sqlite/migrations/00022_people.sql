-- +goose Up
-- The roster: one row per person as their latest ledger entry left them,
-- and every person as each entry wrote them (person_changes: an import's
-- rows, in the order written, whose SHA-256 the entry names).
CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    employee_id TEXT NOT NULL,
    email       TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    manager     TEXT NOT NULL,
    department  TEXT NOT NULL,
    title       TEXT NOT NULL,
    role        TEXT NOT NULL,
    in_scope    INTEGER NOT NULL,
    account     INTEGER NOT NULL,
    source      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    entry       INTEGER NOT NULL
);
CREATE UNIQUE INDEX people_email ON people (email);

CREATE TABLE person_changes (
    entry     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    record    TEXT NOT NULL,
    PRIMARY KEY (entry, seq)
);

-- +goose Down
DROP TABLE person_changes;
DROP TABLE people;
