-- The outbox of FHIR R4 transaction Bundles to a configured FHIR server: one row per report version (the UNIQUE key
-- makes a version's Bundle exist once however often its event is seen), written in the transaction that made the
-- report version, and delivered by a db-scheduler task over HTTP. The Bundle is kept as sent: its entries are PUTs
-- with Histoscope's ids, so sending it again is idempotent on the server.
CREATE TABLE fhir_message (
    id                BIGSERIAL PRIMARY KEY,
    case_id           BIGINT       NOT NULL REFERENCES patient_case (id),
    report_version    INTEGER      NOT NULL CHECK (report_version > 0),
    bundle            TEXT         NOT NULL,
    state             VARCHAR(16)  NOT NULL CHECK (state IN ('PENDING', 'SENDING', 'RETRYING', 'DELIVERED',
                                                             'REJECTED', 'FAILED')),
    attempts          INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMP WITH TIME ZONE,
    last_error        VARCHAR(500),
    http_status       INTEGER,
    report_created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at      TIMESTAMP WITH TIME ZONE,
    UNIQUE (case_id, report_version)
);

CREATE INDEX fhir_message_state ON fhir_message (state, created_at);
