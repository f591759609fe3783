package org.histoscope.models.internal;

import org.histoscope.platform.PeopleText;
import java.util.Locale;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.histoscope.images.ImageInspector;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.CandidateModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.CandidateModels;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.models.ModelPackageRejectedException;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/**
 * Checks a model package before it is registered: the card is complete, model.onnx has the card's sha256, ONNX
 * Runtime loads it with the card's input and output, and it reproduces reference/probabilities.csv (when present)
 * within the card's tolerance.
 */
@Component
public class ModelPackageValidator {

    public record ValidatedPackage(ModelCard card, Map<String, Object> cardJson, String sha256, boolean referenceChecked,
                            int referencePatches, double worstDifference) {
    }

    private final CandidateModels candidates;
    private final ImageInspector inspector;

    ModelPackageValidator(CandidateModels candidates, ImageInspector inspector) {
        this.candidates = candidates;
        this.inspector = inspector;
    }

    @Unguarded("internal to the models feature (Modulith keeps other features out): called by its guarded services and jobs")
    public ValidatedPackage validate(Path folder) {
        Path cardFile = folder.resolve(ModelCards.CARD_FILE);
        Path onnxFile = folder.resolve(ModelCards.MODEL_FILE);
        if (!Files.isRegularFile(cardFile)) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.package-lacks-file", String.valueOf(ModelCards.CARD_FILE)));
        }
        if (!Files.isRegularFile(onnxFile)) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.package-lacks-file", String.valueOf(ModelCards.MODEL_FILE)));
        }
        ModelCard card;
        try {
            card = ModelCards.read(cardFile);
        } catch (ModelCards.InvalidModelCardException e) {
            // the detail names the card's JSON fields, which are English in every language: it is quoted as written
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.card-invalid", e.getMessage()));
        }
        String sha256 = sha256(onnxFile);
        if (!sha256.equals(card.sha256())) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.model-onnx-does-match-card", String.valueOf(sha256), String.valueOf(card.sha256())));
        }
        try (CandidateModel model = candidates.load(card, onnxFile)) {
            Reference reference = checkReference(folder, model);
            return new ValidatedPackage(card, ModelCards.readAsMap(cardFile), sha256, reference.patches() > 0,
                    reference.patches(), reference.worst());
        } catch (PredictionFailedException e) {
            throw new ModelPackageRejectedException(e.getMessage(), e);
        }
    }

    private record Reference(int patches, double worst) {
    }

    private Reference checkReference(Path folder, CandidateModel model) {
        Path csv = folder.resolve("reference").resolve("probabilities.csv");
        if (!Files.isRegularFile(csv)) {
            return new Reference(0, 0);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.reference-probabilities-csv-cannot-read"));
        }
        double worst = 0;
        for (String line : lines) {
            String[] fields = line.split(",");
            if (fields.length < 2 || fields[0].contains("/") || fields[0].contains("\\")) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.reference-probabilities-csv-malformed-line", String.valueOf(line)));
            }
            double expected;
            try {
                expected = Double.parseDouble(fields[1].trim());
            } catch (NumberFormatException e) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.reference-probabilities-csv-malformed-probability", String.valueOf(line)));
            }
            BufferedImage patch;
            try {
                patch = inspector.readWhole(folder.resolve("reference").resolve(fields[0].trim()));
            } catch (ImageRejectedException e) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.reference-image", String.valueOf(fields[0]), e.text()));
            }
            double actual = model.patchProbability(patch);
            double difference = Math.abs(actual - expected);
            if (difference > model.card().referenceTolerance()) {
                throw new ModelPackageRejectedException(PeopleText.of(
                        "refusal.models.reference-not-reproduced", fields[0], actual, expected,
                        String.format(Locale.ROOT, "%.0e", model.card().referenceTolerance())));
            }
            worst = Math.max(worst, difference);
        }
        return new Reference(lines.size(), worst);
    }

    @Unguarded("internal to the models feature (Modulith keeps other features out): called by its guarded services and jobs")
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.model-onnx-cannot-read", String.valueOf(e.getMessage())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
