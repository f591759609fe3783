package org.histoscope.audit;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells whether the current thread's transaction already holds the audit append lock. Code that would start a
 * separate transaction which also appends (REQUIRES_NEW) must join the current one instead, or it would wait
 * for a lock its own suspended transaction holds.
 */
public final class AuditAppendLock {

    private static final Object KEY = AuditAppendLock.class;

    private AuditAppendLock() {
    }

    public static boolean heldByCurrentTransaction() {
        return TransactionSynchronizationManager.hasResource(KEY);
    }

    static void markHeld() {
        if (heldByCurrentTransaction() || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.bindResource(KEY, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
            }
        });
    }
}
