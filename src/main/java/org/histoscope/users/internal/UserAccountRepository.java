package org.histoscope.users.internal;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.histoscope.security.Usernames;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface UserAccountRepository extends JpaRepository<UserAccount, Long> {

    /**
     * The account a typed name means, after {@link Usernames#normalise} (the same form sign-in and the login
     * throttle use). Stored names are ASCII, so the database's {@code lower()} of them does not depend on its
     * locale; the typed name is never upper- or lower-cased by the database (its {@code upper('ı')} is 'I').
     */
    default Optional<UserAccount> findByUsernameIgnoreCase(String typed) {
        return findByNormalisedName(Usernames.normalise(typed));
    }

    @Query("select u from UserAccount u where lower(u.username) = :name")
    Optional<UserAccount> findByNormalisedName(@Param("name") String normalisedName);

    /** Row-locked read, so concurrent failed logins count every attempt. */
    default Optional<UserAccount> findForUpdate(String typed) {
        return findForUpdateByNormalisedName(Usernames.normalise(typed));
    }

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from UserAccount u where lower(u.username) = :name")
    Optional<UserAccount> findForUpdateByNormalisedName(@Param("name") String normalisedName);

    @Query("""
            select u from UserAccount u
            where :q = '' or lower(u.username) like :q escape '\\' or lower(u.fullName) like :q escape '\\'
               or lower(u.email) like :q escape '\\'
            order by lower(u.username)""")
    List<UserAccount> search(@Param("q") String likePattern, Pageable page);

    @Query("""
            select count(u) from UserAccount u
            where :q = '' or lower(u.username) like :q escape '\\' or lower(u.fullName) like :q escape '\\'
               or lower(u.email) like :q escape '\\'""")
    long countMatching(@Param("q") String likePattern);

    @Query("select u from UserAccount u join u.roles r where r = :role and u.enabled = true order by u.fullName")
    List<UserAccount> findEnabledWithRole(@Param("role") String role);

    @Query("select count(u) from UserAccount u join u.roles r where r = 'ADMIN' and u.enabled = true")
    long countEnabledAdmins();
}
