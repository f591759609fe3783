package org.histoscope.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Files an integration might send by mistake or on purpose; each must be refused without storing anything. */
final class HostileFiles {

    private HostileFiles() {
    }

    static Map<String, byte[]> all(byte[] validPng) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("empty.png", new byte[0]);
        files.put("script.png", "<script>alert(1)</script>\n#!/bin/sh\nrm -rf /\n".getBytes(StandardCharsets.UTF_8));
        files.put("../../etc/passwd", "root:x:0:0:root:/root:/bin/bash\n".getBytes(StandardCharsets.UTF_8));
        files.put("truncated.png", Arrays.copyOf(validPng, validPng.length / 3));
        files.put("bomb.png", pngWithHeader(100_000, 100_000));
        files.put("zero-size.png", pngWithHeader(0, 0));
        files.put("bomb.tif", tiffHeader(100_000, 100_000));
        return files;
    }

    /** A PNG whose IHDR declares the given size with a correct CRC, then a tiny IDAT and IEND. */
    static byte[] pngWithHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[16]);
        deflater.finish();
        byte[] idat = new byte[64];
        int length = deflater.deflate(idat);
        ByteBuffer out = ByteBuffer.allocate(8 + 25 + 12 + length + 12);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", Arrays.copyOf(idat, length));
        chunk(out, "IEND", new byte[0]);
        return out.array();
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        out.putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data).putInt((int) crc.getValue());
    }

    /** A little-endian baseline TIFF header declaring width x height 8-bit grey with one tiny strip. */
    static byte[] tiffHeader(int width, int height) {
        int[][] tags = {{256, width}, {257, height}, {258, 8}, {259, 1}, {262, 1}, {273, 8 + 2 + 9 * 12 + 4},
                {277, 1}, {278, height}, {279, 16}};
        ByteBuffer out = ByteBuffer.allocate(8 + 2 + tags.length * 12 + 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        out.putShort((short) tags.length);
        for (int[] tag : tags) {
            out.putShort((short) tag[0]).putShort((short) 4).putInt(1).putInt(tag[1]);
        }
        out.putInt(0);
        return out.array();
    }
}
