-- API tokens for machines (a laboratory information system, a scanner workflow). Only the SHA-256 of the
-- secret is kept: the secret itself is shown once, when the administrator creates the token.
CREATE TABLE api_token (
    id                    BIGSERIAL PRIMARY KEY,
    name                  VARCHAR(100) NOT NULL UNIQUE,
    secret_sha256         VARCHAR(64)  NOT NULL UNIQUE,
    secret_prefix         VARCHAR(16)  NOT NULL,
    roles                 VARCHAR(200) NOT NULL,
    requests_per_minute   INTEGER      NOT NULL CHECK (requests_per_minute > 0),
    created_by            VARCHAR(100) NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at          TIMESTAMP WITH TIME ZONE,
    revoked_by            VARCHAR(100),
    revoked_at            TIMESTAMP WITH TIME ZONE
);
