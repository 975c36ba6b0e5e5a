//! Chasers through the real outbox to Postfix and Dovecot.
