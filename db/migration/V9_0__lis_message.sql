-- The outbox of HL7 v2 ORU^R01 messages to the laboratory information system: one row per report version (the
-- UNIQUE key is what makes a version's message exist once however often its event is seen), written in the
-- transaction that made the report version, and delivered by a db-scheduler task over MLLP. The message text is
-- kept as sent, so a retry sends the same bytes with the same control id (MSH-10) and the LIS can recognise it.
CREATE TABLE lis_message (
    id               BIGSERIAL PRIMARY KEY,
    case_id          BIGINT       NOT NULL REFERENCES patient_case (id),
    report_version   INTEGER      NOT NULL CHECK (report_version > 0),
    control_id       VARCHAR(40)  NOT NULL UNIQUE,
    accession_number VARCHAR(64)  NOT NULL,
    message          TEXT         NOT NULL,
    state            VARCHAR(16)  NOT NULL CHECK (state IN ('PENDING', 'SENDING', 'RETRYING', 'ACKNOWLEDGED',
                                                            'REJECTED', 'FAILED')),
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(500),
    ack_code         VARCHAR(2),
    ack_text         VARCHAR(500),
    report_created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at  TIMESTAMP WITH TIME ZONE,
    UNIQUE (case_id, report_version)
);

CREATE INDEX lis_message_state ON lis_message (state, created_at);
