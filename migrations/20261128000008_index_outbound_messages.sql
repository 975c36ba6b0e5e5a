-- The message an outbox email became, found by its outbox id: the sender records a sent
-- email's message, event and case status in batches after the email's `sent` mark, and
-- this index finds the sent emails whose batch was not written yet (after a crash) and
-- keeps a batch from writing one twice.
CREATE UNIQUE INDEX messages_outbox ON messages (outbox_id) WHERE outbox_id IS NOT NULL;
