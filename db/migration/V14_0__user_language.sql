-- The language a user reads Histoscope in (issue 26): 'en' or 'de'; NULL follows the browser's language.
-- Directory (LDAP, OIDC) accounts keep their choice here too: the directory does not provide it.
ALTER TABLE app_user ADD COLUMN language VARCHAR(8)
    CHECK (language IS NULL OR language IN ('en', 'de'));
