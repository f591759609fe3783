-- Issue 22: the review queue knows indeterminate and out-of-domain results ("uncertain first" puts indeterminate
-- ones on top), and a review of an out-of-domain result records that the reviewer acknowledged the warning.
ALTER TABLE review_queue_item
    ADD COLUMN indeterminate BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN out_of_domain BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE review
    ADD COLUMN out_of_domain_acknowledged BOOLEAN NOT NULL DEFAULT FALSE;
