-- What the case page shows of an email is made once, not on every view: parsing a reply's
-- raw email each time it was shown (migration 0011) cost a parse of up to 50 MB per email
-- per view. A reply's sanitised HTML is kept at ingestion, as a blob beside its raw email
-- (in a pack: inside SQLite it cost a tenth of ingestion's CPU); the page sanitises it
-- again with the sanitiser of the day. An email we sent, whose text is not kept, has the
-- text read from its raw email once. Emails stored before this have both made on their
-- first view.
ALTER TABLE messages ADD COLUMN html_sha256 TEXT REFERENCES blobs (sha256);
-- the text shown of an email whose text_body is not kept (one we sent)
ALTER TABLE messages ADD COLUMN display_text TEXT;
-- 1 once html_sha256 and display_text are made (at ingestion, or on the first view)
ALTER TABLE messages ADD COLUMN display_made INTEGER NOT NULL DEFAULT 0;
