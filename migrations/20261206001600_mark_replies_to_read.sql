-- No silent "unknown" (issue 16): a human reply that fits no specific class is a `reply`,
-- which a person must read; until one has, it waits in the "to read" queue and the case's
-- chasers wait. Being read is a property of the message (who read it, when), not a case
-- status and not an event: the class a person confirms records the event it implies.
ALTER TABLE messages ADD COLUMN read_at TEXT;
ALTER TABLE messages ADD COLUMN read_by TEXT;

-- A person who chose `unknown` by hand has read the message.
UPDATE messages SET read_at = created_at, read_by = classified_by
 WHERE classification = 'unknown' AND classified_by IS NOT NULL AND classified_by <> 'auto';
-- Every `unknown` becomes a `reply`: those nobody has read join the queue.
UPDATE messages SET classification = 'reply',
       reason = CASE WHEN reason LIKE 'unknown:%'
                     THEN 'reply:' || substr(reason, 9) || '; a person must read it'
                     ELSE reason END
 WHERE classification = 'unknown';

-- The queue: replies nobody has read yet.
CREATE INDEX messages_to_read ON messages (id) WHERE classification = 'reply' AND read_at IS NULL;
