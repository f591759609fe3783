package org.histoscope.benchmark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.Deflater;

/**
 * Writes huge RGB tiled, Deflate-compressed TIFFs tile by tile (the pixels come from a callback), so a 30000 x 30000
 * test slide is produced without ever holding it in memory.
 */
final class TiledTiffWriter {

    interface TileSource {
        /** Fills {@code rgb} (tile x tile x 3 bytes) for the tile whose top-left corner is (left, top). */
        void fill(int left, int top, int tile, byte[] rgb);
    }

    private TiledTiffWriter() {
    }

    static void write(Path file, int width, int height, int tile, TileSource source) throws IOException {
        int across = (width + tile - 1) / tile;
        int down = (height + tile - 1) / tile;
        int tiles = across * down;
        long[] offsets = new long[tiles];
        long[] counts = new long[tiles];
        byte[] rgb = new byte[tile * tile * 3];
        byte[] compressed = new byte[rgb.length + 1024];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(new byte[8]));
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            for (int t = 0; t < tiles; t++) {
                source.fill((t % across) * tile, (t / across) * tile, tile, rgb);
                deflater.reset();
                deflater.setInput(rgb);
                deflater.finish();
                int length = deflater.deflate(compressed);
                offsets[t] = channel.position();
                counts[t] = length;
                channel.write(ByteBuffer.wrap(compressed, 0, length));
            }
            deflater.end();
            long arrays = channel.position();
            ByteBuffer data = ByteBuffer.allocate(tiles * 8 + 6).order(ByteOrder.LITTLE_ENDIAN);
            for (long offset : offsets) {
                data.putInt((int) offset);
            }
            for (long count : counts) {
                data.putInt((int) count);
            }
            data.putShort((short) 8).putShort((short) 8).putShort((short) 8);
            data.flip();
            channel.write(data);
            long bitsPerSample = arrays + tiles * 8L;
            long ifd = channel.position();
            int[][] entries = {
                    {256, 4, 1, width}, {257, 4, 1, height}, {258, 3, 3, (int) bitsPerSample}, {259, 3, 1, 8},
                    {262, 3, 1, 2}, {277, 3, 1, 3}, {284, 3, 1, 1}, {322, 4, 1, tile}, {323, 4, 1, tile},
                    {324, 4, tiles, (int) arrays}, {325, 4, tiles, (int) (arrays + tiles * 4L)}};
            ByteBuffer directory = ByteBuffer.allocate(2 + entries.length * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
            directory.putShort((short) entries.length);
            for (int[] e : entries) {
                directory.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
                if (e[1] == 3 && e[2] == 1) {
                    directory.putShort((short) e[3]).putShort((short) 0);
                } else {
                    directory.putInt(e[3]);
                }
            }
            directory.putInt(0).flip();
            channel.write(directory);
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            header.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt((int) ifd).flip();
            channel.write(header, 0);
        }
    }
}
