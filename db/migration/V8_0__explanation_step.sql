-- A patch's result is stored as soon as its probability is known; its occlusion explanation follows as a step of
-- its own in the same queue execution. The registered model that made the result, kept while its explanation is
-- still to be computed (NULL when none is pending), so that an execution revived after a crash computes the
-- explanation with the same model instead of predicting again.
ALTER TABLE prediction_job ADD COLUMN explanation_model_id BIGINT;
