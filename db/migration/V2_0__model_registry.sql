-- The model registry: one row per registered model package (identified by the sha256 of its model.onnx).
-- Exactly one model is ACTIVE (the default for new predictions), enforced by a partial unique index.
CREATE TABLE registered_model (
    id                BIGSERIAL PRIMARY KEY,
    model_id          VARCHAR(100)     NOT NULL,
    name              VARCHAR(200)     NOT NULL,
    version           VARCHAR(50)      NOT NULL,
    architecture      VARCHAR(1000)    NOT NULL,
    classes           JSONB            NOT NULL,
    input_spec        JSONB            NOT NULL,
    threshold         DOUBLE PRECISION NOT NULL CHECK (threshold > 0 AND threshold < 1),
    card_threshold    DOUBLE PRECISION NOT NULL,
    status            VARCHAR(20)      NOT NULL CHECK (status IN ('AVAILABLE', 'ACTIVE', 'RETIRED')),
    metrics           JSONB            NOT NULL DEFAULT '{}'::jsonb,
    sha256            VARCHAR(64)      NOT NULL UNIQUE,
    storage_path      VARCHAR(1000)    NOT NULL,
    card              JSONB            NOT NULL,
    reference_checked BOOLEAN          NOT NULL,
    added_by          VARCHAR(100)     NOT NULL,
    added_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE UNIQUE INDEX registered_model_one_active ON registered_model (status) WHERE status = 'ACTIVE';
CREATE INDEX registered_model_model_id_idx ON registered_model (model_id);
