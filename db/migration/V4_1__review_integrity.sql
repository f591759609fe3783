-- Review integrity: queue items belong to real predictions, one original review per prediction even when two
-- reviewers sign at the same instant, late results are flagged, and failed images can be marked not assessable.

ALTER TABLE review_queue_item
    ADD CONSTRAINT review_queue_item_prediction_fk FOREIGN KEY (prediction_id) REFERENCES prediction (id),
    -- optimistic locking: the item's review state changes only from the state the reviewer saw
    ADD COLUMN version BIGINT NOT NULL DEFAULT 0,
    -- the result arrived after its case had been signed out: shown to reviewers, never counted silently
    ADD COLUMN arrived_after_sign_out BOOLEAN NOT NULL DEFAULT FALSE;

-- UNIQUE (amends_review_id) lets any number of rows with NULL through: this covers the original reviews.
CREATE UNIQUE INDEX review_one_original_per_prediction ON review (prediction_id) WHERE amends_review_id IS NULL;

-- A reviewer's signed statement that an image yields no result to review (its prediction failed or found
-- nothing to classify), so that the case can still be signed out honestly. Immutable like a review.
CREATE TABLE not_assessable_image (
    id                BIGSERIAL PRIMARY KEY,
    case_id           BIGINT       NOT NULL REFERENCES patient_case (id),
    image_id          BIGINT       NOT NULL REFERENCES case_image (id),
    reason            TEXT         NOT NULL CHECK (length(trim(reason)) > 0),
    signed_by         VARCHAR(100) NOT NULL,
    signer_name       VARCHAR(200) NOT NULL,
    signed_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    signature_meaning VARCHAR(32)  NOT NULL CHECK (signature_meaning IN ('REVIEWED', 'APPROVED')),
    CONSTRAINT not_assessable_once_per_image UNIQUE (image_id)
);
CREATE INDEX not_assessable_image_case_idx ON not_assessable_image (case_id);

CREATE FUNCTION reject_not_assessable_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the not-assessable mark % is signed and cannot be changed or deleted', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER not_assessable_image_is_immutable
    BEFORE UPDATE OR DELETE ON not_assessable_image
    FOR EACH ROW EXECUTE FUNCTION reject_not_assessable_change();
