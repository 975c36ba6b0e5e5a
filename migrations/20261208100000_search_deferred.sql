-- Emails are indexed for search after the transaction that records them, not inside it
-- (issue 16: indexing every reply inside the ingest transaction cost a third of the
-- ingest rate). The triggers that indexed an email at once give way to a queue:
-- `search_pending` names the emails whose subject or text changed since they were last
-- indexed; it is written in the same transaction as the change (so a crash between the
-- commit and the indexing loses nothing: the next run indexes what is queued), and the
-- deferred indexer (`Store::index_pending_messages`) empties it after each ingest batch
-- and before every search. An email deleted leaves the index at once (its trigger stays),
-- as does the text extracted from documents (already written after the email's commit).
DROP TRIGGER search_message_insert;
DROP TRIGGER search_message_update;

CREATE TABLE search_pending (
    message_id INTEGER PRIMARY KEY
);

CREATE TRIGGER search_message_queue_insert AFTER INSERT ON messages
WHEN COALESCE(new.text_body, new.display_text) IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO search_pending (message_id) VALUES (new.id);
END;

CREATE TRIGGER search_message_queue_update AFTER UPDATE OF subject, text_body, display_text ON messages
WHEN old.subject IS NOT new.subject OR old.text_body IS NOT new.text_body
     OR old.display_text IS NOT new.display_text
BEGIN
    INSERT OR IGNORE INTO search_pending (message_id) VALUES (new.id);
END;

CREATE TRIGGER search_message_queue_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM search_pending WHERE message_id = old.id;
END;
