-- issue 22: a person marks which attachments `foi publish --include-documents` may publish:
-- NULL (never), 'text' (the text extracted from it, redacted) or 'original' (the file as received).
ALTER TABLE attachments ADD COLUMN publish TEXT;
