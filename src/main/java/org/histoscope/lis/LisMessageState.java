package org.histoscope.lis;

/** Where an outbox message stands; ACKNOWLEDGED, REJECTED and FAILED are final until an administrator resends. */
public enum LisMessageState {
    /** Written with its report version, waiting for the first attempt. */
    PENDING,
    /** An attempt is under way (or its instance stopped mid-send; db-scheduler revives it). */
    SENDING,
    /** An attempt failed (LIS down, timeout, NAK with AE); the next one is scheduled. */
    RETRYING,
    /** The LIS answered AA (or CA). */
    ACKNOWLEDGED,
    /** The LIS refused the message (AR/CR): sending the same bytes again would not help. */
    REJECTED,
    /** Every attempt failed. */
    FAILED
}
