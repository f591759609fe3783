package org.histoscope.images;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * An opened, already validated image from which regions are read repeatedly (e.g. strip by strip while tiling)
 * without re-parsing the file. Not thread-safe. Close it to release the file.
 */
public interface RegionReader extends AutoCloseable {

    ImageInfo info();

    /** As {@link ImageInspector#readRegion}, on this opened image. */
    BufferedImage readRegion(Rectangle region, int subsampling);

    @Override
    void close();
}
