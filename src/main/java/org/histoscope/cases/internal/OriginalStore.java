package org.histoscope.cases.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.stereotype.Component;
import org.histoscope.cases.StorageProperties;
import org.histoscope.platform.Unguarded;

/**
 * Content-addressed store for uploaded originals on disk. Originals can be many gigabytes, so they stream to a
 * temporary file in the store's own directory (hashing on the way) and are then atomically renamed to their
 * sha256; a file under its final name is therefore always complete, and identical content is kept once.
 */
@Component
public class OriginalStore {

    private final Path root;
    private final Path incoming;

    OriginalStore(StorageProperties properties) throws IOException {
        this.root = Path.of(properties.directory()).toAbsolutePath().normalize();
        this.incoming = root.resolve("incoming");
        Files.createDirectories(incoming);
    }

    /** A streamed upload not yet accepted into the store. */
    public record Received(Path tempFile, String sha256, long size) {
    }

    /** Streams to a temporary file, refusing more than {@code maxBytes}. */
    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Received receive(InputStream in, long maxBytes) throws IOException {
        Path temp = Files.createTempFile(incoming, "upload-", ".part");
        try {
            MessageDigest digest = sha256();
            long size = 0;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                byte[] buffer = new byte[64 * 1024];
                int read;
                while ((read = in.read(buffer)) != -1) {
                    size += read;
                    if (size > maxBytes) {
                        throw new UploadTooLargeException(maxBytes);
                    }
                    out.write(buffer, 0, read);
                }
            }
            return new Received(temp, HexFormat.of().formatHex(digest.digest()), size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Moves a received file under its hash; if that content is already stored, the copy is simply dropped. */
    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Path accept(Received received) {
        Path target = pathOf(received.sha256());
        try {
            if (Files.exists(target)) {
                Files.delete(received.tempFile());
                return target;
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(received.tempFile(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(received.tempFile(), target, StandardCopyOption.REPLACE_EXISTING);
            }
            target.toFile().setReadOnly();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the upload", e);
        }
    }

    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public void discard(Received received) {
        try {
            Files.deleteIfExists(received.tempFile());
        } catch (IOException ignored) {
            // a leftover temp file in incoming/ is harmless
        }
    }

    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Path pathOf(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("Not a sha256: " + sha256);
        }
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Path root() {
        return root;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static class UploadTooLargeException extends IOException {
        private final long maxMegabytes;

        UploadTooLargeException(long maxBytes) {
            super("The file is larger than the limit of the upload size");
            this.maxMegabytes = org.springframework.util.unit.DataSize.ofBytes(maxBytes).toMegabytes();
        }

        /** The limit, in MB, for the refusal's text. */
        public long maxMegabytes() {
            return maxMegabytes;
        }
    }
}
