package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.histoscope.images.HostileCorpus;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.TinyModelsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.histoscope.testsupport.TestCases;

/**
 * The generated hostile corpus ({@link HostileCorpus}: bombs, forged headers, broken pixels, loops and valid but
 * unusual files of every format) goes through the real upload path, the service the case view's upload calls: every
 * hostile file is refused at the door with a clear message and leaves no row and no file, every unusual valid file is
 * stored and predicted, and the application keeps serving afterwards. Images without tissue or smaller than the
 * model can read are refused at the door too.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileUploadTest extends TinyModelsContext {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    PredictionJobService jobs;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StorageProperties storage;

    @Test
    void everyHostileFileIsRefusedAtTheDoorLeavingNothingAndEveryUnusualValidFileIsPredicted() throws Exception {
        List<HostileCorpus.Sample> corpus = HostileCorpus.generate();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);
        assertThat(corpus.stream().map(s -> extension(s.name())).distinct()).contains("tif", "png", "jpg", "bmp");
        long caseId = newCase("HOSTILE-1");
        SoftAssertions soft = new SoftAssertions();
        List<String> table = new ArrayList<>();
        int stored = 0;
        for (HostileCorpus.Sample sample : corpus) {
            long rowsBefore = count("case_image");
            long jobsBefore = count("prediction_job");
            List<Path> filesBefore = storedFiles();
            long started = System.nanoTime();
            UploadOutcome outcome = upload(caseId, sample.name(), sample.content());
            long millis = (System.nanoTime() - started) / 1_000_000;
            table.add(String.format(Locale.ROOT, "%-8s %-40s %6d ms  %s", outcome.result(), sample.name(), millis,
                    outcome.message()));
            soft.assertThat(millis).as("time to answer %s", sample).isLessThan(20_000);
            if (sample.verdict() == HostileCorpus.Verdict.REFUSED) {
                soft.assertThat(outcome.result()).as("%s", sample).isEqualTo(UploadOutcome.Result.REJECTED);
                soft.assertThat(outcome.message()).as("message for %s", sample)
                        .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.")
                        .doesNotContain("javax.").doesNotContain("null").hasSizeLessThan(600)
                        .contains("was not accepted");
                // issue #26: a German user reads the same refusal in German, with no key shown raw
                soft.assertThat(org.histoscope.ui.I18n.text(outcome.text(), Locale.GERMAN)).as("German for %s", sample)
                        .startsWith(outcome.fileName() + " wurde nicht angenommen: ").doesNotContain("!");
                if (sample.hint() != null) {
                    soft.assertThat(outcome.message().toLowerCase(Locale.ROOT)).as("message for %s", sample)
                            .contains(sample.hint());
                }
                soft.assertThat(count("case_image")).as("rows after %s", sample).isEqualTo(rowsBefore);
                soft.assertThat(count("prediction_job")).as("jobs after %s", sample).isEqualTo(jobsBefore);
                soft.assertThat(storedFiles()).as("files after %s", sample).isEqualTo(filesBefore);
            } else {
                soft.assertThat(outcome.result()).as("%s: %s", sample, outcome.message())
                        .isEqualTo(UploadOutcome.Result.STORED);
                stored += outcome.result() == UploadOutcome.Result.STORED ? 1 : 0;
            }
        }
        System.out.println("Hostile corpus through the upload:\n  " + String.join("\n  ", table));
        soft.assertAll();

        // every accepted file is analysed; nothing refused at the door reached a job
        int expected = stored;
        await("all jobs of the hostile case", () -> jobsOf(caseId).stream()
                .filter(j -> j.status() == JobStatus.DONE || j.status() == JobStatus.FAILED).count() == expected);
        assertThat(jobsOf(caseId)).allSatisfy(job -> assertThat(job.status()).as(job.imageName() + ": "
                + job.errorMessage()).isEqualTo(JobStatus.DONE));
        assertThat(ActingAs.user("patty", () -> images.imagesOfCase(caseId), Roles.PATHOLOGIST)).extracting(ImageSummary::originalFilename)
                .contains("ünïcödé fdp.tif").noneMatch(name -> name.contains("\u202E"));

        // the application still serves: a new case takes an ordinary upload and predicts it
        long after = newCase("HOSTILE-2");
        UploadOutcome ordinary = upload(after, "after-the-corpus.tif",
                new org.springframework.core.io.ClassPathResource("journeys/pcam-1996c210-tumor.tif")
                        .getContentAsByteArray());
        assertThat(ordinary.result()).isEqualTo(UploadOutcome.Result.STORED);
        await("the ordinary job", () -> jobsOf(after).get(0).status() == JobStatus.DONE);
    }

    /**
     * Issue 24 item 11: a blank (noisy white glass) whole image was stored and failed in its job, although the README
     * promised a refusal at the door. Now it is refused with its reason and nothing is stored.
     */
    @Test
    void anImageWithoutTissueIsRefusedAtTheDoorWithItsReason() throws Exception {
        long caseId = newCase("BLANK-1");
        assertRefusedLeavingNothing(caseId, "blank-glass.png", glass(900, 700), "no tissue found");
        BufferedImage black = new BufferedImage(60, 60, BufferedImage.TYPE_INT_RGB); // one patch of scanner margin
        assertRefusedLeavingNothing(caseId, "black-patch.png", png(black), "no tissue found");
    }

    /** Issue 24 item 11: a 1x1 PNG was scored and queued for review. */
    @Test
    void anImageSmallerThanOneModelPatchIsRefusedAtTheDoor() throws Exception {
        long caseId = newCase("TINY-1");
        BufferedImage pixel = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        pixel.setRGB(0, 0, 0xB97CA7); // an H&E pink: tissue colour, but one pixel of it
        assertRefusedLeavingNothing(caseId, "one-pixel.png", png(pixel), "too small to analyse");
        BufferedImage strip = new BufferedImage(50, 3, BufferedImage.TYPE_INT_RGB);
        assertRefusedLeavingNothing(caseId, "strip.png", png(strip), "50 x 3 pixels");
    }

    /** Issue 24 item 11: a CMYK JPEG of real tissue was refused as "damaged"; TwelveMonkeys decodes it. */
    @Test
    void aCmykJpegOfRealTissueIsStoredAndPredicted() throws Exception {
        long caseId = newCase("CMYK-1");
        BufferedImage tissue = javax.imageio.ImageIO.read(new org.springframework.core.io.ClassPathResource(
                "images/idc/8951_idx5_x1201_y901_class1.png").getInputStream());
        UploadOutcome outcome = upload(caseId, "tissue-cmyk.jpg", org.histoscope.images.fixtures.CmykJpeg.of(tissue));
        assertThat(outcome.result()).as(outcome.message()).isEqualTo(UploadOutcome.Result.STORED);
        await("the CMYK image's job", () -> jobsOf(caseId).get(0).status() == JobStatus.DONE
                || jobsOf(caseId).get(0).status() == JobStatus.FAILED);
        assertThat(jobsOf(caseId).get(0).status()).as(jobsOf(caseId).get(0).errorMessage()).isEqualTo(JobStatus.DONE);
    }

    private void assertRefusedLeavingNothing(long caseId, String name, byte[] content, String reason) throws Exception {
        long rows = count("case_image");
        long jobsBefore = count("prediction_job");
        List<Path> files = storedFiles();
        UploadOutcome outcome = upload(caseId, name, content);
        assertThat(outcome.result()).as(outcome.message()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.message()).startsWith(name + " was not accepted: ").contains(reason)
                .doesNotContain("Exception");
        assertThat(count("case_image")).isEqualTo(rows);
        assertThat(count("prediction_job")).isEqualTo(jobsBefore);
        assertThat(storedFiles()).isEqualTo(files);
    }

    private static byte[] png(BufferedImage image) throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    /**
     * A stored original that no longer decodes (replaced on disk behind the application's back) fails its re-run
     * with the image's own reason, logged in one line without a stack trace.
     */
    @Test
    void aJobRefusingItsImageSaysWhyWithoutAStackTrace(CapturedOutput output) throws Exception {
        long caseId = newCase("DAMAGED-1");
        UploadOutcome outcome = upload(caseId, "slide.tif", new org.springframework.core.io.ClassPathResource(
                "journeys/pcam-01788bbb-normal.tif").getContentAsByteArray());
        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.STORED);
        await("the first job", () -> jobsOf(caseId).get(0).status() == JobStatus.DONE);
        Path stored = Path.of(storage.directory()).resolve(outcome.image().sha256().substring(0, 2))
                .resolve(outcome.image().sha256());
        byte[] original = Files.readAllBytes(stored);
        stored.toFile().setWritable(true);
        Files.write(stored, java.util.Arrays.copyOf(original, 300)); // truncated
        try {
            JobSummary rerun = ActingAs.user("patty", () -> jobs.rerun(outcome.image().id(), null), Roles.PATHOLOGIST);
            await("the re-run", () -> jobsOf(caseId).stream().anyMatch(j -> j.id() == rerun.id()
                    && (j.status() == JobStatus.FAILED || j.status() == JobStatus.DONE)));
            JobSummary failed = jobsOf(caseId).stream().filter(j -> j.id() == rerun.id()).findFirst().orElseThrow();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.errorMessage()).contains("damaged").doesNotContain("Exception");
            // issue #26: the reason is stored as a key with its arguments, so a German user reads it in German
            assertThat(failed.errorCode()).startsWith("refusal.images.");
            assertThat(org.histoscope.ui.I18n.text(failed.errorReason(), java.util.Locale.GERMAN))
                    .contains("beschädigt").doesNotContain("damaged").doesNotContain("!refusal");
            assertThat(output.getAll()).containsPattern("Prediction job " + rerun.id() + " \\(attempt \\d+\\) refused its image: ")
                    .doesNotContain("ImageRejectedException").doesNotContain("\tat org.histoscope");
        } finally {
            Files.write(stored, original);
        }
    }

    /** White glass with the scanner's noise (not one flat colour, so it compresses like a real scan). */
    static byte[] glass(int width, int height) throws Exception {
        var image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(11);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = 236 + random.nextInt(12);
                image.setRGB(x, y, v << 16 | (v - 2) << 8 | v);
            }
        }
        var bytes = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    private static String extension(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }

    /** Every file under the originals store, incoming temporary files included. */
    private List<Path> storedFiles() throws Exception {
        try (Stream<Path> files = Files.walk(Path.of(storage.directory()))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private long newCase(String accession) {
        return TestCases.newCase(cases, accession);
    }

    private UploadOutcome upload(long caseId, String name, byte[] content) {
        return ActingAs.user("patty", () -> {
            try (InputStream in = new ByteArrayInputStream(content)) {
                return images.upload(caseId, name, in);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST);
    }

    private List<JobSummary> jobsOf(long caseId) {
        return ActingAs.user("patty", () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
