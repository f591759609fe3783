package org.histoscope.tokens.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    Optional<ApiToken> findBySecretSha256(String secretSha256);

    boolean existsByNameIgnoreCase(String name);

    List<ApiToken> findAllByOrderByCreatedAtDesc();

    /**
     * A plain update: no version check, so concurrent requests with one token never conflict; and only when the
     * stamp is older than {@code staleBefore}, so that most requests write nothing and take no lock on the row.
     */
    @Modifying
    @Query("update ApiToken t set t.lastUsedAt = :at where t.id = :id and (t.lastUsedAt is null or t.lastUsedAt < :staleBefore)")
    int touch(@Param("id") long id, @Param("at") Instant at, @Param("staleBefore") Instant staleBefore);
}
