package org.histoscope.cases.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.component.upload.UploadI18N;
import com.vaadin.flow.server.VaadinResponse;
import com.vaadin.flow.server.streams.UploadEvent;
import com.vaadin.flow.server.streams.UploadHandler;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import org.histoscope.inference.PredictionService;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.platform.ErrorReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.platform.PeopleText;
import org.histoscope.ui.I18n;
import org.histoscope.ui.Notifications;
import org.histoscope.users.UserDirectory;
import org.histoscope.ui.Badges;
import org.histoscope.cases.ui.CaseBadges;
import org.histoscope.cases.ui.JobUpdates;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseOutcomes;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.cases.StorageProperties;
import org.histoscope.cases.UploadOutcome;

/** One case: its details, uploads, prediction jobs with live progress, results and the timeline of events. */
@Route("case")
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
public class CaseDetailView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private static final Logger log = LoggerFactory.getLogger(CaseDetailView.class);

    static final String ACCEPTED = ".tif,.tiff,.png,.jpg,.jpeg,.bmp";

    private final CaseService cases;
    private final CaseImageService images;
    private final UserDirectory users;
    private final JobUpdates jobEvents;
    private final CurrentUser currentUser;
    private final StorageProperties storage;
    private final CaseOutcomes outcomes;

    private CaseSummary current;
    private final Div header = new Div();
    private final Div uploadArea = new Div();
    private PixelSizeField pixelSize = new PixelSizeField();
    private final Div uploadLog = new Div();
    private final CaseJobsGrid jobGrid;
    private final CaseImagesGrid imageGrid = new CaseImagesGrid();
    private final CaseTimeline timeline = new CaseTimeline();
    private Registration jobSubscription;
    private Registration pollRegistration;

    private final Clock clock;

    public CaseDetailView(CaseService cases, CaseImageService images, PredictionJobService jobs,
                          PredictionService predictions, UserDirectory users, JobUpdates jobEvents,
                          CurrentUser currentUser, StorageProperties storage, CaseOutcomes outcomes, Clock clock) {
        this.clock = clock;
        this.outcomes = outcomes;
        this.cases = cases;
        this.images = images;
        this.users = users;
        this.jobEvents = jobEvents;
        this.currentUser = currentUser;
        this.storage = storage;
        this.jobGrid = new CaseJobsGrid(cases, jobs, predictions, outcomes, this::refreshJobs);
        setWidthFull();
        uploadLog.setId("upload-log");
        uploadLog.addClassName("upload-log");

        VerticalLayout results = new VerticalLayout(uploadArea, uploadLog, new H3(getTranslation("case.predictions")), jobGrid,
                new H3(getTranslation("case.images")), imageGrid);
        results.setPadding(false);
        TabSheet tabs = new TabSheet();
        tabs.add(getTranslation("case.tab.results"), results);
        tabs.add(getTranslation("case.tab.timeline"), timeline).setId("timeline-tab");
        tabs.addSelectedChangeListener(e -> refreshTimeline());
        tabs.setWidthFull();
        add(header, tabs);
    }

    @Override
    public void setParameter(BeforeEvent event, Long caseId) {
        current = caseId == null ? null : cases.openCase(caseId).orElse(null);
        if (current == null) {
            removeAll();
            add(new H2(getTranslation("case.notFound")), new Paragraph(getTranslation("case.notFound.explanation")),
                    new Anchor("cases", getTranslation("case.backToCases")));
            return;
        }
        DisplayFormats.learnTimeZone(event.getUI());
        renderHeader();
        renderUpload();
        refreshJobs();
        imageGrid.setItems(images.imagesOfCase(current.id()));
    }

    @Override
    public String getPageTitle() {
        return current == null ? getTranslation("case.pageTitle.unknown")
                : getTranslation("case.pageTitle", current.accessionNumber());
    }

    private void renderHeader() {
        header.removeAll();
        H2 title = new H2(getTranslation("case.title", current.accessionNumber()));
        title.setId("case-title");
        Span status = CaseBadges.status(current.status());
        status.setId("case-status");
        HorizontalLayout titleRow = new HorizontalLayout(title, status);
        titleRow.setAlignItems(FlexComponent.Alignment.CENTER);
        CaseService.CaseRights rights = cases.rightsOn(current.id());
        if (rights.reassign() && current.status() != CaseStatus.SIGNED_OUT) {
            Button reassign = new Button(getTranslation("case.reassign"), VaadinIcon.USER_CHECK.create(), e -> new ReassignDialog(cases,
                    users, current, saved -> {
                        current = saved;
                        renderHeader();
                        renderUpload();
                        Notifications.success(getTranslation("case.reassigned"));
                    }).open());
            reassign.setId("reassign-case");
            titleRow.add(reassign);
        }
        if (rights.modify() && current.status() != CaseStatus.SIGNED_OUT) {
            Button edit = new Button(getTranslation("case.edit"), VaadinIcon.EDIT.create(), e -> new CaseDialog(cases, clock, users, current, saved -> {
                current = saved;
                renderHeader();
                Notifications.success(getTranslation("case.saved"));
            }).open());
            edit.setId("edit-case");
            titleRow.add(edit);
        }
        if (currentUser.hasRole(Roles.REVIEWER) || currentUser.hasRole(Roles.PATHOLOGIST)) {
            // the review feature's page (a link, not a dependency: review builds on cases)
            Anchor finalization = new Anchor("finalize/" + current.id(), current.status() == CaseStatus.SIGNED_OUT
                    ? getTranslation("case.finalDiagnosis") : getTranslation(rights.modify() ? "case.finalize"
                    : "case.finalizationChecklist"));
            finalization.setId("case-finalize-link");
            titleRow.add(finalization);
        }
        if (current.status() == CaseStatus.SIGNED_OUT) {
            // by URL: the reports feature depends on cases, not the other way round
            Anchor report = new Anchor("case-reports/" + current.id(), getTranslation("case.signedReport"));
            report.setId("case-reports-link");
            titleRow.add(report);
        }
        PatientSummary patient = current.patient();
        Div facts = new Div(
                fact(getTranslation("case.fact.patient"), getTranslation("case.fact.patientLine", patient.fullName(),
                        patient.mrn(), DisplayFormats.date(patient.dateOfBirth()),
                        getTranslation("sex." + patient.sex().name()))),
                fact(getTranslation("case.fact.specimen"), current.specimen() + (current.site() == null ? "" : " · " + current.site())),
                fact(getTranslation("case.fact.pathologist"), current.assignedPathologist() == null
                        ? getTranslation("case.fact.notAssigned") : current.assignedPathologist()),
                fact(getTranslation("case.fact.created"), getTranslation("case.fact.createdLine",
                        DisplayFormats.dateTime(current.createdAt()), current.createdBy())));
        facts.addClassName("case-facts");
        header.add(titleRow, facts);
        outcomes.finalDiagnosisLine(current.id()).ifPresent(line -> {
            Div finalDiagnosis = fact(getTranslation("case.finalDiagnosis"), line);
            finalDiagnosis.setId("case-final-diagnosis");
            header.add(finalDiagnosis);
        });
        if (current.clinicalNotes() != null) {
            header.add(fact(getTranslation("case.fact.clinicalNotes"), current.clinicalNotes()));
        }
    }

    private static Div fact(String label, String value) {
        Span name = new Span(label);
        name.addClassName("fact-label");
        return new Div(name, new Span(value));
    }

    private void renderUpload() {
        uploadArea.removeAll();
        if (!cases.rightsOn(current.id()).modify()) {
            return;
        }
        if (current.status() == CaseStatus.SIGNED_OUT) {
            uploadArea.add(new Paragraph(getTranslation("case.upload.finalized")));
            return;
        }
        long caseId = current.id();
        pixelSize = new PixelSizeField();
        Upload upload = new Upload(uploadHandler(caseId));
        upload.setId("case-upload");
        upload.setAcceptedFileTypes(ACCEPTED.split(","));
        upload.setMaxFiles(50);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, storage.maxUploadSize().toBytes()));
        upload.setDropLabel(new Span(getTranslation("case.upload.drop")));
        upload.setI18n(refusedFilesMarkedAsSuch());
        upload.addFileRejectedListener(e -> Notifications.error(e.getFileName() + ": " + e.getErrorMessage()));
        upload.addAllFinishedListener(e -> refreshAll());
        upload.setWidthFull();

        // On phones and tablets this opens the rear camera directly
        Upload camera = new Upload(uploadHandler(caseId));
        camera.setId("camera-upload");
        camera.setAcceptedFileTypes("image/*");
        camera.getElement().setAttribute("capture", "environment");
        camera.setUploadButton(new Button(getTranslation("case.upload.camera"), VaadinIcon.CAMERA.create()));
        camera.setDropAllowed(false);
        camera.setI18n(refusedFilesMarkedAsSuch());
        camera.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, storage.maxUploadSize().toBytes()));
        camera.addAllFinishedListener(e -> refreshAll());
        camera.addClassName("camera-upload");

        uploadArea.add(new H3(getTranslation("case.upload.title")), pixelSize, upload, camera);
    }

    /**
     * Streams each file to the store through the service; the outcome is shown next to the upload. A file that was
     * not stored is answered 422, so the upload's own file list marks it failed instead of ticking it off.
     */
    private UploadHandler uploadHandler(long caseId) {
        return new UploadHandler() {
            @Override
            public void handleUploadRequest(UploadEvent event) {
                UploadOutcome outcome;
                try (InputStream in = event.getInputStream()) {
                    outcome = images.upload(caseId, event.getFileName(), in, pixelSize.stated());
                } catch (IOException | RuntimeException e) {
                    outcome = UploadOutcome.rejected(CaseImageService.safeName(event.getFileName()),
                            PeopleText.of("case.upload.notStored", ErrorReference.logged(log, "Storing an upload", e)));
                }
                UploadOutcome shown = outcome;
                NOT_STORED.set(outcome.result() == UploadOutcome.Result.REJECTED);
                event.getUI().access(() -> showOutcome(shown));
            }

            @Override
            public void responseHandled(boolean success, VaadinResponse response) {
                boolean refused = Boolean.TRUE.equals(NOT_STORED.get());
                NOT_STORED.remove();
                if (success && refused) {
                    response.setStatus(422);
                } else {
                    UploadHandler.super.responseHandled(success, response);
                }
            }
        };
    }

    /** Whether the upload this request thread just handled was refused (read when its response is written). */
    private static final ThreadLocal<Boolean> NOT_STORED = new ThreadLocal<>();

    private static UploadI18N refusedFilesMarkedAsSuch() {
        UploadI18N i18n = new UploadI18N();
        i18n.setUploading(new UploadI18N.Uploading().setError(new UploadI18N.Uploading.Error()
                .setForbidden(I18n.t("case.upload.refused"))));
        return i18n;
    }

    private void showOutcome(UploadOutcome outcome) {
        Div line = new Div(Badges.badge(switch (outcome.result()) {
            case STORED -> getTranslation("case.upload.stored");
            case DUPLICATE -> getTranslation("case.upload.duplicate");
            case REJECTED -> getTranslation("case.upload.rejected");
        }, switch (outcome.result()) {
            case STORED -> "success";
            case DUPLICATE -> "contrast";
            case REJECTED -> "error";
        }), new Span(" " + I18n.text(outcome.text())));
        line.addClassName("upload-outcome");
        line.getElement().setAttribute("data-result", outcome.result().name());
        uploadLog.addComponentAsFirst(line);
        if (outcome.result() != UploadOutcome.Result.STORED) {
            Notifications.error(I18n.text(outcome.text()));
        }
        refreshAll();
    }

    private void refreshTimeline() {
        if (current != null) {
            timeline.setItems(cases.timeline(current.id()));
        }
    }

    private void refreshAll() {
        if (current == null) {
            return;
        }
        cases.findCase(current.id()).ifPresent(found -> {
            boolean statusChanged = found.status() != current.status();
            current = found;
            if (statusChanged) {
                renderHeader();
            }
        });
        imageGrid.setItems(images.imagesOfCase(current.id()));
        refreshJobs();
        refreshTimeline();
    }

    private void refreshJobs() {
        boolean active = jobGrid.show(current);
        // Push brings this instance's job events; polling while jobs are pending also covers other instances
        getUI().ifPresent(ui -> ui.setPollInterval(active ? 2000 : -1));
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        UI ui = attachEvent.getUI();
        jobSubscription = jobEvents.subscribe(change -> {
            if (current != null && change.caseId() == current.id()) {
                boolean finished = change.status() == JobStatus.DONE || change.status() == JobStatus.FAILED;
                ui.access(finished ? this::refreshAll : this::refreshJobs);
            }
        });
        pollRegistration = ui.addPollListener(e -> {
            if (current != null && isAttached()) {
                refreshAll();
            }
        });
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (jobSubscription != null) {
            jobSubscription.remove();
        }
        if (pollRegistration != null) {
            pollRegistration.remove();
        }
        detachEvent.getUI().setPollInterval(-1);
    }

}
