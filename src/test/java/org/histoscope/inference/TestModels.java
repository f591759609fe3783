package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Model packages the tests run on: the real ones in models/ and the tiny fixture. */
public final class TestModels {

    /** The project's models directory (the default of histoscope.models.directory). */
    public static final Path MODELS_DIRECTORY = Path.of("models");

    private TestModels() {
    }

    /** Every package under models/ (folders with a model-card.json); at least one must exist. */
    public static List<Path> realPackages() {
        try (Stream<Path> children = Files.list(MODELS_DIRECTORY)) {
            List<Path> packages = children.filter(p -> Files.isRegularFile(p.resolve(ModelCards.CARD_FILE)))
                    .sorted().toList();
            assertThat(packages).as("model packages in " + MODELS_DIRECTORY.toAbsolutePath()
                    + " (the real model is needed for these tests)").isNotEmpty();
            return packages;
        } catch (IOException e) {
            throw new UncheckedIOException("No models directory at " + MODELS_DIRECTORY.toAbsolutePath(), e);
        }
    }

    /** The default model (histoscope.models.default-id), else the first real package. */
    public static Path defaultPackage() {
        List<Path> packages = realPackages();
        return packages.stream().filter(p -> p.getFileName().toString().equals("xception-nasnetmobile-idc"))
                .findFirst().orElse(packages.get(0));
    }

    public static Path tinyPackage() {
        try {
            return Path.of(TestModels.class.getResource("/models/tiny-test-model/model-card.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Path> allPackages() {
        return Stream.concat(realPackages().stream(), Stream.of(tinyPackage())).toList();
    }
}
