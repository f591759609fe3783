-- User accounts for the login. Passwords are stored only as DelegatingPasswordEncoder hashes ({bcrypt}...).
CREATE TABLE app_user (
    id                   BIGSERIAL PRIMARY KEY,
    username             VARCHAR(64)  NOT NULL,
    full_name            VARCHAR(200) NOT NULL,
    email                VARCHAR(254),
    password_hash        VARCHAR(200) NOT NULL,
    enabled              BOOLEAN      NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN      NOT NULL DEFAULT TRUE,
    failed_attempts      INTEGER      NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until         TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by           VARCHAR(64)  NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by           VARCHAR(64)  NOT NULL,
    version              BIGINT       NOT NULL DEFAULT 0
);

-- Login names are unique regardless of case, so "Admin" cannot shadow "admin".
CREATE UNIQUE INDEX app_user_username_uq ON app_user (lower(username));

CREATE TABLE app_user_role (
    user_id BIGINT      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role    VARCHAR(32) NOT NULL CHECK (role IN ('PATHOLOGIST', 'REVIEWER', 'ADMIN')),
    PRIMARY KEY (user_id, role)
);
