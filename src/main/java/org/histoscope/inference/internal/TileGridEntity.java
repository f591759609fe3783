package org.histoscope.inference.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.histoscope.inference.TileGrid;

@Entity
@Table(name = "prediction_tile_grid")
public class TileGridEntity {

    @Id
    @Column(name = "prediction_id")
    Long predictionId;
    @Column(name = "image_width", nullable = false)
    int imageWidth;
    @Column(name = "image_height", nullable = false)
    int imageHeight;
    @Column(name = "origin_x", nullable = false)
    int originX;
    @Column(name = "origin_y", nullable = false)
    int originY;
    @Column(name = "tile_size", nullable = false)
    int tileSize;
    @Column(nullable = false)
    int stride;
    @Column(name = "grid_columns", nullable = false)
    int columns;
    @Column(name = "grid_rows", nullable = false)
    int rows;
    @Column(name = "tissue_tiles", nullable = false)
    int tissueTiles;
    @Column(nullable = false)
    String encoding;
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(nullable = false)
    byte[] probabilities;
    /** Per-tile {@link TileFlags}, deflated; null for grids stored before flags were kept. */
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "tile_flags")
    byte[] flags;
    /** Per-tile domain guard scores, float32 like the probabilities; null without a domain guard. */
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "ood_scores")
    byte[] oodScores;

    public static TileGridEntity of(long predictionId, TileGrid grid) {
        TileGridEntity entity = new TileGridEntity();
        entity.predictionId = predictionId;
        entity.imageWidth = grid.imageWidth();
        entity.imageHeight = grid.imageHeight();
        entity.originX = grid.originX();
        entity.originY = grid.originY();
        entity.tileSize = grid.tileSize();
        entity.stride = grid.stride();
        entity.columns = grid.columns();
        entity.rows = grid.rows();
        entity.tissueTiles = grid.tissueTiles();
        entity.encoding = TileGridCodec.ENCODING;
        entity.probabilities = TileGridCodec.encode(grid.probabilities());
        entity.flags = TileGridCodec.encodeFlags(grid.flags());
        float[] ood = grid.oodScores();
        entity.oodScores = ood == null ? null : TileGridCodec.encode(ood);
        return entity;
    }

    public TileGrid toGrid() {
        if (!TileGridCodec.ENCODING.equals(encoding)) {
            throw new IllegalStateException("Unknown tile grid encoding " + encoding);
        }
        return new TileGrid(imageWidth, imageHeight, originX, originY, tileSize, stride, columns, rows,
                TileGridCodec.decode(probabilities, columns * rows),
                flags == null ? null : TileGridCodec.decodeFlags(flags, columns * rows),
                oodScores == null ? null : TileGridCodec.decode(oodScores, columns * rows));
    }
}
