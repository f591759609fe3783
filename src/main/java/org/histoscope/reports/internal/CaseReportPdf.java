package org.histoscope.reports.internal;

import java.io.ByteArrayOutputStream;
import org.histoscope.platform.UtcTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.PatientSummary;
import org.histoscope.inference.HeatmapScale;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.review.FinalDiagnosis;
import org.histoscope.review.NotAssessableMark;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.SignedReview;

/**
 * Draws a {@link ReportContent} as a PDF (Apache PDFBox), written for its clinical readers: printed names rather than
 * logins, plain words rather than internal keys, enum names or record ids, times in UTC and labelled so, and the
 * device only as "CPU" or "GPU (CUDA)".
 */
public final class CaseReportPdf {

    private static final String FOOTER = "Histoscope case report. Model results support, and never replace, "
            + "a pathologist's diagnosis.";

    private CaseReportPdf() {
    }

    public static byte[] render(ReportContent report) {
        CaseSummary c = report.caseSummary();
        try (PDDocument document = new PDDocument()) {
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle("Case report " + c.accessionNumber() + " v" + report.version());
            info.setAuthor("Histoscope");
            info.setCreationDate(java.util.GregorianCalendar.from(report.generatedAt().atZone(ZoneOffset.UTC)));
            try (PdfLayout page = new PdfLayout(document, FOOTER + " Case " + c.accessionNumber() + ", report version "
                    + report.version() + ".")) {
                header(page, report);
                finalDiagnosis(page, report);
                diagnoses(page, report);
                patientAndCase(page, report);
                for (ReportContent.ImageSection image : report.images()) {
                    image(page, image, report);
                }
                amendments(page, report);
                intendedUse(page, report.models());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("The case report could not be drawn", e);
        }
    }

    private static void header(PdfLayout page, ReportContent report) throws IOException {
        page.heading("Case report — " + report.caseSummary().accessionNumber(), 18);
        page.field("Report version", report.version() + " (" + report.reason() + ")");
        page.field("Generated", time(report.generatedAt()) + " by " + report.printed(report.generatedBy()));
        page.text("All times in this report are in UTC.");
    }

    /**
     * The case-level final diagnosis and the responsible pathologist's signature come first (issue 26): the
     * structured fields, the free text, the signature (printed name, UTC time, meaning), and what each amendment said.
     */
    private static void finalDiagnosis(PdfLayout page, ReportContent report) throws IOException {
        page.heading("Final diagnosis", 14);
        if (report.finalDiagnoses().isEmpty()) {
            page.text("Not finalized.");
            return;
        }
        FinalDiagnosis current = report.finalDiagnoses().get(report.finalDiagnoses().size() - 1);
        page.text(current.structured() + ".");
        page.text(current.diagnosis());
        page.text((current.isAmendment() ? "Amended and signed: " : "Finalized and signed: ") + current.signerName()
                + ", " + time(current.signedAt()) + ", meaning: " + current.meaning().label());
        if (current.isAmendment()) {
            page.text("Reason for the amendment: " + current.amendmentReason());
        }
        if (report.finalizationSegregationNote() != null) {
            page.text(report.finalizationSegregationNote() + ".");
        }
    }

    /**
     * The signed diagnoses first, one line per image: the final label and diagnosis of its latest signed review
     * beside the model's label, or its not-assessable mark; the details follow per image.
     */
    private static void diagnoses(PdfLayout page, ReportContent report) throws IOException {
        page.heading("Diagnoses per image", 13);
        for (ReportContent.ImageSection section : report.images()) {
            String name = section.image().originalFilename();
            if (!section.notAssessable().isEmpty()) {
                NotAssessableMark mark = section.notAssessable().get(section.notAssessable().size() - 1);
                page.text(name + ": not assessable (" + mark.reason() + "); signed " + mark.signerName() + ", "
                        + time(mark.signedAt()));
            }
            for (ReportContent.PredictionSection prediction : section.predictions()) {
                List<SignedReview> reviews = prediction.reviews();
                String model = "model: " + prediction.prediction().label() + ", probability "
                        + decimal(prediction.prediction().probability());
                if (reviews.isEmpty()) {
                    page.text(name + ": not reviewed (" + model + ")");
                } else {
                    SignedReview latest = reviews.get(reviews.size() - 1);
                    page.text(name + ": " + latest.finalDiagnosis() + " — final label " + latest.finalLabel() + " ("
                            + model + "); signed " + latest.signerName() + ", " + time(latest.signedAt()));
                }
            }
        }
    }

    private static void patientAndCase(PdfLayout page, ReportContent report) throws IOException {
        CaseSummary c = report.caseSummary();
        PatientSummary p = c.patient();
        page.heading("Patient", 13);
        page.field("Name", p.fullName());
        page.field("MRN", p.mrn());
        page.field("Date of birth", p.dateOfBirth().toString());
        page.field("Sex", words(p.sex().name()));
        page.heading("Case", 13);
        page.field("Accession number", c.accessionNumber());
        page.field("Specimen", c.specimen());
        page.field("Site", c.site());
        page.field("Status", status(c.status()));
        page.field("Assigned pathologist", report.printed(c.assignedPathologist()));
        page.field("Clinical notes", c.clinicalNotes());
    }

    private static void image(PdfLayout page, ReportContent.ImageSection section, ReportContent report)
            throws IOException {
        var image = section.image();
        page.heading("Image " + image.originalFilename(), 12);
        page.text(image.format() + ", " + image.width() + " × " + image.height() + " px"
                + (image.resolution() == null ? "" : ", " + image.resolution()) + ", uploaded "
                + time(image.uploadedAt()) + " by " + report.printed(image.uploadedBy()));
        page.text("SHA-256 " + image.sha256());
        List<byte[]> pictures = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        if (section.thumbnailPng() != null) {
            pictures.add(section.thumbnailPng());
            captions.add("Image");
        }
        StoredPrediction heatmap = section.predictions().stream().filter(p -> p.heatmapPng() != null).findFirst()
                .map(p -> {
                    pictures.add(p.heatmapPng());
                    captions.add("Heatmap of the model's probability");
                    return p.prediction();
                }).orElse(null);
        if (!pictures.isEmpty()) {
            page.space(4);
            page.imageRow(pictures, captions, 200);
        }
        if (heatmap != null) {
            legend(page, heatmap);
        }
        for (ReportContent.PredictionSection prediction : section.predictions()) {
            result(page, prediction);
        }
        for (NotAssessableMark mark : section.notAssessable()) {
            page.space(4);
            page.text("Not assessable: " + mark.reason());
            page.text("Signed: " + mark.signerName() + ", " + time(mark.signedAt()) + ", meaning: "
                    + mark.meaning().label());
            if (mark.signedByRequester()) {
                page.text(mark.segregationNote() + ".");
            }
        }
    }

    /**
     * The heatmap's legend in the colours the heatmap is drawn with (inference.HeatmapScale, as on screen): the scale,
     * the tile threshold as a line and the result's grey zone as a grey band under the bar.
     */
    private static void legend(PdfLayout page, StoredPrediction prediction) throws IOException {
        var assessment = prediction.assessment();
        double threshold = assessment.tileThreshold() != null ? assessment.tileThreshold() : prediction.threshold();
        var greyZone = assessment.greyZone();
        byte[] png = HeatmapScale.legendPng(400, 24, threshold, greyZone == null ? null : greyZone.low(),
                greyZone == null ? null : greyZone.high());
        page.scale(png, 200, "0", "1", "Heatmap scale: probability of IDC per tile, 0 (blue) to 1 (red); line: "
                + (assessment.tileThreshold() != null ? "tile threshold " : "threshold ") + decimal(threshold)
                + (greyZone == null ? "" : "; grey band: grey zone " + decimal(greyZone.low()) + " to "
                + decimal(greyZone.high())));
    }

    /** Grey zone, domain guard warning and pixel size of a result (issue 22), each only when known. */
    private static void trust(PdfLayout page, StoredPrediction p) throws IOException {
        var assessment = p.assessment();
        if (assessment.indeterminate() && assessment.greyZone() != null) {
            page.field("Indeterminate", "the probability lies in the model's grey zone " + decimal(assessment.greyZone()
                    .low()) + " to " + decimal(assessment.greyZone().high()) + ": neither call is reliable.");
        } else if (assessment.greyZone() != null) {
            page.field("Grey zone", "outside the model's grey zone " + decimal(assessment.greyZone().low()) + " to "
                    + decimal(assessment.greyZone().high()));
        }
        if (assessment.outOfDomain()) {
            page.field("WARNING", org.histoscope.inference.ResultAssessment.OUT_OF_DOMAIN_WARNING);
        }
        if (assessment.pixelSizeNote() != null) {
            page.field("Pixel size", assessment.pixelSizeNote());
        }
    }

    private static void result(PdfLayout page, ReportContent.PredictionSection section) throws IOException {
        StoredPrediction p = section.prediction();
        page.space(4);
        page.text("Model result: " + p.modelId() + ", version " + p.modelVersion() + ". Probability "
                + decimal(p.probability()) + ", threshold " + decimal(p.threshold()) + ", label " + p.displayLabel() + " ("
                + mode(p.mode()) + ", computed on " + InferenceDevice.forPeople(p.device()) + ", "
                + time(p.createdAt()) + ")");
        trust(page, p);
        if (p.tileStatistics() != null) {
            var tiles = p.tileStatistics();
            page.text("Tiles: " + tiles.tissueTiles() + " tissue tiles of " + tiles.tilesTotal() + ", "
                    + tiles.positiveTiles() + " at or above the threshold (" + decimal(tiles.positiveFraction()) + ")");
            page.text("Left out of the slide score: " + tiles.outOfDomainTiles() + " tiles outside the training domain, "
                    + tiles.blurredTiles() + " blurred, " + tiles.penInkTiles() + " with pen ink, "
                    + tiles.darkOrBrightTiles() + " too dark or washed out; usable tissue "
                    + decimal(tiles.usableShare()) + (tiles.notAssessable() ? ". PROPOSED AS NOT ASSESSABLE." : "."));
        }
        if (section.reviews().isEmpty()) {
            page.text("Not reviewed.");
        }
        for (SignedReview review : section.reviews()) {
            page.text((review.isAmendment() ? "Amended review: " : "Review: ") + decision(review));
            page.text("Final diagnosis: " + review.finalDiagnosis());
            if (review.comment() != null) {
                page.text("Comment: " + review.comment());
            }
            page.text("Signed: " + review.signerName() + ", " + time(review.signedAt()) + ", meaning: "
                    + review.meaning().label());
            if (review.signedByRequester()) {
                page.text(review.segregationNote() + ".");
            }
        }
    }

    private static void amendments(PdfLayout page, ReportContent report) throws IOException {
        page.heading("Amendments", 13);
        List<FinalDiagnosis> versions = report.finalDiagnoses();
        if (report.amendments().isEmpty() && versions.size() <= 1) {
            page.text("None.");
        }
        for (int i = 1; i < versions.size(); i++) {
            FinalDiagnosis previous = versions.get(i - 1);
            FinalDiagnosis amended = versions.get(i);
            page.text("Final diagnosis amended from \"" + previous.structured() + ". " + previous.diagnosis()
                    + "\" (signed " + previous.signerName() + ", " + time(previous.signedAt()) + ") to \""
                    + amended.structured() + ". " + amended.diagnosis() + "\"; reason: " + amended.amendmentReason()
                    + "; signed " + amended.signerName() + ", " + time(amended.signedAt()) + ", meaning: "
                    + amended.meaning().label());
        }
        for (SignedReview a : report.amendments()) {
            page.text(imageOf(report, a) + ": final diagnosis amended to " + a.finalDiagnosis() + "; signed "
                    + a.signerName() + ", " + time(a.signedAt()) + ", meaning: " + a.meaning().label());
        }
    }

    private static String imageOf(ReportContent report, SignedReview review) {
        return report.images().stream().filter(section -> section.predictions().stream()
                        .anyMatch(p -> p.prediction().id() == review.predictionId()))
                .map(section -> section.image().originalFilename()).findFirst().orElse("An image");
    }

    private static void intendedUse(PdfLayout page, List<ReportContent.ModelUse> models) throws IOException {
        page.heading("Intended use of the models", 13);
        for (ReportContent.ModelUse model : models) {
            page.text(model.modelId() + " " + model.version() + ": " + (model.intendedUse().isBlank()
                    ? "no intended use stated on the model card" : withoutCardKeys(model.intendedUse())));
        }
    }

    /** A card's text may point its maintainers at a field, "(model card: calibration.x)"; readers need no keys. */
    static String withoutCardKeys(String text) {
        return text.replaceAll("\\s*\\(model card: [^)]*\\)", "");
    }

    private static String decision(SignedReview review) {
        return review.decision() == ReviewDecision.AGREE
                ? "agreed with the model, final label " + review.finalLabel()
                : "overrode the model's " + review.predictedLabel() + ", final label " + review.finalLabel();
    }

    private static String status(CaseStatus status) {
        return switch (status) {
            case OPEN -> "Open";
            case IN_REVIEW -> "In review";
            case SIGNED_OUT -> "Finalized";
        };
    }

    private static String mode(PredictionMode mode) {
        return switch (mode) {
            case PATCH -> "single patch";
            case WHOLE_IMAGE -> "whole image, tiled";
            case AUTO -> "size-based";
        };
    }

    private static String words(String enumName) {
        String lower = enumName.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    private static String time(Instant instant) {
        return UtcTimes.format(instant, "—");
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
