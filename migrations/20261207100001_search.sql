-- Full-text search (issue 21) over what people read: each email's text and each unit of
-- text extracted from an attachment (a page, a spreadsheet cell).
--
-- One FTS5 table, so that bm25 ranks emails and documents on one scale. It keeps its own
-- copy of the text (neither external-content nor contentless): snippet() needs the text,
-- and the text comes from two tables, which one external-content table cannot follow.
-- The cost is the text twice on disk. The rowid says where a row came from:
--   rowid > 0: messages.id (title = the subject, body = the text shown of the email:
--              text_body for a reply, display_text for an email we sent, once made);
--   rowid < 0: -attachment_texts.id (title empty, body = the unit's text).
-- Triggers keep it in step with both tables; `foi search --reindex` rebuilds it.
-- Tokens: unicode61 without diacritics, stemmed by porter (camera finds cameras).
CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- A word in a subject weighs three times one in a text.
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(3.0, 1.0)');

CREATE TRIGGER search_message_insert AFTER INSERT ON messages
WHEN COALESCE(new.text_body, new.display_text) IS NOT NULL
BEGIN
    INSERT INTO search_index (rowid, title, body)
    VALUES (new.id, new.subject, COALESCE(new.text_body, new.display_text));
END;

CREATE TRIGGER search_message_update AFTER UPDATE OF subject, text_body, display_text ON messages
WHEN old.subject IS NOT new.subject OR old.text_body IS NOT new.text_body
     OR old.display_text IS NOT new.display_text
BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    INSERT INTO search_index (rowid, title, body)
    SELECT new.id, new.subject, COALESCE(new.text_body, new.display_text)
    WHERE COALESCE(new.text_body, new.display_text) IS NOT NULL;
END;

CREATE TRIGGER search_message_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;

CREATE TRIGGER search_text_insert AFTER INSERT ON attachment_texts
BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (-new.id, '', new.text);
END;

CREATE TRIGGER search_text_update AFTER UPDATE ON attachment_texts
BEGIN
    DELETE FROM search_index WHERE rowid = -old.id;
    INSERT INTO search_index (rowid, title, body) VALUES (-new.id, '', new.text);
END;

CREATE TRIGGER search_text_delete AFTER DELETE ON attachment_texts
BEGIN
    DELETE FROM search_index WHERE rowid = -old.id;
END;

-- What is stored already.
INSERT INTO search_index (rowid, title, body)
SELECT id, subject, COALESCE(text_body, display_text) FROM messages
WHERE COALESCE(text_body, display_text) IS NOT NULL;
INSERT INTO search_index (rowid, title, body) SELECT -id, '', text FROM attachment_texts;
