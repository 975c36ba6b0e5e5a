-- The search index keeps no second copy of the text (issue 16: ingest speed). It used to
-- store every email's and every document unit's text again (38 MB for 10,000 emails),
-- written and checkpointed once more on every ingest batch. Now FTS5 reads the text from
-- where it is stored, through the view `search_source`, when it makes a snippet; the
-- rowids are as before (rowid > 0: messages.id; rowid < 0: -attachment_texts.id), and
-- the view's second half finds a unit by `-id` through an index on that expression.
--
-- With external content FTS5 removes a row by the words it was indexed with, so the
-- triggers hand those over (the old subject and text) before they change or go, and only
-- for a row that is in the index. An email is in the index when it has text and is not
-- queued in `search_pending` (its words were removed when it was queued); a document unit
-- always is.
DROP TRIGGER search_message_delete;
DROP TRIGGER search_message_queue_update;
DROP TRIGGER search_message_queue_delete;
DROP TRIGGER search_text_insert;
DROP TRIGGER search_text_update;
DROP TRIGGER search_text_delete;
DROP TABLE search_index;

CREATE INDEX attachment_texts_search ON attachment_texts (-id);

CREATE VIEW search_source (id, title, body) AS
    SELECT id, subject, COALESCE(text_body, display_text) FROM messages
    WHERE COALESCE(text_body, display_text) IS NOT NULL
    UNION ALL
    SELECT -id, '', text FROM attachment_texts;

CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    content = 'search_source',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- A word in a subject weighs three times one in a text.
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(3.0, 1.0)');

-- A changed subject or text: its old words leave the index now, and the email is queued
-- (the deferred indexer adds its new words).
CREATE TRIGGER search_message_update BEFORE UPDATE OF subject, text_body, display_text ON messages
WHEN old.subject IS NOT new.subject OR old.text_body IS NOT new.text_body
     OR old.display_text IS NOT new.display_text
BEGIN
    INSERT INTO search_index (search_index, rowid, title, body)
    SELECT 'delete', old.id, old.subject, COALESCE(old.text_body, old.display_text)
    WHERE COALESCE(old.text_body, old.display_text) IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM search_pending WHERE message_id = old.id);
    INSERT OR IGNORE INTO search_pending (message_id) VALUES (old.id);
END;

CREATE TRIGGER search_message_delete BEFORE DELETE ON messages
BEGIN
    INSERT INTO search_index (search_index, rowid, title, body)
    SELECT 'delete', old.id, old.subject, COALESCE(old.text_body, old.display_text)
    WHERE COALESCE(old.text_body, old.display_text) IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM search_pending WHERE message_id = old.id);
    DELETE FROM search_pending WHERE message_id = old.id;
END;

CREATE TRIGGER search_text_insert AFTER INSERT ON attachment_texts
BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (-new.id, '', new.text);
END;

CREATE TRIGGER search_text_update AFTER UPDATE ON attachment_texts
BEGIN
    INSERT INTO search_index (search_index, rowid, title, body)
    VALUES ('delete', -old.id, '', old.text);
    INSERT INTO search_index (rowid, title, body) VALUES (-new.id, '', new.text);
END;

CREATE TRIGGER search_text_delete AFTER DELETE ON attachment_texts
BEGIN
    INSERT INTO search_index (search_index, rowid, title, body)
    VALUES ('delete', -old.id, '', old.text);
END;

-- What is stored already (what is queued is indexed by the deferred indexer).
INSERT INTO search_index (rowid, title, body)
SELECT id, subject, COALESCE(text_body, display_text) FROM messages
WHERE COALESCE(text_body, display_text) IS NOT NULL
  AND id NOT IN (SELECT message_id FROM search_pending);
INSERT INTO search_index (rowid, title, body) SELECT -id, '', text FROM attachment_texts;
