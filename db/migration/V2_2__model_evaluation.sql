-- Evaluations of a registered model on a labelled image set uploaded by an administrator.
CREATE TABLE model_evaluation (
    id                  BIGSERIAL PRIMARY KEY,
    registered_model_id BIGINT           NOT NULL REFERENCES registered_model (id),
    dataset_name        VARCHAR(300)     NOT NULL,
    status              VARCHAR(20)      NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
    target_sensitivity  DOUBLE PRECISION NOT NULL CHECK (target_sensitivity > 0 AND target_sensitivity <= 1),
    threshold           DOUBLE PRECISION NOT NULL,
    result              JSONB,
    error               VARCHAR(1000),
    created_by          VARCHAR(100)     NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at         TIMESTAMP WITH TIME ZONE
);

CREATE INDEX model_evaluation_model_idx ON model_evaluation (registered_model_id, created_at DESC);
