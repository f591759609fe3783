-- Where an account's identity and roles come from: LOCAL (password kept here), LDAP (bind against the directory,
-- roles from its groups at every sign-in) or OIDC (an OpenID Connect provider, roles from a claim). Directory
-- accounts are provisioned at their first sign-in; their password_hash is a hash of a random secret (never usable
-- for the form login) or, for OIDC accounts, the local signature password an administrator let them choose.
ALTER TABLE app_user ADD COLUMN source VARCHAR(8) NOT NULL DEFAULT 'LOCAL'
    CHECK (source IN ('LOCAL', 'LDAP', 'OIDC'));
