package org.histoscope.ui;

import com.vaadin.flow.component.html.Span;
import java.util.Optional;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.Verdict;

/** Lumo badges, so colour is never the only cue: the text always says the state. */
public final class Badges {

    private Badges() {
    }

    /**
     * The model's verdict in three states: the class name (red for cancer, green otherwise) or "indeterminate" (grey)
     * inside the card's grey zone, so that a probability near the threshold is never shown as a confident call.
     */
    public static Span verdict(StoredPrediction prediction) {
        Span badge = switch (prediction.verdict()) {
            case INDETERMINATE -> badge(I18n.t("result.indeterminate"), "contrast");
            case POSITIVE -> badge(prediction.label(), "error");
            case NEGATIVE -> badge(prediction.label(), "success");
        };
        badge.getElement().setAttribute("data-verdict", prediction.verdict().apiName());
        badge.getElement().setAttribute("title", prediction.verdict() == Verdict.INDETERMINATE
                ? I18n.t("result.indeterminate.explanation") : "");
        return badge;
    }

    /** The prominent warning shown beside the label of a result outside the model's training domain. */
    public static Optional<Span> outOfDomainWarning(StoredPrediction prediction) {
        if (!prediction.assessment().outOfDomain()) {
            return Optional.empty();
        }
        // the same sentence as ResultAssessment.OUT_OF_DOMAIN_WARNING (API, PDF), in the reader's language
        Span warning = badge("⚠ " + I18n.t("result.outOfDomain"), "error primary");
        warning.addClassName("ood-warning");
        return Optional.of(warning);
    }

    public static Span badge(String text, String variant) {
        Span badge = new Span(text);
        badge.getElement().getThemeList().add(("badge " + variant).trim());
        return badge;
    }
}
