package org.histoscope.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.histoscope.platform.BackgroundPriority;

/**
 * This JVM's threads as Linux sees them ({@code /proc/self/task}): the native threads of libraries (ONNX Runtime's
 * pool) too, which carry the name of the thread that created them. Empty where there is no {@code /proc}.
 */
public final class NativeThreads {

    /** A thread's name (at most 15 characters, as Linux keeps it) and nice value. */
    public record NativeThread(String name, int nice) {
    }

    private NativeThreads() {
    }

    public static List<NativeThread> ofThisProcess() throws IOException {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(tasks)) {
            return list.flatMap(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    return BackgroundPriority.niceOf(task.resolve("stat")).stream()
                            .mapToObj(nice -> new NativeThread(name, nice));
                } catch (IOException gone) {
                    return Stream.empty(); // the thread ended meanwhile
                }
            }).toList();
        }
    }

    /** The nice value this process's background threads get with the given setting. */
    public static int backgroundNice(int setting) {
        return Math.min(19, BackgroundPriority.niceOf(Path.of("/proc/self/stat")).orElseThrow() + setting);
    }
}
