package org.histoscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of Spring tests that run on the tiny test models instead of the real models/ directory: a fresh models
 * directory holding tiny-test-model (registered and activated at start-up) and a tampered copy of
 * tiny-test-model-b (refused at start-up). Subclasses share one application context.
 */
@SpringBootTest
public abstract class TinyModelsContext {

    public static final Path MODELS = fresh();

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("histoscope.models.directory", MODELS::toString);
        registry.add("histoscope.models.default-id", () -> "tiny-test-model");
    }

    private static Path fresh() {
        try {
            Path directory = Files.createDirectories(Path.of("target", "test-models", "tiny-" + UUID.randomUUID()))
                    .toAbsolutePath();
            copy(fixture("tiny-test-model"), directory.resolve("tiny-test-model"));
            Path tampered = copy(fixture("tiny-test-model-b"), directory.resolve("tampered"));
            Files.write(tampered.resolve("model.onnx"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path fixture(String id) {
        try {
            return Path.of(TinyModelsContext.class.getResource("/models/" + id + "/model-card.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path copy(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
        return target;
    }
}
