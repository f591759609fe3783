package org.histoscope.platform;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the work nobody is waiting for at the screen (the job queue, patch explanations, the model runtime's own
 * threads) at a lower CPU priority than people's requests, so that a burst of predictions does not make a page or an
 * API read wait for the CPU (issue #28: on two cores, reads waited about a second under load). The work is not
 * slowed when the CPU is free: a nice value only weighs threads that compete.
 * <p>
 * On Linux the nice value belongs to each thread and a thread inherits it from the thread that creates it, so a
 * thread made here, and every thread it starts (the tile decoder, ONNX Runtime's intra-op pool when a session is
 * created on it), runs at the lower priority. Raising a nice value needs no privilege, lowering it again does, which is
 * why only threads of background work are ever lowered. Elsewhere, or with {@code histoscope.background-work.nice=0},
 * threads keep the normal priority. The application's instance is a bean ({@code platform.internal.BackgroundJobThreads}).
 */
public class BackgroundPriority {

    private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
    /** setpriority(2)'s PRIO_PROCESS; with who = 0, Linux applies it to the calling thread alone. */
    private static final int PRIO_PROCESS = 0;
    private static final int NORMAL = 0;

    private final int nice;
    /** The nice value background threads get: the process's own (read once, at start) plus {@link #nice}. */
    private final int target;

    /** @param nice how many nice steps below the process's own priority background threads run (0 to 19) */
    public BackgroundPriority(int nice) {
        this.nice = Math.max(NORMAL, Math.min(19, nice));
        this.target = this.nice == NORMAL ? NORMAL
                : Math.min(19, niceOf(Path.of("/proc/self/stat")).orElse(NORMAL) + this.nice);
    }

    /** Background threads keep the normal priority: for tools and tests that build services by hand. */
    public static BackgroundPriority off() {
        return new BackgroundPriority(NORMAL);
    }

    /** Daemon threads named {@code name-N} that run at the background priority. */
    public ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(() -> {
                lowerCurrentThread();
                work.run();
            }, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Runs {@code work} on a new thread at the background priority and returns its result: for work that starts
     * threads of its own, which inherit that priority (an ONNX Runtime session's intra-op pool).
     */
    public <T> T callOnBackgroundThread(String name, Callable<T> work) {
        if (nice == NORMAL) {
            return callHere(work);
        }
        FutureTask<T> task = new FutureTask<>(work);
        threads(name).newThread(task).start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /**
     * Lowers the calling thread, for good, to the process's own nice value plus the configured steps (at most 19): call it
     * only on a thread that does background work from now on. A thread already that low, for instance one started by
     * a background thread, is left as it is, and no thread is ever raised above the process's priority.
     */
    public void lowerCurrentThread() {
        if (nice == NORMAL || !Platform.isLinux()) {
            return;
        }
        if (niceOfCurrentThread().orElse(NORMAL) >= target) {
            return;
        }
        try {
            if (LibC.INSTANCE.setpriority(PRIO_PROCESS, 0, target) != 0) {
                log.warn("Could not lower the priority of thread {} (errno {}); it keeps the normal priority",
                        Thread.currentThread().getName(), Native.getLastError());
            }
        } catch (LinkageError e) {
            log.warn("Could not lower the priority of thread {}: the C library is not reachable through JNA",
                    Thread.currentThread().getName());
        }
    }

    /** The calling thread's nice value, where the system shows it (Linux: {@code /proc/thread-self/stat}). */
    public static OptionalInt niceOfCurrentThread() {
        return niceOf(Path.of("/proc/thread-self/stat"));
    }

    /** The nice value in a {@code /proc/.../stat} file: the 19th field, counted after the command in parentheses. */
    public static OptionalInt niceOf(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] afterCommand = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(afterCommand[16]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static <T> T callHere(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw rethrown(e);
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load(Platform.C_LIBRARY_NAME, LibC.class);

        int setpriority(int which, int who, int prio);
    }
}
