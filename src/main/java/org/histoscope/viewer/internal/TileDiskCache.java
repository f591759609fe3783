package org.histoscope.viewer.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rendered tiles on disk with a size limit: a hit touches the file's time, and when the total passes the limit the
 * least recently used tiles are deleted down to 90 % of it. Keys name content-addressed originals, so an entry never
 * goes stale. Writes go through a temporary file and an atomic rename, so a reader never sees half a tile.
 */
public final class TileDiskCache {

    private static final Logger log = LoggerFactory.getLogger(TileDiskCache.class);

    private final Path root;
    private final long maxBytes;
    private final AtomicLong totalBytes = new AtomicLong();
    private final Object evicting = new Object();

    public TileDiskCache(Path root, long maxBytes) {
        this.root = root.toAbsolutePath();
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(this.root);
            try (Stream<Path> files = Files.walk(this.root)) {
                totalBytes.set(files.filter(Files::isRegularFile).mapToLong(TileDiskCache::sizeOf).sum());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Tile cache directory " + this.root + " is not usable", e);
        }
    }

    public Optional<byte[]> get(String key) {
        Path file = pathOf(key);
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("Tile cache read of {} failed: {}", key, e.toString());
            return Optional.empty();
        }
    }

    public void put(String key, byte[] bytes) {
        if (bytes.length > maxBytes) {
            return;
        }
        Path file = pathOf(key);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".tile", ".tmp");
            Files.write(temporary, bytes);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            if (totalBytes.addAndGet(bytes.length) > maxBytes) {
                evict();
            }
        } catch (IOException e) {
            log.warn("Tile cache write of {} failed: {}", key, e.toString()); // serving goes on without the cache
        }
    }

    public long totalBytes() {
        return totalBytes.get();
    }

    private void evict() throws IOException {
        synchronized (evicting) {
            if (totalBytes.get() <= maxBytes) {
                return;
            }
            List<Path> oldestFirst;
            try (Stream<Path> files = Files.walk(root)) {
                oldestFirst = files.filter(Files::isRegularFile)
                        .sorted(Comparator.comparing(TileDiskCache::modified)).toList();
            }
            long target = (long) (maxBytes * 0.9);
            for (Path file : oldestFirst) {
                if (totalBytes.get() <= target) {
                    break;
                }
                long size = sizeOf(file);
                if (Files.deleteIfExists(file)) {
                    totalBytes.addAndGet(-size);
                }
            }
        }
    }

    /** Keys are built by the tiler from hex digests and numbers only; anything else is a programming error. */
    private Path pathOf(String key) {
        if (!key.matches("[0-9a-f]{64}/\\d+/\\d+_\\d+\\.jpg")) {
            throw new IllegalArgumentException("Invalid tile cache key " + key);
        }
        return root.resolve(key.substring(0, 2)).resolve(key);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
