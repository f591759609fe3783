package org.histoscope.review.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.ArrayList;
import java.util.List;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.ui.PredictionImage;
import org.histoscope.cases.ui.SlideResultViewer;
import org.histoscope.cases.TileProbabilities;
import org.histoscope.viewer.ui.TopTiles;
import com.vaadin.flow.component.HasComponents;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.users.UserDirectory;
import org.histoscope.ui.Badges;
import org.histoscope.cases.ui.CaseBadges;
import org.histoscope.review.QueueEntry;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.ReviewRequest;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignedReview;

/**
 * Review of one result: agree or override, final diagnosis and comment, then an electronic signature with the
 * password re-entered. Signed reviews are shown with printed name, UTC time and meaning; corrections are amendments.
 */
@Route("review/sign")
@RolesAllowed(Roles.REVIEWER)
public class ReviewView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private final ReviewQueueService reviews;
    private final ReviewSigningService signing;
    private final PredictionService predictions;
    private final CaseImageService images;
    private final CaseService cases;
    private final UserDirectory users;
    private final CurrentUser currentUser;
    private final TileProbabilities tileProbabilities;
    private String title;

    public ReviewView(ReviewQueueService reviews, ReviewSigningService signing, PredictionService predictions, CaseImageService images, CaseService cases,
                      UserDirectory users, CurrentUser currentUser, TileProbabilities tileProbabilities) {
        this.tileProbabilities = tileProbabilities;
        this.reviews = reviews;
        this.signing = signing;
        this.predictions = predictions;
        this.images = images;
        this.cases = cases;
        this.users = users;
        this.currentUser = currentUser;
        setWidthFull();
    }

    @Override
    public void setParameter(BeforeEvent event, Long predictionId) {
        render(predictionId);
    }

    @Override
    public String getPageTitle() {
        return title;
    }

    private void render(Long predictionId) {
        removeAll();
        title = getTranslation("review.pageTitle.unknown");
        QueueEntry entry = predictionId == null ? null : reviews.entry(predictionId).orElse(null);
        StoredPrediction prediction = entry == null ? null : predictions.find(predictionId).orElse(null);
        ImageSummary image = entry == null ? null : images.findImage(entry.imageId()).orElse(null);
        if (entry == null || prediction == null || image == null) {
            add(new H2(getTranslation("result.notFound")), new Paragraph(getTranslation("review.notInQueue")),
                    new Anchor("review", getTranslation("review.backToQueue")));
            return;
        }
        CaseSummary owner = cases.findCase(entry.caseId()).orElseThrow();
        title = getTranslation("review.pageTitle", image.originalFilename());
        H2 heading = new H2(getTranslation("review.title", image.originalFilename()));
        heading.setId("review-title");
        add(new HorizontalLayout(new Anchor("review", getTranslation("review.queue.title")), new Anchor("case/" + owner.id(),
                getTranslation("case.title", owner.accessionNumber())), new Anchor("result/" + prediction.id(),
                getTranslation("review.fullResult"))), heading);
        if (entry.arrivedAfterSignOut()) {
            Paragraph late = new Paragraph(getTranslation("review.late", owner.accessionNumber()));
            late.setId("late-result-warning");
            late.getElement().getThemeList().add("badge error");
            add(late);
        }

        Div summary = new Div(
                fact(getTranslation("worklist.column.label"), labelWithWarning(prediction)),
                fact(getTranslation("review.queue.column.probability"), new Span(getTranslation("review.probability",
                        String.format(DisplayFormats.locale(), "%.4f", prediction.probability()),
                        String.format(DisplayFormats.locale(), "%.2f", prediction.threshold())))),
                fact(getTranslation("review.queue.model"), new Span(prediction.modelId() + " " + prediction.modelVersion())),
                fact(getTranslation("review.caseStatus"), CaseBadges.status(owner.status())));
        summary.addClassName("result-facts");
        // a whole-slide result is reviewed beside the deep-zoom viewer; a patch beside its picture, as before
        HasComponents work;
        if (prediction.tileStatistics() != null) {
            work = reviewInViewer(prediction, image, summary);
        } else {
            HorizontalLayout body = new HorizontalLayout(new PredictionImage(images, predictions, prediction, image), summary);
            body.setWrap(true);
            body.setWidthFull();
            body.addClassName("result-body");
            add(body);
            work = this;
        }

        List<SignedReview> signed = reviews.reviewsOf(predictionId);
        work.add(new H3(getTranslation("review.signedReviews")));
        if (signed.isEmpty()) {
            work.add(new Paragraph(getTranslation("review.notReviewed")));
        }
        signed.forEach(review -> work.add(manifestation(review)));

        if (signed.isEmpty()) {
            work.add(new H3(getTranslation("review.yourReview")), reviewForm(entry, prediction, null));
        } else {
            SignedReview latest = signed.get(signed.size() - 1);
            Button amend = new Button(getTranslation("review.amendLatest"), VaadinIcon.EDIT.create());
            amend.setId("amend-review");
            Div amendArea = new Div(amend);
            amend.addClickListener(e -> {
                amendArea.removeAll();
                amendArea.add(new H3(getTranslation("review.amendment.title", String.valueOf(latest.id()))), reviewForm(entry, prediction, latest));
            });
            work.add(amendArea);
        }
        // the case's responsible pathologist finalizes it; reviewers see there what is still open in the case
        Anchor finalization = new Anchor("finalize/" + owner.id(),
                getTranslation("review.finalizeLink", owner.accessionNumber()));
        finalization.setId("review-finalize-link");
        work.add(finalization);
    }

    /**
     * The deep-zoom viewer with the highest-scoring tiles (a click pans and zooms to one) on the left, the result's
     * facts and the review form on the right: the reviewer reads the slide and signs on one page.
     *
     * @return the column the signed reviews and the form go into
     */
    private HasComponents reviewInViewer(StoredPrediction prediction, ImageSummary image, Div summary) {
        SlideResultViewer viewer = new SlideResultViewer(tileProbabilities, prediction, image);
        viewer.setWidthFull();
        TopTiles topTiles = new TopTiles(prediction.tileStatistics().topTiles(), viewer);
        topTiles.setWidthFull();
        Span hint = new Span(getTranslation("viewer.topTiles.hint"));
        hint.addClassName("hint");
        VerticalLayout slide = new VerticalLayout(viewer, new H3(getTranslation("review.viewer.topTiles")), hint,
                topTiles);
        slide.setPadding(false);
        slide.getStyle().set("flex", "3 1 36rem").set("min-width", "0");
        slide.setId("review-viewer-column");
        VerticalLayout form = new VerticalLayout(summary);
        form.setPadding(false);
        form.getStyle().set("flex", "2 1 24rem").set("min-width", "min(24rem, 100%)");
        form.setId("review-form-column");
        HorizontalLayout split = new HorizontalLayout(slide, form);
        split.setWrap(true);
        split.setWidthFull();
        split.setAlignItems(FlexComponent.Alignment.START);
        split.setId("review-in-viewer");
        add(split);
        return form;
    }

    private Div manifestation(SignedReview review) {
        Div box = new Div();
        box.addClassName("signature");
        box.getElement().setAttribute("data-review-id", String.valueOf(review.id()));
        String what = review.decision() == ReviewDecision.AGREE
                ? getTranslation("review.agreed", review.finalLabel())
                : getTranslation("review.overrode", review.predictedLabel(), review.finalLabel());
        box.add(new Div(new Span((review.isAmendment()
                        ? getTranslation("review.amendmentOf", String.valueOf(review.amendsReviewId())) + " — " : "")
                + what)),
                new Div(new Span(getTranslation("review.finalDiagnosis", review.finalDiagnosis()))));
        if (review.comment() != null) {
            box.add(new Div(new Span(getTranslation("review.comment.value", review.comment()))));
        }
        Span signature = new Span(getTranslation("review.signedBy", review.signerName(), review.signedBy(),
                DisplayFormats.utc(review.signedAt()), getTranslation(review.meaning().messageKey())));
        signature.addClassName("signature-line");
        box.add(new Div(signature));
        if (review.signedByRequester()) {
            box.add(segregationNote(review.segregationNote()));
        }
        return box;
    }

    private VerticalLayout reviewForm(QueueEntry entry, StoredPrediction prediction, SignedReview amends) {
        RadioButtonGroup<ReviewDecision> decision = new RadioButtonGroup<>(getTranslation("review.decision"));
        decision.setItems(ReviewDecision.values());
        decision.setItemLabelGenerator(d -> d == ReviewDecision.AGREE
                ? getTranslation("review.decision.agree", prediction.label()) : getTranslation("review.decision.override"));
        decision.setValue(ReviewDecision.AGREE);
        decision.setId("review-decision");
        List<String> labels = new ArrayList<>(prediction.classProbabilities().keySet());
        if (!labels.contains(prediction.label())) {
            labels.add(prediction.label());
        }
        ComboBox<String> finalLabel = new ComboBox<>(getTranslation("review.queue.column.finalLabel"), labels);
        finalLabel.setAllowCustomValue(true);
        finalLabel.addCustomValueSetListener(e -> finalLabel.setValue(e.getDetail()));
        finalLabel.setValue(prediction.label());
        finalLabel.setEnabled(false);
        finalLabel.setId("review-final-label");
        decision.addValueChangeListener(e -> {
            boolean override = e.getValue() == ReviewDecision.OVERRIDE;
            finalLabel.setEnabled(override);
            if (override) {
                labels.stream().filter(l -> !l.equals(prediction.label())).findFirst().ifPresent(finalLabel::setValue);
            } else {
                finalLabel.setValue(prediction.label());
            }
        });
        TextArea diagnosis = new TextArea(getTranslation("finalize.finalDiagnosis"));
        diagnosis.setId("review-diagnosis");
        diagnosis.setRequired(true);
        diagnosis.setRequiredIndicatorVisible(true);
        diagnosis.setWidthFull();
        TextArea comment = new TextArea(getTranslation("review.comment"));
        comment.setId("review-comment");
        comment.setWidthFull();
        RadioButtonGroup<SignatureMeaning> meaning = new RadioButtonGroup<>(getTranslation("review.signature.meaning"));
        meaning.setItems(SignatureMeaning.values());
        meaning.setItemLabelGenerator(m -> getTranslation(m.messageKey()));
        meaning.setValue(SignatureMeaning.REVIEWED);
        meaning.setId("review-meaning");
        meaning.setRequiredIndicatorVisible(true);

        boolean outOfDomain = prediction.assessment().outOfDomain();
        com.vaadin.flow.component.checkbox.Checkbox acknowledge = new com.vaadin.flow.component.checkbox.Checkbox(
                getTranslation("review.oodAcknowledge"));
        acknowledge.setId("review-ood-acknowledge");
        acknowledge.setRequiredIndicatorVisible(true);
        acknowledge.setVisible(outOfDomain);
        Button sign = new Button(getTranslation("review.sign.button"), VaadinIcon.PENCIL.create(), e -> {
            if (diagnosis.getValue().isBlank()) {
                diagnosis.setErrorMessage(getTranslation("review.diagnosisRequired"));
                diagnosis.setInvalid(true);
                return;
            }
            if (outOfDomain && !acknowledge.getValue()) {
                acknowledge.setErrorMessage(getTranslation("review.oodRequired"));
                acknowledge.setInvalid(true);
                return;
            }
            ReviewRequest request = new ReviewRequest(entry.predictionId(), decision.getValue(), finalLabel.getValue(),
                    diagnosis.getValue(), comment.getValue(), meaning.getValue(), amends == null ? null : amends.id(),
                    outOfDomain && acknowledge.getValue());
            openSignatureDialog(request);
        });
        sign.setId("review-sign");
        sign.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        FormLayout form = new FormLayout(decision, finalLabel, diagnosis, comment, meaning);
        form.setColspan(diagnosis, 2);
        form.setColspan(comment, 2);
        VerticalLayout layout = new VerticalLayout(form, acknowledge, sign);
        layout.setPadding(false);
        return layout;
    }

    private void openSignatureDialog(ReviewRequest request) {
        new SignatureDialog(currentUser, users, getTranslation("review.sign.what"), request.meaning(),
                getTranslation("review.signature.sign"), password -> {
            SignedReview signed = signing.sign(request, password);
            return getTranslation("review.signed.done", signed.signerName(), DisplayFormats.utc(signed.signedAt()));
        }, () -> render(request.predictionId())).open();
    }

    private static Div labelWithWarning(StoredPrediction prediction) {
        Span badge = Badges.verdict(prediction);
        badge.setId("review-label");
        Div label = new Div(badge);
        Badges.outOfDomainWarning(prediction).ifPresent(warning -> {
            warning.setId("review-ood-warning");
            label.add(warning);
        });
        return label;
    }

    private static Div fact(String name, com.vaadin.flow.component.Component value) {
        Span label = new Span(name);
        label.addClassName("fact-label");
        return new Div(label, value);
    }

    /** The segregation-of-duties exception, stated with the signature it belongs to (21 CFR 11.10(g)). */
    static Div segregationNote(String note) {
        Div line = new Div(new Span(note + "."));
        line.addClassName("segregation-note");
        return line;
    }
}
