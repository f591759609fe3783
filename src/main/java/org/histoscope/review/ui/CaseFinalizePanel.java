package org.histoscope.review.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.ui.I18n;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.ui.Notifications;
import org.histoscope.review.FinalDiagnosis;
import org.histoscope.review.FinalDiagnosisForm;
import org.histoscope.review.FinalizationCheck;
import org.histoscope.review.NotAssessableMark;
import org.histoscope.review.QueueEntry;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignedReview;
import org.histoscope.review.internal.FinalizationParts;

/**
 * The body of the finalization page: the signed final diagnosis (with its earlier versions) once there is one, each
 * image with its model result beside its signed review or not-assessable mark, what still stands in the way, and the
 * form the responsible pathologist signs to finalize the case or amend its final diagnosis.
 */
class CaseFinalizePanel extends Div {

    private final FinalizationParts parts;
    private final CaseSummary owner;

    CaseFinalizePanel(FinalizationParts parts, CaseSummary owner) {
        this.parts = parts;
        this.owner = owner;
        setId("case-finalize");
        boolean responsible = parts.cases().rightsOn(owner.id()).modify();
        if (owner.status() == CaseStatus.SIGNED_OUT) {
            List<FinalDiagnosis> versions = parts.finalization().finalDiagnoses(owner.id());
            finalDiagnosis(versions);
            images();
            lateResults();
            if (responsible) {
                Button amend = new Button(getTranslation("finalize.amend"), VaadinIcon.EDIT.create());
                amend.setId("amend-final-diagnosis");
                Div area = new Div(amend);
                amend.addClickListener(e -> {
                    area.removeAll();
                    area.add(new H3(getTranslation("finalize.amendment.title")), form(true));
                });
                add(area);
            }
            return;
        }
        FinalizationCheck check = parts.finalization().finalizationCheck(owner.id());
        images();
        if (!check.ready()) {
            add(new Paragraph(getTranslation("finalize.blocked")));
            UnorderedList open = new UnorderedList();
            open.setId("finalize-blockers");
            check.reasons().forEach(blocker -> open.add(new ListItem(I18n.text(blocker))));
            add(open);
            if (parts.currentUser().hasRole(org.histoscope.security.Roles.REVIEWER)) {
                markButtons(check.markable());
            }
            return;
        }
        if (!responsible) {
            String who = owner.assignedPathologist() != null ? owner.assignedPathologist()
                    : getTranslation("finalize.notResponsible.creator", owner.createdBy());
            Paragraph notYours = new Paragraph(getTranslation("finalize.notResponsible", who));
            notYours.setId("finalize-not-responsible");
            add(notYours);
            return;
        }
        add(new H3(getTranslation("finalize.finalDiagnosis")), form(false));
    }

    /** The current signed final diagnosis first, then each earlier version it replaced. */
    private void finalDiagnosis(List<FinalDiagnosis> versions) {
        if (versions.isEmpty()) {
            return;
        }
        FinalDiagnosis current = versions.get(versions.size() - 1);
        Div box = signedDiagnosis(current);
        box.setId("final-diagnosis");
        add(new H3(getTranslation("finalize.finalDiagnosis")), box);
        if (versions.size() > 1) {
            add(new H3(getTranslation("finalize.earlierVersions")));
            for (int i = versions.size() - 2; i >= 0; i--) {
                Div old = signedDiagnosis(versions.get(i));
                old.addClassName("superseded");
                add(old);
            }
        }
    }

    private static Div signedDiagnosis(FinalDiagnosis diagnosis) {
        Div box = new Div(new Div(new Span(diagnosis.structured() + ".")), new Div(new Span(diagnosis.diagnosis())));
        if (diagnosis.isAmendment()) {
            box.add(new Div(new Span(I18n.t("finalize.amended", String.valueOf(diagnosis.version()),
                    diagnosis.amendmentReason()))));
        }
        Span signature = new Span(I18n.t("review.signedBy", diagnosis.signerName(), diagnosis.signedBy(),
                DisplayFormats.utc(diagnosis.signedAt()), I18n.t(diagnosis.meaning().messageKey())));
        signature.addClassName("signature-line");
        box.add(new Div(signature));
        if (diagnosis.segregationNote() != null) {
            box.add(ReviewView.segregationNote(diagnosis.segregationNote()));
        }
        box.addClassName("signature");
        box.getElement().setAttribute("data-version", String.valueOf(diagnosis.version()));
        return box;
    }

    /** Every image: its model result(s) beside the signed review(s), or its not-assessable mark. */
    private void images() {
        Map<Long, List<SignedReview>> reviews = parts.reviews().reviewsOfCase(owner.id()).stream()
                .collect(Collectors.groupingBy(SignedReview::predictionId));
        Map<Long, List<NotAssessableMark>> marks = parts.notAssessable().notAssessableOfCase(owner.id()).stream()
                .collect(Collectors.groupingBy(NotAssessableMark::imageId));
        Div list = new Div();
        list.setId("finalize-images");
        for (ImageSummary image : parts.images().imagesOfCase(owner.id())) {
            Div card = new Div(new H3(image.originalFilename()));
            card.addClassName("finalize-image");
            for (StoredPrediction prediction : parts.predictions().forImage(image.id())) {
                card.add(modelLine(prediction));
                List<SignedReview> signed = reviews.getOrDefault(prediction.id(), List.of());
                if (signed.isEmpty()) {
                    card.add(new Div(new Span(getTranslation("finalize.review.notSigned"))));
                }
                for (SignedReview review : signed) {
                    Div line = new Div(new Span(getTranslation(review.isAmendment() ? "finalize.review.amended" : "finalize.review",
                            review.finalLabel(), review.finalDiagnosis(), review.signerName(),
                            DisplayFormats.utc(review.signedAt()), I18n.t(review.meaning().messageKey()))));
                    line.addClassName("finalize-review");
                    card.add(line);
                }
            }
            for (NotAssessableMark mark : marks.getOrDefault(image.id(), List.of())) {
                card.add(new Div(new Span(getTranslation("finalize.notAssessable", mark.reason(), mark.signerName(),
                        DisplayFormats.utc(mark.signedAt()), I18n.t(mark.meaning().messageKey())))));
                if (mark.signedByRequester()) {
                    card.add(ReviewView.segregationNote(mark.segregationNote()));
                }
            }
            list.add(card);
        }
        add(new H3(getTranslation("finalize.images")), list);
    }

    private static Div modelLine(StoredPrediction p) {
        ResultAssessment assessment = p.assessment();
        StringBuilder text = new StringBuilder(I18n.t("finalize.model", p.displayLabel(),
                String.format(DisplayFormats.locale(), "%.3f", p.probability()),
                String.format(DisplayFormats.locale(), "%.3f", p.threshold()), p.modelId() + " " + p.modelVersion(),
                InferenceDevice.forPeople(p.device())));
        if (assessment.indeterminate()) {
            text.append(" — ").append(I18n.t("finalize.model.greyZone"));
        }
        Div line = new Div(new Span(text.toString()));
        line.addClassName("finalize-model");
        if (assessment.outOfDomain()) {
            Span warning = new Span(ResultAssessment.OUT_OF_DOMAIN_WARNING);
            warning.getElement().getThemeList().add("badge error");
            line.add(warning);
        }
        return line;
    }

    private void lateResults() {
        List<QueueEntry> late = parts.reviews().entriesOfCase(owner.id()).stream()
                .filter(QueueEntry::arrivedAfterSignOut).toList();
        if (late.isEmpty()) {
            return;
        }
        add(new Paragraph(getTranslation("finalize.late", String.valueOf(late.size()))));
        UnorderedList list = new UnorderedList();
        list.setId("late-results");
        late.forEach(entry -> list.add(new ListItem(new Anchor("review/sign/" + entry.predictionId(),
                entry.imageName() + " " + getTranslation(entry.reviewed() ? "finalize.late.reviewed" : "finalize.late.toReview")))));
        add(list);
    }

    private void markButtons(List<ImageSummary> markable) {
        String username = parts.currentUser().username().orElse("");
        String signerLine = getTranslation("finalize.signerLine", parts.users().printedName(username).orElse(username),
                username);
        for (ImageSummary image : markable) {
            Button mark = new Button(getTranslation("finalize.markNotAssessable", image.originalFilename()), VaadinIcon.BAN.create(),
                    e -> new NotAssessableDialog(parts.notAssessable(), image, signerLine, this::reload).open());
            mark.addClassName("mark-not-assessable");
            add(mark);
        }
    }

    /** The structured fields and free text of a breast core biopsy's final diagnosis, then the signature. */
    private Div form(boolean amendment) {
        RadioButtonGroup<Boolean> idc = new RadioButtonGroup<>(getTranslation("finalize.form.idc"));
        idc.setItems(Boolean.TRUE, Boolean.FALSE);
        idc.setItemLabelGenerator(present -> getTranslation(present ? "finalize.form.present" : "finalize.form.absent"));
        idc.setId("final-idc");
        idc.setRequiredIndicatorVisible(true);
        NumberField focus = new NumberField(getTranslation("finalize.form.focus"));
        focus.setId("final-focus");
        focus.setMin(0);
        NumberField percent = new NumberField(getTranslation("finalize.form.percent"));
        percent.setId("final-percent");
        percent.setMin(0);
        percent.setMax(100);
        focus.setEnabled(false);
        percent.setEnabled(false);
        idc.addValueChangeListener(e -> {
            boolean present = Boolean.TRUE.equals(e.getValue());
            focus.setEnabled(present);
            percent.setEnabled(present);
            if (!present) {
                focus.clear();
                percent.clear();
            }
        });
        TextArea diagnosis = new TextArea(getTranslation("finalize.finalDiagnosis"));
        diagnosis.setId("final-diagnosis-text");
        diagnosis.setRequiredIndicatorVisible(true);
        diagnosis.setPlaceholder(getTranslation("finalize.form.placeholder"));
        TextArea reason = new TextArea(getTranslation("finalize.form.reason"));
        reason.setId("final-amendment-reason");
        reason.setRequiredIndicatorVisible(true);
        RadioButtonGroup<SignatureMeaning> meaning = new RadioButtonGroup<>(getTranslation("review.signature.meaning"));
        meaning.setItems(SignatureMeaning.values());
        meaning.setItemLabelGenerator(m -> getTranslation(m.messageKey()));
        meaning.setValue(SignatureMeaning.APPROVED);
        meaning.setId("final-meaning");
        meaning.setRequiredIndicatorVisible(true);
        FormLayout fields = new FormLayout(idc, focus, percent, diagnosis, meaning);
        fields.setColspan(diagnosis, 2);
        if (amendment) {
            fields.add(reason);
            fields.setColspan(reason, 2);
        }
        Button sign = new Button(amendment ? getTranslation("finalize.signAmendment.button")
                : getTranslation("finalize.finalize.button", owner.accessionNumber()),
                VaadinIcon.CHECK_SQUARE_O.create(), e -> {
            FinalDiagnosisForm form = new FinalDiagnosisForm(idc.getValue(), decimal(focus.getValue()),
                    decimal(percent.getValue()), diagnosis.getValue(), meaning.getValue(),
                    amendment ? reason.getValue() : null);
            if (form.idcPresent() == null || form.diagnosis() == null || form.diagnosis().isBlank()
                    || form.meaning() == null) {
                Notifications.error(getTranslation("finalize.form.incomplete"));
                return;
            }
            new SignatureDialog(parts.currentUser(), parts.users(), amendment
                    ? getTranslation("finalize.sign.whatAmendment", owner.accessionNumber())
                    : getTranslation("finalize.sign.what", owner.accessionNumber()),
                    form.meaning(), getTranslation(amendment ? "finalize.signAmendment" : "finalize.signAndFinalize"),
                    password -> {
                FinalDiagnosis signed = amendment
                        ? parts.finalization().amendFinalDiagnosis(owner.id(), form, password)
                        : parts.finalization().finalizeCase(owner.id(), form, password);
                return getTranslation(amendment ? "finalize.amended.done" : "finalize.finalized.done",
                        owner.accessionNumber(), signed.signerName(), DisplayFormats.utc(signed.signedAt()));
            }, this::reload).open();
        });
        sign.setId(amendment ? "sign-amendment" : "finalize-case");
        sign.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Div area = new Div(fields, sign);
        area.setId("finalize-form");
        return area;
    }

    private static BigDecimal decimal(Double value) {
        return value == null ? null : BigDecimal.valueOf(value);
    }

    private void reload() {
        getUI().ifPresent(ui -> ui.getPage().reload());
    }
}
