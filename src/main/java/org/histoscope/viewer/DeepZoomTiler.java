package org.histoscope.viewer;

import jakarta.annotation.security.RolesAllowed;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.histoscope.images.ImageInspector;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SlideLevel;
import org.histoscope.security.Roles;
import org.histoscope.viewer.internal.OpenReaders;
import org.histoscope.viewer.internal.TileDiskCache;
import org.histoscope.viewer.internal.ViewerSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * Renders Deep Zoom tiles from a stored original: each DZI level is read from the file's own pyramid level with the
 * largest downsample not above the level's scale (so a 40x SVS is never decoded at full resolution for an overview),
 * subsampled on the fly from there, and kept in a size-limited disk cache. The caller (the cases feature) decides
 * which file a user may see; this class only knows files.
 */
@Service
@EnableConfigurationProperties(ViewerSettings.class)
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class DeepZoomTiler {

    private final ImageInspector inspector;
    private final TileDiskCache cache;
    private final float jpegQuality;
    private final OpenReaders readers;

    public DeepZoomTiler(ImageInspector inspector, ViewerSettings settings) {
        this.inspector = inspector;
        this.readers = new OpenReaders(8, inspector::open);
        this.cache = new TileDiskCache(settings.tileCacheDirectory(), settings.tileCacheMaxBytes());
        this.jpegQuality = settings.jpegQuality().floatValue();
    }

    /** The DZI pyramid of the file (its header is checked like any image: hostile files are refused here). */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public DeepZoomLayout layout(Path file) {
        try (RegionReader reader = inspector.open(file)) {
            return new DeepZoomLayout(reader.info().width(), reader.info().height());
        }
    }

    /**
     * One JPEG tile; empty when the level, column or row lies outside the image.
     *
     * @param contentSha256 the original's sha256, the cache key (originals are content-addressed, never change)
     */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<byte[]> tile(Path file, String contentSha256, int level, int column, int row) {
        String key = contentSha256 + "/" + level + "/" + column + "_" + row + ".jpg";
        Optional<byte[]> cached = cache.get(key);
        if (cached.isPresent()) {
            return cached;
        }
        RegionReader reader = readers.borrow(file);
        BufferedImage pixels;
        try {
            DeepZoomLayout layout = new DeepZoomLayout(reader.info().width(), reader.info().height());
            if (!layout.hasTile(level, column, row)) {
                readers.giveBack(file, reader);
                return Optional.empty();
            }
            pixels = render(reader, layout, level, column, row);
        } catch (RuntimeException | Error e) {
            reader.close(); // in an unknown state: never lent again
            throw e;
        }
        readers.giveBack(file, reader);
        byte[] jpeg = jpeg(pixels);
        cache.put(key, jpeg);
        return Optional.of(jpeg);
    }

    long cachedBytes() {
        return cache.totalBytes();
    }

    /** The tile's pixels before JPEG encoding. */
    static BufferedImage render(RegionReader reader, DeepZoomLayout layout, int level, int column, int row) {
        long scale = layout.scale(level);
        int tileWidth = Math.min(DeepZoomLayout.TILE_SIZE, layout.levelWidth(level) - column * DeepZoomLayout.TILE_SIZE);
        int tileHeight = Math.min(DeepZoomLayout.TILE_SIZE, layout.levelHeight(level) - row * DeepZoomLayout.TILE_SIZE);
        long x0 = (long) column * DeepZoomLayout.TILE_SIZE * scale;
        long y0 = (long) row * DeepZoomLayout.TILE_SIZE * scale;
        long x1 = Math.min(layout.width(), x0 + tileWidth * scale);
        long y1 = Math.min(layout.height(), y0 + tileHeight * scale);
        SlideLevel source = sourceLevel(reader, scale);
        double d = source.downsample();
        int sx0 = (int) Math.floor(x0 / d);
        int sy0 = (int) Math.floor(y0 / d);
        int sx1 = (int) Math.min(source.width(), Math.ceil(x1 / d));
        int sy1 = (int) Math.min(source.height(), Math.ceil(y1 / d));
        int subsampling = Math.max(1, (int) Math.floor(scale / d + 1e-9));
        BufferedImage decoded = reader.readLevelRegion(source.index(),
                new Rectangle(sx0, sy0, Math.max(1, sx1 - sx0), Math.max(1, sy1 - sy0)), subsampling);
        if (decoded.getWidth() == tileWidth && decoded.getHeight() == tileHeight) {
            return decoded;
        }
        BufferedImage tile = new BufferedImage(tileWidth, tileHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = tile.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(decoded, 0, 0, tileWidth, tileHeight, null);
        } finally {
            g.dispose();
        }
        return tile;
    }

    /** The file's level with the largest downsample that is still at least as detailed as the DZI level. */
    static SlideLevel sourceLevel(RegionReader reader, long scale) {
        SlideLevel best = reader.levels().get(0);
        for (SlideLevel level : reader.levels()) {
            if (level.downsample() <= scale * 1.001 && level.downsample() > best.downsample()) {
                best = level;
            }
        }
        return best;
    }

    private byte[] jpeg(BufferedImage tile) {
        ImageWriter writer = jpegWriter();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(jpegQuality);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(tile, null, null), param);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static ImageWriter jpegWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter fallback = null;
        while (writers.hasNext()) {
            ImageWriter candidate = writers.next();
            if (candidate.getClass().getName().startsWith("com.sun.imageio")) {
                return candidate;
            }
            fallback = fallback == null ? candidate : fallback;
        }
        if (fallback == null) {
            throw new IllegalStateException("No JPEG writer available");
        }
        return fallback;
    }
}
