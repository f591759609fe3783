-- Issue 22: the department's default pixel size for images that state none (no tags, nothing stated at upload).
-- One row at most; no row = no default (such images are analysed at the model's resolution, and say so).
CREATE TABLE department_pixel_size (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    microns_per_pixel DOUBLE PRECISION NOT NULL CHECK (microns_per_pixel >= 0.05 AND microns_per_pixel <= 50),
    changed_by        VARCHAR(100) NOT NULL,
    changed_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
