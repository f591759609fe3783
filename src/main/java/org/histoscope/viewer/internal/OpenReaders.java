package org.histoscope.viewer.internal;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.histoscope.images.RegionReader;

/**
 * Opened slides kept for the next tile: opening a pyramid TIFF parses every page's tile table and checks it, which
 * costs far more than reading one tile. A reader is not thread-safe, so each is lent to one request at a time; a few
 * idle ones are kept per file, for the most recently used files only (their file handles stay open meanwhile;
 * originals never change, so a kept reader never goes stale).
 */
public final class OpenReaders {

    private static final int IDLE_PER_FILE = 2;

    private final int maxFiles;
    private final Function<Path, RegionReader> opener;
    private final LinkedHashMap<Path, Deque<RegionReader>> idle = new LinkedHashMap<>(16, 0.75f, true);

    public OpenReaders(int maxFiles, Function<Path, RegionReader> opener) {
        this.maxFiles = maxFiles;
        this.opener = opener;
    }

    /** An idle reader of the file, or a newly opened one (which may throw for a refused file). */
    public RegionReader borrow(Path file) {
        synchronized (idle) {
            Deque<RegionReader> readers = idle.get(file);
            if (readers != null && !readers.isEmpty()) {
                return readers.pop();
            }
        }
        return opener.apply(file);
    }

    /** Gives a reader back after a successful read; it is closed when enough are kept already. */
    public void giveBack(Path file, RegionReader reader) {
        RegionReader surplus = reader;
        synchronized (idle) {
            Deque<RegionReader> readers = idle.computeIfAbsent(file, f -> new ArrayDeque<>());
            if (readers.size() < IDLE_PER_FILE) {
                readers.push(reader);
                surplus = null;
            }
            if (idle.size() > maxFiles) {
                Iterator<Map.Entry<Path, Deque<RegionReader>>> eldest = idle.entrySet().iterator();
                Deque<RegionReader> dropped = eldest.next().getValue();
                eldest.remove();
                dropped.forEach(RegionReader::close);
            }
        }
        if (surplus != null) {
            surplus.close();
        }
    }
}
