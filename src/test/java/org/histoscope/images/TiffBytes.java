package org.histoscope.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/** Builds minimal little-endian TIFF files by hand, to forge headers no writer would produce. */
final class TiffBytes {

    /** Tags the TIFF specification defines as SHORT only (BitsPerSample, Compression, Photometric, SamplesPerPixel). */
    private static final java.util.Set<Integer> SHORT_TAGS = java.util.Set.of(258, 259, 262, 277, 284, 296);

    private final Map<Integer, Long> longTags = new TreeMap<>();
    private byte[] imageData = new byte[0];

    TiffBytes tag(int number, long value) {
        longTags.put(number, value);
        return this;
    }

    TiffBytes data(byte[] data) {
        this.imageData = data;
        return this;
    }

    /** One strip of {@link #data} after the IFD; StripOffsets (273) is filled in. */
    byte[] build() {
        Map<Integer, Long> tags = new TreeMap<>(longTags);
        tags.put(273, 0L);
        tags.putIfAbsent(279, (long) imageData.length);
        int ifdSize = 2 + tags.size() * 12 + 4;
        int dataOffset = 8 + ifdSize;
        tags.put(273, (long) dataOffset);
        ByteBuffer buffer = ByteBuffer.allocate(dataOffset + imageData.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        buffer.putShort((short) tags.size());
        for (Map.Entry<Integer, Long> tag : tags.entrySet()) {
            if (SHORT_TAGS.contains(tag.getKey())) {
                buffer.putShort(tag.getKey().shortValue()).putShort((short) 3).putInt(1)
                        .putShort(tag.getValue().shortValue()).putShort((short) 0);
            } else {
                buffer.putShort(tag.getKey().shortValue()).putShort((short) 4).putInt(1).putInt(tag.getValue().intValue());
            }
        }
        buffer.putInt(0);
        buffer.put(imageData);
        return buffer.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
