package org.histoscope.cases.internal;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.histoscope.cases.CaseStatus;

public interface PatientCaseRepository extends JpaRepository<PatientCase, Long> {

    Optional<PatientCase> findByAccessionNumber(String accessionNumber);

    /** For changes that must not interleave with a sign-out: a job's result, the sign-out itself. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from PatientCase c where c.id = :id")
    Optional<PatientCase> lockById(long id);

    /** For adding work to a case (a new job): many may do so at once, but not while it is being signed out. */
    @Lock(LockModeType.PESSIMISTIC_READ)
    @Query("select c from PatientCase c where c.id = :id")
    Optional<PatientCase> lockForShare(long id);

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
