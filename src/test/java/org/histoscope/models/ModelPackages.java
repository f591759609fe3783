package org.histoscope.models;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Copies, tampers with and zips the tiny test model packages. */
final class ModelPackages {

    private ModelPackages() {
    }

    static Path fixture(String id) {
        try {
            return Path.of(ModelPackages.class.getResource("/models/" + id + "/model-card.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path copy(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy whose model.onnx has one extra byte: its sha256 no longer matches the card. */
    static Path tampered(String id, Path target) {
        Path copy = copy(fixture(id), target);
        try {
            Files.write(copy.resolve("model.onnx"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    static Path zip(Path folder, Path zipFile) {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zipFile));
             Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(folder.getFileName() + "/" + folder.relativize(file)));
                Files.copy(file, out);
                out.closeEntry();
            }
            return zipFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path zipWithEntry(Path zipFile, String name, byte[] content) {
        try (OutputStream raw = Files.newOutputStream(zipFile); ZipOutputStream out = new ZipOutputStream(raw)) {
            out.putNextEntry(new ZipEntry(name));
            out.write(content);
            out.closeEntry();
            return zipFile;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
