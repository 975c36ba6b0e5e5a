-- Text extracted from attachments (issue 21): one state row per attachment, text in units.
CREATE TABLE attachment_extractions (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments (id),
    state         TEXT NOT NULL CHECK (state IN ('pending', 'done', 'ocr', 'failed', 'skipped')),
    reason        TEXT,
    extractor     TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
);
CREATE INDEX attachment_extractions_state ON attachment_extractions (state);
-- A unit is a page of a PDF/document, or one spreadsheet cell; locator says where:
-- 'page 3', 'Sheet1!B4', 'archive.zip/letter.pdf page 1', '' when the format has no pages.
CREATE TABLE attachment_texts (
    id            INTEGER PRIMARY KEY,
    attachment_id INTEGER NOT NULL REFERENCES attachments (id),
    seq           INTEGER NOT NULL,
    locator       TEXT NOT NULL,
    text          TEXT NOT NULL,
    UNIQUE (attachment_id, seq)
);
