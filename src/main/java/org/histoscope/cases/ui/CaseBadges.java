package org.histoscope.cases.ui;

import static org.histoscope.ui.Badges.badge;

import com.vaadin.flow.component.html.Span;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.JobSummary;
import org.histoscope.ui.I18n;

/** Lumo badges for case and job states, so colour is never the only cue: the text always says the state. */
public final class CaseBadges {

    private CaseBadges() {
    }

    public static String statusText(CaseStatus status) {
        return switch (status) {
            case OPEN -> I18n.t("cases.status.open");
            case IN_REVIEW -> I18n.t("cases.status.inReview");
            case SIGNED_OUT -> I18n.t("cases.status.finalized");
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
            case QUEUED -> badge(I18n.t("cases.job.queued"), "contrast");
            case RUNNING -> job.interrupted() ? badge(I18n.t("cases.job.interrupted"), "contrast")
                    : badge(I18n.t("cases.job.running", Math.round(job.progress() * 100)), "");
            case DONE -> badge(I18n.t("cases.job.done"), "success");
            case FAILED -> badge(I18n.t("cases.job.failed"), "error");
        };
    }
}
