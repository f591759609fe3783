-- One queue item per stored prediction, and the signed reviews of them.

CREATE TABLE review_queue_item (
    prediction_id      BIGINT PRIMARY KEY,
    case_id            BIGINT           NOT NULL REFERENCES patient_case (id),
    accession_number   VARCHAR(64)      NOT NULL,
    image_id           BIGINT           NOT NULL REFERENCES case_image (id),
    image_name         VARCHAR(255)     NOT NULL,
    probability        DOUBLE PRECISION NOT NULL,
    threshold          DOUBLE PRECISION NOT NULL,
    -- |probability - threshold|: the smaller, the less certain the model; stored so the queue can sort by it
    uncertainty_margin DOUBLE PRECISION NOT NULL,
    predicted_label    VARCHAR(64)      NOT NULL,
    model_name         VARCHAR(200)     NOT NULL,
    model_version      VARCHAR(100)     NOT NULL,
    predicted_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    reviewed           BOOLEAN          NOT NULL DEFAULT FALSE,
    latest_review_id   BIGINT,
    final_label        VARCHAR(64),
    disagreement       BOOLEAN          NOT NULL DEFAULT FALSE,
    reviewed_at        TIMESTAMP WITH TIME ZONE
);
CREATE INDEX review_queue_item_case_idx ON review_queue_item (case_id);
CREATE INDEX review_queue_item_order_idx ON review_queue_item (reviewed, predicted_at);

-- A review is recorded when it is signed (21 CFR 11.50: printed name, date-time, meaning) and never changes
-- afterwards; a correction is a new review pointing at the one it amends.
CREATE TABLE review (
    id                BIGSERIAL PRIMARY KEY,
    prediction_id     BIGINT       NOT NULL REFERENCES review_queue_item (prediction_id),
    case_id           BIGINT       NOT NULL REFERENCES patient_case (id),
    decision          VARCHAR(16)  NOT NULL CHECK (decision IN ('AGREE', 'OVERRIDE')),
    predicted_label   VARCHAR(64)  NOT NULL,
    final_label       VARCHAR(64)  NOT NULL,
    final_diagnosis   TEXT         NOT NULL,
    review_comment    TEXT,
    signed_by         VARCHAR(100) NOT NULL,
    signer_name       VARCHAR(200) NOT NULL,
    signed_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    signature_meaning VARCHAR(32)  NOT NULL CHECK (signature_meaning IN ('REVIEWED', 'APPROVED')),
    amends_review_id  BIGINT REFERENCES review (id),
    CONSTRAINT review_amends_once UNIQUE (amends_review_id)
);
CREATE INDEX review_prediction_idx ON review (prediction_id);
CREATE INDEX review_case_idx ON review (case_id);

CREATE FUNCTION reject_signed_review_change() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'review % is signed and cannot be changed or deleted; record an amendment instead', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_signed_is_immutable
    BEFORE UPDATE OR DELETE ON review
    FOR EACH ROW EXECUTE FUNCTION reject_signed_review_change();
