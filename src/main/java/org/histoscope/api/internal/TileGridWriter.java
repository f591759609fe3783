package org.histoscope.api.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileGrid;

/**
 * Writes a prediction's whole tile grid, streamed (a slide may have millions of tiles): as plain JSON with every
 * tile, or as a GeoJSON FeatureCollection of the tissue tiles that QuPath imports as detections. Probabilities are
 * the model's float32 values written with the shortest decimal that reads back to the same float, so nothing is
 * lost; a tile without tissue was not classified and has {@code probability: null}.
 */
final class TileGridWriter {

    static final String GEO_JSON = "application/geo+json";
    private static final JsonFactory FACTORY = new JsonFactory();

    private final StoredPrediction prediction;
    private final TileGrid grid;

    TileGridWriter(StoredPrediction prediction, TileGrid grid) {
        this.prediction = prediction;
        this.grid = grid;
    }

    void writeJson(OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("resultId", prediction.id());
            json.writeNumberField("imageId", prediction.imageId());
            json.writeObjectFieldStart("model");
            json.writeStringField("id", prediction.modelId());
            json.writeStringField("version", prediction.modelVersion());
            json.writeEndObject();
            json.writeNumberField("threshold", prediction.threshold());
            json.writeNumberField("imageWidth", grid.imageWidth());
            json.writeNumberField("imageHeight", grid.imageHeight());
            json.writeNumberField("originX", grid.originX());
            json.writeNumberField("originY", grid.originY());
            json.writeNumberField("tileSize", grid.tileSize());
            json.writeNumberField("stride", grid.stride());
            json.writeNumberField("columns", grid.columns());
            json.writeNumberField("rows", grid.rows());
            json.writeNumberField("tissueTiles", grid.tissueTiles());
            json.writeArrayFieldStart("tiles");
            float[] probabilities = grid.probabilities();
            for (int row = 0; row < grid.rows(); row++) {
                for (int column = 0; column < grid.columns(); column++) {
                    Tile tile = tile(column, row);
                    json.writeStartObject();
                    json.writeNumberField("column", column);
                    json.writeNumberField("row", row);
                    json.writeNumberField("x", tile.x);
                    json.writeNumberField("y", tile.y);
                    json.writeNumberField("width", tile.width);
                    json.writeNumberField("height", tile.height);
                    float p = probabilities[row * grid.columns() + column];
                    json.writeFieldName("probability");
                    if (Float.isNaN(p)) {
                        json.writeNull();
                    } else {
                        json.writeNumber(p);
                    }
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /**
     * QuPath (0.3 and later) reads each feature as a detection with its class and measurements; coordinates are
     * full-resolution image pixels with y pointing down, as QuPath's own.
     */
    void writeGeoJson(OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("type", "FeatureCollection");
            json.writeArrayFieldStart("features");
            float[] probabilities = grid.probabilities();
            for (int row = 0; row < grid.rows(); row++) {
                for (int column = 0; column < grid.columns(); column++) {
                    float p = probabilities[row * grid.columns() + column];
                    Tile tile = tile(column, row);
                    if (Float.isNaN(p) || tile.isEmpty()) {
                        continue;
                    }
                    writeFeature(json, column, row, tile, p);
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private void writeFeature(JsonGenerator json, int column, int row, Tile tile, float p) throws IOException {
        json.writeStartObject();
        json.writeStringField("type", "Feature");
        json.writeStringField("id", prediction.id() + "-" + column + "-" + row);
        json.writeObjectFieldStart("geometry");
        json.writeStringField("type", "Polygon");
        json.writeArrayFieldStart("coordinates");
        json.writeStartArray();
        int[][] ring = {{tile.x, tile.y}, {tile.x + tile.width, tile.y}, {tile.x + tile.width, tile.y + tile.height},
                {tile.x, tile.y + tile.height}, {tile.x, tile.y}};
        for (int[] point : ring) {
            json.writeArray(point, 0, 2);
        }
        json.writeEndArray();
        json.writeEndArray();
        json.writeEndObject();
        json.writeObjectFieldStart("properties");
        json.writeStringField("objectType", "detection");
        json.writeObjectFieldStart("classification");
        boolean positive = p >= prediction.threshold();
        json.writeStringField("name", positive ? "IDC" : "Non-IDC");
        json.writeFieldName("color");
        json.writeArray(positive ? new int[] {200, 0, 0} : new int[] {0, 90, 200}, 0, 3);
        json.writeEndObject();
        json.writeObjectFieldStart("measurements");
        json.writeNumberField("probability", p);
        json.writeEndObject();
        json.writeNumberField("column", column);
        json.writeNumberField("row", row);
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Tile (column, row) in image pixels, clipped at the image's edge. */
    private Tile tile(int column, int row) {
        int x = grid.originX() + column * grid.stride();
        int y = grid.originY() + row * grid.stride();
        int width = Math.max(0, Math.min(grid.tileSize(), grid.imageWidth() - x));
        int height = Math.max(0, Math.min(grid.tileSize(), grid.imageHeight() - y));
        return new Tile(x, y, width, height);
    }

    private record Tile(int x, int y, int width, int height) {
        boolean isEmpty() {
            return width == 0 || height == 0;
        }
    }
}
