-- Only queued emails are indexed by when they fall due. The sender moves each email from
-- claimed to sending to sent in its hot commits; with every state in the index, each move
-- rewrote index pages on top of the outbox row's own page. The other states are few to
-- look up (in flight, to settle) or read in full (listings, counts), and the outbox is at
-- most a few hundred thousand rows.
DROP INDEX outbox_due;
CREATE INDEX outbox_queued ON outbox (not_before, id) WHERE state = 'queued';
