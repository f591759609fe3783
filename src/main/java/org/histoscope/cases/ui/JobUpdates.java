package org.histoscope.cases.ui;

import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.histoscope.cases.internal.JobChanged;
import org.histoscope.cases.JobSummary;
import org.histoscope.platform.Unguarded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The UI side of {@link JobChanged}: open views subscribe here for committed job changes, which reach them on a
 * thread of their own, so a job never waits for a browser. A view whose update fails is logged and the others
 * still hear about the change. The case view also re-reads the job table while jobs are pending, which covers jobs
 * that another node ran.
 */
@Component
@Unguarded("every view may hear of job changes; what it then shows is read through the guarded services")
public class JobUpdates {

    private static final Logger log = LoggerFactory.getLogger(JobUpdates.class);

    private final List<Consumer<JobSummary>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "job-updates");
        thread.setDaemon(true);
        return thread;
    });

    /** The listener hears every committed job change until the registration is removed (on the view's detach). */
    public Registration subscribe(Consumer<JobSummary> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(JobChanged change) {
        if (dispatcher.isShutdown()) {
            return; // the application is stopping: no view is left to update, and the job's own work is committed
        }
        try {
            dispatcher.execute(() -> dispatch(change.job()));
        } catch (RejectedExecutionException stoppedMeanwhile) {
            log.debug("Job {} changed while the application stopped; no view updated", change.job().id());
        }
    }

    private void dispatch(JobSummary job) {
        for (Consumer<JobSummary> listener : listeners) {
            try {
                listener.accept(job);
            } catch (RuntimeException e) {
                log.warn("A view failed to take the update of job {}", job.id(), e);
            }
        }
    }

    @PreDestroy
    void stop() {
        dispatcher.shutdownNow();
    }
}
