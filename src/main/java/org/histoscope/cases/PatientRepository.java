package org.histoscope.cases;

import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface PatientRepository extends JpaRepository<Patient, Long> {

    Optional<Patient> findByMrn(String mrn);

    @Query("""
            select p from Patient p
            where :text is null
               or lower(p.mrn) like concat('%', lower(cast(:text as string)), '%')
               or lower(p.fullName) like concat('%', lower(cast(:text as string)), '%')
            """)
    Page<Patient> search(String text, Pageable pageable);
}
