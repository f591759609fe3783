package org.histoscope.platform;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.histoscope.HistoscopeApplication;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.cases.Sex;
import org.histoscope.cases.UploadOutcome;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.TestAccounts;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application as {@link EmbeddedDatabaseCrashTest} runs it in a separate JVM, on a data folder the test names.
 * "start" uploads an image and waits, printing {@code CRASHTEST RUNNING <job>} once the job is running, for the
 * test to kill the JVM; "resume" waits for the job to finish after the restart and prints what the database holds.
 */
public final class CrashingApplication {

    private CrashingApplication() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String dataDirectory = args[1];
        ConfigurableApplicationContext context = SpringApplication.run(HistoscopeApplication.class,
                "--server.port=0",
                "--histoscope.embedded-db.data-directory=" + dataDirectory + "/postgres",
                "--histoscope.embedded-db.clean=false",
                "--histoscope.storage.directory=" + dataDirectory + "/images",
                "--histoscope.models.evaluation-directory=" + dataDirectory + "/evaluations",
                "--db-scheduler.heartbeat-interval=1s",
                "--db-scheduler.missed-heartbeats-limit=4",
                "--db-scheduler.polling-interval=500ms",
                "--histoscope.inference.intra-op-threads=1",
                "--spring.main.banner-mode=off");
        PredictionJobService jobs = context.getBean(PredictionJobService.class);
        if (mode.equals("start")) {
            long caseId = TestAccounts.runAs("patty", Set.of(Roles.PATHOLOGIST), () -> {
                CaseService cases = context.getBean(CaseService.class);
                long patient = cases.createPatient(new PatientForm("MRN-CRASH", "Crash Patient",
                        LocalDate.of(1970, 7, 7), Sex.FEMALE)).id();
                return cases.createCase(new CaseForm("CRASH-1", patient, "Breast", null, null, null)).id();
            });
            byte[] slide = mosaic(Integer.parseInt(args[2]));
            UploadOutcome outcome = TestAccounts.runAs("patty", Set.of(Roles.PATHOLOGIST), () -> {
                try {
                    return context.getBean(CaseImageService.class).upload(caseId, "large.png",
                            new ByteArrayInputStream(slide));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long jobId = outcome.job().id();
            while (true) {
                JobSummary job = jobOf(jobs, caseId, jobId);
                if (job.status() == JobStatus.RUNNING && job.progress() > 0) {
                    System.out.println("CRASHTEST RUNNING " + caseId + " " + jobId);
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
                if (job.status() == JobStatus.DONE || job.status() == JobStatus.FAILED) {
                    System.out.println("CRASHTEST TOO-FAST " + job.status());
                    System.exit(3);
                }
                Thread.sleep(50);
            }
        }
        long caseId = Long.parseLong(args[2]);
        long jobId = Long.parseLong(args[3]);
        Instant deadline = Instant.now().plusSeconds(600);
        JobSummary job = jobOf(jobs, caseId, jobId);
        while (job.status() != JobStatus.DONE && job.status() != JobStatus.FAILED && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            job = jobOf(jobs, caseId, jobId);
        }
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        long predictions = jdbc.queryForObject("SELECT count(*) FROM prediction WHERE job_id = ?", Long.class, jobId);
        long imagePredictions = jdbc.queryForObject("SELECT count(*) FROM prediction WHERE case_id = ?", Long.class, caseId);
        long queued = jdbc.queryForObject("SELECT count(*) FROM review_queue_item WHERE case_id = ?", Long.class, caseId);
        System.out.println("CRASHTEST RESULT " + job.status() + " " + job.attempts() + " " + predictions + " "
                + imagePredictions + " " + queued);
        System.out.flush();
        context.close();
        System.exit(0);
    }

    private static JobSummary jobOf(PredictionJobService jobs, long caseId, long jobId) {
        List<JobSummary> list = TestAccounts.runAs("patty", Set.of(Roles.PATHOLOGIST), () -> jobs.jobsForCase(caseId));
        return list.stream().filter(j -> j.id() == jobId).findFirst().orElseThrow();
    }

    /** A side × side grid of distinct-looking patches: an image the whole-image path tiles for a few seconds. */
    static byte[] mosaic(int side) throws Exception {
        java.awt.image.BufferedImage[] patches = {
                javax.imageio.ImageIO.read(CrashingApplication.class.getResource("/journeys/idc-9290-class1.png")),
                javax.imageio.ImageIO.read(CrashingApplication.class.getResource("/journeys/idc-9290-class0.png"))};
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(side * 50, side * 50,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        for (int row = 0; row < side; row++) {
            for (int column = 0; column < side; column++) {
                graphics.drawImage(patches[(row * 7 + column * 3) % 2], column * 50, row * 50, 50, 50, null);
            }
        }
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
