-- Stored predictions. image_id/case_id refer to the cases feature's tables; the foreign keys are added by the
-- cases migrations (V3_x) so that this feature does not depend on them.
CREATE TABLE prediction (
    id                  BIGSERIAL PRIMARY KEY,
    case_id             BIGINT           NOT NULL,
    image_id            BIGINT           NOT NULL,
    probability         DOUBLE PRECISION NOT NULL CHECK (probability >= 0 AND probability <= 1),
    class_probabilities JSONB            NOT NULL,
    threshold           DOUBLE PRECISION NOT NULL,
    label               VARCHAR(100)     NOT NULL,
    positive            BOOLEAN          NOT NULL,
    model_id            VARCHAR(100)     NOT NULL,
    model_version       VARCHAR(50)      NOT NULL,
    device              VARCHAR(500)     NOT NULL,
    mode                VARCHAR(20)      NOT NULL CHECK (mode IN ('PATCH', 'WHOLE_IMAGE')),
    decode_ms           BIGINT           NOT NULL,
    infer_ms            BIGINT           NOT NULL,
    tile_stats          JSONB,
    heatmap_png         BYTEA,
    explanation_png     BYTEA,
    created_by          VARCHAR(100)     NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX prediction_image_idx ON prediction (image_id, created_at DESC);
CREATE INDEX prediction_case_idx ON prediction (case_id);
