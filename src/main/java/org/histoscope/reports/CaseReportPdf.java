package org.histoscope.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.PatientSummary;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.review.SignedReview;

/** Draws a {@link ReportContent} as a PDF (Apache PDFBox). */
final class CaseReportPdf {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String FOOTER = "Histoscope case report. Model results support, and never replace, "
            + "a pathologist's diagnosis.";

    private CaseReportPdf() {
    }

    static byte[] render(ReportContent report) {
        CaseSummary c = report.caseSummary();
        try (PDDocument document = new PDDocument()) {
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle("Case report " + c.accessionNumber() + " v" + report.version());
            info.setAuthor("Histoscope");
            info.setCreationDate(java.util.GregorianCalendar.from(report.generatedAt().atZone(ZoneOffset.UTC)));
            try (PdfLayout page = new PdfLayout(document, FOOTER + " Case " + c.accessionNumber() + ", report version "
                    + report.version() + ".")) {
                header(page, report);
                patientAndCase(page, c);
                for (ReportContent.ImageSection image : report.images()) {
                    image(page, image);
                }
                amendments(page, report.amendments());
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
        page.field("Generated", time(report.generatedAt()) + " by " + report.generatedBy());
    }

    private static void patientAndCase(PdfLayout page, CaseSummary c) throws IOException {
        PatientSummary p = c.patient();
        page.heading("Patient", 13);
        page.field("Name", p.fullName());
        page.field("MRN", p.mrn());
        page.field("Date of birth", p.dateOfBirth().toString());
        page.field("Sex", p.sex().name().toLowerCase(Locale.ROOT));
        page.heading("Case", 13);
        page.field("Accession number", c.accessionNumber());
        page.field("Specimen", c.specimen());
        page.field("Site", c.site());
        page.field("Status", c.status().name());
        page.field("Assigned pathologist", c.assignedPathologist());
        page.field("Clinical notes", c.clinicalNotes());
    }

    private static void image(PdfLayout page, ReportContent.ImageSection section) throws IOException {
        var image = section.image();
        page.heading("Image " + image.originalFilename(), 12);
        page.text(image.format() + ", " + image.width() + " × " + image.height() + " px"
                + (image.resolution() == null ? "" : ", " + image.resolution()) + ", uploaded "
                + time(image.uploadedAt()) + " by " + image.uploadedBy());
        page.text("SHA-256 " + image.sha256());
        List<byte[]> pictures = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        if (section.thumbnailPng() != null) {
            pictures.add(section.thumbnailPng());
            captions.add("Image");
        }
        section.predictions().stream().filter(p -> p.heatmapPng() != null).findFirst().ifPresent(p -> {
            pictures.add(p.heatmapPng());
            captions.add("Heatmap (result " + p.prediction().id() + ")");
        });
        if (!pictures.isEmpty()) {
            page.space(4);
            page.imageRow(pictures, captions, 200);
        }
        for (ReportContent.PredictionSection prediction : section.predictions()) {
            result(page, prediction);
        }
    }

    /** Grey zone, domain guard warning and pixel size of a result (issue 22), each only when known. */
    private static void trust(PdfLayout page, StoredPrediction p) throws IOException {
        var assessment = p.assessment();
        if (assessment.indeterminate() && assessment.greyZone() != null) {
            page.field("Indeterminate", "the probability lies in the model's grey zone " + decimal(assessment.greyZone()
                    .low()) + " to " + decimal(assessment.greyZone().high()) + ": neither call is reliable.");
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
        page.text("Result " + p.id() + " — model " + p.modelId() + " version " + p.modelVersion() + ": probability "
                + decimal(p.probability()) + ", threshold " + decimal(p.threshold()) + ", label " + p.displayLabel()
                + " (" + p.mode().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", " + p.device() + ", "
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
            page.text((review.isAmendment() ? "Amendment (review " + review.id() + ", amends review "
                    + review.amendsReviewId() + ")" : "Review " + review.id()) + ": " + review.decision().name()
                    .toLowerCase(Locale.ROOT) + ", final label " + review.finalLabel());
            page.text("Final diagnosis: " + review.finalDiagnosis());
            if (review.comment() != null) {
                page.text("Comment: " + review.comment());
            }
            page.text("Signed: " + review.signerName() + " (" + review.signedBy() + "), " + time(review.signedAt())
                    + ", meaning: " + review.meaning().label());
        }
    }

    private static void amendments(PdfLayout page, List<SignedReview> amendments) throws IOException {
        page.heading("Amendments", 13);
        if (amendments.isEmpty()) {
            page.text("None.");
        }
        for (SignedReview a : amendments) {
            page.text("Review " + a.id() + " amends review " + a.amendsReviewId() + " (result " + a.predictionId()
                    + "): final diagnosis " + a.finalDiagnosis() + "; signed " + a.signerName() + ", "
                    + time(a.signedAt()) + ", meaning: " + a.meaning().label());
        }
    }

    private static void intendedUse(PdfLayout page, List<ReportContent.ModelUse> models) throws IOException {
        page.heading("Intended use of the models", 13);
        for (ReportContent.ModelUse model : models) {
            page.text(model.modelId() + " " + model.version() + ": " + (model.intendedUse().isBlank()
                    ? "no intended use stated on the model card" : model.intendedUse()));
        }
    }

    private static String time(Instant instant) {
        return instant == null ? "—" : UTC.format(instant);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
