package org.histoscope.cases;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface PatientCaseRepository extends JpaRepository<PatientCase, Long> {

    Optional<PatientCase> findByAccessionNumber(String accessionNumber);

    /** Moves the case on only from the expected status; atomic, so concurrent jobs cannot both move it. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("""
            update PatientCase c set c.status = :next, c.updatedBy = :actor, c.updatedAt = :now, c.version = c.version + 1
            where c.id = :id and c.status = :expected""")
    int changeStatusIf(long id, CaseStatus expected, CaseStatus next, String actor, Instant now);

    @Query(value = """
            select c from PatientCase c join fetch c.patient p
            where (:status is null or c.status = :status)
              and (:onlyInReview = false or c.status <> org.histoscope.cases.CaseStatus.OPEN)
              and (:pattern is null
                   or lower(c.accessionNumber) like cast(:pattern as string) escape '\\'
                   or lower(p.mrn) like cast(:pattern as string) escape '\\'
                   or lower(p.fullName) like cast(:pattern as string) escape '\\')
            """,
            countQuery = """
            select count(c) from PatientCase c join c.patient p
            where (:status is null or c.status = :status)
              and (:onlyInReview = false or c.status <> org.histoscope.cases.CaseStatus.OPEN)
              and (:pattern is null
                   or lower(c.accessionNumber) like cast(:pattern as string) escape '\\'
                   or lower(p.mrn) like cast(:pattern as string) escape '\\'
                   or lower(p.fullName) like cast(:pattern as string) escape '\\')
            """)
    /** @param pattern a LIKE pattern from {@link SearchText}, or null for all */
    Page<PatientCase> search(String pattern, CaseStatus status, boolean onlyInReview, Pageable pageable);
}
