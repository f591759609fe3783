-- From now on each audit row is sealed with HMAC-SHA-256 under a key kept outside the database (audit.AuditKeys);
-- key_id names the key, so keys can be rotated while older rows still verify. Rows written before this migration
-- keep key_id NULL and their plain SHA-256 hash; the verifier accepts such rows only before the first keyed row.
-- (ALTER TABLE does not fire the append-only row triggers.)
ALTER TABLE audit_event ADD COLUMN key_id VARCHAR(32);
