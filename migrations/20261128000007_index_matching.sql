-- Indexes for matching inbound mail (one query per batch of emails; without them each
-- lookup reads every message or every body).

-- the body's own reference, learnt from earlier emails
CREATE INDEX messages_body_reference ON messages (body_reference) WHERE body_reference IS NOT NULL;

-- a sender's address (local parts compared without case) and its domain
CREATE INDEX bodies_email_lower ON bodies (lower(email));
CREATE INDEX bodies_email_domain ON bodies (substr(email, instr(email, '@') + 1));
