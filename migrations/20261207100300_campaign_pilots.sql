-- A pilot launch (`foi campaign launch NAME --pilot N`): which cases went first, the digest
-- of the templates they were sent with, and when the rest (held as drafts) were released.
CREATE TABLE campaign_pilots (
    campaign_id      INTEGER PRIMARY KEY REFERENCES campaigns (id),
    size             INTEGER NOT NULL,
    -- the --select expressions of the pilot, a JSON array ([] for a spread across tags)
    selection        TEXT NOT NULL,
    template_digest  TEXT NOT NULL,
    launched_at      TEXT NOT NULL,
    released_at      TEXT,
    -- the digest at release; differs from template_digest when the templates changed
    released_digest  TEXT
);

CREATE TABLE pilot_cases (
    case_id      INTEGER PRIMARY KEY REFERENCES cases (id),
    campaign_id  INTEGER NOT NULL REFERENCES campaign_pilots (campaign_id)
);
CREATE INDEX pilot_cases_campaign ON pilot_cases (campaign_id);
