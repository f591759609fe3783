package org.histoscope.models.internal;

import org.histoscope.platform.PeopleText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.histoscope.models.ModelPackageRejectedException;

/** Unpacks an uploaded package zip safely: no paths outside the target, bounded size and entry count. */
public final class ModelArchive {

    static final long MAX_UNPACKED_BYTES = 2L * 1024 * 1024 * 1024;
    static final int MAX_ENTRIES = 2000;

    private ModelArchive() {
    }

    /** Unpacks into {@code target} and returns the package folder (the one holding model-card.json). */
    public static Path unpack(Path zip, Path target) {
        unpackInto(zip, target);
        return findPackageFolder(target);
    }

    /** Unpacks into {@code target} with the same safety limits. */
    public static void unpackInto(Path zip, Path target) {
        long total = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new ModelPackageRejectedException(PeopleText.of("refusal.models.zip-holds-more-than-files", String.valueOf(MAX_ENTRIES)));
                }
                Path destination = target.resolve(entry.getName()).normalize();
                if (!destination.startsWith(target)) {
                    throw new ModelPackageRejectedException(PeopleText.of("refusal.models.zip-contains-path-outside-package", String.valueOf(entry.getName())));
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                    continue;
                }
                Files.createDirectories(destination.getParent());
                total += copyBounded(in, destination, MAX_UNPACKED_BYTES - total);
            }
        } catch (IOException e) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.file-readable-zip-archive"));
        }
    }

    private static long copyBounded(InputStream in, Path destination, long allowed) throws IOException {
        long written = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(destination)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                written += read;
                if (written > allowed) {
                    throw new ModelPackageRejectedException(PeopleText.of("refusal.models.zip-unpacks-more-than-2"));
                }
                out.write(buffer, 0, read);
            }
        }
        return written;
    }

    private static Path findPackageFolder(Path root) {
        try (var files = Files.walk(root, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("model-card.json")).map(Path::getParent)
                    .findFirst().orElseThrow(() -> new ModelPackageRejectedException(PeopleText.of("refusal.models.zip-lacks-model-card-json")));
        } catch (IOException e) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.unpacked-zip-cannot-read"));
        }
    }
}
