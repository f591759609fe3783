/**
 * The cases feature's UI pieces that other features' views may use (case and job badges) and the views' push
 * subscription to committed job changes ({@link org.histoscope.cases.ui.JobUpdates}). Exposed to other modules as
 * the named interface "ui"; services never depend on it.
 */
@org.springframework.modulith.NamedInterface("ui")
package org.histoscope.cases.ui;
