/**
 * Classes that break (or keep) the architecture rules on purpose, so that ArchitectureRulesTest can show each rule
 * refuses what it should. Test sources only: ArchitectureTest and ModularityTest never see them.
 */
package org.histoscope.archfixtures;
