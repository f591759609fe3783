-- Marking an image "not assessable" counts toward a case's sign-out like a review signature, so it falls under the
-- same segregation-of-duties rule (issue #24): the person who uploaded the image or requested its prediction does not
-- sign the mark, unless the department setting allows it; then the exception is recorded against the mark.
ALTER TABLE segregation_exception
    ADD COLUMN not_assessable_id BIGINT REFERENCES not_assessable_image (id),
    ADD CONSTRAINT segregation_exception_mark_once UNIQUE (not_assessable_id);

ALTER TABLE segregation_exception DROP CONSTRAINT segregation_exception_kind_check;
ALTER TABLE segregation_exception ADD CONSTRAINT segregation_exception_kind_check
    CHECK (kind IN ('SIGNED_OWN_REQUEST', 'SIGNED_OUT_OWN_CASE', 'MARKED_OWN_NOT_ASSESSABLE'));
