-- Case work: who a case is assigned to, and the campaign's coded answers.
-- Notes and a person's status changes are events (kind 'note', 'status_set'), not tables.

ALTER TABLE cases ADD COLUMN assignee TEXT;
CREATE INDEX cases_assignee ON cases (assignee);

CREATE TABLE answers (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    -- the question's key in the campaign folder's campaign.toml ([[questions]] key)
    question    TEXT NOT NULL,
    -- canonical text: yes|no|unknown, a decimal number, free text, or a choice option
    value       TEXT NOT NULL,
    -- 'confirmed' (a person's answer: the only kind a report counts) or
    -- 'suggested' (a keyword rule's guess from a reply, shown as such until confirmed)
    state       TEXT NOT NULL,
    -- for a suggestion: the inbound message it came from and the text that matched
    message_id  INTEGER REFERENCES messages (id),
    evidence    TEXT,
    -- 'system' (a rule) or a person's name
    actor       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, question, state)
);
CREATE INDEX answers_question ON answers (question, state);
