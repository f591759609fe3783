package org.histoscope.cases.ui;

import com.vaadin.flow.component.grid.Grid;
import org.histoscope.audit.AuditEntry;
import org.histoscope.ui.DisplayFormats;

/** Every audited event of a case, oldest first: who did what to which record, and when. */
class CaseTimeline extends Grid<AuditEntry> {

    CaseTimeline() {
        setId("timeline");
        addColumn(e -> DisplayFormats.dateTime(e.occurredAt())).setHeader(getTranslation("case.timeline.when")).setAutoWidth(true);
        addColumn(AuditEntry::actor).setHeader(getTranslation("case.timeline.who")).setAutoWidth(true);
        addColumn(AuditEntry::action).setHeader(getTranslation("case.timeline.what")).setAutoWidth(true);
        addColumn(e -> e.targetType() + " " + e.targetId()).setHeader(getTranslation("case.timeline.target")).setAutoWidth(true);
        addColumn(AuditEntry::detailsJson).setHeader(getTranslation("case.timeline.details")).setFlexGrow(1);
        setEmptyStateText(getTranslation("case.timeline.empty"));
        setHeight("32rem");
    }
}
