package org.histoscope.platform;

import java.util.UUID;
import org.slf4j.Logger;

/**
 * The one place an unexpected failure is turned into what people see: a short reference, logged with the exception,
 * and a sentence without the exception's class or message. The API's problem documents, the UI's error handler and
 * error view, and failed jobs all quote such a reference.
 */
public final class ErrorReference {

    private ErrorReference() {
    }

    /** Logs the failure with a new reference and returns the reference. */
    public static String logged(Logger log, String whatFailed, Throwable error) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        log.error("{} failed unexpectedly, reference {}", whatFailed, reference, error);
        return reference;
    }

    /** The reason a failed job keeps (job grid, API, audit): written for people, with the logged reference. */
    public static String jobFailure(Logger log, String whatFailed, Throwable error) {
        return "An internal error stopped this job. Quote reference " + logged(log, whatFailed, error)
                + " to your administrator.";
    }

    /**
     * The reason a job keeps when its input or a rule refused it: a refusal written for people
     * ({@link WrittenForPeople}) keeps its sentence even when it wraps a decoder's cause; any other refusal keeps its
     * message only when it has no cause, else a reference to the logged technical cause (ONNX Runtime's own text).
     */
    public static String jobRefusal(Logger log, String whatFailed, RuntimeException refusal) {
        if (refusal instanceof WrittenForPeople people) {
            return people.userMessage();
        }
        return refusal.getCause() == null ? refusal.getMessage() : jobFailure(log, whatFailed, refusal);
    }

    /** The sentence people see for an unexpected failure of what they just did. */
    public static String forPeople(String reference) {
        return "Something went wrong and this step was not completed. Quote reference " + reference
                + " to your administrator if it happens again.";
    }
}
