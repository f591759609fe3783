package org.histoscope.fhir.internal;

import java.time.Duration;
import org.histoscope.platform.BackOff;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Pushing every report version to a FHIR server as a transaction Bundle through a durable outbox. Off unless
 * {@code enabled}.
 *
 * @param enabled           queue a Bundle for every new report version
 * @param url               the server's FHIR base (the Bundle is POSTed there)
 * @param bearerToken       sent as "Authorization: Bearer ..." when set
 * @param publicUrl         Histoscope's own address as the server's users reach it, for the PDF's URL in
 *                          DiagnosticReport.presentedForm (left out when empty; the PDF itself is in the DocumentReference)
 * @param timeout           connect and answer timeout of one attempt
 * @param firstRetryAfter   back-off after the first failed attempt; doubled after each further one
 * @param longestRetryAfter the back-off never grows beyond this
 * @param maxAttempts       then the Bundle is FAILED
 */
@ConfigurationProperties("histoscope.fhir.push")
public record FhirPushSettings(boolean enabled, String url, String bearerToken, String publicUrl, Duration timeout,
                               Duration firstRetryAfter, Duration longestRetryAfter, int maxAttempts) {

    public FhirPushSettings {
        url = url == null ? "" : url.trim();
        bearerToken = bearerToken == null || bearerToken.isBlank() ? null : bearerToken.trim();
        publicUrl = publicUrl == null || publicUrl.isBlank() ? null
                : publicUrl.trim().endsWith("/") ? publicUrl.trim() : publicUrl.trim() + "/";
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        firstRetryAfter = firstRetryAfter == null ? Duration.ofSeconds(30) : firstRetryAfter;
        longestRetryAfter = longestRetryAfter == null ? Duration.ofMinutes(30) : longestRetryAfter;
        maxAttempts = maxAttempts <= 0 ? 20 : maxAttempts;
    }

    Duration backOffAfter(int failedAttempts) {
        return BackOff.after(failedAttempts, firstRetryAfter, longestRetryAfter);
    }
}
