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
        return jobFailureText(log, whatFailed, error).english();
    }

    /** {@link #jobFailure} as a text for each reader's language (the job grid shows it in the user's). */
    public static PeopleText jobFailureText(Logger log, String whatFailed, Throwable error) {
        return PeopleText.of("job.failure.internal", logged(log, whatFailed, error));
    }

    /**
     * The reason a job keeps when its input or a rule refused it: a refusal written for people
     * ({@link WrittenForPeople}) keeps its sentence even when it wraps a decoder's cause; any other refusal keeps its
     * message only when it has no cause, else a reference to the logged technical cause (ONNX Runtime's own text).
     */
    public static String jobRefusal(Logger log, String whatFailed, RuntimeException refusal) {
        return jobRefusalText(log, whatFailed, refusal).english();
    }

    /** {@link #jobRefusal} as a text for each reader's language. */
    public static PeopleText jobRefusalText(Logger log, String whatFailed, RuntimeException refusal) {
        if (refusal instanceof WrittenForPeople people) {
            return people.text();
        }
        if (refusal.getCause() != null) {
            return jobFailureText(log, whatFailed, refusal);
        }
        return refusal instanceof TextForPeople worded ? worded.text() : PeopleText.untranslated(refusal.getMessage());
    }

    /** The sentence people see for an unexpected failure of what they just did. */
    public static String forPeople(String reference) {
        return "Something went wrong and this step was not completed. Quote reference " + reference
                + " to your administrator if it happens again.";
    }
}
