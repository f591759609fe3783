package org.histoscope.platform.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the embedded database's folder after a crash. When the application is killed (kill -9, a crash), the
 * PostgreSQL server it started keeps running without it and keeps the folder locked (postmaster.pid), so the next
 * start would wait for a server that can never start. Such a server is stopped, cleanly, by the pid its lock file
 * names, and only when it is ours: a postgres process of this user, serving this folder, whose parent (the
 * application that started it) is gone. The server's own parent process says nothing here (it is started through
 * pg_ctl, which exits at once), so "the application is gone" is read from the lock the application holds on the
 * folder's epg-lock file while it runs, which the operating system releases when the application dies. A server
 * that a running application still uses is left alone, with a message saying so.
 */
final class StalePostmaster {

    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {
    }

    /**
     * @param wait how long the stale server may take to shut down (it finishes writing what it holds)
     * @throws IllegalStateException with a message for the operator when the folder is in use or cannot be freed
     */
    static void stopIfOrphaned(Path dataDirectory, Duration wait) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        Optional<ProcessHandle> server = postmasterOf(pidFile, dataDirectory);
        if (server.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = server.get();
        Optional<ProcessHandle> parent = postmaster.parent().filter(ProcessHandle::isAlive).filter(StalePostmaster::isJava);
        if (parent.isPresent() || applicationHoldsFolder(dataDirectory)) {
            throw new IllegalStateException("The database folder " + dataDirectory + " is in use by PostgreSQL (pid "
                    + postmaster.pid() + ") of another running Histoscope" + parent.map(p -> " (pid " + p.pid() + ")")
                    .orElse("") + ". Stop that one first, or give this one its own folder (HISTOSCOPE_DATA_DIR).");
        }
        log.warn("PostgreSQL (pid {}) of an earlier run that ended without stopping it still holds {}; stopping it",
                postmaster.pid(), dataDirectory);
        // SIGTERM: a "smart" shutdown, which the dead application's connections do not hold up
        postmaster.destroy();
        if (!exited(postmaster, wait.dividedBy(2))) {
            signal(postmaster, "INT"); // "fast" shutdown: still clean, rolls back whatever was left open
        }
        if (!exited(postmaster, wait.dividedBy(2))) {
            throw new IllegalStateException("PostgreSQL (pid " + postmaster.pid() + ") of an earlier run still holds "
                    + dataDirectory + " and did not stop within " + wait.toSeconds() + " s. Stop it (kill "
                    + postmaster.pid() + ") and start again.");
        }
        log.info("The earlier PostgreSQL (pid {}) has stopped; starting the database again", postmaster.pid());
    }

    /** The live postgres server that the lock file names for this folder, if any; a stale file is removed. */
    private static Optional<ProcessHandle> postmasterOf(Path pidFile, Path dataDirectory) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            lines = Files.readAllLines(pidFile);
        } catch (IOException e) {
            return Optional.empty(); // PostgreSQL reports an unreadable lock file itself
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return Optional.empty(); // the machine lost power: PostgreSQL removes its stale file and recovers
        }
        if (!isPostgres(process.get()) || !sameUser(process.get())) {
            // after a reboot the pid may belong to an unrelated process, which PostgreSQL would take for itself
            log.warn("Removing the stale lock file {}: its pid {} is no longer a PostgreSQL server", pidFile, pid);
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot remove the stale lock file " + pidFile + ": " + e.getMessage(), e);
            }
            return Optional.empty();
        }
        if (lines.size() > 1 && !sameFolder(Path.of(lines.get(1).trim()), dataDirectory)) {
            throw new IllegalStateException("The lock file " + pidFile + " names another folder (" + lines.get(1).trim()
                    + "); was the folder copied while PostgreSQL was running? Check it and remove the file.");
        }
        return process;
    }

    /** True while a live application (this one or another) holds the embedded database's lock on the folder. */
    private static boolean applicationHoldsFolder(Path dataDirectory) {
        Path lockFile = dataDirectory.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very JVM
        } catch (IOException e) {
            return true; // cannot tell: leave the server alone
        }
    }

    private static boolean exited(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void signal(ProcessHandle process, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("Could not send SIG{} to {}: {}", signal, process.pid(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(command -> Path.of(command).getFileName().toString())
                .map(name -> name.equals("postgres") || name.equals("postmaster")).orElse(false);
    }

    private static boolean isJava(ProcessHandle process) {
        return process.info().command().map(command -> Path.of(command).getFileName().toString())
                .map(name -> name.equals("java")).orElse(false);
    }

    private static boolean sameUser(ProcessHandle process) {
        return process.info().user().map(user -> user.equals(System.getProperty("user.name"))).orElse(false);
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
