-- A consolidated chaser (one email for several overdue cases of one body) has a chaser row
-- per case, all pointing at its one outbox email: settling that email records it on each
-- case, and a reply on any of them cancels all the rows. Both look chasers up by email.
CREATE INDEX chasers_outbox ON chasers (outbox_id) WHERE outbox_id IS NOT NULL;
