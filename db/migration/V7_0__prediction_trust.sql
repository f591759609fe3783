-- Issue 22: what a prediction says must mean what it says.
-- verdict: POSITIVE / NEGATIVE / INDETERMINATE (inside the card's grey zone, or a slide that is not assessable);
-- null for predictions stored before, whose verdict follows "positive".
ALTER TABLE prediction
    ADD COLUMN verdict VARCHAR(16) CHECK (verdict IS NULL OR verdict IN ('POSITIVE', 'NEGATIVE', 'INDETERMINATE')),
    ADD COLUMN grey_zone_low DOUBLE PRECISION,
    ADD COLUMN grey_zone_high DOUBLE PRECISION,
    ADD COLUMN tile_threshold DOUBLE PRECISION,
    ADD COLUMN ood_score DOUBLE PRECISION,
    ADD COLUMN ood_threshold DOUBLE PRECISION,
    ADD COLUMN out_of_domain BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN analysed_microns_per_pixel DOUBLE PRECISION,
    ADD COLUMN pixel_size_note VARCHAR(300),
    ADD COLUMN pixel_size_assumed BOOLEAN NOT NULL DEFAULT FALSE;

-- Per-tile flags (out of domain, slide QC) and domain scores of whole-image predictions, encoded like probabilities.
ALTER TABLE prediction_tile_grid
    ADD COLUMN tile_flags BYTEA,
    ADD COLUMN ood_scores BYTEA;
