package org.histoscope.review.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import jakarta.annotation.security.RolesAllowed;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.inference.PredictionService;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.users.UserDirectory;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.NotAssessableService;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.internal.FinalizationParts;

/**
 * The finalization of one case: every image with its model result and signed review, what still stands in the way,
 * and, for the case's responsible pathologist, the signed final diagnosis (and its amendments once finalized).
 * Reviewers use it to mark images without a result not assessable. The old sign-out address leads here.
 */
@Route("finalize")
@RouteAlias("review/case")
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class CaseFinalizeView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private final FinalizationParts parts;
    private final CaseService cases;
    private String title;

    public CaseFinalizeView(CaseFinalizationService finalization, ReviewQueueService reviews,
                            NotAssessableService notAssessable, CaseService cases, CaseImageService images,
                            PredictionService predictions, UserDirectory users, CurrentUser currentUser) {
        this.cases = cases;
        this.parts = new FinalizationParts(finalization, reviews, notAssessable, cases, images, predictions, users,
                currentUser);
        setWidthFull();
    }

    @Override
    public void setParameter(BeforeEvent event, Long caseId) {
        removeAll();
        title = getTranslation("finalize.pageTitle.unknown");
        DisplayFormats.learnTimeZone(event.getUI());
        CaseSummary owner = caseId == null ? null : cases.findCase(caseId).orElse(null);
        if (owner == null) {
            add(new H2(getTranslation("case.notFound")), new Paragraph(getTranslation("case.notFound.explanation")),
                    new Anchor("cases", getTranslation("case.backToCases")));
            return;
        }
        String headingText = getTranslation(owner.status() == CaseStatus.SIGNED_OUT ? "finalize.title.signed"
                : "finalize.title", owner.accessionNumber());
        title = getTranslation("finalize.pageTitle", headingText);
        H2 heading = new H2(headingText);
        heading.setId("finalize-title");
        add(new Anchor("case/" + owner.id(), getTranslation("case.title", owner.accessionNumber())), heading,
                new CaseFinalizePanel(parts, owner));
    }

    @Override
    public String getPageTitle() {
        return title;
    }
}
