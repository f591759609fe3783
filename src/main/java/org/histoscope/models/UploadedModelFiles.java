package org.histoscope.models;

import org.histoscope.platform.PeopleText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files of a model package as they are uploaded one by one, before {@link ModelRegistry#addUploaded}: a package
 * zip, or model.onnx together with model-card.json. Files are recognised by content, never by name (zip by its magic
 * bytes, the card as JSON, anything else as the ONNX model); a zip replaces loose files and the other way round. Each
 * file is a temporary file owned by this object: replaced, discarded and registered files are deleted.
 */
public final class UploadedModelFiles {

    /** The upload limit per file; the browser enforces it only as a courtesy, so it is checked again here. */
    public static final long MAX_FILE_BYTES = 2L * 1024 * 1024 * 1024;

    static final String ZIP = "zip";
    static final String ONNX = "onnx";
    static final String CARD = "card";

    /** Uploaded files by kind, in the order they came. */
    private final Map<String, Path> files = new LinkedHashMap<>();

    /**
     * Takes an uploaded temporary file.
     *
     * @throws ModelPackageRejectedException (the file deleted) when it is larger than {@link #MAX_FILE_BYTES}
     * @throws UncheckedIOException          when it cannot be read
     */
    public void accept(String fileName, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                Files.deleteIfExists(file);
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.file-larger-than-2-gib", String.valueOf(fileName)));
            }
            String kind = kindOf(file);
            Path previous = files.put(kind, file);
            if (previous != null && !previous.equals(file)) {
                Files.deleteIfExists(previous);
            }
            if (kind.equals(ZIP)) {
                discard(ONNX);
                discard(CARD);
            } else {
                discard(ZIP);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kinds uploaded so far ("zip", "onnx", "card"), in the order they came. */
    public Set<String> kinds() {
        return files.keySet();
    }

    /** A zip, or the ONNX file together with its card. */
    public boolean complete() {
        return files.containsKey(ZIP) || files.containsKey(ONNX) && files.containsKey(CARD);
    }

    Optional<Path> file(String kind) {
        return Optional.ofNullable(files.get(kind));
    }

    /** Deletes every file held. */
    public void discardAll() {
        Set.copyOf(files.keySet()).forEach(this::discard);
    }

    private void discard(String kind) {
        Path file = files.remove(kind);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans it up eventually
            }
        }
    }

    static String kindOf(Path file) throws IOException {
        byte[] head = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, 4);
        }
        if (read == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return ZIP;
        }
        String start = new String(head, 0, Math.max(0, read), StandardCharsets.ISO_8859_1).strip();
        return start.startsWith("{") ? CARD : ONNX;
    }
}
