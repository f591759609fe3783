-- The links V2_1 promised: a prediction belongs to a real case, image and job, and a job has at most one result.

-- The job that produced the prediction. One result per job: a revived and an original execution of the same job
-- can never both store one. Older predictions are linked through the job that recorded them.
ALTER TABLE prediction ADD COLUMN job_id BIGINT;
UPDATE prediction p SET job_id = j.id FROM prediction_job j WHERE j.prediction_id = p.id;
ALTER TABLE prediction
    ADD CONSTRAINT prediction_job_fk FOREIGN KEY (job_id) REFERENCES prediction_job (id),
    ADD CONSTRAINT prediction_one_per_job UNIQUE (job_id),
    ADD CONSTRAINT prediction_case_fk FOREIGN KEY (case_id) REFERENCES patient_case (id),
    ADD CONSTRAINT prediction_image_fk FOREIGN KEY (image_id) REFERENCES case_image (id);

ALTER TABLE prediction_job
    ADD CONSTRAINT prediction_job_prediction_fk FOREIGN KEY (prediction_id) REFERENCES prediction (id),
    ADD CONSTRAINT prediction_job_one_prediction UNIQUE (prediction_id);
