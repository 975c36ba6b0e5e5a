-- Inbound mail: every email kept raw (content-addressed), parsed, classified, linked to
-- its case(s) or left in triage; attachments; per-folder bookkeeping for fetching.

ALTER TABLE messages ADD COLUMN classification TEXT;
-- 'auto' or the person who overrode it
ALTER TABLE messages ADD COLUMN classified_by TEXT;
-- why it was classified so, or why it is in triage
ALTER TABLE messages ADD COLUMN reason TEXT;
-- parse problem (too large, unparseable) when there is one
ALTER TABLE messages ADD COLUMN problem TEXT;
-- the body's own reference, e.g. FOI-2024-1234
ALTER TABLE messages ADD COLUMN body_reference TEXT;
-- NULL for matched or outbound mail; 'open' or 'dismissed' for triage
ALTER TABLE messages ADD COLUMN triage TEXT;
ALTER TABLE messages ADD COLUMN text_body TEXT;
ALTER TABLE messages ADD COLUMN html_body TEXT;
-- where it was read from, e.g. imap:INBOX or maildir
ALTER TABLE messages ADD COLUMN source TEXT;

-- the same email (same bytes) is stored once, however often it is fetched
CREATE UNIQUE INDEX messages_inbound_raw ON messages (raw_sha256) WHERE direction = 'inbound';

-- an inbound email answers one case or several (triage attach REF...)
CREATE TABLE message_cases (
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    -- token | thread | reference | body_reference | sender | bounce | manual
    method      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (message_id, case_id)
);
CREATE INDEX message_cases_case ON message_cases (case_id);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages (id),
    sha256        TEXT NOT NULL REFERENCES blobs (sha256),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    inline        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_message ON attachments (message_id);

-- IMAP: per folder, its UIDVALIDITY and the highest UID stored
CREATE TABLE mailbox_folders (
    source       TEXT NOT NULL,
    folder       TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    PRIMARY KEY (source, folder)
);
