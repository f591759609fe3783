-- Signed case reports (PDF). Sign-out makes version 1; each amendment of a signed-out case's review makes the
-- next version. Versions are never changed or removed, so what was sent to the clinician stays readable.
CREATE TABLE case_report (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT       NOT NULL REFERENCES patient_case (id),
    version     INTEGER      NOT NULL CHECK (version > 0),
    reason      VARCHAR(200) NOT NULL,
    pdf         BYTEA        NOT NULL,
    sha256      VARCHAR(64)  NOT NULL,
    size_bytes  BIGINT       NOT NULL,
    created_by  VARCHAR(100) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (case_id, version)
);

CREATE FUNCTION case_report_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case reports are append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER case_report_append_only
    BEFORE UPDATE OR DELETE ON case_report
    FOR EACH ROW EXECUTE FUNCTION case_report_is_append_only();
