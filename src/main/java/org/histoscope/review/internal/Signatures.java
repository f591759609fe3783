package org.histoscope.review.internal;

import org.histoscope.platform.PeopleText;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.users.UserDirectory;
import org.histoscope.review.ReviewRuleException;
import org.histoscope.review.SignatureRejectedException;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/**
 * The one way this feature takes an electronic signature (21 CFR 11.200): the signed-in user re-enters their
 * password; a wrong one is audited and signs nothing. The printed name (11.50) is the account's, else the login.
 * Used inside the callers' guarded, transactional service methods.
 */
@Component
public class Signatures {

    private final CurrentUser currentUser;
    private final UserDirectory users;
    private final AuditService audit;

    Signatures(CurrentUser currentUser, UserDirectory users, AuditService audit) {
        this.currentUser = currentUser;
        this.users = users;
        this.audit = audit;
    }

    /** The signer's login, once their password is verified; the rejection of a wrong one is audited first. */
    @Unguarded("internal to the review feature (Modulith keeps other features out): called by its guarded services and jobs")
    public String verifiedSigner(String password, String targetType, String targetId, long caseId) {
        String signer = currentUser.username().orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.sign-in-to-sign")));
        if (password == null || !users.verifyPassword(signer, password)) {
            audit.recordForCase(ReviewAuditAction.SIGNATURE_REJECTED, targetType, targetId, caseId,
                    Map.of("reason", "wrong password"));
            throw new SignatureRejectedException();
        }
        return signer;
    }

    @Unguarded("internal to the review feature (Modulith keeps other features out): called by its guarded services and jobs")
    public String printedName(String login) {
        return users.printedName(login).filter(name -> !name.isBlank()).orElse(login);
    }
}
