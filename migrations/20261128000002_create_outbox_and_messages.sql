-- The durable outbox, messages kept byte-for-byte, and content-addressed blobs.

CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    data    BLOB NOT NULL
);

CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases (id),
    -- request | chaser:<step> | message
    kind              TEXT NOT NULL,
    -- fixed when the email is queued, before the first attempt (without < >)
    message_id        TEXT NOT NULL UNIQUE,
    envelope_from     TEXT NOT NULL,
    recipient         TEXT NOT NULL,
    recipient_domain  TEXT NOT NULL,
    subject           TEXT NOT NULL,
    -- the exact bytes to send
    raw_sha256        TEXT NOT NULL REFERENCES blobs (sha256),
    -- queued -> claimed -> sending -> sent | queued (retry) | failed | uncertain; cancelled
    state             TEXT NOT NULL,
    -- the machine's boot id when the email was claimed: after a reboot, claims of an older
    -- boot are uncertain (a power cut may have lost their later, unsynced marks)
    claim_boot        TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    not_before        TEXT NOT NULL,
    last_error        TEXT,
    claimed_at        TEXT,
    sent_at           TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE INDEX outbox_claimed ON outbox (claimed_at);
CREATE INDEX outbox_case ON outbox (case_id);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    -- NULL while in triage
    case_id      INTEGER REFERENCES cases (id),
    -- outbound | inbound
    direction    TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    raw_sha256   TEXT NOT NULL REFERENCES blobs (sha256),
    subject      TEXT NOT NULL DEFAULT '',
    from_addr    TEXT NOT NULL DEFAULT '',
    to_addr      TEXT NOT NULL DEFAULT '',
    -- when it was sent (outbound) or received (inbound)
    at           TEXT NOT NULL,
    outbox_id    INTEGER REFERENCES outbox (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX messages_case ON messages (case_id);
CREATE INDEX messages_message_id ON messages (message_id);

ALTER TABLE events ADD COLUMN message_id INTEGER REFERENCES messages (id);
