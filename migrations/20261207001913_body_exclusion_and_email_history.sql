-- Bodies campaigns must skip (not covered by FOI, closed, merged): why, or NULL.
ALTER TABLE bodies ADD COLUMN excluded TEXT;

-- A body's earlier addresses: each change of address (`foi bodies set-email`,
-- `foi case resend --to`) keeps the one it replaced.
CREATE TABLE body_email_history (
    id           INTEGER PRIMARY KEY,
    body_id      INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    replaced_by  TEXT NOT NULL,
    -- why it was flagged when it was replaced, if it was
    flag         TEXT,
    note         TEXT,
    actor        TEXT NOT NULL,
    replaced_at  TEXT NOT NULL
);
CREATE INDEX body_email_history_body ON body_email_history (body_id);
