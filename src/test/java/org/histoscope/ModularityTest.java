package org.histoscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The features as Spring Modulith application modules: each top-level package under org.histoscope is a module
 * whose top package is its API and whose sub-packages ({@code internal}, ...) are hidden from the others.
 * {@link ApplicationModules#verify()} refuses cycles and uses of another module's internals. The module diagram in
 * docs/architecture.md is written here on every test run, so it always shows the code as it is.
 */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(HistoscopeApplication.class);

    static final Path ARCHITECTURE_DOC = Path.of("docs/architecture.md");
    static final String BEGIN = "<!-- BEGIN GENERATED MODULE DIAGRAM (ModularityTest; do not edit by hand) -->";
    static final String END = "<!-- END GENERATED MODULE DIAGRAM -->";

    @Test
    void modulesUseEachOtherOnlyThroughTheirApiAndFormNoCycles() {
        MODULES.verify();
    }

    @Test
    void theArchitectureDocumentShowsTheCurrentModuleDiagram() throws IOException {
        Path output = Path.of("target/modulith-docs");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(output.toString()))
                .writeModulesAsPlantUml();
        String plantUml = Files.readString(output.resolve("components.puml"), StandardCharsets.UTF_8).strip();

        String generated = BEGIN + "\n\n"
                + "Which module uses which (Mermaid, rendered by GitHub; an arrow points at the module used):\n\n"
                + "```mermaid\n" + mermaid() + "```\n\n"
                + "The same as written by Spring Modulith's `Documenter` (PlantUML, C4 style):\n\n"
                + "```plantuml\n" + plantUml + "\n```\n\n" + END;

        String document = Files.readString(ARCHITECTURE_DOC, StandardCharsets.UTF_8);
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        assertThat(begin).as("docs/architecture.md keeps the generated-diagram markers").isGreaterThanOrEqualTo(0);
        assertThat(end).isGreaterThan(begin);
        String updated = document.substring(0, begin) + generated + document.substring(end + END.length());
        if (!updated.equals(document)) {
            Files.writeString(ARCHITECTURE_DOC, updated, StandardCharsets.UTF_8);
        }
        String written = Files.readString(ARCHITECTURE_DOC, StandardCharsets.UTF_8);
        assertThat(written).contains("```plantuml\n@startuml");
        MODULES.forEach(module -> assertThat(written).contains("  " + module.getIdentifier() + "["));
    }

    /** One line per module and one per module-to-module dependency, in a stable order. */
    static String mermaid() {
        StringBuilder graph = new StringBuilder("flowchart LR\n");
        MODULES.stream().sorted(Comparator.comparing(m -> m.getIdentifier().toString()))
                .forEach(module -> graph.append("  ").append(module.getIdentifier())
                        .append("[").append(module.getDisplayName()).append("]\n"));
        MODULES.stream().sorted(Comparator.comparing(m -> m.getIdentifier().toString()))
                .forEach(module -> module.getDirectDependencies(MODULES).uniqueModules()
                        .map(ApplicationModule::getIdentifier)
                        .map(Object::toString)
                        .distinct().sorted()
                        .forEach(target -> graph.append("  ").append(module.getIdentifier())
                                .append(" --> ").append(target).append("\n")));
        return graph.toString();
    }
}
