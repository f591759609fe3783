package org.histoscope.images.internal;

import org.histoscope.platform.PeopleText;
import static org.histoscope.images.ImageRejectedException.Reason.CORRUPT;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.Map;
import org.histoscope.images.ImageRejectedException;

/**
 * Walks the chain of pages (IFDs) of a classic or Big TIFF by their offsets alone, before any decoder sees it, so
 * that a chain that points back to an earlier page is reported as the loop it is (decoders would walk it forever or
 * stop at an arbitrary page count).
 */
public final class TiffPageChain {

    private TiffPageChain() {
    }

    /** @param maxPages the walk stops after this many pages; the page limit itself is the decoder's check */
    public static void checkNoLoop(FileChannel channel, long size, int maxPages) throws IOException {
        ByteBuffer header = read(channel, 0, 16);
        if (header.remaining() < 8) {
            return;
        }
        header.order(header.get(0) == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        boolean big = header.getShort(2) == 43;
        if (big && header.remaining() < 16) {
            return;
        }
        long offset = big ? header.getLong(8) : Integer.toUnsignedLong(header.getInt(4));
        Map<Long, Integer> pageAt = new HashMap<>();
        for (int page = 0; offset != 0 && page <= maxPages; page++) {
            Integer earlier = pageAt.putIfAbsent(offset, page);
            if (earlier != null) {
                throw new ImageRejectedException(CORRUPT, PeopleText.of(
                        "refusal.images.tiff-page-chain-loops", String.valueOf(page), String.valueOf(earlier + 1)));
            }
            if (offset < 8 || offset >= size) {
                return; // a dangling pointer is the decoder's to judge
            }
            ByteBuffer count = read(channel, offset, big ? 8 : 2).order(header.order());
            if (count.remaining() < (big ? 8 : 2)) {
                return;
            }
            long entries = big ? count.getLong(0) : Short.toUnsignedInt(count.getShort(0));
            if (entries < 0 || entries > 100_000) {
                return;
            }
            long next = offset + (big ? 8 + entries * 20 : 2 + entries * 12);
            ByteBuffer pointer = read(channel, next, big ? 8 : 4).order(header.order());
            if (pointer.remaining() < (big ? 8 : 4)) {
                return;
            }
            offset = big ? pointer.getLong(0) : Integer.toUnsignedLong(pointer.getInt(0));
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // keep reading until full or end of file
        }
        buffer.flip();
        return buffer;
    }
}
