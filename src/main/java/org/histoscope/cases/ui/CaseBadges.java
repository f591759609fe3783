package org.histoscope.cases.ui;

import static org.histoscope.ui.Badges.badge;

import com.vaadin.flow.component.html.Span;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.JobSummary;

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
}
