package org.histoscope.security;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;

/**
 * The signed-in sessions per user, so that disabling an account, resetting its password or changing its roles
 * takes effect at the user's next request instead of when their session happens to end.
 */
@Component
@Unguarded("called by the guarded user services to end sessions after a change they have authorised")
public class ActiveSessions {

    private final SessionRegistry registry;

    ActiveSessions(SessionRegistry registry) {
        this.registry = registry;
    }

    /** Marks every session of the user as expired; returns how many there were. */
    public int endSessionsOf(String username) {
        return endSessionsOf(username, null);
    }

    /**
     * Marks every session of the user but the one serving the current request as expired (ASVS 7.4.3: a password
     * change ends the user's other sessions, so a stolen or forgotten one dies with the old password); returns how
     * many were ended.
     */
    public int endOtherSessionsOf(String username) {
        return endSessionsOf(username, currentSessionId());
    }

    private int endSessionsOf(String username, String keep) {
        int ended = 0;
        for (Object principal : registry.getAllPrincipals()) {
            if (Usernames.normalise(username).equals(Usernames.normalise(nameOf(principal)))) {
                for (SessionInformation session : registry.getAllSessions(principal, false)) {
                    if (!session.getSessionId().equals(keep)) {
                        session.expireNow();
                        ended++;
                    }
                }
            }
        }
        return ended;
    }

    /** Read at the call, on the request's thread: the session id may change at sign-in (fixation protection). */
    private static String currentSessionId() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request == null ? null : request.getSessionId();
    }

    private static String nameOf(Object principal) {
        return principal instanceof UserDetails user ? user.getUsername() : String.valueOf(principal);
    }
}
