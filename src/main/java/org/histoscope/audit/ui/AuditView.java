package org.histoscope.audit.ui;

import com.vaadin.flow.component.button.Button;
import org.histoscope.platform.UtcTimes;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import jakarta.annotation.security.RolesAllowed;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.histoscope.security.Roles;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.audit.AuditService;
import org.histoscope.audit.ChainVerification;

/** Search the audit log, read event details, export the current search as CSV and verify the hash chain. */
@Route("audit")
@Menu(title = "Audit log", order = 85)
@RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
public class AuditView extends VerticalLayout implements HasDynamicTitle {

    private final AuditSearch search;
    private final AuditService audit;
    private final Grid<AuditEntry> grid = new Grid<>(AuditEntry.class, false);
    private final TextField actor = new TextField(getTranslation("audit.user"));
    private final ComboBox<String> action = new ComboBox<>(getTranslation("audit.action"));
    private final TextField targetType = new TextField(getTranslation("audit.targetType"));
    private final TextField targetId = new TextField(getTranslation("audit.targetId"));
    private final TextField caseId = new TextField(getTranslation("audit.caseId"));
    private final DatePicker from = new DatePicker(getTranslation("audit.from"));
    private final DatePicker to = new DatePicker(getTranslation("audit.to"));
    private final Span chainStatus = new Span(getTranslation("audit.chainNotVerified"));
    /** Read by the CSV download, which runs outside the UI lock. */
    private volatile AuditFilter currentFilter = AuditFilter.none();

    private final Clock clock;

    public AuditView(AuditSearch search, AuditService audit, Clock clock) {
        this.search = search;
        this.clock = clock;
        this.audit = audit;
        setSizeFull();

        actor.setId("audit-actor");
        action.setId("audit-action");
        caseId.setId("audit-case");
        action.setItems(search.knownActions());
        action.setAllowCustomValue(true);
        action.addCustomValueSetListener(e -> action.setValue(e.getDetail()));
        action.setClearButtonVisible(true);
        caseId.setAllowedCharPattern("[0-9]");
        caseId.setMaxLength(18);
        for (TextField field : new TextField[]{actor, targetType, targetId, caseId}) {
            field.setValueChangeMode(ValueChangeMode.LAZY);
            field.setClearButtonVisible(true);
            field.setWidth("9em");
            field.addValueChangeListener(e -> applyFilter());
        }
        action.addValueChangeListener(e -> applyFilter());
        from.addValueChangeListener(e -> applyFilter());
        to.addValueChangeListener(e -> applyFilter());
        from.setWidth("9.5em");
        to.setWidth("9.5em");
        action.setWidth("13em");

        Anchor export = new Anchor(csvDownload(), AttachmentType.DOWNLOAD, "");
        export.setId("audit-export");
        export.add(new Button(getTranslation("audit.export"), VaadinIcon.DOWNLOAD.create()));

        Button verify = new Button(getTranslation("audit.verify"), VaadinIcon.CHECK_CIRCLE_O.create(), e -> verifyChain());
        verify.setId("audit-verify");
        chainStatus.setId("audit-chain-status");
        chainStatus.getElement().getThemeList().add("badge contrast");

        HorizontalLayout filters = new HorizontalLayout(actor, action, targetType, targetId, caseId, from, to);
        filters.setWrap(true);
        filters.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout tools = new HorizontalLayout(export, verify, chainStatus);
        tools.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);

        grid.setId("audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(AuditEntry::id).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> UtcTimes.format(e.occurredAt(), "")).setHeader(getTranslation("audit.column.when")).setAutoWidth(true);
        grid.addColumn(AuditEntry::actor).setHeader(getTranslation("audit.user")).setAutoWidth(true);
        grid.addColumn(AuditEntry::action).setHeader(getTranslation("audit.action")).setAutoWidth(true);
        grid.addColumn(e -> join(e.targetType(), e.targetId())).setHeader(getTranslation("audit.column.target")).setAutoWidth(true);
        grid.addColumn(e -> e.caseId() == null ? "" : e.caseId().toString()).setHeader(getTranslation("audit.column.case")).setAutoWidth(true);
        grid.addColumn(AuditEntry::detailsJson).setHeader(getTranslation("audit.column.details")).setFlexGrow(1).setWidth("16em");
        grid.addColumn(e -> e.clientAddress() == null ? "" : e.clientAddress()).setHeader(getTranslation("audit.column.client"))
                .setAutoWidth(true);
        grid.setItemDetailsRenderer(new ComponentRenderer<>(this::detailsPanel));
        grid.setItems(query -> search.search(currentFilter, query.getOffset(), query.getLimit()).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, search.count(currentFilter)));

        add(new H2(getTranslation("audit.title")), filters, tools, grid);
        expand(grid);
    }

    private Pre detailsPanel(AuditEntry entry) {
        Pre details = new Pre(getTranslation("audit.detailsPanel", entry.detailsJson(), entry.hash()));
        details.addClassName("audit-details");
        return details;
    }

    private DownloadHandler csvDownload() {
        return event -> {
            AuditFilter filter = currentFilter;
            event.setFileName("histoscope-audit-" + LocalDate.now(clock.withZone(ZoneOffset.UTC)) + ".csv");
            event.setContentType("text/csv; charset=UTF-8");
            Writer writer = new OutputStreamWriter(event.getOutputStream(), StandardCharsets.UTF_8);
            search.exportCsv(filter, writer);
        };
    }

    private void applyFilter() {
        Long caseNumber = caseId.getValue().isBlank() ? null : parseCaseId(caseId.getValue());
        currentFilter = new AuditFilter(actor.getValue(), action.getValue(), targetType.getValue(),
                targetId.getValue(), caseNumber,
                from.getValue() == null ? null : from.getValue().atStartOfDay(ZoneOffset.UTC).toInstant(),
                to.getValue() == null ? null : to.getValue().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        grid.getDataProvider().refreshAll();
    }

    private Long parseCaseId(String text) {
        try {
            caseId.setInvalid(false);
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            caseId.setErrorMessage(getTranslation("audit.caseIdInvalid"));
            caseId.setInvalid(true);
            return -1L;
        }
    }

    private void verifyChain() {
        ChainVerification result = audit.verifyChain();
        chainStatus.setText(result.text().in(getLocale()));
        chainStatus.getElement().setAttribute("title", result.message());
        chainStatus.getElement().getThemeList().clear();
        chainStatus.getElement().getThemeList().add(result.intact() ? "badge success" : "badge error primary");
    }

    @Override
    public String getPageTitle() {
        return getTranslation("audit.pageTitle");
    }

    private static String join(String type, String id) {
        if (type == null && id == null) {
            return "";
        }
        return (type == null ? "" : type) + (id == null ? "" : " " + id);
    }
}
