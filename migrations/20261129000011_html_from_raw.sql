-- A reply's HTML is no longer stored: the page that shows it renders it from the raw
-- email (kept in its pack), with the sanitiser of the day. Storing it cost about 5% of
-- ingestion and the same bytes again in the database.
ALTER TABLE messages DROP COLUMN html_body;
