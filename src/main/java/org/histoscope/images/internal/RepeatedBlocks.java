package org.histoscope.images.internal;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads subsampled regions of a tiled TIFF page block by block and decodes a block whose stored bytes equal those of
 * a block decoded before only once: equal bytes under the same page's tags are equal pixels, so this is exact. Files
 * written by stitching and conversion tools store the empty glass around the tissue as one repeated block, and
 * inflating those blocks again and again was most of the cost of screening a slide without a pyramid for tissue.
 * Only small blocks are compared (glass compresses to a few kilobytes; tissue does not repeat), and full copies are
 * kept only of blocks of at most a megapixel, so that a file with huge tiles cannot make the copies exhaust the heap.
 */
final class RepeatedBlocks {

    /** Blocks stored in more bytes than this are decoded without looking for an earlier copy. */
    static final int MAX_COMPARED_BYTES = 64 * 1024;
    /** Full copies are kept for blocks up to this many pixels, at most {@link #REPEATED_COPIES} of them (32 MB). */
    static final int MAX_COPIED_PIXELS = 1 << 20;
    private static final int REPEATED_COPIES = 8;
    private static final int SEEN_HASHES = 4096;

    /** Decodes one part of the page with subsampling, its first sample at the part's origin. */
    interface PartDecoder {
        BufferedImage decode(Rectangle part, int subsampling) throws IOException;
    }

    private final Path file;
    private final int width;
    private final int height;
    private final int blockWidth;
    private final int blockHeight;
    private final long[] offsets;
    private final long[] counts;
    /** Full-resolution copies of blocks that repeated, by their stored bytes. */
    private final Map<StoredBytes, DecodedBlock> copies = lruMap(REPEATED_COPIES);
    /** Hashes of the small blocks seen once: a second sighting makes a full copy worth decoding. */
    private final Map<Long, Boolean> seen = lruMap(SEEN_HASHES);
    private long decodedBlocks;
    private long reusedBlocks;

    RepeatedBlocks(Path file, int width, int height, int blockWidth, int blockHeight, long[] offsets, long[] counts) {
        this.file = file;
        this.width = width;
        this.height = height;
        this.blockWidth = blockWidth;
        this.blockHeight = blockHeight;
        this.offsets = offsets;
        this.counts = counts;
    }

    /** For a tiled page with one block per tile (not stored plane by plane); otherwise null. */
    static RepeatedBlocks forPage(Path file, int width, int height, TiffHeaderFacts facts) {
        if (!facts.isTiled() || facts.tileWidth() <= 0 || facts.tileLength() <= 0) {
            return null;
        }
        long[][] segments = facts.tileSegments();
        long across = ceilDiv(width, facts.tileWidth());
        long down = ceilDiv(height, facts.tileLength());
        if (segments[0].length != across * down || segments[1].length != segments[0].length) {
            return null;
        }
        return new RepeatedBlocks(file, width, height, facts.tileWidth(), facts.tileLength(), segments[0], segments[1]);
    }

    /** Worth it only when a read spans many blocks; small reads go to the decoder in one piece. */
    boolean pays(Rectangle region, int subsampling) {
        if (subsampling < 2) {
            return false;
        }
        long blocks = (long) (lastIndex(region.x + region.width, blockWidth) - region.x / blockWidth + 1)
                * (lastIndex(region.y + region.height, blockHeight) - region.y / blockHeight + 1);
        return blocks >= 16;
    }

    /** The region sampled every {@code subsampling} pixels from its origin, as one decoder call would give it. */
    BufferedImage read(Rectangle region, int subsampling, PartDecoder decoder) throws IOException {
        int outWidth = ceilDiv(region.width, subsampling);
        int outHeight = ceilDiv(region.height, subsampling);
        BufferedImage out = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
        int[] target = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int across = ceilDiv(width, blockWidth);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int row = region.y / blockHeight; row <= lastIndex(region.y + region.height, blockHeight); row++) {
                for (int column = region.x / blockWidth; column <= lastIndex(region.x + region.width, blockWidth);
                     column++) {
                    Rectangle block = region.intersection(
                            new Rectangle(column * blockWidth, row * blockHeight, blockWidth, blockHeight));
                    // the part of the block from its first sample on the region's sampling grid (the JDK reader
                    // drops the last sample of a part when subsampling offsets are used, so none are)
                    int sampleX = region.x + ceilDiv(block.x - region.x, subsampling) * subsampling;
                    int sampleY = region.y + ceilDiv(block.y - region.y, subsampling) * subsampling;
                    Rectangle part = new Rectangle(sampleX, sampleY, block.x + block.width - sampleX,
                            block.y + block.height - sampleY);
                    if (block.isEmpty() || part.width <= 0 || part.height <= 0) {
                        continue;
                    }
                    int[] pixels = samples(channel, row * across + column, part, subsampling, decoder);
                    int partWidth = ceilDiv(part.width, subsampling);
                    int left = (sampleX - region.x) / subsampling;
                    int top = (sampleY - region.y) / subsampling;
                    for (int y = 0; y < pixels.length / partWidth; y++) {
                        System.arraycopy(pixels, y * partWidth, target, (top + y) * outWidth + left, partWidth);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The samples of {@code part} of block {@code index}. A block seen before with the same stored bytes is decoded
     * once at full resolution and every later part of such a block is sampled from that copy; a block seen for the
     * first time is decoded subsampled, as a single read would, so blocks that never repeat cost no more than before.
     */
    private int[] samples(FileChannel channel, int index, Rectangle part, int subsampling, PartDecoder decoder)
            throws IOException {
        boolean comparable = counts[index] <= MAX_COMPARED_BYTES && (long) blockWidth * blockHeight <= MAX_COPIED_PIXELS;
        StoredBytes key = comparable ? new StoredBytes(stored(channel, index)) : null;
        if (key != null) {
            DecodedBlock copy = copies.get(key);
            if (copy == null && seen.containsKey(key.hash())) {
                copy = new DecodedBlock(blockRectangle(index), decoded(decoder, blockRectangle(index), 1));
                copies.put(key, copy);
            } else if (copy != null) {
                reusedBlocks++;
            }
            if (copy != null) {
                return copy.sample(blockLeft(part), blockTop(part), part.width, part.height, subsampling);
            }
            seen.put(key.hash(), Boolean.TRUE);
        }
        return decoded(decoder, part, subsampling);
    }

    private int[] decoded(PartDecoder decoder, Rectangle part, int subsampling) throws IOException {
        BufferedImage image = RgbConversion.toRgb(decoder.decode(part, subsampling));
        decodedBlocks++;
        return (int[]) image.getRaster().getDataElements(0, 0, image.getWidth(), image.getHeight(), null);
    }

    private Rectangle blockRectangle(int index) {
        int across = ceilDiv(width, blockWidth);
        int left = index % across * blockWidth;
        int top = index / across * blockHeight;
        return new Rectangle(left, top, Math.min(blockWidth, width - left), Math.min(blockHeight, height - top));
    }

    private int blockLeft(Rectangle part) {
        return part.x % blockWidth;
    }

    private int blockTop(Rectangle part) {
        return part.y % blockHeight;
    }

    private byte[] stored(FileChannel channel, int block) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) counts[block]);
        long position = offsets[block];
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                throw new IOException("TIFF block " + block + " ends past the end of the file");
            }
        }
        return buffer.array();
    }

    long decodedBlocks() {
        return decodedBlocks;
    }

    long reusedBlocks() {
        return reusedBlocks;
    }

    private static <K, V> Map<K, V> lruMap(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    private static int lastIndex(int end, int size) {
        return (end - 1) / size;
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** A block's stored bytes, compared in full: equal bytes under one page's tags are equal pixels. */
    private record StoredBytes(byte[] bytes, long hash) {
        StoredBytes(byte[] bytes) {
            this(bytes, 31L * Arrays.hashCode(bytes) + bytes.length);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof StoredBytes that && hash == that.hash && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hash);
        }
    }

    /** A block decoded at full resolution, to sample any part of it from. */
    private record DecodedBlock(Rectangle area, int[] pixels) {
        int[] sample(int left, int top, int partWidth, int partHeight, int subsampling) {
            int outWidth = ceilDiv(partWidth, subsampling);
            int outHeight = ceilDiv(partHeight, subsampling);
            int[] out = new int[outWidth * outHeight];
            for (int y = 0; y < outHeight; y++) {
                int row = (top + y * subsampling) * area.width + left;
                for (int x = 0; x < outWidth; x++) {
                    out[y * outWidth + x] = pixels[row + x * subsampling];
                }
            }
            return out;
        }
    }
}
