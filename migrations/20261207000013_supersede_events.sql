-- A person's correction (reclassifying a message, recording an answer, setting a status)
-- supersedes what was inferred automatically: the automatic event is kept and shown as
-- superseded, but no derivation (status, deadline, report) counts it any more.
ALTER TABLE events ADD COLUMN superseded_by INTEGER REFERENCES events (id);
