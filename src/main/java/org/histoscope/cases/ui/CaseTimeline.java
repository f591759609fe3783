package org.histoscope.cases.ui;

import com.vaadin.flow.component.grid.Grid;
import org.histoscope.audit.AuditEntry;
import org.histoscope.ui.DisplayFormats;

/** Every audited event of a case, oldest first: who did what to which record, and when. */
class CaseTimeline extends Grid<AuditEntry> {

    CaseTimeline() {
        setId("timeline");
        addColumn(e -> DisplayFormats.dateTime(e.occurredAt())).setHeader("When").setAutoWidth(true);
        addColumn(AuditEntry::actor).setHeader("Who").setAutoWidth(true);
        addColumn(AuditEntry::action).setHeader("What").setAutoWidth(true);
        addColumn(e -> e.targetType() + " " + e.targetId()).setHeader("Target").setAutoWidth(true);
        addColumn(AuditEntry::detailsJson).setHeader("Details").setFlexGrow(1);
        setEmptyStateText("No events yet.");
        setHeight("32rem");
    }
}
