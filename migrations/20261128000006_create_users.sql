-- The web dashboard (foi serve): staff accounts, their sessions and sign-in attempts.
-- Secrets are never stored: a password as its argon2 PHC string, a session cookie and a
-- calendar feed token as the SHA-256 of the random value the user holds.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    -- admin | staff | viewer
    role                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    -- SHA-256 (hex) of the secret in the user's private calendar feed URL; NULL: no feed
    calendar_token_hash  TEXT UNIQUE,
    created_at           TEXT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 (hex) of the session cookie's value
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the synchronizer token every form of this session carries
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for the rate limit (per user name and per client address).
CREATE TABLE login_failures (
    id         INTEGER PRIMARY KEY,
    user_name  TEXT NOT NULL,
    ip         TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (user_name, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
