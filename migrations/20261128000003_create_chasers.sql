-- Chasers: one row per (case, step) of a campaign's escalation ladder, so a step is never
-- taken twice for a case. The email (or, for a complaint, the draft) is built when the step
-- falls due and kept here byte-for-byte until it is queued or a person decides.

CREATE TABLE chasers (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    -- the step's name in the campaign's ladder
    step         TEXT NOT NULL,
    -- no_acknowledgement | overdue | internal_review | complaint
    trigger_kind TEXT NOT NULL,
    -- auto | approve
    mode         TEXT NOT NULL,
    -- pending (awaiting approval) | queued (in the outbox) | draft (for a person, not sent)
    -- | skipped | cancelled (a reply came first)
    state        TEXT NOT NULL,
    -- the day the step fell due (local date)
    due_on       TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    raw_sha256   TEXT NOT NULL REFERENCES blobs (sha256),
    outbox_id    INTEGER REFERENCES outbox (id),
    note         TEXT,
    created_at   TEXT NOT NULL,
    decided_at   TEXT,
    UNIQUE (case_id, step)
);
CREATE INDEX chasers_state ON chasers (state);
