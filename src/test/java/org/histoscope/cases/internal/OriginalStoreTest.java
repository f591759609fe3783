package org.histoscope.cases.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.StorageProperties;

/** The content-addressed store: streaming with a size limit, hashing, atomic acceptance, one copy per content. */
class OriginalStoreTest {

    @TempDir
    Path root;

    OriginalStore store() throws Exception {
        return new OriginalStore(new StorageProperties(root.toString(), DataSize.ofMegabytes(1)));
    }

    @Test
    void aFileOverTheLimitIsRefusedWhileStreamingAndLeavesNothingBehind() throws Exception {
        OriginalStore store = store();
        byte[] big = new byte[4096];
        assertThatThrownBy(() -> store.receive(new ByteArrayInputStream(big), 1000))
                .isInstanceOf(OriginalStore.UploadTooLargeException.class);
        try (var files = Files.list(root.resolve("incoming"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anAcceptedFileIsNamedByItsSha256AndKeptOnce() throws Exception {
        OriginalStore store = store();
        byte[] content = "not really an image, but bytes".getBytes();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        OriginalStore.Received first = store.receive(new ByteArrayInputStream(content), 1000);
        assertThat(first.sha256()).isEqualTo(expected);
        assertThat(first.size()).isEqualTo(content.length);
        Path stored = store.accept(first);
        assertThat(stored.getFileName().toString()).isEqualTo(expected);
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);

        Path again = store.accept(store.receive(new ByteArrayInputStream(content), 1000));
        assertThat(again).isEqualTo(stored);
        try (var files = Files.list(root.resolve("incoming"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void onlyHashesNameFiles() throws Exception {
        assertThatThrownBy(() -> store().pathOf("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientFileNamesAreReducedToTheirLastSegment() {
        assertThat(CaseImageService.safeName("C:\\slides\\..\\x.tif")).isEqualTo("x.tif");
        assertThat(CaseImageService.safeName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(CaseImageService.safeName("\u0000")).isEqualTo("unnamed");
    }
}
