/**
 * Classes that break (or keep) the architecture rules on purpose, so that ArchitectureRulesTest can show each rule
 * refuses what it should. Test sources only, and outside org.histoscope so that no Spring context scans them as beans and
 * ArchitectureTest, ModularityTest and AccessMatrixTest never see them.
 */
package archfixtures;
