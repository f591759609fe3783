package org.histoscope.reports.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.reports.CaseReportService;
import org.histoscope.reports.CaseReportVersion;

/** The signed report versions of a case, each downloadable; reached from the case view. */
@Route("case-reports")
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class CaseReportsView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private final CaseReportService reports;
    private final CaseService cases;
    private String title = getTranslation("reports.pageTitle.unknown");

    public CaseReportsView(CaseReportService reports, CaseService cases) {
        this.reports = reports;
        this.cases = cases;
    }

    @Override
    public void setParameter(BeforeEvent event, Long caseId) {
        removeAll();
        CaseSummary owner = caseId == null ? null : cases.findCase(caseId).orElse(null);
        if (owner == null) {
            add(new H2(getTranslation("case.notFound")), new Anchor("cases", getTranslation("case.backToCases")));
            return;
        }
        title = getTranslation("reports.pageTitle", owner.accessionNumber());
        add(new Anchor("case/" + owner.id(), getTranslation("case.title", owner.accessionNumber())),
                new H2(getTranslation("reports.title", owner.accessionNumber())));
        List<CaseReportVersion> versions = reports.versions(owner.id());
        if (versions.isEmpty()) {
            add(new Paragraph(getTranslation("reports.none")));
            return;
        }
        Grid<CaseReportVersion> grid = new Grid<>(CaseReportVersion.class, false);
        grid.setId("report-versions");
        grid.addColumn(CaseReportVersion::version).setHeader(getTranslation("reports.column.version")).setAutoWidth(true);
        grid.addColumn(v -> DisplayFormats.dateTime(v.createdAt())).setHeader(getTranslation("reports.column.made")).setAutoWidth(true);
        grid.addColumn(CaseReportVersion::reason).setHeader(getTranslation("reports.column.why")).setFlexGrow(1);
        grid.addColumn(CaseReportVersion::sha256).setHeader("SHA-256").setAutoWidth(true);
        grid.addComponentColumn(v -> download(owner, v)).setHeader("PDF").setAutoWidth(true);
        grid.setItems(versions);
        grid.setAllRowsVisible(true);
        add(grid);
    }

    private Anchor download(CaseSummary owner, CaseReportVersion version) {
        Anchor link = new Anchor(DownloadHandler.fromInputStream(event -> reports.download(owner.id(), version.version())
                .map(file -> new DownloadResponse(new ByteArrayInputStream(file.pdf()), file.fileName(owner.accessionNumber()),
                        "application/pdf", file.pdf().length))
                .orElseGet(() -> DownloadResponse.error(404, "This report version does not exist."))),
                getTranslation("reports.download"));
        link.setId("download-report-v" + version.version());
        return link;
    }

    @Override
    public String getPageTitle() {
        return title;
    }
}
