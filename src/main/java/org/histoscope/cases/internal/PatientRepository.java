package org.histoscope.cases.internal;

import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface PatientRepository extends JpaRepository<Patient, Long> {

    Optional<Patient> findByMrn(String mrn);

    @Query("""
            select p from Patient p
            where :pattern is null
               or lower(p.mrn) like cast(:pattern as string) escape '\\'
               or lower(p.fullName) like cast(:pattern as string) escape '\\'
            """)
    /** @param pattern a LIKE pattern from {@link SearchText}, or null for all */
    Page<Patient> search(String pattern, Pageable pageable);
}
