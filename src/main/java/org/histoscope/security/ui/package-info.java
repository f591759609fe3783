/**
 * The security feature's UI: its views, and the components other features' views use (ui, users). Exposed to other modules as the named interface "ui"; services never depend on it.
 */
@org.springframework.modulith.NamedInterface("ui")
package org.histoscope.security.ui;
