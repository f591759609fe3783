package org.histoscope.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Writes one-page TIFF files tag by tag, with arrays, either byte order and pixel blocks placed where the test
 * wants them (shared, overlapping, missing), to forge files that no well-behaved writer produces.
 */
final class TiffForge {

    static final int BYTE = 1;
    static final int ASCII = 2;
    static final int SHORT = 3;
    static final int LONG = 4;
    static final int RATIONAL = 5;

    private record Field(int type, long count, long[] values) {
    }

    private final ByteOrder order;
    private final Map<Integer, Field> fields = new TreeMap<>();
    private final List<byte[]> blocks = new ArrayList<>();
    private int[] blockOfEntry;
    private boolean tiled;

    TiffForge(ByteOrder order) {
        this.order = order;
    }

    static TiffForge littleEndian() {
        return new TiffForge(ByteOrder.LITTLE_ENDIAN);
    }

    TiffForge tag(int number, int type, long... values) {
        fields.put(number, new Field(type, values.length, values));
        return this;
    }

    /** A field whose declared count is a lie: the count is written, only {@code values} are stored. */
    TiffForge tagWithCount(int number, int type, long count, long... values) {
        fields.put(number, new Field(type, count, values));
        return this;
    }

    /** A grey or RGB 8-bit image header; the caller adds compression and blocks. */
    TiffForge image(int width, int height, int samples, int bits) {
        tag(256, LONG, width).tag(257, LONG, height);
        long[] bitsPerSample = new long[samples];
        java.util.Arrays.fill(bitsPerSample, bits);
        tag(258, SHORT, bitsPerSample).tag(262, SHORT, samples >= 3 ? 2 : 1).tag(277, SHORT, samples);
        return tag(284, SHORT, 1);
    }

    /** Strips: entry i of StripOffsets/StripByteCounts points at block {@code blockOfStrip[i]}. */
    TiffForge strips(int rowsPerStrip, List<byte[]> distinctBlocks, int[] blockOfStrip) {
        tag(278, LONG, rowsPerStrip);
        blocks.clear();
        blocks.addAll(distinctBlocks);
        blockOfEntry = blockOfStrip;
        tiled = false;
        return this;
    }

    TiffForge tiles(int tileWidth, int tileHeight, List<byte[]> distinctBlocks, int[] blockOfTile) {
        tag(322, LONG, tileWidth).tag(323, LONG, tileHeight);
        blocks.clear();
        blocks.addAll(distinctBlocks);
        blockOfEntry = blockOfTile;
        tiled = true;
        return this;
    }

    byte[] build() {
        // layout: header, pixel blocks, out-of-line values, IFD
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[8]);
        long[] blockOffsets = new long[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            blockOffsets[i] = body.size();
            body.writeBytes(blocks.get(i));
            if (body.size() % 2 == 1) {
                body.write(0);
            }
        }
        if (blockOfEntry != null) {
            long[] offsets = new long[blockOfEntry.length];
            long[] counts = new long[blockOfEntry.length];
            for (int i = 0; i < blockOfEntry.length; i++) {
                offsets[i] = blockOffsets[blockOfEntry[i]];
                counts[i] = blocks.get(blockOfEntry[i]).length;
            }
            tag(tiled ? 324 : 273, LONG, offsets);
            tag(tiled ? 325 : 279, LONG, counts);
        }
        Map<Integer, Long> outOfLine = new TreeMap<>();
        for (Map.Entry<Integer, Field> entry : fields.entrySet()) {
            byte[] bytes = valueBytes(entry.getValue());
            if (bytes.length > 4) {
                outOfLine.put(entry.getKey(), (long) body.size());
                body.writeBytes(bytes);
                if (body.size() % 2 == 1) {
                    body.write(0);
                }
            }
        }
        long ifdOffset = body.size();
        ByteBuffer ifd = ByteBuffer.allocate(2 + fields.size() * 12 + 4).order(order);
        ifd.putShort((short) fields.size());
        for (Map.Entry<Integer, Field> entry : fields.entrySet()) {
            Field field = entry.getValue();
            ifd.putShort(entry.getKey().shortValue()).putShort((short) field.type()).putInt((int) field.count());
            byte[] bytes = valueBytes(field);
            if (bytes.length > 4) {
                ifd.putInt(outOfLine.get(entry.getKey()).intValue());
            } else {
                ifd.put(java.util.Arrays.copyOf(bytes, 4));
            }
        }
        ifd.putInt(0);
        body.writeBytes(ifd.array());
        byte[] file = body.toByteArray();
        ByteBuffer header = ByteBuffer.wrap(file, 0, 8).order(order);
        header.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M')
                .put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M').putShort((short) 42)
                .putInt((int) ifdOffset);
        return file;
    }

    private byte[] valueBytes(Field field) {
        int size = switch (field.type()) {
            case BYTE, ASCII -> 1;
            case SHORT -> 2;
            case RATIONAL -> 8;
            default -> 4;
        };
        ByteBuffer buffer = ByteBuffer.allocate(field.values().length * size).order(order);
        for (long value : field.values()) {
            switch (field.type()) {
                case BYTE, ASCII -> buffer.put((byte) value);
                case SHORT -> buffer.putShort((short) value);
                case RATIONAL -> buffer.putInt((int) value).putInt(1);
                default -> buffer.putInt((int) value);
            }
        }
        return buffer.array();
    }

    /** Deflate (zlib) of {@code count} copies of {@code value}, streamed so that gigabytes need no memory. */
    static byte[] deflateOf(long count, byte value) {
        return deflateOf(count, value, Deflater.BEST_COMPRESSION);
    }

    /** As {@link #deflateOf(long, byte)} at a chosen level: the fastest one keeps a 400 MB bomb quick to build. */
    static byte[] deflateOf(long count, byte value, int level) {
        Deflater deflater = new Deflater(level);
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, value);
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            deflater.setInput(chunk, 0, n);
            left -= n;
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    static int[] zeros(int n) {
        return new int[n];
    }
}
