package org.histoscope.tokens.internal;

import org.histoscope.audit.AuditAction;

public enum TokenAuditAction implements AuditAction {
    API_TOKEN_CREATED,
    API_TOKEN_REVOKED,
    /** A request with a token that is unknown, revoked or expired. */
    API_TOKEN_REJECTED,
    /** One request made with a token: method, path, response status. */
    API_TOKEN_USED;

    @Override
    public String code() {
        return name();
    }
}
