-- +goose Up
-- Onboarding and offboarding checklist items, created with the roster
-- change that hires or lets go their person (its entry), each done once
-- (done_entry). controls is a JSON array.
CREATE TABLE checklist_items (
    id          BIGINT PRIMARY KEY,
    person_id   BIGINT NOT NULL,
    person      TEXT NOT NULL,
    checklist   TEXT NOT NULL,
    role        TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    course      TEXT NOT NULL,
    controls    TEXT NOT NULL,
    owner       TEXT NOT NULL,
    assignee    TEXT NOT NULL,
    assignee_id BIGINT NOT NULL,
    due         TEXT NOT NULL,
    rule        TEXT NOT NULL,
    entry       BIGINT NOT NULL,
    done_on     TEXT NOT NULL,
    done_by     BIGINT NOT NULL,
    done_name   TEXT NOT NULL,
    evidence    BIGINT NOT NULL,
    note        TEXT NOT NULL,
    done_entry  BIGINT NOT NULL
);
CREATE INDEX checklist_items_person ON checklist_items (person_id);

-- +goose Down
DROP TABLE checklist_items;
