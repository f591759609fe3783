package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uploaded files of a model package, recognised by content (the view only hands them over). */
class UploadedModelFilesTest {

    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void recognisesZipCardAndModelByContentNotByName() throws IOException {
        assertThat(UploadedModelFiles.kindOf(file("a.onnx", new byte[] {'P', 'K', 3, 4, 0}))).isEqualTo("zip");
        assertThat(UploadedModelFiles.kindOf(file("b.zip", " {\"id\": 1}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("card");
        assertThat(UploadedModelFiles.kindOf(file("c.json", new byte[] {8, 1, 18}))).isEqualTo("onnx");
    }

    @Test
    void aZipReplacesLooseFilesAndIsCompleteAlone() throws IOException {
        UploadedModelFiles files = new UploadedModelFiles();
        Path onnx = file("model.onnx", new byte[] {8, 1, 18, 7});
        files.accept("model.onnx", onnx);
        assertThat(files.complete()).isFalse();
        files.accept("model-card.json", file("model-card.json", "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(files.complete()).isTrue();
        assertThat(files.kinds()).containsExactly("onnx", "card");

        files.accept("package.zip", file("package.zip", new byte[] {'P', 'K', 3, 4}));
        assertThat(files.kinds()).containsExactly("zip");
        assertThat(onnx).doesNotExist();
        files.discardAll();
        assertThat(files.kinds()).isEmpty();
        assertThat(dir.resolve("package.zip")).doesNotExist();
    }

    @Test
    void aFileOverTheLimitIsRefusedAndDeletedWhateverTheBrowserLetThrough() throws IOException {
        Path huge = dir.resolve("huge.onnx");
        try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(UploadedModelFiles.MAX_FILE_BYTES + 1);
        }
        UploadedModelFiles files = new UploadedModelFiles();
        assertThatThrownBy(() -> files.accept("huge.onnx", huge)).isInstanceOf(ModelPackageRejectedException.class)
                .hasMessage("The file huge.onnx is larger than 2 GiB.");
        assertThat(huge).doesNotExist();
        assertThat(files.kinds()).isEmpty();
    }
}
