package org.histoscope.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.histoscope.testsupport.NativeThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundPriorityTest {

    private static void runToTheEnd(Thread thread) {
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int niceSeenBy(BackgroundPriority priority) {
        AtomicInteger seen = new AtomicInteger(Integer.MIN_VALUE);
        runToTheEnd(priority.threads("background-test")
                .newThread(() -> seen.set(BackgroundPriority.niceOfCurrentThread().orElseThrow())));
        return seen.get();
    }

    @Test
    void backgroundThreadsRunTenStepsBelowTheProcessAndTheThreadsTheyStartInheritIt() throws Exception {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        int caller = BackgroundPriority.niceOfCurrentThread().orElseThrow();
        AtomicInteger own = new AtomicInteger();
        AtomicInteger child = new AtomicInteger();
        Thread thread = new BackgroundPriority(10).threads("background-test").newThread(() -> {
            own.set(BackgroundPriority.niceOfCurrentThread().orElseThrow());
            runToTheEnd(new Thread(() -> child.set(BackgroundPriority.niceOfCurrentThread().orElseThrow())));
        });
        runToTheEnd(thread);

        assertThat(own.get()).isEqualTo(NativeThreads.backgroundNice(10));
        assertThat(child.get()).isEqualTo(own.get());
        assertThat(BackgroundPriority.niceOfCurrentThread().orElseThrow()).as("the caller is not lowered").isEqualTo(caller);
    }

    @Test
    void aBackgroundThreadStartedByABackgroundThreadIsNotLoweredTwice() throws Exception {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        BackgroundPriority priority = new BackgroundPriority(5);
        AtomicInteger inner = new AtomicInteger();
        runToTheEnd(priority.threads("outer").newThread(() -> runToTheEnd(priority.threads("inner")
                .newThread(() -> inner.set(BackgroundPriority.niceOfCurrentThread().orElseThrow())))));

        assertThat(inner.get()).isEqualTo(NativeThreads.backgroundNice(5));
    }

    @Test
    void switchedOffThreadsKeepTheCallersPriority() throws Exception {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        int caller = BackgroundPriority.niceOfCurrentThread().orElseThrow();

        assertThat(niceSeenBy(BackgroundPriority.off())).isEqualTo(caller);
        assertThat(niceSeenBy(new BackgroundPriority(0))).isEqualTo(caller);
    }

    @Test
    void workCalledOnABackgroundThreadRunsThereAndGivesItsResultOrItsFailure() throws Exception {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        BackgroundPriority priority = new BackgroundPriority(10);
        AtomicReference<String> thread = new AtomicReference<>();

        int nice = priority.callOnBackgroundThread("loader", () -> {
            thread.set(Thread.currentThread().getName());
            return BackgroundPriority.niceOfCurrentThread().orElseThrow();
        });

        assertThat(nice).isEqualTo(NativeThreads.backgroundNice(10));
        assertThat(thread.get()).startsWith("loader-");
        assertThatThrownBy(() -> priority.callOnBackgroundThread("loader", () -> {
            throw new IllegalArgumentException("the model is broken");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("the model is broken");
    }

    @Test
    void theNiceValueIsReadAfterTheCommandEvenWhenTheCommandHasSpacesAndParentheses(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (tile (decoder) 1) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 1 0 0 30 10 12 0 "
                + "1234 0 0\n");

        assertThat(BackgroundPriority.niceOf(stat)).isEqualTo(OptionalInt.of(10));
        assertThat(BackgroundPriority.niceOf(dir.resolve("missing"))).isEmpty();
    }
}
