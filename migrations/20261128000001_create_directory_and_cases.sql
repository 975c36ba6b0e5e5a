-- Bodies, campaigns, cases and case events. Portable SQL: TEXT timestamps (RFC 3339, UTC),
-- INTEGER ids, no SQLite-only functions.

CREATE TABLE bodies (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    regime      TEXT NOT NULL,
    region      TEXT,
    -- custom fields from the directory, a JSON object of strings
    fields      TEXT NOT NULL DEFAULT '{}',
    -- why the address needs a person's review (set by a permanent delivery failure)
    email_flag  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX bodies_email ON bodies (email);

CREATE TABLE body_tags (
    body_id  INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (body_id, tag)
);
CREATE INDEX body_tags_tag ON body_tags (tag);

CREATE TABLE campaigns (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    reference_prefix  TEXT NOT NULL UNIQUE,
    template_dir      TEXT NOT NULL,
    regime            TEXT,
    -- the --select expressions, a JSON array of strings
    selection         TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'draft',
    checked_digest    TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    body_id      INTEGER NOT NULL REFERENCES bodies (id),
    seq          INTEGER NOT NULL,
    reference    TEXT NOT NULL UNIQUE,
    token        TEXT NOT NULL UNIQUE,
    regime       TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (campaign_id, body_id),
    UNIQUE (campaign_id, seq)
);
CREATE INDEX cases_body ON cases (body_id);
CREATE INDEX cases_status ON cases (status);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL,
    -- the date the event counts from (e.g. the date of receipt), local to the regime
    occurred_on  TEXT NOT NULL,
    occurred_at  TEXT,
    note         TEXT,
    -- who recorded it: 'system' or a person's name
    actor        TEXT NOT NULL DEFAULT 'system',
    created_at   TEXT NOT NULL
);
CREATE INDEX events_case ON events (case_id);
