package org.histoscope.lis.internal;

import java.time.Duration;
import org.histoscope.platform.BackOff;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where and how results go to the laboratory information system as HL7 v2.5.1 ORU^R01 over MLLP. Off unless
 * {@code enabled}: then every report version gets one outbox message.
 *
 * @param enabled             make and send a message for every report version
 * @param host                the LIS's MLLP listener
 * @param port                its port
 * @param sendingFacility     MSH-4 (this department)
 * @param receivingApplication MSH-5
 * @param receivingFacility   MSH-6
 * @param ackTimeout          how long to wait for the ACK before the attempt counts as failed
 * @param firstRetryAfter     back-off after the first failed attempt; doubled after each further one
 * @param longestRetryAfter   the back-off never grows beyond this
 * @param maxAttempts         after this many failed attempts the message is marked FAILED for an administrator
 */
@ConfigurationProperties("histoscope.lis.hl7")
public record LisSettings(boolean enabled, String host, int port, String sendingFacility, String receivingApplication,
                          String receivingFacility, Duration ackTimeout, Duration firstRetryAfter,
                          Duration longestRetryAfter, int maxAttempts) {

    public LisSettings {
        host = host == null || host.isBlank() ? "localhost" : host.trim();
        port = port <= 0 ? 2575 : port;
        sendingFacility = sendingFacility == null || sendingFacility.isBlank() ? "PATHOLOGY" : sendingFacility;
        receivingApplication = receivingApplication == null || receivingApplication.isBlank() ? "LIS" : receivingApplication;
        receivingFacility = receivingFacility == null || receivingFacility.isBlank() ? "HOSPITAL" : receivingFacility;
        ackTimeout = ackTimeout == null ? Duration.ofSeconds(30) : ackTimeout;
        firstRetryAfter = firstRetryAfter == null ? Duration.ofSeconds(30) : firstRetryAfter;
        longestRetryAfter = longestRetryAfter == null ? Duration.ofMinutes(30) : longestRetryAfter;
        maxAttempts = maxAttempts <= 0 ? 20 : maxAttempts;
    }

    /** The wait before attempt {@code failedAttempts + 1}: first, then doubled, capped at the longest. */
    Duration backOffAfter(int failedAttempts) {
        return BackOff.after(failedAttempts, firstRetryAfter, longestRetryAfter);
    }
}
