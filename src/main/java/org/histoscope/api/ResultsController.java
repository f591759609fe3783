package org.histoscope.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.histoscope.cases.CaseImageService;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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

    private StoredPrediction visible(long resultId) {
        StoredPrediction prediction = predictions.find(resultId)
                .orElseThrow(() -> ApiException.notFound("Result " + resultId));
        images.findImage(prediction.imageId()).orElseThrow(() -> ApiException.notFound("Result " + resultId));
        return prediction;
    }
}
