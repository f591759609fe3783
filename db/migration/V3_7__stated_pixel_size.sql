-- The pixel size the uploader stated (objective or µm/px) for a file that states none; the prediction job uses it.
ALTER TABLE case_image
    ADD COLUMN stated_microns_per_pixel DOUBLE PRECISION
        CHECK (stated_microns_per_pixel IS NULL OR (stated_microns_per_pixel >= 0.05 AND stated_microns_per_pixel <= 50));
