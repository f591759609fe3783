-- Case finalization (issue 26): the case's responsible pathologist signs the case-level final diagnosis
-- (free text plus the structured fields of a breast core biopsy report) with password and meaning. An amendment
-- is a new row with the next version, pointing at the one it replaces; no row ever changes.
CREATE TABLE case_finalization (
    id                BIGSERIAL PRIMARY KEY,
    case_id           BIGINT        NOT NULL REFERENCES patient_case (id),
    version           INT           NOT NULL CHECK (version >= 1),
    idc_present       BOOLEAN       NOT NULL,
    largest_focus_mm  NUMERIC(7, 2) CHECK (largest_focus_mm IS NULL OR largest_focus_mm > 0),
    idc_percent       NUMERIC(5, 2) CHECK (idc_percent IS NULL OR (idc_percent > 0 AND idc_percent <= 100)),
    diagnosis         TEXT          NOT NULL CHECK (length(trim(diagnosis)) > 0),
    amendment_reason  TEXT,
    signed_by         VARCHAR(100)  NOT NULL,
    signer_name       VARCHAR(200)  NOT NULL,
    signed_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    signature_meaning VARCHAR(32)   NOT NULL CHECK (signature_meaning IN ('REVIEWED', 'APPROVED')),
    amends_id         BIGINT REFERENCES case_finalization (id),
    CONSTRAINT case_finalization_version_once UNIQUE (case_id, version),
    CONSTRAINT case_finalization_amends_once UNIQUE (amends_id),
    -- a focus or a share of IDC only where IDC is present
    CONSTRAINT case_finalization_measures_need_idc
        CHECK (idc_present OR (largest_focus_mm IS NULL AND idc_percent IS NULL)),
    -- the first version amends nothing; every later one amends its predecessor and says why
    CONSTRAINT case_finalization_amendment_chain
        CHECK ((version = 1 AND amends_id IS NULL AND amendment_reason IS NULL)
            OR (version > 1 AND amends_id IS NOT NULL AND length(trim(amendment_reason)) > 0))
);

CREATE FUNCTION reject_case_finalization_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the finalization % is signed and cannot be changed or deleted; record an amendment instead',
        OLD.id USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER case_finalization_is_immutable
    BEFORE UPDATE OR DELETE ON case_finalization
    FOR EACH ROW EXECUTE FUNCTION reject_case_finalization_change();
