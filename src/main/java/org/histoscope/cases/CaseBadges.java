package org.histoscope.cases;

import com.vaadin.flow.component.html.Span;
import java.util.Optional;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.StoredPrediction;

/** Lumo badges for case and job states, so colour is never the only cue: the text always says the state. */
public final class CaseBadges {

    private CaseBadges() {
    }

    public static String statusText(CaseStatus status) {
        return switch (status) {
            case OPEN -> "Open";
            case IN_REVIEW -> "In review";
            case SIGNED_OUT -> "Finalized";
        };
    }

    public static Span status(CaseStatus status) {
        return badge(statusText(status), switch (status) {
            case OPEN -> "";
            case IN_REVIEW -> "contrast";
            case SIGNED_OUT -> "success";
        });
    }

    public static Span job(JobSummary job) {
        return switch (job.status()) {
            case QUEUED -> badge("Queued", "contrast");
            case RUNNING -> job.interrupted() ? badge("Interrupted, will be retried", "contrast")
                    : badge("Running " + Math.round(job.progress() * 100) + " %", "");
            case DONE -> badge("Done", "success");
            case FAILED -> badge("Failed", "error");
        };
    }

    /**
     * The model's verdict in three states: the class name (red for cancer, green otherwise) or "indeterminate" (grey)
     * inside the card's grey zone, so that a probability near the threshold is never shown as a confident call.
     */
    public static Span verdict(StoredPrediction prediction) {
        Span badge = switch (prediction.verdict()) {
            case INDETERMINATE -> badge("indeterminate", "contrast");
            case POSITIVE -> badge(prediction.label(), "error");
            case NEGATIVE -> badge(prediction.label(), "success");
        };
        badge.getElement().setAttribute("data-verdict", prediction.verdict().apiName());
        badge.getElement().setAttribute("title", prediction.verdict() == org.histoscope.inference.Verdict.INDETERMINATE
                ? "The probability lies inside the model's grey zone: neither call is reliable, read the slide" : "");
        return badge;
    }

    /** The prominent warning shown beside the label of a result outside the model's training domain. */
    public static Optional<Span> outOfDomainWarning(StoredPrediction prediction) {
        if (!prediction.assessment().outOfDomain()) {
            return Optional.empty();
        }
        Span warning = badge("⚠ " + ResultAssessment.OUT_OF_DOMAIN_WARNING, "error primary");
        warning.addClassName("ood-warning");
        return Optional.of(warning);
    }

    public static Span badge(String text, String variant) {
        Span badge = new Span(text);
        badge.getElement().getThemeList().add(("badge " + variant).trim());
        return badge;
    }
}
