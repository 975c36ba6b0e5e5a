-- How a case's request reaches its body: 'email' (the outbox), or by hand through the
-- body's 'portal' (its web form) or by 'post' (a letter), when the body demands it.
ALTER TABLE cases ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
