-- The per-tile probabilities of a whole-image prediction, stored losslessly (float32, NaN = no tissue, deflated)
-- with the geometry that places each tile on the image, for reviewers, exports and the slide viewer.
CREATE TABLE prediction_tile_grid (
    prediction_id   BIGINT PRIMARY KEY REFERENCES prediction (id) ON DELETE CASCADE,
    image_width     INTEGER     NOT NULL CHECK (image_width > 0),
    image_height    INTEGER     NOT NULL CHECK (image_height > 0),
    origin_x        INTEGER     NOT NULL,
    origin_y        INTEGER     NOT NULL,
    tile_size       INTEGER     NOT NULL CHECK (tile_size > 0),
    stride          INTEGER     NOT NULL CHECK (stride > 0),
    grid_columns    INTEGER     NOT NULL CHECK (grid_columns > 0),
    grid_rows       INTEGER     NOT NULL CHECK (grid_rows > 0),
    tissue_tiles    INTEGER     NOT NULL CHECK (tissue_tiles >= 0),
    encoding        VARCHAR(40) NOT NULL,
    probabilities   BYTEA       NOT NULL
);
