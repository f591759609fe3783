-- Department-wide security settings that administrators change (each change is audited), and the record that a
-- signature was given by the requester of the prediction because such a setting allowed it (21 CFR 11.10(g)).
CREATE TABLE security_setting (
    name       VARCHAR(64)  PRIMARY KEY,
    value      VARCHAR(200) NOT NULL,
    changed_by VARCHAR(100) NOT NULL,
    changed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per review signed (or case signed out) under the exception. The review table is created by a later
-- migration (V4_0), so review_id cannot be a foreign key here; rows are written in the signing transaction.
CREATE TABLE segregation_exception (
    id                 BIGSERIAL PRIMARY KEY,
    review_id          BIGINT,
    case_id            BIGINT       NOT NULL,
    kind               VARCHAR(32)  NOT NULL CHECK (kind IN ('SIGNED_OWN_REQUEST', 'SIGNED_OUT_OWN_CASE')),
    username           VARCHAR(100) NOT NULL,
    setting_changed_by VARCHAR(100) NOT NULL,
    setting_changed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT segregation_exception_review_once UNIQUE (review_id)
);
CREATE INDEX segregation_exception_case_idx ON segregation_exception (case_id);
