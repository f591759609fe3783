package org.histoscope.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.cases.CaseService;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewRequest;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignatureRejectedException;
import org.histoscope.review.SignedReview;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.TestCases;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * LDAP sign-in against a real directory server: UnboundID's in-memory server started by Spring Boot's embedded LDAP
 * support from src/test/resources/ldap/hospital.ldif, reached over LDAP on its port by the same bind and group
 * search a production directory gets. "Disabled in the directory" is said by the user search filter, as with
 * Active Directory's userAccountControl filter (docs/integration.md).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.ldap.embedded.base-dn=dc=hospital,dc=example",
        "spring.ldap.base=dc=hospital,dc=example",
        "spring.ldap.embedded.ldif=classpath:ldap/hospital.ldif",
        "spring.ldap.embedded.port=0",
        "spring.ldap.embedded.credential.username=cn=histoscope-service,dc=hospital,dc=example",
        "spring.ldap.embedded.credential.password=Service-Account-Secret-1",
        "histoscope.security.ldap.enabled=true",
        "histoscope.security.ldap.user-search-base=ou=people",
        "histoscope.security.ldap.user-search-filter=(&(uid={0})(!(employeeType=disabled)))",
        "histoscope.security.ldap.group-search-base=ou=groups",
        "histoscope.security.ldap.group-roles.histo-pathologists=PATHOLOGIST",
        "histoscope.security.ldap.group-roles.histo-reviewers=REVIEWER",
        "histoscope.security.ldap.group-roles.histo-admins=ADMIN"})
class LdapSignInTest {

    private static final String PEOPLE = ",ou=people,dc=hospital,dc=example";
    private static final String GROUPS = ",ou=groups,dc=hospital,dc=example";

    @LocalServerPort
    int port;
    @Autowired
    InMemoryDirectoryServer directory;
    @Autowired
    UserAccountService accounts;
    @Autowired
    AuditSearch auditSearch;
    @Autowired
    SessionRegistry sessions;
    @Autowired
    UserDirectory users;
    @Autowired
    ReviewSigningService reviews;
    @Autowired
    CaseService cases;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aDirectoryUserSignsInWithTheRolesOfTheirGroupsAndTheDirectorysName() {
        HttpResponse<String> signedIn = new FormLoginClient(port).login("ada", "Analytical-Engine-1843");

        assertThat(FormLoginClient.redirectTarget(signedIn)).doesNotContain("/login");
        UserAccountSummary row = asAdmin(() -> accounts.find("ada")).orElseThrow();
        assertThat(row.source()).isEqualTo(AccountSource.LDAP);
        assertThat(row.fullName()).isEqualTo("Dr. Ada Lovelace, FRCPath");
        assertThat(row.email()).isEqualTo("ada.lovelace@hospital.example");
        assertThat(row.roles()).containsExactlyInAnyOrder(Roles.PATHOLOGIST, Roles.REVIEWER);
        assertThat(row.mustChangePassword()).isFalse();
        assertThat(sessionRoles("ada")).containsExactlyInAnyOrder("ROLE_PATHOLOGIST", "ROLE_REVIEWER");
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("ada", "not-the-directory-password")))
                .isEqualTo("/login?error");
        assertThat(actionsOn("ada")).contains("DIRECTORY_USER_PROVISIONED", "LOGIN_SUCCEEDED", "LOGIN_FAILED")
                .doesNotContain("BREAK_GLASS_LOGIN");
        // the directory's password is no local password: the local provider never accepts it
        assertThatThrownBy(() -> TestAccounts.runAs("ada", Set.of(Roles.PATHOLOGIST),
                () -> { accounts.changeOwnPassword("Analytical-Engine-1843", "A-New-Local-Password-9"); return null; }))
                .isInstanceOf(UserAdministrationException.class);
    }

    @Test
    void rolesAreReadFromTheDirectoryAgainAtEverySignIn() throws LDAPException {
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("bert", "Patch-Clamp-Pipette-1991")))
                .doesNotContain("/login");
        assertThat(asAdmin(() -> accounts.find("bert")).orElseThrow().roles()).containsExactly(Roles.REVIEWER);

        directory.modify("cn=histo-reviewers" + GROUPS,
                new Modification(ModificationType.DELETE, "member", "uid=bert" + PEOPLE));
        directory.modify("cn=histo-pathologists" + GROUPS,
                new Modification(ModificationType.ADD, "member", "uid=bert" + PEOPLE));
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("bert", "Patch-Clamp-Pipette-1991")))
                .doesNotContain("/login");

        assertThat(asAdmin(() -> accounts.find("bert")).orElseThrow().roles()).containsExactly(Roles.PATHOLOGIST);
        AuditEntry change = asAdmin(() -> auditSearch.search(
                new AuditFilter(null, "DIRECTORY_USER_UPDATED", "USER", "bert", null, null, null), 0, 1)).get(0);
        assertThat(change.detailsJson()).contains("REVIEWER").contains("PATHOLOGIST").contains("LDAP");
        // an administrator cannot give a directory account other roles here: the directory would overrule it
        assertThatThrownBy(() -> asAdmin(() -> accounts.update("bert",
                new UserAccountService.UserChanges("Bert", null, Set.of(Roles.ADMIN)))))
                .isInstanceOf(UserAdministrationException.class);
    }

    @Test
    void aPersonDisabledInTheDirectoryCanNeitherSignNorSignIn() throws LDAPException {
        String carla = "Black-Reaction-Stain-1873";
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("carla", carla)))
                .doesNotContain("/login");
        long first = resultToReview("LD-1");
        long second = resultToReview("LD-2");

        // the signature re-checks the password against the directory, and prints the directory's name
        assertThatThrownBy(() -> signAs("carla", first, "not-carlas-password"))
                .isInstanceOf(SignatureRejectedException.class);
        SignedReview signed = signAs("carla", first, carla);
        assertThat(signed.signerName()).isEqualTo("Dr. Carla Golgi");

        directory.modify("uid=carla" + PEOPLE, new Modification(ModificationType.ADD, "employeeType", "disabled"));

        assertThatThrownBy(() -> signAs("carla", second, carla)).isInstanceOf(SignatureRejectedException.class);
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("carla", carla)))
                .isEqualTo("/login?error");

        // removed from the directory altogether: the same
        directory.modify("uid=carla" + PEOPLE, new Modification(ModificationType.DELETE, "employeeType"));
        assertThat(signAs("carla", second, carla).signerName()).isEqualTo("Dr. Carla Golgi");
        directory.delete("uid=carla" + PEOPLE);
        long third = resultToReview("LD-3");
        assertThatThrownBy(() -> signAs("carla", third, carla)).isInstanceOf(SignatureRejectedException.class);
    }

    @Test
    void aPersonWhoseGroupsGiveNoRoleIsRefusedAndTheReasonAudited() {
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("dora", "Quarterly-Figures-Due-2026")))
                .isEqualTo("/login?error");

        assertThat(asAdmin(() -> accounts.find("dora"))).isEmpty();
        AuditEntry refusal = asAdmin(() -> auditSearch.search(
                new AuditFilter(null, "DIRECTORY_SIGN_IN_REFUSED", "USER", "dora", null, null, null), 0, 1)).get(0);
        assertThat(refusal.detailsJson()).contains("no directory group maps to a Histoscope role").contains("finance");
    }

    @Test
    void failedDirectorySignInsAreThrottledLikeLocalOnes() {
        FormLoginClient browser = new FormLoginClient(port);
        for (int i = 0; i < 5; i++) {
            assertThat(FormLoginClient.redirectTarget(browser.login("erik", "guess-number-" + i)))
                    .isEqualTo("/login?error");
        }

        HttpResponse<String> right = browser.login("erik", "Right-Password-After-All-7");

        assertThat(FormLoginClient.redirectTarget(right)).isEqualTo("/login?error");
        assertThat(asAdmin(() -> auditSearch.search(new AuditFilter(null, "LOGIN_FAILED", "USER", "erik", null, null,
                null), 0, 20)).stream().map(AuditEntry::detailsJson)).anyMatch(json -> json.contains("throttled"));
    }

    @Test
    void theLocalBreakGlassAdministratorKeepsTheirNameAndIsAuditedAsSuch() {
        TestAccounts.createReadyUser(accounts, "keeper", "Local-Break-Glass-Passphrase", Roles.ADMIN);

        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("keeper", "Local-Break-Glass-Passphrase")))
                .doesNotContain("/login");
        // the directory has a "keeper" too: with the directory's password nobody becomes the local keeper
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).login("keeper", "Directory-Keeper-Password-1")))
                .isEqualTo("/login?error");

        UserAccountSummary keeper = asAdmin(() -> accounts.find("keeper")).orElseThrow();
        assertThat(keeper.source()).isEqualTo(AccountSource.LOCAL);
        assertThat(keeper.fullName()).isEqualTo("Dr Keeper");
        assertThat(actionsOn("keeper")).contains("BREAK_GLASS_LOGIN", "LOGIN_SUCCEEDED")
                .doesNotContain("DIRECTORY_USER_PROVISIONED");
    }

    private long resultToReview(String accession) {
        return TestCases.resultToReview(cases, jdbc, transactions, events, accession, 0.93, "tumor");
    }

    private SignedReview signAs(String reviewer, long predictionId, String password) {
        return ActingAs.user(reviewer, () -> reviews.sign(new ReviewRequest(predictionId, ReviewDecision.AGREE,
                "tumor", "Invasive ductal carcinoma", null, SignatureMeaning.REVIEWED, null), password),
                Roles.REVIEWER);
    }

    private List<String> sessionRoles(String username) {
        return sessions.getAllPrincipals().stream()
                .filter(p -> p instanceof UserDetails user && user.getUsername().equals(username))
                .flatMap(p -> ((UserDetails) p).getAuthorities().stream()).map(GrantedAuthority::getAuthority)
                .distinct().toList();
    }

    private List<String> actionsOn(String username) {
        return asAdmin(() -> auditSearch.search(new AuditFilter(null, null, "USER", username, null, null, null),
                0, 100)).stream().map(AuditEntry::action).toList();
    }

    private static <T> T asAdmin(java.util.function.Supplier<T> work) {
        return TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), work);
    }
}
