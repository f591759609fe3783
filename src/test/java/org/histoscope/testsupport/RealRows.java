package org.histoscope.testsupport;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Real rows for tests that need a case, an image, a job or a stored prediction without running the model: every
 * foreign key points at a row that exists, as in production.
 */
public final class RealRows {

    private RealRows() {
    }

    public static long patientCase(JdbcTemplate jdbc, String accession) {
        Long patient = jdbc.queryForObject("""
                INSERT INTO patient (mrn, full_name, date_of_birth, sex, created_by, created_at, updated_by, updated_at)
                VALUES (?, 'Row Patient', DATE '1960-01-01', 'UNKNOWN', 'patty', now(), 'patty', now()) RETURNING id""",
                Long.class, "MRN-" + accession);
        return jdbc.queryForObject("""
                INSERT INTO patient_case (accession_number, patient_id, specimen, status, created_by, created_at,
                                          updated_by, updated_at)
                VALUES (?, ?, 'Biopsy', 'OPEN', 'patty', now(), 'patty', now()) RETURNING id""",
                Long.class, accession, patient);
    }

    public static long image(JdbcTemplate jdbc, long caseId, String name) {
        String sha = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 64);
        return jdbc.queryForObject("""
                INSERT INTO case_image (case_id, original_filename, sha256, size_bytes, format, width, height,
                                        uploaded_by, uploaded_at)
                VALUES (?, ?, ?, 1, 'PNG', 50, 50, 'patty', now()) RETURNING id""", Long.class, caseId, name, sha);
    }

    /** A job of the image in the given status, with no db-scheduler execution (nothing will run it). */
    public static long job(JdbcTemplate jdbc, long caseId, long imageId, String status) {
        return jdbc.queryForObject("""
                INSERT INTO prediction_job (case_id, image_id, rerun, status, attempts, requested_by, requested_at)
                VALUES (?, ?, TRUE, ?, 1, 'patty', now()) RETURNING id""", Long.class, caseId, imageId, status);
    }

    /** A stored prediction of a new DONE job of the image, its case in review, as the job runner would have left it. */
    public static long prediction(JdbcTemplate jdbc, long caseId, long imageId, double probability, String label) {
        long jobId = job(jdbc, caseId, imageId, "RUNNING");
        Long predictionId = jdbc.queryForObject("""
                INSERT INTO prediction (case_id, image_id, job_id, probability, class_probabilities, threshold, label,
                                        positive, model_id, model_version, device, mode, decode_ms, infer_ms,
                                        created_by, created_at)
                VALUES (?, ?, ?, ?, '{}'::jsonb, 0.5, ?, ?, 'row-model', '1.0', 'cpu', 'PATCH', 1, 1, 'patty', now())
                RETURNING id""", Long.class, caseId, imageId, jobId, probability, label, probability >= 0.5);
        jdbc.update("UPDATE prediction_job SET status = 'DONE', prediction_id = ?, progress = 1 WHERE id = ?",
                predictionId, jobId);
        // as the job runner does with a case's first result (reviewers see cases in review, not open ones)
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ? AND status = 'OPEN'", caseId);
        return predictionId;
    }
}
