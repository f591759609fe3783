package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.histoscope.cases.CaseImageService;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Results are read through their image (the cases feature's rules decide who may see it), then the prediction. */
@RestController
@Tag(name = "Results")
class ResultsController {

    private final PredictionService predictions;
    private final CaseImageService images;

    ResultsController(PredictionService predictions, CaseImageService images) {
        this.predictions = predictions;
        this.images = images;
    }

    @GetMapping("/api/v1/images/{imageId}/results")
    @Operation(summary = "Every prediction of an image, newest first (a re-run keeps the earlier ones)")
    List<ResultResource> ofImage(@PathVariable long imageId) {
        images.findImage(imageId).orElseThrow(() -> ApiException.notFound("Image " + imageId));
        return predictions.forImage(imageId).stream().map(ResultResource::of).toList();
    }

    @GetMapping("/api/v1/results/{resultId}")
    @Operation(summary = "A prediction: probability, threshold, label, model and version, device, timings, tile grid")
    ResultResource get(@PathVariable long resultId) {
        return ResultResource.of(visible(resultId));
    }

    @GetMapping(path = "/api/v1/results/{resultId}/heatmap", produces = MediaType.IMAGE_PNG_VALUE)
    @Operation(summary = "The heatmap overlay (PNG) of a whole-image prediction; 404 for a single-patch result")
    ResponseEntity<byte[]> heatmap(@PathVariable long resultId) {
        visible(resultId);
        byte[] png = predictions.heatmapPng(resultId)
                .orElseThrow(() -> ApiException.notFound("A heatmap for result " + resultId));
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(png);
    }

    @GetMapping(path = "/api/v1/results/{resultId}/tiles",
            produces = {MediaType.APPLICATION_JSON_VALUE, TileGridWriter.GEO_JSON})
    @Operation(summary = "Every tile of a whole-image prediction: geometry in image pixels and the model's exact "
            + "probability (null where the tile holds no tissue). `?format=geojson` or `Accept: application/geo+json` "
            + "answers a GeoJSON FeatureCollection of the tissue tiles that QuPath imports as detections; 404 for a "
            + "single-patch result")
    @ApiResponse(responseCode = "200", description = "the tile grid", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE),
            @Content(mediaType = TileGridWriter.GEO_JSON)})
    void tiles(@PathVariable long resultId,
               @Parameter(description = "json (default) or geojson") @RequestParam(required = false) String format,
               @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
               HttpServletResponse response) throws IOException {
        boolean geoJson = wantsGeoJson(format, accept);
        StoredPrediction prediction = visible(resultId);
        TileGridWriter writer = new TileGridWriter(prediction, predictions.tileGrid(resultId)
                .orElseThrow(() -> ApiException.notFound("A tile grid for result " + resultId)));
        response.setContentType(geoJson ? TileGridWriter.GEO_JSON : MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        if (geoJson) {
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"result-" + resultId
                    + "-tiles.geojson\"");
            writer.writeGeoJson(response.getOutputStream());
        } else {
            writer.writeJson(response.getOutputStream());
        }
    }

    private static boolean wantsGeoJson(String format, String accept) {
        if (format != null) {
            return switch (format.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "geojson" -> true;
                case "json" -> false;
                default -> throw new ApiException(HttpStatus.BAD_REQUEST, "invalid", "Invalid request",
                        "Parameter 'format' must be json or geojson.");
            };
        }
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains(TileGridWriter.GEO_JSON);
    }

    private StoredPrediction visible(long resultId) {
        StoredPrediction prediction = predictions.find(resultId)
                .orElseThrow(() -> ApiException.notFound("Result " + resultId));
        images.findImage(prediction.imageId()).orElseThrow(() -> ApiException.notFound("Result " + resultId));
        return prediction;
    }
}
