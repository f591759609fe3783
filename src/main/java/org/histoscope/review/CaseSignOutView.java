package org.histoscope.review;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.users.UserDirectory;

/** The sign-out of one case, reachable from the case even when none of its images has a result to review. */
@Route("review/case")
@RolesAllowed(Roles.REVIEWER)
public class CaseSignOutView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private final ReviewService reviews;
    private final CaseService cases;
    private final UserDirectory users;
    private final CurrentUser currentUser;
    private String title = "Sign-out";

    public CaseSignOutView(ReviewService reviews, CaseService cases, UserDirectory users, CurrentUser currentUser) {
        this.reviews = reviews;
        this.cases = cases;
        this.users = users;
        this.currentUser = currentUser;
    }

    @Override
    public void setParameter(BeforeEvent event, Long caseId) {
        removeAll();
        CaseSummary owner = caseId == null ? null : cases.findCase(caseId).orElse(null);
        if (owner == null) {
            add(new H2("Case not found"), new Paragraph("The case does not exist or was removed."),
                    new Anchor("cases", "Back to cases"));
            return;
        }
        title = "Sign-out of case " + owner.accessionNumber();
        add(new Anchor("case/" + owner.id(), "Case " + owner.accessionNumber()), new H2(title),
                new CaseSignOutPanel(reviews, currentUser, users, owner));
    }

    @Override
    public String getPageTitle() {
        return title + " | Histoscope";
    }
}
