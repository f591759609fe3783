package org.histoscope.inference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads and checks {@code model-card.json} files. */
public final class ModelCards {

    public static final String CARD_FILE = "model-card.json";
    public static final String MODEL_FILE = "model.onnx";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelCards() {
    }

    /** @throws InvalidModelCardException naming the missing or wrong field */
    public static ModelCard read(Path cardFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(cardFile));
        } catch (IOException e) {
            throw new InvalidModelCardException("The model card " + cardFile.getFileName() + " is not readable JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return parse(root);
    }

    /** Parses a card already read as JSON (e.g. stored in the registry). */
    public static ModelCard fromMap(Map<String, Object> card) {
        return parse(JSON.valueToTree(card));
    }

    /** The card file as a JSON map, for storing it. */
    public static Map<String, Object> readAsMap(Path cardFile) {
        try {
            return JSON.readValue(Files.readAllBytes(cardFile), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new InvalidModelCardException("The model card " + cardFile.getFileName() + " is not readable JSON.");
        }
    }

    static ModelCard parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidModelCardException("The model card is not a JSON object.");
        }
        JsonNode input = required(root, "input");
        JsonNode output = required(root, "output");
        List<String> classes = new ArrayList<>();
        required(root, "classes").forEach(c -> classes.add(c.asText()));
        if (classes.size() != 2) {
            throw new InvalidModelCardException("The model card must list exactly two classes, found " + classes.size());
        }
        int positive = root.path("positive_class_index").asInt(1);
        ModelCard.InputSpec inputSpec = new ModelCard.InputSpec(text(input, "name"), positiveInt(input, "height"),
                positiveInt(input, "width"), input.path("layout").asText("NCHW"),
                input.path("channel_order").asText("RGB"), input.path("scale").asDouble(1.0 / 255),
                triple(input, "mean"), triple(input, "std"), input.path("resize_method").asText(""));
        if (!"NCHW".equalsIgnoreCase(inputSpec.layout())) {
            throw new InvalidModelCardException("Only NCHW input layout is supported, the card says " + inputSpec.layout());
        }
        if (inputSpec.std().stream().anyMatch(s -> !(s > 0))) {
            throw new InvalidModelCardException("input.std values must be positive.");
        }
        double threshold = required(root, "threshold").asDouble(Double.NaN);
        if (!(threshold > 0 && threshold < 1)) {
            throw new InvalidModelCardException("threshold must be between 0 and 1.");
        }
        JsonNode mpp = root.path("microns_per_pixel");
        Double microns = mpp.isNumber() && mpp.asDouble() > 0 ? mpp.asDouble() : null;
        String sha = root.path("onnx").path("sha256").asText(root.path("sha256").asText(""));
        if (!sha.matches("[0-9a-fA-F]{64}")) {
            throw new InvalidModelCardException("The card has no valid onnx.sha256 of model.onnx.");
        }
        JsonNode arch = root.path("architecture");
        String architecture = arch.isObject()
                ? (arch.path("arch").asText("") + " " + arch.path("description").asText("")).trim()
                : arch.asText("");
        Map<String, Object> metrics = JSON.convertValue(root.path("metrics").isObject() ? root.get("metrics")
                : JSON.createObjectNode(), new TypeReference<Map<String, Object>>() { });
        return new ModelCard(text(root, "id"), root.path("name").asText(text(root, "id")), text(root, "version"),
                architecture, classes, positive, inputSpec,
                new ModelCard.OutputSpec(text(output, "name"), output.path("meaning").asText("probability")),
                threshold, microns, metrics, sha.toLowerCase(), root.path("reference").path("tolerance").asDouble(1e-4),
                testTimeAugmentation(root), root.path("intended_use").asText(""), operatingPoints(root),
                domainGuard(root));
    }

    /** Optional {@code operating_points}: absent parts fall back to the patch threshold, no grey zone. */
    private static OperatingPoints operatingPoints(JsonNode root) {
        JsonNode points = root.path("operating_points");
        if (!points.isObject()) {
            return OperatingPoints.NONE;
        }
        JsonNode tile = points.path("tile");
        JsonNode slide = points.path("slide");
        checkSlideScore(slide);
        return new OperatingPoints(probability(tile, "threshold", "operating_points.tile"),
                positiveOrNull(tile.path("smoothing_sigma_tiles")), probability(slide, "threshold", "operating_points.slide"),
                greyZone(points.path("patch").path("grey_zone"), "operating_points.patch.grey_zone"),
                greyZone(slide.path("grey_zone"), "operating_points.slide.grey_zone"));
    }

    /**
     * The slide threshold was chosen for one slide score; the app computes {@link WholeSlideScoring#SCORE} only, so a
     * card whose threshold belongs to another score (the training side compares several) is refused rather than
     * applied to the wrong number.
     */
    private static void checkSlideScore(JsonNode slide) {
        JsonNode score = slide.path("score");
        if (score.isMissingNode() || score.isNull()) {
            return;
        }
        JsonNode k = slide.path("score_parameters").path("k");
        if (!WholeSlideScoring.SCORE.equals(score.asText())
                || (!k.isMissingNode() && k.asInt(-1) != WholeSlideScoring.TOP_K)) {
            throw new InvalidModelCardException("operating_points.slide.score must be " + WholeSlideScoring.SCORE
                    + " (the slide score this version of the app computes), not " + score.asText() + ".");
        }
    }

    private static Double probability(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        double p = value.asDouble(Double.NaN);
        if (!(p > 0 && p < 1)) {
            throw new InvalidModelCardException(where + "." + field + " must be between 0 and 1.");
        }
        return p;
    }

    private static Double positiveOrNull(JsonNode value) {
        return value.isNumber() && value.asDouble() > 0 ? value.asDouble() : null;
    }

    private static GreyZone greyZone(JsonNode zone, String where) {
        if (!zone.isObject()) {
            return null;
        }
        try {
            return new GreyZone(zone.path("low").asDouble(Double.NaN), zone.path("high").asDouble(Double.NaN));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelCardException(where + " needs 0 <= low < high <= 1.");
        }
    }

    /** Optional {@code domain_guard}: the ONNX output that scores distance from the training domain. */
    private static DomainGuard domainGuard(JsonNode root) {
        JsonNode guard = root.path("domain_guard");
        if (!guard.isObject()) {
            return null;
        }
        String output = guard.path("output").asText("");
        double threshold = guard.path("threshold").asDouble(Double.NaN);
        if (output.isBlank() || !Double.isFinite(threshold)) {
            throw new InvalidModelCardException("domain_guard needs an output name and a numeric threshold.");
        }
        return new DomainGuard(output, threshold);
    }

    private static TestTimeAugmentation testTimeAugmentation(JsonNode root) {
        try {
            return TestTimeAugmentation.fromCard(root.path("tta").isTextual() ? root.get("tta").asText() : null);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelCardException(e.getMessage());
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidModelCardException("The model card lacks '" + field + "'.");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        String value = required(node, field).asText("");
        if (value.isBlank()) {
            throw new InvalidModelCardException("The model card field '" + field + "' is empty.");
        }
        return value;
    }

    private static int positiveInt(JsonNode node, String field) {
        int value = required(node, field).asInt(0);
        if (value <= 0) {
            throw new InvalidModelCardException("The model card field '" + field + "' must be a positive integer.");
        }
        return value;
    }

    private static List<Double> triple(JsonNode node, String field) {
        JsonNode array = required(node, field);
        if (!array.isArray() || array.size() != 3) {
            throw new InvalidModelCardException("input." + field + " must hold three numbers.");
        }
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asDouble()));
        return values;
    }

    /** A model card that is missing or malformed; the message names the problem. */
    public static class InvalidModelCardException extends RuntimeException {
        public InvalidModelCardException(String message) {
            super(message);
        }
    }
}
