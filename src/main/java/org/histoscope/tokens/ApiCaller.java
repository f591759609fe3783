package org.histoscope.tokens;

import java.util.Set;

/**
 * A machine authenticated by a valid token. {@link #principalName()} is what the services record as the actor
 * ("api:lis-main"), so every audit event of its requests carries the token's name.
 */
public record ApiCaller(long tokenId, String tokenName, Set<String> roles, int requestsPerMinute) {

    public static final String PRINCIPAL_PREFIX = "api:";

    public String principalName() {
        return PRINCIPAL_PREFIX + tokenName;
    }
}
