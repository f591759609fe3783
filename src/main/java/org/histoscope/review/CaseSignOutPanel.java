package org.histoscope.review;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import java.util.List;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.CurrentUser;
import org.histoscope.ui.Notifications;
import org.histoscope.users.UserDirectory;

/**
 * The sign-out of a case: what still stands in the way (images in flight, failed images, unsigned results), the
 * "not assessable" marks for images without a result, and the sign-out itself once nothing is left.
 */
class CaseSignOutPanel extends Div {

    CaseSignOutPanel(ReviewService reviews, CurrentUser currentUser, UserDirectory users, CaseSummary owner) {
        setId("case-sign-out");
        if (owner.status() == CaseStatus.SIGNED_OUT) {
            add(new Paragraph("Case " + owner.accessionNumber() + " is signed out."));
            reviews.signOutSegregationNote(owner.id()).ifPresent(note -> add(ReviewView.segregationNote(note)));
            marks(reviews.notAssessableOfCase(owner.id()));
            List<QueueEntry> late = reviews.entriesOfCase(owner.id()).stream()
                    .filter(QueueEntry::arrivedAfterSignOut).toList();
            if (!late.isEmpty()) {
                add(new Paragraph(late.size() + " result(s) arrived after the sign-out and are not part of it:"));
                UnorderedList list = new UnorderedList();
                list.setId("late-results");
                late.forEach(entry -> list.add(new ListItem(new Anchor("review/sign/" + entry.predictionId(),
                        entry.imageName() + (entry.reviewed() ? " (reviewed)" : " (to review)")))));
                add(list);
            }
            return;
        }
        SignOutCheck check = reviews.signOutCheck(owner.id());
        marks(check.notAssessable());
        if (!check.ready()) {
            add(new Paragraph("The case can be signed out once every image of it has a signed result or is "
                    + "marked not assessable. Still open:"));
            UnorderedList open = new UnorderedList();
            open.setId("sign-out-blockers");
            check.blockers().forEach(blocker -> open.add(new ListItem(blocker)));
            add(open);
            String username = currentUser.username().orElse("");
            String signerLine = "I, " + users.printedName(username).orElse(username) + " (" + username + "), sign this.";
            for (ImageSummary image : check.markable()) {
                Button mark = new Button("Mark " + image.originalFilename() + " not assessable…", VaadinIcon.BAN.create(),
                        e -> new NotAssessableDialog(reviews, image, signerLine, () -> getUI()
                                .ifPresent(ui -> ui.getPage().reload())).open());
                mark.addClassName("mark-not-assessable");
                add(mark);
            }
            return;
        }
        Button signOut = new Button("Sign out case " + owner.accessionNumber(), VaadinIcon.LOCK.create(), e -> {
            ConfirmDialog confirm = new ConfirmDialog("Sign out case " + owner.accessionNumber() + "?",
                    "Signing out closes the case: no more uploads, predictions or edits. Amendments stay possible.",
                    "Sign out", ok -> {
                        try {
                            reviews.signOutCase(owner.id());
                            Notifications.success("Case " + owner.accessionNumber() + " signed out.");
                            getUI().ifPresent(ui -> ui.getPage().reload());
                        } catch (ReviewRuleException | CaseRuleException rule) {
                            Notifications.error(rule.userMessage());
                        }
                    });
            confirm.setCancelable(true);
            confirm.open();
        });
        signOut.setId("sign-out-case");
        add(signOut);
    }

    /** Each not-assessable mark with its signature, and the segregation-of-duties note where there is one. */
    private void marks(List<NotAssessableMark> marks) {
        for (NotAssessableMark mark : marks) {
            Div box = new Div(new Div(new Span(mark.imageName() + " not assessable: " + mark.reason())),
                    new Div(new Span("Electronically signed by " + mark.signerName() + " (" + mark.signedBy()
                            + ") on " + DisplayFormats.utc(mark.signedAt()) + " — meaning: " + mark.meaning().label())));
            box.addClassName("signature");
            box.getElement().setAttribute("data-not-assessable-id", String.valueOf(mark.id()));
            if (mark.signedByRequester()) {
                box.add(ReviewView.segregationNote(mark.segregationNote()));
            }
            add(box);
        }
    }
}
