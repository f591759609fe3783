package org.histoscope.inference.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Stores tile probabilities losslessly: the float32 bit patterns (NaN included), little-endian, deflated. Background
 * tiles are one repeated NaN pattern, so a slide of mostly glass stores small.
 */
final class TileGridCodec {

    static final String ENCODING = "float32-le-deflate";

    private TileGridCodec() {
    }

    static byte[] encode(float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            raw.putInt(Float.floatToRawIntBits(value));
        }
        return deflate(raw.array());
    }

    /** Per-tile flags, one byte a tile, deflated (mostly zeros: small). */
    static byte[] encodeFlags(byte[] flags) {
        return deflate(flags);
    }

    static byte[] decodeFlags(byte[] encoded, int count) {
        return inflate(encoded, count);
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] encoded, int length) {
        byte[] raw = new byte[length];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(encoded);
            int filled = 0;
            while (filled < raw.length && !inflater.finished()) {
                int n = inflater.inflate(raw, filled, raw.length - filled);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                filled += n;
            }
            if (filled != raw.length || !inflater.finished()) {
                throw new IllegalStateException("Stored tile grid is damaged: " + filled + " of " + raw.length
                        + " bytes");
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("Stored tile grid is damaged", e);
        } finally {
            inflater.end();
        }
        return raw;
    }

    static float[] decode(byte[] encoded, int count) {
        byte[] raw = inflate(encoded, count * Float.BYTES);
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = Float.intBitsToFloat(buffer.getInt());
        }
        return values;
    }
}
