package org.histoscope.viewer.internal;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of {@code histoscope.viewer.*}.
 *
 * @param tileCacheDirectory where rendered deep-zoom tiles are kept (safe to delete at any time)
 * @param tileCacheMaxBytes  the cache's size limit; the least recently used tiles go first (default 1 GiB)
 * @param jpegQuality        quality of the served JPEG tiles, 0-1 (default 0.85)
 */
@ConfigurationProperties("histoscope.viewer")
public record ViewerSettings(Path tileCacheDirectory, Long tileCacheMaxBytes, Double jpegQuality) {

    public ViewerSettings {
        tileCacheDirectory = tileCacheDirectory == null ? Path.of("data", "tile-cache") : tileCacheDirectory;
        tileCacheMaxBytes = tileCacheMaxBytes == null ? 1024L * 1024 * 1024 : tileCacheMaxBytes;
        jpegQuality = jpegQuality == null ? 0.85 : jpegQuality;
    }
}
